"""Figures: image grids, labelled strips (progression across epochs, interpolations, triplets) and loss curves."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from avatargan import pixels
from avatargan.io_utils import atomic_path

PAD = 2
BACKGROUND = (255, 255, 255)


def to_uint8(images: torch.Tensor | np.ndarray) -> np.ndarray:
    """N×3×H×W floats in [-1, 1] (or uint8) → N×H×W×3 uint8."""
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu()
        if images.dtype != torch.uint8:
            images = pixels.to_uint8(images)
        images = images.numpy()
    if images.ndim == 4 and images.shape[1] == 3 and images.shape[-1] != 3:
        images = images.transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images)


def grid(images: torch.Tensor | np.ndarray, nrow: int | None = None, pad: int = PAD) -> Image.Image:
    """Tile images row by row, `nrow` per row (default: as square as possible)."""
    arr = to_uint8(images)
    n, h, w, _ = arr.shape
    nrow = nrow or max(1, math.ceil(math.sqrt(n)))
    rows = math.ceil(n / nrow)
    canvas = np.full((rows * (h + pad) + pad, nrow * (w + pad) + pad, 3), BACKGROUND, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, nrow)
        y, x = pad + r * (h + pad), pad + c * (w + pad)
        canvas[y : y + h, x : x + w] = arr[i]
    return Image.fromarray(canvas)


def save_image(img: Image.Image, path: Path) -> Path:
    """Save a PNG (or GIF/JPEG by suffix) atomically."""
    path = Path(path)
    fmt = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}.get(
        path.suffix.lower(), "PNG"
    )
    with atomic_path(path) as tmp:
        img.save(tmp, format=fmt)
    return path


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has no sized default font
        return ImageFont.load_default()


def labelled_columns(columns: Sequence[tuple[str, torch.Tensor | np.ndarray]], scale: int = 1) -> Image.Image:
    """Columns of images side by side, each titled: the report's progression strip and comparison sheets.
    Each column is (title, N×... images); row i of the sheet shows image i of every column."""
    arrays = [to_uint8(imgs) for _, imgs in columns]
    n = max(a.shape[0] for a in arrays)
    h, w = arrays[0].shape[1] * scale, arrays[0].shape[2] * scale
    font_size = max(10, min(18, w // 6))
    header = font_size + 2 * PAD + 4
    canvas = Image.new("RGB", (len(columns) * (w + PAD) + PAD, header + n * (h + PAD) + PAD), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    font = _font(font_size)
    for c, ((title, _), arr) in enumerate(zip(columns, arrays, strict=True)):
        x = PAD + c * (w + PAD)
        text_w = draw.textlength(title, font=font)
        draw.text((x + max(0, (w - text_w) / 2), PAD + 1), title, fill=(0, 0, 0), font=font)
        for r in range(arr.shape[0]):
            tile = Image.fromarray(arr[r])
            if scale != 1:
                tile = tile.resize((w, h), Image.Resampling.NEAREST)
            canvas.paste(tile, (x, header + r * (h + PAD)))
    return canvas


def smooth(values: Sequence[float], weight: float = 0.9) -> list[float]:
    """TensorBoard-style exponential smoothing with bias correction (so the start is not pulled to zero)."""
    out, last, norm = [], 0.0, 0.0
    for v in values:
        last = weight * last + (1 - weight) * v
        norm = weight * norm + (1 - weight)
        out.append(last / norm)
    return out


def step_plot() -> tuple[Any, Any]:
    """A new (figure, axes) for a value over training steps, drawn off-screen."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(5, 3.2), dpi=100)


def save_step_plot(fig: Any, ax: Any, title: str, path: Path) -> Path:
    """Title, step axis and grid, then write the PNG atomically and free the figure."""
    import matplotlib.pyplot as plt

    ax.set_title(title)
    ax.set_xlabel("step")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return Path(path)


def loss_curve(rows: list[dict[str, Any]], key: str, path: Path, title: str | None = None) -> Path:
    """One loss over steps: raw (faint) and smoothed, the way the report plots each of its losses."""
    pts = [(r["step"], r[key]) for r in rows if isinstance(r.get(key), int | float) and math.isfinite(r[key])]
    fig, ax = step_plot()
    if pts:
        steps, values = zip(*pts, strict=True)
        ax.plot(steps, values, color="tab:blue", alpha=0.3, linewidth=1, label="raw")
        ax.plot(steps, smooth(values), color="tab:blue", linewidth=2, label="smoothed")
        ax.legend(loc="best", fontsize=8)
    return save_step_plot(fig, ax, title or key, path)

"""Convert a whole image at its own size with a fully convolutional generator (`transfer --size native`).

The ResNet generators keep the input size only for sides that are multiples of 2**g_down, so each image is padded
on the right and bottom (mirrored, so no dark border leaks in) to the next multiple and the result cropped back.
Memory stays bounded: an image with a side beyond `tile` is converted in overlapping tile×tile pieces, one at a time,
blended with linear ramps across each overlap so no seam shows; the generator's memory is that of one tile, the rest
is the image itself: about 50 bytes per pixel (measured: 49 for a 4000×3000 photo; the uint8
and float copies, the blended output and its weights).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from PIL import Image

from avatargan.photo_options import OVERLAP, TILE
from avatargan.pixels import from_uint8, image_to_uint8
from avatargan.report.figures import to_uint8

#: a batch (N×3×H×W in [-1, 1], CPU) → the generator's output for it, same shape
Convert = Callable[[torch.Tensor], torch.Tensor]


def convert_padded(run: Convert, x: torch.Tensor, step: int) -> torch.Tensor:
    """`run` on N×3×H×W `x` padded up to multiples of `step`, cropped back to H×W."""
    h, w = x.shape[-2:]
    ph, pw = (-h) % step, (-w) % step
    if ph or pw:
        mode = "reflect" if ph < h and pw < w else "replicate"  # reflection needs the pad smaller than the side
        x = F.pad(x, (0, pw, 0, ph), mode=mode)
    return run(x)[..., :h, :w]


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of `tile` pixels covering `length`, neighbours sharing at least `overlap` pixels."""
    if length <= tile:
        return [0]
    stride = tile - overlap
    starts = list(range(0, length - tile, stride))
    return [*starts, length - tile]


def _ramp(n: int, overlap: int) -> torch.Tensor:
    """Blend weights along a tile's side: rising over the first `overlap` pixels, falling over the last."""
    i = torch.arange(n, dtype=torch.float32) + 0.5
    return torch.minimum(torch.ones(n), torch.minimum(i, n - i) / max(overlap, 1))


def convert_any_size(
    run: Convert, image: torch.Tensor, step: int, tile: int = TILE, overlap: int = OVERLAP
) -> torch.Tensor:
    """The generator's output for one 3×H×W image at its own size (see the module docstring)."""
    h, w = image.shape[-2:]
    tile = max(step, tile // step * step)
    if h <= tile and w <= tile:
        return convert_padded(run, image[None], step)[0]
    overlap = max(0, min(overlap, tile // 2))
    out = torch.zeros(3, h, w)
    total = torch.zeros(h, w)
    th, tw = min(tile, h), min(tile, w)
    weight = _ramp(th, overlap)[:, None] * _ramp(tw, overlap)[None, :]
    for y in tile_starts(h, tile, overlap):
        for x in tile_starts(w, tile, overlap):
            piece = convert_padded(run, image[None, :, y : y + th, x : x + tw], step)[0]
            out[:, y : y + th, x : x + tw] += piece * weight
            total[y : y + th, x : x + tw] += weight
    return out / total


def convert_image(run: Convert, img: Image.Image, step: int, tile: int = TILE) -> Image.Image:
    """`img` converted at its own size (RGB in, RGB out, same width and height)."""
    x = from_uint8(image_to_uint8(img.convert("RGB")))
    return Image.fromarray(to_uint8(convert_any_size(run, x, step, tile)[None])[0])

"""Using a trained noise → image generator: sample grids and interpolation between noises (spherical or linear)."""

from __future__ import annotations

from pathlib import Path

import torch
from PIL import Image
from torch import nn

from avatargan.blocks.precision import Updates
from avatargan.errors import UserError
from avatargan.hardware import resolve_precision
from avatargan.report.figures import grid, save_image, to_uint8
from avatargan.runtime import resolve_device
from avatargan.weights import family_spec, load_generators

INTERPOLATIONS = ("slerp", "linear")


def load_noise_generator(path: str | Path, device: str = "auto") -> tuple[nn.Module, dict]:
    """The single noise-driven generator of a run or weights file; transfer models are refused with a hint."""
    generators, meta = load_generators(path, resolve_device(device))
    spec = family_spec(meta)
    if spec.kind != "noise":
        raise UserError(
            f"{path} holds a {meta['model']['family']} model, which converts images rather than drawing "
            "from noise; use `avatargan transfer` with it"
        )
    return generators[spec.main_generator], meta


def noise(n: int, latent_dim: int, seed: int) -> torch.Tensor:
    """Standard normal noise from its own CPU generator, so a seed gives the same avatars on any device."""
    return torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed))


@torch.inference_mode()
def run_batched(g: nn.Module, inputs: torch.Tensor, batch_size: int, precision: str = "fp32") -> torch.Tensor:
    """`g` applied to `inputs` (noise or images, on the CPU) in batches on g's device, under inference mode and
    `precision`'s autocast (as `train --precision`; `auto` as `avatargan.hardware` decides); the outputs come back
    to the CPU."""
    device = next(g.parameters()).device
    with Updates(resolve_precision(precision, device).precision, device).autocast():
        return torch.cat(
            [g(inputs[i : i + batch_size].to(device)).float().cpu() for i in range(0, len(inputs), batch_size)]
        )


def generate(g: nn.Module, z: torch.Tensor, batch_size: int = 256, precision: str = "fp32") -> torch.Tensor:
    """Images (N×3×H×W in [-1, 1], on the CPU) for noise `z`, made in batches (see `run_batched`)."""
    return run_batched(g, z, batch_size, precision)


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation (White 2016): stays in the shell where Gaussian noise lives, unlike a straight line."""
    a_n, b_n = a / a.norm(dim=-1, keepdim=True), b / b.norm(dim=-1, keepdim=True)
    omega = torch.acos((a_n * b_n).sum(-1, keepdim=True).clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    return (torch.sin((1 - t) * omega) / so) * a + (torch.sin(t * omega) / so) * b


def check_interpolation(mode: str) -> None:
    """A UserError naming the choices unless `mode` is one of INTERPOLATIONS."""
    if mode not in INTERPOLATIONS:
        raise UserError(f"unknown interpolation {mode!r}; use one of {', '.join(INTERPOLATIONS)}")


def interpolation_noise(rows: int, steps: int, latent_dim: int, seed: int, mode: str = "slerp") -> torch.Tensor:
    """rows × steps noises: each row walks from one random noise to another in `steps` equal steps."""
    check_interpolation(mode)
    if steps < 2:
        raise UserError("--steps must be at least 2 (the two end points)")
    ends = noise(2 * rows, latent_dim, seed)
    a, b = ends[:rows, None, :], ends[rows:, None, :]
    t = torch.linspace(0, 1, steps)[None, :, None]
    z = slerp(a, b, t) if mode == "slerp" else a + (b - a) * t
    return z.reshape(rows * steps, latent_dim)


def walk_noise(points: int, frames_between: int, latent_dim: int, seed: int) -> torch.Tensor:
    """A closed spherical walk through `points` random noises, `frames_between` frames per leg (for a GIF)."""
    keys = noise(points, latent_dim, seed)
    t = torch.linspace(0, 1, frames_between + 1)[:-1, None]
    legs = [slerp(keys[i][None], keys[(i + 1) % points][None], t) for i in range(points)]
    return torch.cat(legs)


def write_grid(images: torch.Tensor, out: Path, nrow: int | None = None) -> Path:
    return save_image(grid(images, nrow=nrow), out)


def save_each(images: torch.Tensor, folder: Path, prefix: str = "avatar") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [save_image(Image.fromarray(a), folder / f"{prefix}-{i:05d}.png") for i, a in enumerate(to_uint8(images))]


def write_gif(images: torch.Tensor, out: Path, scale: int = 2, frame_ms: int = 60) -> Path:
    frames = [Image.fromarray(a) for a in to_uint8(images)]
    if scale != 1:
        frames = [f.resize((f.width * scale, f.height * scale), Image.Resampling.NEAREST) for f in frames]
    out.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(out, save_all=True, append_images=frames[1:], duration=frame_ms, loop=0)
    return out

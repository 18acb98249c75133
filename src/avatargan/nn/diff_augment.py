"""Differentiable augmentation of the discriminator's inputs (DiffAugment, Zhao et al. 2020).

A discriminator trained on few images memorises them and its feedback to the generator becomes useless. DiffAugment
shows D only augmented images, real and generated alike, and because every operation is differentiable the
generator still learns through them (its images are augmented in its own step too). The operations and ranges are
the paper's (images in [-1, 1]):

  color        brightness + U(−0.5, 0.5), saturation × U(0, 2), contrast × U(0.5, 1.5)
  translation  shift by up to 1/8 of the side in x and y, zero padding (the fraction is an option: a smaller
               shift costs the generator less of its faces' geometry, see `augment_shift`)
  cutout       a zero square of half the side at a random place

Each sample gets each operation with probability p (1 in the paper; adaptive augmentation moves p, see
`avatargan.blocks.ada`), so p = 0 is exactly the identity. Parameters are drawn once per call from the global
torch RNG (which checkpoints save, so a resumed run augments alike); `draw` + `apply` apply the very same
parameters to several batches when that is wanted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

OPERATIONS = ("color", "translation", "cutout")
#: config rule for a policy string: operations separated by commas, or empty / "none" for no augmentation
POLICY_REGEX = rf"|none|({'|'.join(OPERATIONS)})(,({'|'.join(OPERATIONS)}))*"
TRANSLATION_RATIO = 0.125
CUTOUT_RATIO = 0.5


def parse_policy(text: str) -> tuple[str, ...]:
    """`"color,translation"` → ("color", "translation"); "" and "none" → (); unknown names are a ValueError."""
    names = tuple(n.strip() for n in text.split(",") if n.strip() and n.strip() != "none")
    unknown = [n for n in names if n not in OPERATIONS]
    if unknown:
        raise ValueError(f"unknown augmentation(s) {', '.join(unknown)}; use {', '.join(OPERATIONS)}")
    return names


@dataclass
class AugmentParams:
    """Per-sample parameters of one draw; a sample an operation skips gets that operation's identity."""

    color: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor] | None = None  # on?, bright, sat, contrast
    shift: torch.Tensor | None = None  # N×2 integer pixel shifts (rows, columns); 0 where skipped
    cut: torch.Tensor | None = None  # N×H×W bool: pixels set to zero


def draw(
    policy: tuple[str, ...],
    n: int,
    height: int,
    width: int,
    p: float,
    device: torch.device,
    max_shift: float = TRANSLATION_RATIO,
) -> AugmentParams:
    """Random parameters for `n` images of `height`×`width`; each operation applies to a sample with prob. `p`;
    translation moves by up to `max_shift` of the side (rounded to whole pixels).
    The RNG is consumed alike whatever p is, so changing p never shifts the random stream of what follows."""
    params = AugmentParams()

    def chosen() -> torch.Tensor:
        return torch.rand(n, device=device) < p

    if "color" in policy:
        on = chosen().view(n, 1, 1, 1)
        brightness = torch.rand(n, 1, 1, 1, device=device) - 0.5
        saturation = torch.rand(n, 1, 1, 1, device=device) * 2
        contrast = torch.rand(n, 1, 1, 1, device=device) + 0.5
        params.color = (on, brightness, saturation, contrast)
    if "translation" in policy:
        on = chosen()
        limit = torch.tensor([int(height * max_shift + 0.5), int(width * max_shift + 0.5)], device=device)
        shift = torch.floor(torch.rand(n, 2, device=device) * (2 * limit + 1)).long() - limit
        params.shift = shift * on[:, None]
    if "cutout" in policy:
        on = chosen()
        size = (int(height * CUTOUT_RATIO + 0.5), int(width * CUTOUT_RATIO + 0.5))
        # the square's centre anywhere in the image, as the paper's code (odd sizes cannot reach the far edge)
        span = torch.tensor([height + (1 - size[0] % 2), width + (1 - size[1] % 2)], device=device)
        start = torch.floor(torch.rand(n, 2, device=device) * span).long() - torch.tensor(size, device=device) // 2
        rows = torch.arange(height, device=device)[None, :] - start[:, :1]
        cols = torch.arange(width, device=device)[None, :] - start[:, 1:]
        inside_r, inside_c = (rows >= 0) & (rows < size[0]), (cols >= 0) & (cols < size[1])
        params.cut = inside_r[:, :, None] & inside_c[:, None, :] & on[:, None, None]
    return params


def apply(x: torch.Tensor, params: AugmentParams) -> torch.Tensor:
    """The augmented batch (N×C×H×W); gradients flow to `x` through every operation."""
    if params.color is not None:
        x = _color(x, *params.color)
    if params.shift is not None:
        x = _Translate.apply(x, params.shift)
    if params.cut is not None:
        x = x * (~params.cut)[:, None].to(x.dtype)
    return x


def _color(
    x: torch.Tensor, on: torch.Tensor, brightness: torch.Tensor, saturation: torch.Tensor, contrast: torch.Tensor
) -> torch.Tensor:
    """The paper's three colour steps, folded into one affine map per image (fewer passes over the batch).

    The paper: y = x + b; y = (y − mean_c y)·s + mean_c y; y = (y − mean y)·k + mean y (mean_c over channels, mean
    over the whole image). Since mean_c y = mean_c x + b and the saturation step keeps the image mean (mean x + b),
    this is y = k·s·x + k·(1 − s)·mean_c x + (1 − k)·mean x + b. Where skipped, b = 0, s = k = 1 and the sum is
    exactly x (x·1 + 0 + 0 + 0).
    """
    b, s, k = (t.to(x.dtype) for t in (brightness * on, torch.where(on, saturation, 1), torch.where(on, contrast, 1)))
    per_pixel = x.mean(dim=1, keepdim=True) * (k * (1 - s))
    per_image = x.mean(dim=(1, 2, 3), keepdim=True) * (1 - k) + b
    return torch.addcmul(per_pixel + per_image, x, k * s)


def _shifted(x: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Output pixel (i, j) of image n reads input (i + dy, j + dx), dy, dx = shift[n]; outside the image it reads 0."""
    n, c, h, w = x.shape
    # indices into the image padded by one zero pixel on each side; a shift beyond it lands on the zero border
    rows = (torch.arange(h, device=x.device)[None, :] + shift[:, :1] + 1).clamp(0, h + 1)
    cols = (torch.arange(w, device=x.device)[None, :] + shift[:, 1:] + 1).clamp(0, w + 1)
    index = (rows[:, :, None] * (w + 2) + cols[:, None, :]).view(n, 1, h * w).expand(n, c, h * w)
    return F.pad(x, [1, 1, 1, 1]).flatten(2).gather(2, index).view(n, c, h, w)


class _Translate(torch.autograd.Function):
    """A zero-filled integer shift whose gradient is the opposite shift (also zero-filled): each input pixel feeds at
    most one output pixel. With autograd's backward of the gather (a scatter-add) the shift ran 4-5x slower on the CPU
    (forward + backward; benchmarks/diff_augment_speed.py)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(shift)
        return _shifted(x, shift)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        (shift,) = ctx.saved_tensors
        return _shifted(grad.contiguous(), -shift), None


def augment(
    x: torch.Tensor, policy: tuple[str, ...], p: float = 1.0, max_shift: float = TRANSLATION_RATIO
) -> torch.Tensor:
    """`x` augmented by `policy`, each operation applied to each sample with probability `p` (fresh parameters);
    translation by up to `max_shift` of the side."""
    if not policy or p <= 0:
        return x
    return apply(x, draw(policy, x.shape[0], x.shape[2], x.shape[3], p, x.device, max_shift))

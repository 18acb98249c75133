"""Differentiable augmentation of the discriminator's inputs (DiffAugment, Zhao et al. 2020).

A discriminator trained on few images memorises them and its feedback to the generator becomes useless. DiffAugment
shows D only augmented images, real and generated alike, and because every operation is differentiable the
generator still learns through them (its images are augmented in its own step too). The operations and ranges are
the paper's (images in [-1, 1]):

  color        brightness + U(−0.5, 0.5), saturation × U(0, 2), contrast × U(0.5, 1.5)
  translation  shift by up to 1/8 of the side in x and y, zero padding
  cutout       a zero square of half the side at a random place

Each sample gets each operation with probability p (1 in the paper; adaptive augmentation moves p, see
`avatargan.blocks.ada`), so p = 0 is exactly the identity. Parameters are drawn once per call from the global
torch RNG (which checkpoints save, so a resumed run augments alike); `draw` + `apply` apply the very same
parameters to several batches when that is wanted.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def draw(policy: tuple[str, ...], n: int, height: int, width: int, p: float, device: torch.device) -> AugmentParams:
    """Random parameters for `n` images of `height`×`width`; each operation applies to a sample with prob. `p`.
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
        limit = torch.tensor(
            [int(height * TRANSLATION_RATIO + 0.5), int(width * TRANSLATION_RATIO + 0.5)], device=device
        )
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
        on, brightness, saturation, contrast = (t.to(x.dtype) if t.is_floating_point() else t for t in params.color)
        y = x + brightness
        mean = y.mean(dim=1, keepdim=True)
        y = (y - mean) * saturation + mean
        mean = y.mean(dim=(1, 2, 3), keepdim=True)
        y = (y - mean) * contrast + mean
        x = torch.where(on, y, x)  # exactly x where skipped (the arithmetic above would round)
    if params.shift is not None:
        n, _, h, w = x.shape
        # output pixel (i, j) reads input (i + dy, j + dx); outside the image it reads the zero padding
        rows = (torch.arange(h, device=x.device)[None, :] + params.shift[:, :1] + 1).clamp(0, h + 1)
        cols = (torch.arange(w, device=x.device)[None, :] + params.shift[:, 1:] + 1).clamp(0, w + 1)
        padded = F.pad(x, [1, 1, 1, 1])
        batch = torch.arange(n, device=x.device)[:, None, None]
        x = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
    if params.cut is not None:
        x = x * (~params.cut)[:, None].to(x.dtype)
    return x


def augment(x: torch.Tensor, policy: tuple[str, ...], p: float = 1.0) -> torch.Tensor:
    """`x` augmented by `policy`, each operation applied to each sample with probability `p` (fresh parameters)."""
    if not policy or p <= 0:
        return x
    return apply(x, draw(policy, x.shape[0], x.shape[2], x.shape[3], p, x.device))

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
    """The augmented batch (N×C×H×W) in `x`'s dtype and memory format; gradients flow to `x` through every operation
    (colour, then translation, then cutout)."""
    if params.color is None and params.shift is None and params.cut is None:
        return x
    color = _color_coefficients(*params.color, _work_dtype(x.dtype)) if params.color is not None else (None,) * 4
    return _Augment.apply(x, *color, params.shift, params.cut)


def _color_coefficients(
    on: torch.Tensor, brightness: torch.Tensor, saturation: torch.Tensor, contrast: torch.Tensor, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The paper's three colour steps folded into one affine map per image: y = scale·x + channel_mix·mean_c x +
    image_mix·mean x + offset (N×1×1×1 each).

    The paper: y = x + b; y = (y − mean_c y)·s + mean_c y; y = (y − mean y)·k + mean y (mean_c over channels, mean
    over the whole image). Since mean_c y = mean_c x + b and the saturation step keeps the image mean (mean x + b),
    this is y = k·s·x + k·(1 − s)·mean_c x + (1 − k)·mean x + b. Where skipped, b = 0, s = k = 1 and the sum is
    exactly x (x·1 + 0 + 0 + 0).
    """
    b, s, k = (t.to(dtype) for t in (brightness * on, torch.where(on, saturation, 1), torch.where(on, contrast, 1)))
    return k * s, k * (1 - s), 1 - k, b


def _source_index(shift: torch.Tensor, cut: torch.Tensor | None, c: int, h: int, w: int) -> torch.Tensor:
    """N×C×(H·W) indices into the flattened images padded by one zero pixel on each side: output pixel (i, j) of image
    n reads input (i + dy, j + dx), dy, dx = shift[n]; a shift beyond the border, and a cut pixel, read the zero
    corner (index 0). One gather thus does translation and cutout together."""
    n = shift.shape[0]
    rows = (torch.arange(h, device=shift.device)[None, :] + shift[:, :1] + 1).clamp(0, h + 1)
    cols = (torch.arange(w, device=shift.device)[None, :] + shift[:, 1:] + 1).clamp(0, w + 1)
    index = rows[:, :, None] * (w + 2) + cols[:, None, :]
    if cut is not None:
        index = index * ~cut  # (a multiply: masked_fill measured 4× slower here)
    return index.view(n, 1, h * w).expand(n, c, h * w)


def _gather(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    n, c, h, w = x.shape
    return F.pad(x, [1, 1, 1, 1]).flatten(2).gather(2, index).view(n, c, h, w)


class _Augment(torch.autograd.Function):
    """Colour (an affine map per image, see `_color_coefficients`), translation with zero fill and cutout, in one
    function whose backward is written out; any of them may be None.

    Why by hand: autograd's backward of the gather is a scatter-add (the shift alone ran 4-5× slower that way,
    benchmarks/diff_augment_speed.py), and its backward of the means broadcasts gradients that are then added in
    place to the other branches'. Here each input pixel feeds at most one output pixel, so the gradient of
    translation + cutout is the opposite shift of the output gradient with its cut pixels zeroed (a gather again);
    the colour map's is scale·g + channel_mix/C·sum_c g + image_mix/(CHW)·sum g. The work is done in contiguous
    (NCHW) fp32 (fp64 stays fp64) whatever `x` is: the demo's generated images come as bf16 in channels_last, where
    these small kernels over 3 channels ran 2-3× slower. Measured against the autograd version on the demo's
    step: 1.10× the steps/s at one thread, no difference beyond the noise at two
    (benchmarks/results/2026-12-03-diff-augment-written-backward/).
    """

    @staticmethod
    def forward(
        ctx: Any,
        x: torch.Tensor,
        scale: torch.Tensor | None,
        channel_mix: torch.Tensor | None,
        image_mix: torch.Tensor | None,
        offset: torch.Tensor | None,
        shift: torch.Tensor | None,
        cut: torch.Tensor | None,
    ) -> torch.Tensor:
        ctx.dtype, ctx.layout = x.dtype, torch.channels_last if _is_channels_last(x) else torch.contiguous_format
        y = _to_layout(x, _work_dtype(x.dtype), torch.contiguous_format)
        if scale is not None:
            channel_mean = y.mean(dim=1, keepdim=True)
            per_pixel = channel_mean * channel_mix + (channel_mean.mean(dim=(2, 3), keepdim=True) * image_mix + offset)
            y = torch.addcmul(per_pixel, y, scale)
        if shift is not None or cut is not None:
            n, c, h, w = y.shape
            still = torch.zeros(n, 2, dtype=torch.long, device=y.device)
            y = _gather(y, _source_index(shift if shift is not None else still, cut, c, h, w))
        ctx.save_for_backward(scale, channel_mix, image_mix, shift, cut)
        return _to_layout(y, ctx.dtype, ctx.layout)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        scale, channel_mix, image_mix, shift, cut = ctx.saved_tensors
        g = _to_layout(grad, _work_dtype(ctx.dtype), torch.contiguous_format)
        _, c, h, w = g.shape
        if cut is not None:
            g = g * ~cut[:, None]
        if shift is not None:
            g = _gather(g, _source_index(-shift, None, c, h, w))
        if scale is not None:
            channel_sum = g.sum(dim=1, keepdim=True)
            image_sum = channel_sum.sum(dim=(2, 3), keepdim=True)
            g = torch.addcmul(channel_sum * (channel_mix / c) + image_sum * (image_mix / (c * h * w)), g, scale)
        return (_to_layout(g, ctx.dtype, ctx.layout),) + (None,) * 6


def _work_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype `_Augment` computes in for images of `dtype`: fp32, or fp64 for fp64 images."""
    return torch.promote_types(dtype, torch.float32)


def _is_channels_last(x: torch.Tensor) -> bool:
    return x.dim() == 4 and not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last)


def _to_layout(x: torch.Tensor, dtype: torch.dtype, layout: torch.memory_format) -> torch.Tensor:
    """`x` in `dtype` and `layout`, the layout changed in the wider of the two dtypes: on the CPU one `.to` doing
    both (bf16 channels_last ↔ fp32 NCHW, 3 channels) measured up to 2× slower than two steps."""
    if torch.promote_types(x.dtype, dtype) == dtype:
        return x.to(dtype).contiguous(memory_format=layout)
    return x.contiguous(memory_format=layout).to(dtype)


def augment(
    x: torch.Tensor, policy: tuple[str, ...], p: float = 1.0, max_shift: float = TRANSLATION_RATIO
) -> torch.Tensor:
    """`x` augmented by `policy`, each operation applied to each sample with probability `p` (fresh parameters);
    translation by up to `max_shift` of the side."""
    if not policy or p <= 0:
        return x
    return apply(x, draw(policy, x.shape[0], x.shape[2], x.shape[3], p, x.device, max_shift))

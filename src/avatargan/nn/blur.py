"""A fixed binomial low-pass for the generator's up-sampling layers (`model.g_blur`).

A 4×4, stride-2 transposed convolution paints each output pixel with one of four sub-kernels, so unless training
makes them equal it prints a pattern with a 2-pixel period: energy at the highest frequencies the image can hold.
Measured on a demo generator (7,000 steps; `benchmarks/spectrum.py`): its samples carry 13-14× the real faces'
power on the 2-pixel-period lines and ~600× on the checkerboard frequency, 1.9× in the ring of 24-32 cycles per
image, and within 3 % below that. Inception, which FID reads, notices such a pattern: a checkerboard of ±6 levels
(of 255) added to real faces raises their FID from 10 to 52 (`benchmarks/metric_floor.py --degrade`).

The filter [1, 2, 1] / 4 in each direction has zero response at the 2-pixel period and passes low frequencies, so a
generator trained through it cannot print that pattern, while it can still sharpen what lies below by learning to
pre-emphasise it (the filter is invertible there). StyleGAN (Karras et al. 2019) uses the same idea with its FIR
up-sampling filters ([1, 3, 3, 1]); the odd-length filter here keeps the image centred and the size unchanged.

Measured, it does what it says and does not pay (benchmarks/RESULTS.md, fourteenth session): after the RGB layer
(`output`) it removes the pattern (0.2-1.3× the real faces' power there) but FID got worse in both seeds tried
(+16, +24 against the demo's own seeds): removing the pattern does not lower the demo's FID. After every
doubling (`all`) the generator collapsed within 1,400 steps. Both stay options, off by default.

It is two 2×2 stride-1 average pools over an edge-replicated border: the same values as a 3×3 depthwise convolution
with the outer product of [1, 2, 1] / 4, without weights. The border is replicated with slices rather than `F.pad`,
which CPU autocast runs in fp32 (it would copy every bf16 activation to fp32 and back).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def replicate_border(x: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) → (N, C, H + 2, W + 2), the outermost rows and columns repeated once; keeps x's dtype."""
    x = torch.cat([x[..., :1, :], x, x[..., -1:, :]], dim=-2)
    return torch.cat([x[..., :1], x, x[..., -1:]], dim=-1)


class Blur(nn.Module):
    """Separable [1, 2, 1] / 4 low-pass, size-preserving, no parameters."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Two box filters of width 2 make the binomial filter of width 3 ([1, 1] * [1, 1] = [1, 2, 1]).
        return F.avg_pool2d(F.avg_pool2d(replicate_border(x), 2, 1), 2, 1)

"""Reflection padding that keeps bf16 activations bf16 and folds its gradient back cheaply.

Same values and gradients as `torch.nn.ReflectionPad2d`, faster in the two places the ResNet generators of
CycleGAN and CartoonGAN hit it (18 and 22 pads per generator pass):

* **Forward under autocast.** CPU autocast lists ``reflection_pad2d`` among its fp32 operations, so every bf16
  activation was copied to fp32, padded, and copied back to bf16 by the next convolution (and the same in backward).
  Padding only moves values, so running it in the input's dtype gives bit-identical results without the copies.
* **Backward.** ATen's ``reflection_pad2d_backward`` is slow on the CPU (0.77 ms per call in bf16 for a
  (4, 128, 32, 32) input in a profile of CycleGAN's step); its result is the interior of the incoming gradient plus
  the reflected border strips, which a few slices and in-place adds compute (the same values in fp32; in bf16 its
  rounding error against a float64 fold was no larger than ATen's).

Measured on a 2-vCPU AMD EPYC with AVX512-BF16 (2026-12-02, benchmarks/RESULTS.md): one layer's forward + backward
1.25-1.51× faster in fp32 and 1.51-2.56× in bf16 (`benchmarks/reflection_pad.py`); CycleGAN's bf16 training step
7-10 % faster; no change above the noise for CartoonGAN's step or in fp32 (`layout_choice.py --pytorch-pads`).

Without gradients (inference, export) it is the plain ATen pad.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _fold(grad: torch.Tensor, pad: int, dim: int) -> torch.Tensor:
    """The gradient of reflection padding along one dimension: the interior plus each border strip, mirrored."""
    n = grad.shape[dim] - 2 * pad
    out = grad.narrow(dim, pad, n).clone()
    # padded index j < pad copies input index pad - j; index n + pad + i copies input index n - 2 - i
    out.narrow(dim, 1, pad).add_(grad.narrow(dim, 0, pad).flip(dim))
    out.narrow(dim, n - 1 - pad, pad).add_(grad.narrow(dim, n + pad, pad).flip(dim))
    return out


def _pad(x: torch.Tensor, pad: int) -> torch.Tensor:
    with torch.autocast(x.device.type, enabled=False):  # keep the input's dtype (see the module docstring)
        return F.pad(x, (pad, pad, pad, pad), mode="reflect")


class _ReflectionPad(torch.autograd.Function):
    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, x: torch.Tensor, pad: int) -> torch.Tensor:
        ctx.pad = pad
        return _pad(x, pad)

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return _fold(_fold(grad, ctx.pad, 3), ctx.pad, 2), None


class ReflectionPad2d(nn.ReflectionPad2d):
    """`nn.ReflectionPad2d` with one padding on all four sides (see the module docstring for what differs)."""

    def __init__(self, padding: int) -> None:
        super().__init__(padding)  # stored as a 4-tuple of that one value

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad = self.padding[0]
        if torch.is_grad_enabled() and x.requires_grad:
            return _ReflectionPad.apply(x, pad)
        return _pad(x, pad)

"""Convolutions on small maps computed as one matrix product, where oneDNN's own kernels are slow.

On a CPU with AMX-BF16, oneDNN's bf16 convolution kernels reach a fraction of the tile units' speed on maps of 4×4
and less — DCGAN's last stages, where 128 images × 16 positions × 4,096 inputs is a large matrix product but a
small image: its weight gradient of D's 256 → 512 layer ran at ~190 GFLOP/s, where a plain matrix product of the same
size runs at ~900 (benchmarks/matmul_conv.py, benchmarks/RESULTS.md). So `Conv2d` / `ConvTranspose2d` here are
drop-in subclasses of torch's (same parameters, state dicts and init) that compute those layers as im2col + one
matrix product + col2im in the NHWC layout (`nn/im2col.py`), forward and backward, when `matmul_pays` says so, and
torch's convolution otherwise.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from avatargan.hardware import cpu_amx_bf16
from avatargan.nn import im2col

#: largest map (positions) on which the matrix product replaces oneDNN: a conv's output, a transposed conv's input
MAX_MAP = 16
#: smallest matrix product (multiply-adds of the forward pass) for which it pays: below, the gathers cost more than
#: oneDNN loses (DCGAN's 4×4 layers at three widths, with the one-copy gather on an AMX Xeon: 0.07 G 0.84-1.02×,
#: 0.54-0.60 G 1.29-1.68×, 4.3 G 2.50-3.25×; with the stacked gather before: 0.56-0.81×, 0.96-1.22×, 1.73-2.19×)
MIN_MACS = 500_000_000
#: whether a layer whose product needs no gather — a transposed conv on a 1×1 map (G's projection of the noise), a
#: conv whose one window is its whole input (D's verdict) — takes the matrix product at any size: oneDNN's kernels
#: for those shapes are slow (forward + backward on an AMX Xeon, DCGAN's three widths: the projection 2.4-8.0×, the
#: verdict 1.3-2.4× faster as a product; the paper G's generation 1.70× against oneDNN everywhere, 1.55× without
#: these two; benchmarks/matmul_conv.py, RESULTS.md)
GATHER_FREE = True


# The autograd functions return fresh tensors, never views: the NCHW views are taken outside (`conv2d_matmul`,
# `conv_transpose2d_matmul`), so that an in-place activation after the layer is legal.


class _ConvMatmul(torch.autograd.Function):
    """conv2d(x, w, b, stride, padding) as windows(x) @ wᵀ, an (N·rows·cols, O) matrix; the backward as two more."""

    @staticmethod
    @torch.amp.custom_fwd(device_type="cpu", cast_inputs=torch.bfloat16)
    def forward(ctx, x, w, b, stride: int, padding: int):  # noqa: ANN001, ANN205 (autograd's signature)
        n, c, h, width = x.shape
        o, _, k, _ = w.shape
        rows, cols = im2col.out_side(h, k, stride, padding), im2col.out_side(width, k, stride, padding)
        xp = F.pad(im2col.nhwc(x), (0, 0, padding, padding, padding, padding))
        windows = im2col.windows(xp, k, stride, rows, cols).reshape(n * rows * cols, k * k * c)
        wm = w.permute(0, 2, 3, 1).reshape(o, k * k * c)  # (O, kh, kw, C): the windows' order
        y = windows @ wm.t() if b is None else torch.addmm(b, windows, wm.t())
        ctx.save_for_backward(windows if ctx.needs_input_grad[1] else None, wm)
        ctx.shape = (n, c, h, width, k, stride, padding, rows, cols)
        return y

    @staticmethod
    @torch.amp.custom_bwd(device_type="cpu")
    def backward(ctx, gy):  # noqa: ANN001, ANN205
        windows, wm = ctx.saved_tensors
        n, c, h, width, k, stride, padding, rows, cols = ctx.shape
        gy = gy.to(wm.dtype)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            d = (gy @ wm).view(n, rows, cols, k * k, c)
            gxp = im2col.overlap_add(d, k, stride, h + 2 * padding, width + 2 * padding)
            gx = im2col.nchw(gxp[:, padding : padding + h, padding : padding + width, :])
        if ctx.needs_input_grad[1]:
            gw = (gy.t() @ windows).view(-1, k, k, c).permute(0, 3, 1, 2)
        if ctx.needs_input_grad[2]:
            gb = gy.sum(0)
        return gx, gw, gb, None, None


class _ConvTransposeMatmul(torch.autograd.Function):
    """conv_transpose2d(x, w, b, stride) before its padding is cropped: overlap_add(x @ w), an (N, (H−1)·s + k,
    (W−1)·s + k, Cout) map; the backward through windows of its gradient."""

    @staticmethod
    @torch.amp.custom_fwd(device_type="cpu", cast_inputs=torch.bfloat16)
    def forward(ctx, x, w, b, stride: int):  # noqa: ANN001, ANN205
        n, c, h, width = x.shape
        _, o, k, _ = w.shape
        wm = w.permute(0, 2, 3, 1).reshape(c, k * k * o)  # (Cin, kh, kw, Cout)
        xm = im2col.nhwc(x).reshape(n * h * width, c)
        full = im2col.overlap_add(
            (xm @ wm).view(n, h, width, k * k, o), k, stride, (h - 1) * stride + k, (width - 1) * stride + k
        )
        if b is not None:
            full += b
        ctx.save_for_backward(xm if ctx.needs_input_grad[1] else None, wm)
        ctx.shape = (n, c, h, width, k, stride)
        return full

    @staticmethod
    @torch.amp.custom_bwd(device_type="cpu")
    def backward(ctx, gfull):  # noqa: ANN001, ANN205
        xm, wm = ctx.saved_tensors
        n, c, h, width, k, stride = ctx.shape
        gwin = im2col.windows(gfull.to(wm.dtype), k, stride, h, width).reshape(n * h * width, -1)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            gx = im2col.nchw((gwin @ wm.t()).view(n, h, width, c))
        if ctx.needs_input_grad[1]:
            gw = (xm.t() @ gwin).view(c, k, k, -1).permute(0, 3, 1, 2)
        if ctx.needs_input_grad[2]:
            gb = gfull.sum((0, 1, 2))  # the cropped border's gradient is zero: the same as the output's sum
        return gx, gw, gb, None


def _plain(layer: nn.Conv2d | nn.ConvTranspose2d) -> bool:
    """A layer the matrix-product path computes: one group, no dilation, square kernel/stride/padding, zeros."""
    k, s, p = layer.kernel_size, layer.stride, layer.padding
    return (
        layer.groups == 1
        and layer.dilation == (1, 1)
        and layer.padding_mode == "zeros"
        and isinstance(p, tuple)
        and k[0] == k[1]
        and s[0] == s[1]
        and p[0] == p[1]
        and getattr(layer, "output_padding", (0, 0)) == (0, 0)
    )


def _bf16(x: torch.Tensor) -> bool:
    if torch.is_autocast_enabled("cpu"):
        return torch.get_autocast_dtype("cpu") == torch.bfloat16
    return x.dtype == torch.bfloat16


@torch.compiler.assume_constant_result  # a constant to torch.compile, not a graph break (cpu_amx_bf16 is cached)
def _on_amx() -> bool:
    return cpu_amx_bf16()


def matmul_pays(x: torch.Tensor, layer: nn.Conv2d | nn.ConvTranspose2d) -> bool:
    """Whether `layer` on `x` runs faster as one matrix product: bf16 on a CPU with AMX-BF16 (the only hardware
    measured), a map of at most MAX_MAP positions and a product of at least MIN_MACS multiply-adds, or one that needs
    no gather (GATHER_FREE)."""
    # precision and hardware first: an fp32 export with a dynamic batch must not see a condition on the batch size
    if x.dim() != 4 or x.device.type != "cpu" or not _bf16(x) or not _plain(layer) or not _on_amx():
        return False
    k, p = layer.kernel_size[0], layer.padding[0]
    if isinstance(layer, nn.ConvTranspose2d):
        positions = x.shape[2] * x.shape[3]
        gather_free = positions == 1
    else:
        s = layer.stride[0]
        positions = im2col.out_side(x.shape[2], k, s, p) * im2col.out_side(x.shape[3], k, s, p)
        gather_free = positions == 1 and p == 0 and x.shape[2] == x.shape[3] == k
    macs = x.shape[0] * positions * layer.in_channels * layer.out_channels * k * k
    return positions <= MAX_MAP and (macs >= MIN_MACS or (GATHER_FREE and gather_free))


def conv2d_matmul(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride: int, padding: int
) -> torch.Tensor:
    """F.conv2d(x, weight, bias, stride, padding) as one matrix product; the result in channels_last memory."""
    k = weight.shape[-1]
    rows, cols = im2col.out_side(x.shape[2], k, stride, padding), im2col.out_side(x.shape[3], k, stride, padding)
    y = _ConvMatmul.apply(x, weight, bias, stride, padding)
    return im2col.nchw(y.view(x.shape[0], rows, cols, weight.shape[0]))


def conv_transpose2d_matmul(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride: int, padding: int
) -> torch.Tensor:
    """F.conv_transpose2d(x, weight, bias, stride, padding) as one matrix product (no output padding)."""
    full = _ConvTransposeMatmul.apply(x, weight, bias, stride)
    height, width = full.shape[1], full.shape[2]
    return im2col.nchw(full[:, padding : height - padding, padding : width - padding, :])


class Conv2d(nn.Conv2d):
    """torch's Conv2d, computed as one matrix product where `matmul_pays`."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if matmul_pays(x, self):
            return conv2d_matmul(x, self.weight, self.bias, self.stride[0], self.padding[0])
        return super().forward(x)


class ConvTranspose2d(nn.ConvTranspose2d):
    """torch's ConvTranspose2d, computed as one matrix product where `matmul_pays`."""

    def forward(self, x: torch.Tensor, output_size: list[int] | None = None) -> torch.Tensor:
        if output_size is None and matmul_pays(x, self):
            return conv_transpose2d_matmul(x, self.weight, self.bias, self.stride[0], self.padding[0])
        return super().forward(x, output_size)

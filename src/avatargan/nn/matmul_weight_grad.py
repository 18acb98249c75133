"""Convolutions whose weight gradient alone is computed as one matrix product; the rest through torch's kernels.

On a CPU with AMX-BF16, oneDNN runs the forward and input-gradient convolutions of DCGAN's 8×8 maps near the tile
units' speed, but their weight gradients at a third of it (~700 GFLOP/s against ~2,000 for the same layer's forward
on a 2-vCPU Xeon; benchmarks/onednn_profile.py, RESULTS.md). So here the forward and the input's gradient stay
torch's, and the weight's gradient is windows(x)ᵀ @ gy (a conv) or xᵀ @ windows(gy) (a transposed conv), gathered
as `matmul_conv` gathers. Which layers take this path is `matmul_conv`'s choice.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from avatargan.nn.im2col import nhwc, windows


def _padded_nhwc(t: torch.Tensor, padding: int) -> torch.Tensor:
    return F.pad(nhwc(t), (0, 0, padding, padding, padding, padding))


class _ConvWeightGradMatmul(torch.autograd.Function):
    """conv2d(x, w, b, stride, padding) by torch; its weight gradient as one matrix product."""

    @staticmethod
    @torch.amp.custom_fwd(device_type="cpu", cast_inputs=torch.bfloat16)
    def forward(ctx, x, w, b, stride: int, padding: int):  # noqa: ANN001, ANN205 (autograd's signature)
        ctx.save_for_backward(x, w)
        ctx.conf = (stride, padding, b is not None)
        return F.conv2d(x, w, b, stride, padding)

    @staticmethod
    @torch.amp.custom_bwd(device_type="cpu")
    def backward(ctx, gy):  # noqa: ANN001, ANN205
        x, w = ctx.saved_tensors
        stride, padding, has_bias = ctx.conf
        gy = gy.to(w.dtype)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            gx = torch.ops.aten.convolution_backward(
                gy, x, w, None, [stride] * 2, [padding] * 2, [1, 1], False, [0, 0], 1, [True, False, False]
            )[0]
        if ctx.needs_input_grad[1]:
            o, c, k, _ = w.shape
            n, _, rows, cols = gy.shape
            cols_x = windows(_padded_nhwc(x, padding), k, stride, rows, cols).reshape(n * rows * cols, k * k * c)
            gw = (nhwc(gy).reshape(n * rows * cols, o).t() @ cols_x).view(o, k, k, c).permute(0, 3, 1, 2)
        if has_bias and ctx.needs_input_grad[2]:
            gb = gy.sum((0, 2, 3))
        return gx, gw, gb, None, None


class _ConvTransposeWeightGradMatmul(torch.autograd.Function):
    """conv_transpose2d(x, w, b, stride, padding) by torch; its weight gradient as one matrix product."""

    @staticmethod
    @torch.amp.custom_fwd(device_type="cpu", cast_inputs=torch.bfloat16)
    def forward(ctx, x, w, b, stride: int, padding: int):  # noqa: ANN001, ANN205
        ctx.save_for_backward(x, w)
        ctx.conf = (stride, padding, b is not None)
        return F.conv_transpose2d(x, w, b, stride, padding)

    @staticmethod
    @torch.amp.custom_bwd(device_type="cpu")
    def backward(ctx, gy):  # noqa: ANN001, ANN205
        x, w = ctx.saved_tensors
        stride, padding, has_bias = ctx.conf
        gy = gy.to(w.dtype)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            gx = torch.ops.aten.convolution_backward(
                gy, x, w, None, [stride] * 2, [padding] * 2, [1, 1], True, [0, 0], 1, [True, False, False]
            )[0]
        if ctx.needs_input_grad[1]:
            c, o, k, _ = w.shape
            n, _, h, width = x.shape
            # the output's gradient before the crop (zeros where the padding was cut), windowed at each input place
            gwin = windows(_padded_nhwc(gy, padding), k, stride, h, width).reshape(n * h * width, k * k * o)
            gw = (nhwc(x).reshape(n * h * width, c).t() @ gwin).view(c, k, k, o).permute(0, 3, 1, 2)
        if has_bias and ctx.needs_input_grad[2]:
            gb = gy.sum((0, 2, 3))
        return gx, gw, gb, None, None


def conv2d_weight_grad_matmul(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride: int, padding: int
) -> torch.Tensor:
    """F.conv2d(x, weight, bias, stride, padding), whose weight gradient is one matrix product."""
    return _ConvWeightGradMatmul.apply(x, weight, bias, stride, padding)


def conv_transpose2d_weight_grad_matmul(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride: int, padding: int
) -> torch.Tensor:
    """F.conv_transpose2d(x, weight, bias, stride, padding), whose weight gradient is one matrix product."""
    return _ConvTransposeWeightGradMatmul.apply(x, weight, bias, stride, padding)

"""im2col and col2im in the NHWC layout, for convolutions computed as matrix products (`matmul_conv`): the k×k
windows under each output place as one strided view, and their adjoint, the overlap-add. Channels stay innermost,
so every copy moves contiguous runs of channels."""

from __future__ import annotations

import torch


def windows(xp: torch.Tensor, k: int, s: int, rows: int, cols: int) -> torch.Tensor:
    """(N, H, W, C) padded map → (N, rows, cols, k, k, C): the k×k window under each of rows × cols positions, as a
    strided view of `xp` (no copy: the caller's reshape gathers it in one pass, 1.9× faster than stacking k·k
    slices on an AMX Xeon, benchmarks/matmul_conv.py --only gather). `Tensor.unfold`, not as_strided: torch.compile
    traces it."""
    return xp.unfold(1, k, s).unfold(2, k, s)[:, :rows, :cols].permute(0, 1, 2, 4, 5, 3)


def overlap_add(d: torch.Tensor, k: int, s: int, height: int, width: int) -> torch.Tensor:
    """The adjoint of `windows`: (N, rows, cols, k·k, C) → (N, height, width, C), overlapping windows summed."""
    n, rows, cols, _, c = d.shape
    if rows == cols == 1 and height == width == k:  # one window covering the map: a reshape, no sum
        return d.reshape(n, k, k, c)
    out = d.new_zeros(n, height, width, c)
    for idx in range(k * k):
        i, j = divmod(idx, k)
        out[:, i : i + s * (rows - 1) + 1 : s, j : j + s * (cols - 1) + 1 : s, :] += d[:, :, :, idx, :]
    return out


def nhwc(x: torch.Tensor) -> torch.Tensor:  # an NCHW tensor as an NHWC view
    return x.permute(0, 2, 3, 1)


def nchw(x: torch.Tensor) -> torch.Tensor:  # an NHWC tensor as an NCHW view: channels_last memory
    return x.permute(0, 3, 1, 2)


def out_side(side: int, k: int, stride: int, padding: int) -> int:
    return (side + 2 * padding - k) // stride + 1

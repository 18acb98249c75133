"""Convolutions whose weight gradient is one matrix product: torch's values and every gradient."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from avatargan.nn import matmul_weight_grad as mwg

CL = torch.channels_last

#: (in channels, out channels, side, kernel, stride, padding, bias): DCGAN's 4×4/stride 2 layer, a 3×3 one, an
#: unpadded one, a non-square map
CASES = [(6, 5, 8, 4, 2, 1, False), (4, 7, 6, 3, 1, 1, True), (3, 2, 5, 4, 1, 0, True), (5, 3, (6, 10), 4, 2, 1, True)]

KINDS = {
    "conv": (nn.Conv2d, mwg.conv2d_weight_grad_matmul, F.conv2d),
    "transposed": (nn.ConvTranspose2d, mwg.conv_transpose2d_weight_grad_matmul, F.conv_transpose2d),
}


def _run(fn, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None) -> list[torch.Tensor]:
    x, w = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    b = b.clone().requires_grad_(True) if b is not None else None
    y = fn(x, w, b)
    y.backward(torch.randn(y.shape, generator=torch.Generator().manual_seed(3)))  # a random upstream gradient
    return [y.detach(), x.grad, w.grad] + ([b.grad] if b is not None else [])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("c", "o", "side", "k", "s", "p", "bias"), CASES)
@pytest.mark.parametrize("layout", [CL, torch.contiguous_format])
def test_matches_torch_in_values_and_gradients(kind, c, o, side, k, s, p, bias, layout) -> None:
    layer_cls, ours_fn, torch_fn = KINDS[kind]
    torch.manual_seed(0)
    layer = layer_cls(c, o, k, s, p, bias=bias)
    h, w = side if isinstance(side, tuple) else (side, side)
    x = torch.randn(2, c, h, w).contiguous(memory_format=layout)
    b = layer.bias.detach() if bias else None
    ours = _run(lambda x, w, b: ours_fn(x, w, b, s, p), x, layer.weight.detach(), b)
    theirs = _run(lambda x, w, b: torch_fn(x, w, b, s, p), x, layer.weight.detach(), b)
    for a, t in zip(ours, theirs, strict=True):
        assert a.shape == t.shape
        torch.testing.assert_close(a, t, atol=1e-5, rtol=1e-4)


def test_under_bf16_autocast_it_computes_in_bf16_and_returns_gradients_in_the_parameters_dtype() -> None:
    torch.manual_seed(0)
    layer = nn.ConvTranspose2d(8, 4, 4, 2, 1)
    x = torch.randn(2, 8, 8, 8, requires_grad=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = mwg.conv_transpose2d_weight_grad_matmul(x, layer.weight, layer.bias, 2, 1)
        reference = layer(x)
    assert y.dtype == torch.bfloat16
    torch.testing.assert_close(y.float(), reference.float(), atol=0.05, rtol=0.02)
    y.float().sum().backward()
    assert layer.weight.grad.dtype == torch.float32 and x.grad.dtype == torch.float32

"""avatargan's reflection pad: PyTorch's values and gradients, in the input's dtype under autocast."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from avatargan.nn.reflection_pad import ReflectionPad2d


@pytest.mark.parametrize("pad", [1, 3])
def test_values_and_gradients_are_pytorchs(pad: int) -> None:
    torch.manual_seed(0)
    x = torch.randn(2, 3, 9, 7, dtype=torch.float64, requires_grad=True)
    ours, theirs = ReflectionPad2d(pad)(x), nn.ReflectionPad2d(pad)(x)
    assert torch.equal(ours, theirs)
    # a different weight on every padded pixel, so a border strip folded onto the wrong row or column shows
    upstream = torch.randn_like(theirs)
    (grad_ours,) = torch.autograd.grad(ours, x, upstream)
    (grad_theirs,) = torch.autograd.grad(theirs, x, upstream)
    torch.testing.assert_close(grad_ours, grad_theirs, rtol=0, atol=1e-12)


def test_gradcheck() -> None:
    x = torch.randn(1, 2, 6, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(ReflectionPad2d(2), (x,))


def test_bf16_stays_bf16_under_autocast_with_the_same_values() -> None:
    x = torch.randn(2, 4, 8, 8).bfloat16()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        plain = nn.ReflectionPad2d(1)(x)
        ours = ReflectionPad2d(1)(x)
        ours_grad = ReflectionPad2d(1)(x.clone().requires_grad_())
    assert plain.dtype == torch.float32  # CPU autocast runs PyTorch's pad in fp32: the copies this layer avoids
    assert ours.dtype == ours_grad.dtype == torch.bfloat16
    assert torch.equal(ours.float(), plain)
    assert torch.equal(ours_grad.detach(), ours)


def test_bf16_gradient_is_as_close_to_the_exact_one_as_pytorchs() -> None:
    torch.manual_seed(1)
    x = torch.randn(2, 8, 16, 16).bfloat16().requires_grad_()
    upstream = torch.randn(2, 8, 22, 22).bfloat16()
    exact = torch.ops.aten.reflection_pad2d_backward(upstream.double(), x.double(), [3] * 4)
    (ours,) = torch.autograd.grad(ReflectionPad2d(3)(x), x, upstream)
    (theirs,) = torch.autograd.grad(nn.ReflectionPad2d(3)(x), x, upstream)
    assert ours.dtype == torch.bfloat16
    assert (ours.double() - exact).abs().max() <= (theirs.double() - exact).abs().max()

"""Gram matrix: known value, symmetry, shape."""

from __future__ import annotations

import torch

from avatargan.nn.gram import gram_matrix


def test_known_value():
    # C=2, H=1, W=2: rows a=(1, 2), b=(3, 4) -> [[a.a, a.b], [b.a, b.b]] / (2*1*2)
    f = torch.tensor([[[[1.0, 2.0]], [[3.0, 4.0]]]])
    expected = torch.tensor([[[5.0, 11.0], [11.0, 25.0]]]) / 4
    assert torch.allclose(gram_matrix(f), expected)


def test_shape_and_symmetry():
    g = gram_matrix(torch.randn(3, 5, 4, 6))
    assert g.shape == (3, 5, 5)
    assert torch.allclose(g, g.transpose(1, 2))


def test_batch_items_are_independent():
    f = torch.randn(2, 4, 3, 3)
    assert torch.allclose(gram_matrix(f)[1:], gram_matrix(f[1:]))


def test_gradient_flows():
    f = torch.randn(1, 3, 4, 4, requires_grad=True)
    gram_matrix(f).sum().backward()
    assert f.grad is not None and f.grad.abs().sum() > 0

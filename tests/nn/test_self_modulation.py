"""Self-modulated batch norm: its maths, and DCGAN's generator with it."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from avatargan.blocks.ema import batch_norms
from avatargan.nn.generators import DCGANGenerator
from avatargan.nn.self_modulation import SelfModulatedBatchNorm


def test_scale_and_shift_are_the_mlps_outputs_per_image() -> None:
    torch.manual_seed(0)
    layer = SelfModulatedBatchNorm(3, latent_dim=5, hidden=4)
    x, z = torch.randn(4, 3, 2, 2), torch.randn(4, 5)
    normed = (x - x.mean(dim=(0, 2, 3), keepdim=True)) / (
        x.var(dim=(0, 2, 3), unbiased=False, keepdim=True) + 1e-5
    ).sqrt()
    gamma, beta = layer.mlp(z).split(3, dim=1)  # the first half scales, the second shifts
    expected = normed * (1 + gamma)[:, :, None, None] + beta[:, :, None, None]
    assert torch.allclose(layer(x, z), expected, atol=1e-5)


def test_a_zero_mlp_is_plain_batch_norm_and_other_noise_gives_other_scales() -> None:
    layer = SelfModulatedBatchNorm(3, latent_dim=5, hidden=4)
    x = torch.randn(4, 3, 2, 2)
    nn.init.zeros_(layer.mlp[2].weight)
    nn.init.zeros_(layer.mlp[2].bias)
    assert torch.allclose(layer(x, torch.randn(4, 5)), nn.BatchNorm2d(3, affine=False)(x), atol=1e-6)
    nn.init.normal_(layer.mlp[2].weight)
    same_x = x[:1].expand(2, 3, 2, 2).clone() + torch.randn(2, 3, 2, 2) * 1e-3
    out = layer.eval()(same_x, torch.randn(2, 5))
    assert not torch.allclose(out[0], out[1], atol=1e-2)  # one image, two noises: two looks


def test_dcgan_generator_modulates_every_batch_norm_and_its_mlps_learn() -> None:
    torch.manual_seed(0)
    plain = DCGANGenerator(8, 16, 4, 1)
    g = DCGANGenerator(8, 16, 4, 1, self_modulation=6)
    kinds = [type(m) for m in g.net]
    assert len(g.net) == len(plain.net)
    assert kinds.count(SelfModulatedBatchNorm) == sum(isinstance(m, nn.BatchNorm2d) for m in plain.net)
    assert nn.BatchNorm2d not in kinds
    assert len(batch_norms(g)) == kinds.count(SelfModulatedBatchNorm)  # the EMA's BN recomputation finds them
    out = g(torch.randn(4, 8))
    assert out.shape == (4, 3, 16, 16)
    out.square().mean().backward()
    assert all(m.mlp[0].weight.grad.abs().sum() > 0 for m in g.net if isinstance(m, SelfModulatedBatchNorm))


def test_self_modulation_needs_batch_norm() -> None:
    with pytest.raises(ValueError, match="batch"):
        DCGANGenerator(8, 16, 4, 1, norm="instance", self_modulation=4)

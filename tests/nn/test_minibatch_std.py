"""The minibatch standard deviation map: StyleGAN's grouping, its value, and its use in DCGAN's discriminator."""

from __future__ import annotations

import pytest
import torch

from avatargan.nn.discriminators import DCGANDiscriminator
from avatargan.nn.minibatch_std import MinibatchStd


def _by_hand(x: torch.Tensor, group_size: int) -> torch.Tensor:
    """Image i joins group i mod (N / G); the map is the mean over features of each group's population std."""
    n = x.shape[0]
    m = n // group_size
    out = torch.empty(n)
    for j in range(m):
        members = x[[k * m + j for k in range(group_size)]].double()
        std = (members.var(dim=0, unbiased=False) + 1e-8).sqrt().mean()
        for k in range(group_size):
            out[k * m + j] = std
    return out


def test_the_extra_map_is_each_groups_mean_standard_deviation() -> None:
    torch.manual_seed(0)
    x = torch.randn(8, 5, 3, 3) * torch.arange(1, 9).view(8, 1, 1, 1)  # groups of different spread
    y = MinibatchStd(4)(x)
    assert y.shape == (8, 6, 3, 3)
    assert torch.equal(y[:, :5], x)  # the features pass through
    extra = y[:, 5]
    assert torch.equal(extra, extra[:, :1, :1].expand_as(extra))  # one constant map per image
    assert torch.allclose(extra[:, 0, 0], _by_hand(x, 4), rtol=1e-5)
    # images 0, 2, 4, 6 form one group, 1, 3, 5, 7 the other (StyleGAN's interleaving, not halves of the batch)
    assert extra[0, 0, 0] == extra[2, 0, 0] == extra[6, 0, 0] != extra[1, 0, 0]


def test_a_collapsed_group_scores_near_zero_and_a_varied_one_does_not() -> None:
    one_face = torch.randn(1, 4, 2, 2).expand(4, 4, 2, 2)
    assert MinibatchStd(4)(one_face)[:, 4].max() == pytest.approx(1e-4, rel=1e-3)  # sqrt of the 1e-8 floor
    assert MinibatchStd(4)(torch.randn(4, 4, 2, 2))[:, 4].min() > 0.3


def test_a_batch_the_group_does_not_divide_uses_the_largest_group_that_does() -> None:
    x = torch.randn(6, 2, 2, 2)
    assert torch.allclose(MinibatchStd(4)(x)[:, 2, 0, 0], _by_hand(x, 2), rtol=1e-5)  # gcd(6, 4) = 2


def test_gradients_reach_every_image_and_bf16_stays_bf16() -> None:
    x = torch.randn(4, 3, 2, 2, requires_grad=True)
    MinibatchStd(4)(x)[:, 3].sum().backward()
    assert (x.grad.abs().sum(dim=(1, 2, 3)) > 0).all()
    assert MinibatchStd(2)(torch.randn(4, 3, 2, 2, dtype=torch.bfloat16)).dtype == torch.bfloat16


def test_dcgan_discriminator_takes_the_map_before_its_last_convolution_only_when_asked() -> None:
    plain, with_std = DCGANDiscriminator(16, 4, 1), DCGANDiscriminator(16, 4, 1, minibatch_std=4)
    assert not any(isinstance(m, MinibatchStd) for m in plain.modules())
    assert isinstance(with_std.net[-2], MinibatchStd)
    assert with_std.net[-1].in_channels == plain.net[-1].in_channels + 1
    assert with_std(torch.randn(8, 3, 16, 16)).shape == (8,)
    # off, the layer numbering (and so the checkpoints' keys) is the report's D's
    assert list(plain.state_dict()) == list(DCGANDiscriminator(16, 4, 1).state_dict())

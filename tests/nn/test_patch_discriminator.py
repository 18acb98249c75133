"""Patch discriminators: a spatial map of logits, in CycleGAN's DCGAN-like layout and CartoonGAN's 7-conv one."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from avatargan.nn.patch_discriminator import PatchDiscriminator


def _convs(module: nn.Module) -> list[nn.Conv2d]:
    return [m for m in module.modules() if isinstance(m, nn.Conv2d)]


def test_dcgan_style_gives_a_patch_map() -> None:
    d = PatchDiscriminator(channels=4, n_down=3, style="dcgan")
    assert d(torch.randn(2, 3, 64, 64)).shape == (2, 1, 6, 6)  # the 70×70 PatchGAN on a 64×64 image
    assert [c.stride[0] for c in _convs(d)] == [2, 2, 2, 1, 1]


def test_cartoongan_style_has_seven_convolutions_two_of_them_down_sampling() -> None:
    d = PatchDiscriminator(channels=4, n_down=2, style="cartoongan")
    convs = _convs(d)
    assert len(convs) == 7
    assert [c.stride[0] for c in convs].count(2) == 2
    assert any(isinstance(m, nn.LeakyReLU) for m in d.modules())
    assert d(torch.randn(2, 3, 32, 32)).shape == (2, 1, 8, 8)  # a quarter of the image side


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="style"):
        PatchDiscriminator(style="stylegan")
    with pytest.raises(ValueError, match="down-sampling"):
        PatchDiscriminator(n_down=0)

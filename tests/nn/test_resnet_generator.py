"""The ResNet generator of CycleGAN and CartoonGAN: image in, image of the same size out, in both layouts."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from avatargan.nn.resnet_generator import ResidualBlock, ResnetGenerator


def _convs(module: nn.Module) -> list[nn.Module]:
    return [m for m in module.modules() if isinstance(m, nn.Conv2d | nn.ConvTranspose2d)]


@pytest.mark.parametrize("style", ["cyclegan", "cartoongan"])
@pytest.mark.parametrize("size", [16, 24])
def test_output_is_an_image_of_the_input_size(style: str, size: int) -> None:
    g = ResnetGenerator(channels=4, n_down=2, n_blocks=2, style=style)
    out = g(torch.randn(2, 3, size, size))
    assert out.shape == (2, 3, size, size)
    assert out.abs().max() <= 1  # tanh output


def test_layouts_follow_the_papers() -> None:
    cycle = ResnetGenerator(channels=8, n_down=2, n_blocks=4, style="cyclegan")
    cartoon = ResnetGenerator(channels=8, n_down=2, n_blocks=8, style="cartoongan")
    # stem + 2 down + 2 per residual block + 2 up + out
    assert len(_convs(cycle)) == 1 + 2 + 4 * 2 + 2 + 1
    # CartoonGAN's sampling blocks each add a stride-1 convolution
    assert len(_convs(cartoon)) == 1 + 2 * 2 + 8 * 2 + 2 * 2 + 1
    assert sum(isinstance(m, ResidualBlock) for m in cartoon.modules()) == 8
    kernels = [c.kernel_size for c in _convs(cycle)]
    assert kernels[0] == kernels[-1] == (7, 7)
    widest = max(c.out_channels for c in _convs(cycle))
    assert widest == 8 * 4  # channels double at each of the two down-sampling stages
    assert any(isinstance(m, nn.InstanceNorm2d) for m in cycle.modules())


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="style"):
        ResnetGenerator(style="unet")

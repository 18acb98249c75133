"""The report's DCGAN networks: shapes, value ranges and the exact layer sequence of section 3.2."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from avatargan.nn.discriminators import DCGANDiscriminator
from avatargan.nn.generators import DCGANGenerator


def _shapes(net: nn.Module, x: torch.Tensor, kinds: tuple[type, ...]) -> list[tuple[int, ...]]:
    """Output shape (without batch) of every layer of the given kinds, in order."""
    shapes: list[tuple[int, ...]] = []
    hooks = [
        m.register_forward_hook(lambda _m, _i, out: shapes.append(tuple(out.shape[1:])))
        for m in net.modules()
        if isinstance(m, kinds)
    ]
    net(x)
    for h in hooks:
        h.remove()
    return shapes


def test_generator_follows_the_report() -> None:
    g = DCGANGenerator().eval()
    z = torch.randn(2, 100)
    out = g(z)
    assert out.shape == (2, 3, 64, 64)
    assert out.min() >= -1 and out.max() <= 1
    convs = _shapes(g, z, (nn.Conv2d, nn.ConvTranspose2d))
    # 512×4×4 → three halving transposed convs → 64×32×32 → extra layer (size kept) → 3×64×64
    assert convs == [(512, 4, 4), (256, 8, 8), (128, 16, 16), (64, 32, 32), (64, 32, 32), (3, 64, 64)]
    kinds = [type(m) for m in g.net]
    # every convolution but the last is followed by batch norm and leaky ReLU; the last by tanh
    conv_positions = [i for i, k in enumerate(kinds) if k in (nn.Conv2d, nn.ConvTranspose2d)]
    for i in conv_positions[:-1]:
        assert kinds[i + 1] is nn.BatchNorm2d and kinds[i + 2] is nn.LeakyReLU
    assert kinds[conv_positions[-1] + 1] is nn.Tanh and kinds[-1] is nn.Tanh
    assert isinstance(g.net[conv_positions[-2]], nn.Conv2d)  # the extra layer is a plain, size-preserving conv


def test_literal_extra_layer_reading_goes_to_rgb_first() -> None:
    g = DCGANGenerator(extra_layer_reading="to-rgb")
    convs = _shapes(g, torch.randn(2, 100), (nn.Conv2d, nn.ConvTranspose2d))
    assert convs[-2:] == [(3, 32, 32), (3, 64, 64)]


def test_discriminator_follows_the_report_with_no_linear_layer() -> None:
    d = DCGANDiscriminator()
    x = torch.randn(2, 3, 64, 64)
    assert d(x).shape == (2,)
    convs = _shapes(d, x, (nn.Conv2d,))
    assert convs == [(64, 32, 32), (128, 16, 16), (256, 8, 8), (512, 4, 4), (512, 4, 4), (1, 1, 1)]
    assert not any(isinstance(m, nn.Linear) for m in d.modules())


@pytest.mark.parametrize("size", [16, 32, 128])
def test_other_sizes_and_widths(size: int) -> None:
    g, d = DCGANGenerator(image_size=size, base_channels=8, extra_layers=2), DCGANDiscriminator(size, 8, 0)
    images = g(torch.randn(3, 100))
    assert images.shape == (3, 3, size, size)
    assert d(images).shape == (3,)


def test_spectral_norm_option_and_bad_size() -> None:
    d = DCGANDiscriminator(32, 8, 1, norm="spectral")
    assert d(torch.randn(2, 3, 32, 32)).shape == (2,)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in d.modules())
    with pytest.raises(ValueError, match="power of two"):
        DCGANGenerator(image_size=48)

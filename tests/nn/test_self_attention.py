"""Self-attention (SAGAN): the maths against a written-out softmax, identity at γ = 0, reach across the map, and
where DCGAN's networks put it."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from avatargan.nn.discriminators import DCGANDiscriminator
from avatargan.nn.generators import DCGANGenerator
from avatargan.nn.self_attention import SelfAttention


def _layer(channels: int = 16, gamma: float = 0.7) -> SelfAttention:
    torch.manual_seed(0)
    layer = SelfAttention(channels)
    for conv in (layer.query, layer.key, layer.value, layer.out):
        nn.init.normal_(conv.weight, 0.0, 0.5)
    layer.gamma.data.fill_(gamma)
    return layer


def test_matches_the_softmax_written_out() -> None:
    layer = _layer()
    x = torch.randn(2, 16, 8, 8)
    q = torch.einsum("oc,nchw->nhwo", layer.query.weight[:, :, 0, 0], x).reshape(2, 64, 2)
    # keys and values: their 1×1 maps pooled 2×2, 16 places
    k = F.max_pool2d(torch.einsum("oc,nchw->nohw", layer.key.weight[:, :, 0, 0], x), 2).flatten(2)  # (2, 2, 16)
    v = F.max_pool2d(torch.einsum("oc,nchw->nohw", layer.value.weight[:, :, 0, 0], x), 2).flatten(2)  # (2, 8, 16)
    weights = torch.softmax(q @ k / 2**0.5, dim=-1)  # (2, 64, 16): each place over the 16 pooled places
    mixed = (weights @ v.transpose(1, 2)).transpose(1, 2).reshape(2, 8, 8, 8)
    expected = x + 0.7 * torch.einsum("oc,nchw->nohw", layer.out.weight[:, :, 0, 0], mixed)
    torch.testing.assert_close(layer(x), expected, rtol=1e-4, atol=1e-5)


def test_starts_as_the_identity() -> None:
    layer = SelfAttention(16)  # γ = 0 as built: the network starts as the one without it
    x = torch.randn(2, 16, 8, 8)
    assert torch.equal(layer(x), x)


def test_one_corner_reaches_the_opposite_one() -> None:
    """A 1×1 map at one place reads every other place: a change at (0, 0) moves the output at (7, 7)."""
    layer = _layer()
    x = torch.randn(1, 16, 8, 8)
    y = x.clone()
    y[0, :, 0, 0] += 3.0
    with torch.no_grad():
        moved = (layer(y) - layer(x))[0, :, 7, 7].abs().max()
    assert moved > 1e-3


def _attention_inputs(net: nn.Module, x: torch.Tensor) -> list[tuple[int, ...]]:
    shapes: list[tuple[int, ...]] = []
    for m in net.modules():
        if isinstance(m, SelfAttention):
            m.register_forward_hook(lambda _m, inputs, _out: shapes.append(tuple(inputs[0].shape[1:])))
    net(x)
    return shapes


@pytest.mark.parametrize(("size", "channels"), [(8, 64), (16, 32), (32, 16)])
def test_generator_puts_it_on_the_asked_map(size: int, channels: int) -> None:
    g = DCGANGenerator(100, 64, 16, attention=size)
    assert _attention_inputs(g, torch.randn(2, 100)) == [(channels, size, size)]
    assert g(torch.randn(2, 100)).shape == (2, 3, 64, 64)


@pytest.mark.parametrize(("size", "channels"), [(32, 8), (16, 16), (8, 32)])
def test_discriminator_puts_it_on_the_asked_map(size: int, channels: int) -> None:
    d = DCGANDiscriminator(64, 8, attention=size)
    assert _attention_inputs(d, torch.randn(2, 3, 64, 64)) == [(channels, size, size)]
    assert d(torch.randn(2, 3, 64, 64)).shape == (2,)


def test_off_leaves_the_networks_as_they_were() -> None:
    assert not any(isinstance(m, SelfAttention) for m in DCGANGenerator(100, 64, 16).modules())
    assert not any(isinstance(m, SelfAttention) for m in DCGANDiscriminator(64, 8).modules())


def test_a_spectral_norm_d_wraps_its_maps_too() -> None:
    d = DCGANDiscriminator(64, 8, norm="spectral", attention=16)
    layer = next(m for m in d.modules() if isinstance(m, SelfAttention))
    assert all(hasattr(c, "parametrizations") for c in (layer.query, layer.key, layer.value, layer.out))


@pytest.mark.parametrize("size", [4, 12, 64])
def test_a_size_that_is_no_map_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="attention"):
        DCGANGenerator(100, 64, 16, attention=size)
    with pytest.raises(ValueError, match="attention"):
        DCGANDiscriminator(64, 8, attention=size)

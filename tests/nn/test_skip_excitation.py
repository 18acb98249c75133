"""FastGAN's skip-layer excitation: the gate written out, one scale per image and channel, and its place in G."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from avatargan.nn.generators import DCGANGenerator
from avatargan.nn.skip_excitation import SkipExcitation


def test_scales_each_channel_by_the_gate_written_out() -> None:
    torch.manual_seed(0)
    layer = SkipExcitation(6, 3)
    small, large = torch.randn(2, 6, 4, 4), torch.randn(2, 3, 16, 16)
    first, _, second, _ = layer.gate
    hidden = F.leaky_relu(torch.einsum("ochw,nchw->no", first.weight, small) + first.bias, 0.2)
    gate = torch.sigmoid(hidden @ second.weight[:, :, 0, 0].T + second.bias)  # (2, 3)
    torch.testing.assert_close(layer(small, large), large * gate[:, :, None, None])


def test_the_scale_is_one_number_per_image_and_channel_between_0_and_1() -> None:
    torch.manual_seed(0)
    layer = SkipExcitation(6, 3)
    small = torch.randn(2, 6, 8, 8)  # pooled to 4×4 first
    scale = layer(small, torch.ones(2, 3, 16, 16))
    assert torch.equal(scale, scale[:, :, :1, :1].expand_as(scale))
    assert (scale > 0).all() and (scale < 1).all()
    assert not torch.equal(scale[0], scale[1])  # its own per image


def _excite_inputs(g: DCGANGenerator, z: torch.Tensor) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    seen: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    g.excite.register_forward_hook(lambda _m, inputs, _o: seen.append(tuple(tuple(t.shape[1:]) for t in inputs)))
    g(z)
    return seen


@pytest.mark.parametrize("size", [8, 16, 32])
def test_g_gates_the_asked_map_from_its_4x4_map(size: int) -> None:
    torch.manual_seed(0)
    g = DCGANGenerator(8, 64, 4, excite=size)
    assert _excite_inputs(g, torch.randn(2, 8)) == [((32, 4, 4), (4 * 32 // size, size, size))]


def test_g_without_it_keeps_its_layers_and_with_it_changes_its_images() -> None:
    torch.manual_seed(0)
    plain, gated = DCGANGenerator(8, 16, 4), DCGANGenerator(8, 16, 4, excite=8)
    assert {k for k in gated.state_dict() if not k.startswith("excite.")} == set(plain.state_dict())
    gated.load_state_dict(plain.state_dict(), strict=False)
    z = torch.randn(3, 8)
    assert not torch.allclose(plain(z), gated(z))
    with torch.no_grad():  # a gate of 1 everywhere leaves G as it was
        gated.excite.gate[2].weight.zero_()
        gated.excite.gate[2].bias.fill_(1e4)
    torch.testing.assert_close(plain(z), gated(z))


def test_g_refuses_maps_it_cannot_gate_and_combines_with_self_modulation() -> None:
    for size in (4, 16):
        with pytest.raises(ValueError, match="excitation"):
            DCGANGenerator(8, 16, 4, excite=size)
    g = DCGANGenerator(8, 16, 4, self_modulation=4, excite=8)
    assert g(torch.randn(2, 8)).shape == (2, 3, 16, 16)

"""The report's DCGAN networks: shapes, value ranges and the exact layer sequence of section 3.2."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from avatargan.nn.blur import Blur
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
    conv_positions = [i for i, m in enumerate(g.net) if isinstance(m, nn.Conv2d | nn.ConvTranspose2d)]
    for i in conv_positions[:-1]:
        assert kinds[i + 1] is nn.BatchNorm2d and kinds[i + 2] is nn.LeakyReLU
    assert kinds[conv_positions[-1] + 1] is nn.Tanh and kinds[-1] is nn.Tanh
    assert isinstance(g.net[conv_positions[-2]], nn.Conv2d)  # the extra layer is a plain, size-preserving conv


def test_literal_extra_layer_reading_goes_to_rgb_first() -> None:
    g = DCGANGenerator(extra_layer_reading="to-rgb")
    convs = _shapes(g, torch.randn(2, 100), (nn.Conv2d, nn.ConvTranspose2d))
    assert convs[-2:] == [(3, 32, 32), (3, 64, 64)]


def test_resize_upsampling_replaces_every_stride_two_transposed_conv() -> None:
    g = DCGANGenerator(base_channels=8, upsample="resize")
    z = torch.randn(2, 100)
    assert g(z).shape == (2, 3, 64, 64)
    convs = _shapes(g, z, (nn.Conv2d, nn.ConvTranspose2d))
    assert convs == [(64, 4, 4), (32, 8, 8), (16, 16, 16), (8, 32, 32), (8, 32, 32), (3, 64, 64)]
    transposed = [m for m in g.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert len(transposed) == 1 and transposed[0].kernel_size == (4, 4)  # only the 1×1 → 4×4 projection
    assert all(m.kernel_size == (3, 3) for m in g.modules() if isinstance(m, nn.Conv2d))
    assert sum(isinstance(m, nn.Upsample) for m in g.modules()) == 4
    with pytest.raises(ValueError, match="upsample"):
        DCGANGenerator(upsample="bilinear")


def _checkerboard(upsample: str, blur: str = "none") -> float:
    """The largest spatial spread of G's RGB layer's output for a constant input, away from the zero-padded border.

    A 4×4/stride-2 transposed conv paints each of the four pixel phases with a different 2×2 sub-kernel, so a constant
    input comes out as a checkerboard (random weights: the sub-kernels' sums differ). Nearest doubling followed by one
    3×3 kernel treats every pixel alike, so a constant input stays constant.
    """
    torch.manual_seed(0)
    g = DCGANGenerator(4, 16, 4, extra_layers=0, norm="none", upsample=upsample, blur=blur)
    layer = g.net[-3:-1] if upsample == "resize" or blur != "none" else g.net[-2:-1]  # before tanh
    with torch.no_grad():
        out = layer(torch.ones(1, 4, 8, 8))[0, :, 2:-2, 2:-2]
    return float(out.std(dim=(1, 2)).max())


def test_resize_upsampling_has_no_checkerboard_where_transposed_has_one() -> None:
    assert _checkerboard("resize") < 1e-6
    assert _checkerboard("transposed") > 1e-3


def test_blur_removes_the_transposed_convs_checkerboard() -> None:
    # The four phases' pattern is a sum of components with a 2-pixel period in x, y or both; [1, 2, 1] zeroes them.
    assert _checkerboard("transposed", blur="output") < 1e-6


@pytest.mark.parametrize(("blur", "count"), [("none", 0), ("output", 1), ("all", 4)])
def test_blur_follows_the_rgb_doubling_or_every_doubling(blur: str, count: int) -> None:
    g = DCGANGenerator(base_channels=8, blur=blur)
    assert g(torch.randn(2, 100)).shape == (2, 3, 64, 64)
    blurs = [i for i, m in enumerate(g.net) if isinstance(m, Blur)]
    assert len(blurs) == count
    assert all(isinstance(g.net[i - 1], nn.ConvTranspose2d) for i in blurs)  # right after a doubling, before its norm
    plain = DCGANGenerator(base_channels=8)
    assert sum(p.numel() for p in g.parameters()) == sum(p.numel() for p in plain.parameters())  # no weights
    with pytest.raises(ValueError, match="blur"):
        DCGANGenerator(blur="gaussian")


@pytest.mark.parametrize("upsample", ["transposed", "resize"])
def test_full_res_stage_draws_rgb_at_the_output_size_through_a_nonlinearity(upsample: str) -> None:
    g = DCGANGenerator(base_channels=8, upsample=upsample, full_res=4).eval()
    z = torch.randn(2, 100)
    out = g(z)
    assert out.shape == (2, 3, 64, 64) and out.abs().max() < 1
    convs = _shapes(g, z, (nn.Conv2d, nn.ConvTranspose2d))
    # … → 8×32×32 → extra layer → the last doubling makes 4 channels at 64×64 → a 3×3 conv makes RGB at 64×64
    assert convs[-3:] == [(8, 32, 32), (4, 64, 64), (3, 64, 64)]
    rgb = g.net[-2]
    assert isinstance(rgb, nn.Conv2d) and rgb.kernel_size == (3, 3) and rgb.stride == (1, 1) and rgb.bias is not None
    assert isinstance(g.net[-3], nn.LeakyReLU) and isinstance(g.net[-4], nn.BatchNorm2d)  # normed, then activated
    # off (0) is the report's layout, weight for weight
    plain, off = DCGANGenerator(base_channels=8), DCGANGenerator(base_channels=8, full_res=0)
    assert [p.shape for p in off.parameters()] == [p.shape for p in plain.parameters()]


def test_full_res_reaches_the_dcgan_model() -> None:
    from avatargan import config as config_mod
    from avatargan.models import model_class

    values = config_mod.load_recipe("dcgan_demo")
    values["model"] = {**values["model"], "g_full_res": 8}
    model = model_class("dcgan")(config_mod.from_dict(values).model, 32)
    assert model.G(torch.randn(2, 100)).shape == (2, 3, 32, 32)
    assert model.G.net[-2].in_channels == 8


def test_discriminator_follows_the_report_with_no_linear_layer() -> None:
    d = DCGANDiscriminator()
    x = torch.randn(2, 3, 64, 64)
    assert d(x).shape == (2,)
    convs = _shapes(d, x, (nn.Conv2d,))
    assert convs == [(64, 32, 32), (128, 16, 16), (256, 8, 8), (512, 4, 4), (512, 4, 4), (1, 1, 1)]
    assert not any(isinstance(m, nn.Linear) for m in d.modules())


def test_full_res_d_reads_the_image_at_its_size_through_a_nonlinearity_before_halving() -> None:
    torch.manual_seed(0)
    d = DCGANDiscriminator(32, 8, 1, full_res=4, code_logits=3)
    x = torch.randn(2, 3, 32, 32)
    convs = _shapes(d, x, (nn.Conv2d,))
    assert convs[:2] == [(4, 32, 32), (8, 16, 16)]  # a 3×3 at full size, then the first stride-2 convolution
    assert isinstance(d.full_res[1], nn.LeakyReLU)  # non-linear: more than a wider first filter
    assert d.net[0].in_channels == 4
    scores, codes, _ = d.outputs(x)
    assert torch.allclose(scores, d(x)) and codes.shape == (2, 3)  # Q's path goes through it too
    # off (0) is the report's D, key for key
    assert (
        DCGANDiscriminator(32, 8, 1, full_res=0).state_dict().keys() == DCGANDiscriminator(32, 8, 1).state_dict().keys()
    )
    assert all(not k.startswith("full_res") for k in DCGANDiscriminator(32, 8, 1).state_dict())


def test_d_outputs_give_the_forward_logits_and_the_features_the_verdict_reads() -> None:
    torch.manual_seed(0)
    d = DCGANDiscriminator(32, 8, 1, minibatch_std=2)
    x = torch.randn(4, 3, 32, 32)
    scores, codes, features = d.outputs(x)
    assert torch.allclose(scores, d(x)) and codes is None  # no head: no guesses
    assert features.shape == (4, 8 * 4 + 1, 4, 4)  # the last convolution's input (with the stddev map)
    assert torch.allclose(d.net[-1](features).flatten(), scores)


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

"""Small-map convolutions as a matrix product: torch's values and gradients, and chosen only where measured."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from avatargan.nn import matmul_conv
from avatargan.nn.discriminators import DCGANDiscriminator
from avatargan.nn.layers import conv

CL = torch.channels_last


def _grads(fn, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None, gy_seed: int = 3) -> list[torch.Tensor]:
    x, w = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    b = b.clone().requires_grad_(True) if b is not None else None
    y = fn(x, w, b)
    gy = torch.randn(y.shape, generator=torch.Generator().manual_seed(gy_seed))
    y.backward(gy)  # a random upstream gradient: ones would hide a transposed or flipped kernel in the backward
    return [y.detach(), x.grad, w.grad] + ([b.grad] if b is not None else [])


# (in channels, out channels, height, width, kernel, stride, padding, bias): DCGAN's 4×4/stride 2 layers, its 3×3
# extra layer, the 4×4 valid projection, and a non-square map
CONV_CASES = [
    (6, 5, 8, 8, 4, 2, 1, False),
    (4, 7, 4, 4, 3, 1, 1, True),
    (3, 2, 4, 4, 4, 1, 0, True),
    (5, 3, 6, 10, 4, 2, 1, True),
]


#: (torch's layer, our function, torch's function) of each kind
KINDS = {
    "conv": (nn.Conv2d, matmul_conv.conv2d_matmul, F.conv2d),
    "transposed": (nn.ConvTranspose2d, matmul_conv.conv_transpose2d_matmul, F.conv_transpose2d),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("c", "o", "h", "w", "k", "s", "p", "bias"), CONV_CASES)
def test_matches_torch_in_values_and_gradients(kind, c, o, h, w, k, s, p, bias) -> None:
    layer_cls, ours_fn, torch_fn = KINDS[kind]
    torch.manual_seed(0)
    layer = layer_cls(c, o, k, s, p, bias=bias)
    x = torch.randn(2, c, h, w).contiguous(memory_format=CL)
    b = layer.bias.detach() if bias else None
    ours = _grads(lambda x, w, b: ours_fn(x, w, b, s, p), x, layer.weight.detach(), b)
    theirs = _grads(lambda x, w, b: torch_fn(x, w, b, s, p), x, layer.weight.detach(), b)
    for a, t in zip(ours, theirs, strict=True):
        assert a.shape == t.shape
        torch.testing.assert_close(a, t, atol=1e-5, rtol=1e-4)


def test_a_transposed_conv_on_a_1x1_map_matches_torch_in_values_and_gradients() -> None:
    # G's projection of the noise: one window, whose overlap-add is a reshape
    torch.manual_seed(0)
    layer = nn.ConvTranspose2d(5, 6, 4, 1, 0, bias=True)
    x = torch.randn(3, 5, 1, 1).contiguous(memory_format=CL)
    args = (layer.weight.detach(), layer.bias.detach())
    ours = _grads(lambda x, w, b: matmul_conv.conv_transpose2d_matmul(x, w, b, 1, 0), x, *args)
    theirs = _grads(lambda x, w, b: F.conv_transpose2d(x, w, b, 1, 0), x, *args)
    for a, t in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, t, atol=1e-5, rtol=1e-4)


def test_under_bf16_autocast_it_computes_in_bf16_and_returns_gradients_in_the_parameters_dtype() -> None:
    torch.manual_seed(0)
    layer = nn.Conv2d(8, 4, 4, 2, 1, bias=True)
    x = torch.randn(2, 8, 8, 8, requires_grad=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = matmul_conv.conv2d_matmul(x, layer.weight, layer.bias, 2, 1)
        reference = layer._conv_forward(x, layer.weight, layer.bias)
    assert y.dtype == torch.bfloat16
    torch.testing.assert_close(y.float(), reference.float(), atol=0.05, rtol=0.02)
    y.float().sum().backward()
    assert layer.weight.grad.dtype == torch.float32 and x.grad.dtype == torch.float32


def test_matmul_pays_only_on_small_maps_of_large_products_in_bf16_on_amx(monkeypatch) -> None:
    monkeypatch.setattr(matmul_conv, "cpu_amx_bf16", lambda: True)
    d_8_to_4 = nn.Conv2d(256, 512, 4, 2, 1, bias=False)  # the paper's D: 128 × 16 × 256·16 × 512 = 4.3 G
    x = torch.zeros(128, 256, 8, 8)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert matmul_conv.matmul_pays(x, d_8_to_4)
        assert not matmul_conv.matmul_pays(x[:4], d_8_to_4)  # 0.13 G: the gathers cost more than oneDNN loses
        assert not matmul_conv.matmul_pays(torch.zeros(128, 256, 16, 16), d_8_to_4)  # an 8×8 output: oneDNN
        grouped = nn.Conv2d(256, 512, 4, 2, 1, groups=2)
        assert not matmul_conv.matmul_pays(x, grouped)
        g_4_to_8 = nn.ConvTranspose2d(512, 256, 4, 2, 1)
        assert matmul_conv.matmul_pays(torch.zeros(128, 512, 4, 4), g_4_to_8)  # the input map counts
        assert not matmul_conv.matmul_pays(torch.zeros(128, 512, 8, 8), g_4_to_8)
        # products that need no gather go at any size: G's projection (1×1 map) and D's verdict (one window)
        projection, verdict = nn.ConvTranspose2d(100, 128, 4, 1, 0), nn.Conv2d(128, 1, 4, 1, 0)
        assert matmul_conv.matmul_pays(torch.zeros(32, 100, 1, 1), projection)
        assert matmul_conv.matmul_pays(torch.zeros(32, 128, 4, 4), verdict)
        assert not matmul_conv.matmul_pays(torch.zeros(32, 128, 2, 2), nn.Conv2d(128, 1, 4, 1, 1))  # padded
        assert not matmul_conv.matmul_pays(torch.zeros(32, 100, 2, 2), projection)  # 4 windows that overlap
        monkeypatch.setattr(matmul_conv, "GATHER_FREE", False)
        assert not matmul_conv.matmul_pays(torch.zeros(32, 100, 1, 1), projection)
    assert not matmul_conv.matmul_pays(x, d_8_to_4)  # fp32: oneDNN
    assert matmul_conv.matmul_pays(x.bfloat16(), d_8_to_4)  # bf16 tensors without autocast
    monkeypatch.setattr(matmul_conv, "cpu_amx_bf16", lambda: False)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert not matmul_conv.matmul_pays(x, d_8_to_4)  # measured on AMX only


def test_the_layers_are_torchs_with_the_same_parameters_and_forward(monkeypatch) -> None:
    torch.manual_seed(0)
    ours = conv(6, 4, 4, 2, 1, norm="batch")
    assert isinstance(ours, matmul_conv.Conv2d) and isinstance(ours, nn.Conv2d)
    plain = nn.Conv2d(6, 4, 4, 2, 1, bias=False)
    assert ours.state_dict().keys() == plain.state_dict().keys()
    plain.load_state_dict(ours.state_dict())
    x = torch.randn(2, 6, 8, 8)
    monkeypatch.setattr(matmul_conv, "matmul_pays", lambda x, layer: True)
    torch.testing.assert_close(ours(x), plain(x), atol=1e-5, rtol=1e-4)
    up = conv(6, 4, 4, 2, 1, transposed=True, bias=True)
    assert isinstance(up, matmul_conv.ConvTranspose2d)
    plain_up = nn.ConvTranspose2d(6, 4, 4, 2, 1)
    plain_up.load_state_dict(up.state_dict())
    torch.testing.assert_close(up(x), plain_up(x), atol=1e-5, rtol=1e-4)


def test_a_spectral_norm_discriminator_trains_through_the_matrix_product(monkeypatch) -> None:
    monkeypatch.setattr(matmul_conv, "matmul_pays", lambda x, layer: x.shape[-1] <= 4)  # its 4×4 layers
    torch.manual_seed(0)
    d = DCGANDiscriminator(image_size=16, base_channels=4, norm="spectral").eval()  # eval: u stays put
    x = torch.randn(3, 3, 16, 16, requires_grad=True)
    d(x).sum().backward()
    monkeypatch.setattr(matmul_conv, "matmul_pays", lambda x, layer: False)
    grads = [p.grad.clone() for p in d.parameters()]
    gx = x.grad.clone()
    for p in d.parameters():
        p.grad = None
    x.grad = None
    d(x).sum().backward()
    torch.testing.assert_close(x.grad, gx, atol=1e-5, rtol=1e-4)
    for p, g in zip(d.parameters(), grads, strict=True):
        torch.testing.assert_close(p.grad, g, atol=1e-5, rtol=1e-4)


def test_torch_compile_traces_the_choice_without_a_graph_break(monkeypatch) -> None:
    monkeypatch.setattr(matmul_conv, "cpu_amx_bf16", lambda: True)
    d = DCGANDiscriminator(image_size=16, base_channels=4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        explained = torch._dynamo.explain(d)(torch.randn(2, 3, 16, 16))
    assert explained.graph_break_count == 0

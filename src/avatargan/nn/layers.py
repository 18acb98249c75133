"""Small building blocks shared by every architecture: normalisation choice, activations and weight init."""

from __future__ import annotations

from typing import Literal, get_args

from torch import nn

from avatargan.nn import matmul_conv

#: every normalisation `norm_layer`/`conv` know; spectral norm wraps the convolution instead of following it
Norm = Literal["batch", "instance", "spectral", "none"]
#: the normalisations of networks whose convolutions are plain (spectral norm would silently mean none there)
LayerNorm = Literal["batch", "instance", "none"]
NORMS = get_args(Norm)
LEAKY_SLOPE = 0.2  # DCGAN's slope; the report uses leaky ReLU in both networks


def norm_layer(kind: str, channels: int) -> nn.Module:
    """`batch`, `instance` (affine, as CycleGAN uses), or `none`. Spectral norm wraps convs instead (see `conv`)."""
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    if kind in ("none", "spectral"):
        return nn.Identity()
    raise ValueError(f"unknown norm {kind!r}; use batch, instance, spectral or none")


def conv(
    in_ch: int,
    out_ch: int,
    kernel: int,
    stride: int,
    padding: int,
    *,
    norm: str = "none",
    bias: bool | None = None,
    transposed: bool = False,
) -> nn.Module:
    """A (transposed) convolution; with `norm="spectral"` it is wrapped in spectral normalisation.

    A bias is redundant before batch/instance norm (the norm's shift replaces it), so it is dropped there. The layers
    are torch's, computed as one matrix product on small maps where that is faster (`nn/matmul_conv.py`).
    """
    if bias is None:
        bias = norm not in ("batch", "instance")
    cls = matmul_conv.ConvTranspose2d if transposed else matmul_conv.Conv2d
    layer = cls(in_ch, out_ch, kernel, stride, padding, bias=bias)
    return nn.utils.parametrizations.spectral_norm(layer) if norm == "spectral" else layer


def conv_norm_act(
    in_ch: int, out_ch: int, kernel: int, stride: int, padding: int, *, norm: str, transposed: bool = False
) -> list[nn.Module]:
    """conv → norm → leaky ReLU, the unit both DCGAN networks repeat."""
    return [
        conv(in_ch, out_ch, kernel, stride, padding, norm=norm, transposed=transposed),
        norm_layer(norm, out_ch),
        nn.LeakyReLU(LEAKY_SLOPE, inplace=True),
    ]


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN's init (Radford et al.): conv weights ~ N(0, 0.02), norm scales ~ N(1, 0.02), shifts 0."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d | nn.ConvTranspose2d | nn.Linear):
            weight = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            nn.init.normal_(weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d | nn.InstanceNorm2d) and m.affine:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def halvings(image_size: int) -> int:
    """How many stride-2 stages lie between a 4×4 map and `image_size`/2 (3 for 64×64: 4→8→16→32)."""
    if image_size < 8 or image_size & (image_size - 1):
        raise ValueError(f"image_size must be a power of two ≥ 8, got {image_size}")
    return image_size.bit_length() - 1 - 3

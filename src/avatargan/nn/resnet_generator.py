"""The image → image generator of CycleGAN and CartoonGAN (Johnson et al.'s ResNet layout, which both papers use).

    7×7 stem → N stride-2 down-sampling stages → K residual blocks → N up-sampling stages → 7×7 out + tanh

with instance norm and ReLU. The two papers differ only inside the sampling stages, selected by `style`:

* ``cyclegan`` (Zhu et al. 2017; the report's section 3.3): one 3×3 convolution per stage (stride 2 down,
  transposed stride 2 up). The report uses two stages and 4 residual blocks.
* ``cartoongan`` (Chen et al. 2018, fig. 2; the report's section 3.4): each stage adds a stride-1 3×3 convolution
  after the resampling one ("k3n128s2, k3n128s1, norm, ReLU"), and there are 8 residual blocks.

Channels double at every down stage from `channels` (64 in both papers; the report's CycleGAN used fewer). The
output has the input's size whenever the input side is a multiple of 2**n_down (the network is fully
convolutional, so `avatargan transfer --size` may differ from the training size).
"""

from __future__ import annotations

import torch
from torch import nn

from avatargan.nn.layers import norm_layer
from avatargan.nn.reflection_pad import ReflectionPad2d

STYLES = ("cyclegan", "cartoongan")


def _bias(norm: str) -> bool:
    """A bias right before batch/instance norm is redundant (the norm's shift replaces it)."""
    return norm not in ("batch", "instance")


class ResidualBlock(nn.Module):
    """x + (reflect-pad, 3×3 conv, norm, ReLU, reflect-pad, 3×3 conv, norm)(x): keeps channels and size."""

    def __init__(self, channels: int, norm: str = "instance") -> None:
        super().__init__()
        self.body = nn.Sequential(
            ReflectionPad2d(1),
            nn.Conv2d(channels, channels, 3, bias=_bias(norm)),
            norm_layer(norm, channels),
            nn.ReLU(inplace=True),
            ReflectionPad2d(1),
            nn.Conv2d(channels, channels, 3, bias=_bias(norm)),
            norm_layer(norm, channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def _stage(in_ch: int, out_ch: int, *, up: bool, extra_conv: bool, norm: str) -> list[nn.Module]:
    """One down- (stride-2 conv) or up-sampling (stride-2 transposed conv) stage, optionally + a stride-1 conv."""
    # CartoonGAN normalises only after its pair of convolutions, so there the resampling one keeps its bias.
    bias = _bias(norm) or extra_conv
    if up:
        layers: list[nn.Module] = [nn.ConvTranspose2d(in_ch, out_ch, 3, 2, 1, output_padding=1, bias=bias)]
    else:
        layers = [nn.Conv2d(in_ch, out_ch, 3, 2, 1, bias=bias)]
    if extra_conv:
        layers.append(nn.Conv2d(out_ch, out_ch, 3, 1, 1, bias=_bias(norm)))
    return [*layers, norm_layer(norm, out_ch), nn.ReLU(inplace=True)]


class ResnetGenerator(nn.Module):
    """Image (N, 3, H, W) in [-1, 1] → image (N, 3, H, W) in [-1, 1]."""

    def __init__(
        self,
        channels: int = 64,
        n_down: int = 2,
        n_blocks: int = 4,
        style: str = "cyclegan",
        norm: str = "instance",
    ) -> None:
        super().__init__()
        if style not in STYLES:
            raise ValueError(f"unknown generator style {style!r}; use one of {', '.join(STYLES)}")
        if n_down < 0 or n_blocks < 0 or channels < 1:
            raise ValueError("channels must be ≥ 1 and the numbers of stages and blocks ≥ 0")
        self.n_down = n_down
        extra = style == "cartoongan"
        layers: list[nn.Module] = [
            ReflectionPad2d(3),
            nn.Conv2d(3, channels, 7, bias=_bias(norm)),
            norm_layer(norm, channels),
            nn.ReLU(inplace=True),
        ]
        # PatchNCE's taps (`blocks/patch_nce.py`, CUT's choice of layers): the input, the stem, each down stage and
        # the middle residual block; each tap reads the output of the layer at its index
        self.taps, self.tap_channels = [len(layers) - 1], [3, channels]
        ch = channels
        for _ in range(n_down):
            layers += _stage(ch, ch * 2, up=False, extra_conv=extra, norm=norm)
            ch *= 2
            self.taps.append(len(layers) - 1)
            self.tap_channels.append(ch)
        layers += [ResidualBlock(ch, norm) for _ in range(n_blocks)]
        if n_blocks:
            self.taps.append(len(layers) - n_blocks + (n_blocks + 1) // 2 - 1)  # after block ⌈K/2⌉
            self.tap_channels.append(ch)
        for _ in range(n_down):
            layers += _stage(ch, ch // 2, up=True, extra_conv=extra, norm=norm)
            ch //= 2
        layers += [ReflectionPad2d(3), nn.Conv2d(ch, 3, 7), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def encode(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The input and the encoder's features at `taps` (channels: `tap_channels`), running only as far as the
        last tap."""
        features = [x]
        for i, layer in enumerate(self.net[: self.taps[-1] + 1]):
            x = layer(x)
            if i in self.taps:
                features.append(x)
        return features

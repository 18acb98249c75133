"""Patch discriminators: an image → a map of real/fake logits, one per overlapping patch (CycleGAN, CartoonGAN).

The losses compare every element of the map with a label of the same shape, so (as the report's section 3.3 says)
the output shape does not matter. Two layouts, selected by `style`:

* ``dcgan`` (CycleGAN's; the report: "similar to the ones of DCGAN, but the outputs contain not only one element"):
  DCGAN's 4×4 stride-2 convolutions with leaky ReLU, the first without normalisation, then a stride-1 layer and a
  stride-1 1-channel output instead of DCGAN's final 4×4 → 1×1 convolution. With `n_down=3` this is Isola et al.'s
  70×70 PatchGAN; a 64×64 image gives a 6×6 map.
* ``cartoongan`` (Chen et al. 2018, fig. 2): 7 convolutions of 3×3 with leaky ReLU, two of them stride 2:
  k3n32s1 → [k3n64s2, k3n128s1+norm] → [k3n128s2, k3n256s1+norm] → k3n256s1+norm → k3n1s1 (for `channels=32`),
  so the map is a quarter of the image side.
"""

from __future__ import annotations

import torch
from torch import nn

from avatargan.nn.layers import LEAKY_SLOPE, conv, norm_layer

STYLES = ("dcgan", "cartoongan")


def _block(in_ch: int, out_ch: int, kernel: int, stride: int, norm: str) -> list[nn.Module]:
    return [conv(in_ch, out_ch, kernel, stride, 1, norm=norm), norm_layer(norm, out_ch), nn.LeakyReLU(LEAKY_SLOPE)]


class PatchDiscriminator(nn.Module):
    """Image (N, 3, H, W) → logits (N, 1, h, w)."""

    def __init__(self, channels: int = 64, n_down: int = 3, norm: str = "instance", style: str = "dcgan") -> None:
        super().__init__()
        if style not in STYLES:
            raise ValueError(f"unknown discriminator style {style!r}; use one of {', '.join(STYLES)}")
        if n_down < 1:
            raise ValueError(f"a patch discriminator needs at least one down-sampling step, got {n_down}")
        # normalising the raw image input destabilises training (the DCGAN convention): the first layer has none
        plain = "spectral" if norm == "spectral" else "none"
        if style == "dcgan":
            layers = _block(3, channels, 4, 2, plain)
            ch = channels
            for i in range(1, n_down):
                out = channels * min(2**i, 8)
                layers += _block(ch, out, 4, 2, norm)
                ch = out
            out = channels * min(2**n_down, 8)
            layers += _block(ch, out, 4, 1, norm)
            layers.append(conv(out, 1, 4, 1, 1, norm=plain, bias=True))
        else:
            layers = _block(3, channels, 3, 1, plain)
            ch = channels
            for i in range(1, n_down + 1):
                width = channels * 2 ** (i + 1)  # 128, 256 for channels=32
                layers += _block(ch, width // 2, 3, 2, plain)  # the paper normalises only the stride-1 conv
                layers += _block(width // 2, width, 3, 1, norm)
                ch = width
            layers += _block(ch, ch, 3, 1, norm)
            layers.append(conv(ch, 1, 3, 1, 1, norm=plain, bias=True))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

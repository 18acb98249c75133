"""A self-supervised discriminator's decoder (FastGAN, Liu et al. 2021): D must rebuild the real image it scored.

A D that only has to tell real from generated can get by on a few cues (a face's outline, the mean colour) and
ignore the rest: a small iris's colour, a lid's sharp corner. FastGAN adds a small decoder that reconstructs each
real image from D's own features and trains D and decoder together on the reconstruction error, so D's features
must hold everything the image shows, and its verdict can then notice what G leaves out. Only real images are
reconstructed (FastGAN's choice: reconstructing G's images would reward D for encoding G's flaws just as well).

Here the decoder reads D's last hidden 4×4 map (what the verdict reads) and doubles it to half the image size with
nearest ×2 + 3×3 convolution units (norm, leaky ReLU; `width` channels, halving at each), then a 3×3 convolution to
RGB and tanh. It is narrow, as FastGAN's is: on the demo recipe (2 threads, AVX2) a decoder at D's own widths ran
the step at 0.74× the steps/s without it, at 64 / 32 / 16 channels 0.76×, at 32 / 16 / 8 (the default) 0.85×. The
loss is the mean L1 distance to D's view of the real image, area-averaged to the decoder's size. FastGAN measures it
with LPIPS on a pretrained VGG; L1 needs no download and still asks for every colour and place.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from avatargan.nn.layers import conv, conv_norm_act


class ReconstructionDecoder(nn.Module):
    """D's hidden map (N, channels, 4, 4) → image (N, 3, out_size, out_size) in (-1, 1)."""

    def __init__(self, channels: int, out_size: int, norm: str = "batch", width: int = 32) -> None:
        super().__init__()
        if out_size < 8 or out_size & (out_size - 1):
            raise ValueError(f"the decoder's output size must be a power of two ≥ 8, got {out_size}")
        layers: list[nn.Module] = []
        size = 4
        while size < out_size:
            out = width
            width = max(width // 2, 8)
            layers += [nn.Upsample(scale_factor=2, mode="nearest"), *conv_norm_act(channels, out, 3, 1, 1, norm=norm)]
            channels, size = out, size * 2
        # no norm layer after the RGB convolution; `conv` spectral-norms it under a spectral-norm D, else plain
        layers += [conv(channels, 3, 3, 1, 1, norm=norm, bias=True), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        self.out_size = out_size

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features)

    def loss(self, features: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        """Mean L1 distance between the reconstruction from `features` and `images` averaged down to its size."""
        return F.l1_loss(self(features), reconstruction_target(images, self.out_size))


def reconstruction_target(images: torch.Tensor, size: int) -> torch.Tensor:
    """`images` (N, 3, S, S) area-averaged to (N, 3, size, size); no gradient reaches them (the target is fixed)."""
    images = images.detach()
    return images if images.shape[-1] == size else F.adaptive_avg_pool2d(images, size)

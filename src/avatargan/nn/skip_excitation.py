"""Skip-layer excitation (FastGAN, Liu et al. 2021): G's smallest map gates the channels of a large one.

In a plain DCGAN generator a choice made at 4×4 (this face has red hair and gold eyes) reaches the 32×32 map only
through every layer between, and a small G draws it patchily: hair of two colours, an iris that mixes several. The
excitation reads G's 4×4 map and scales each channel of a later, larger map by a number in (0, 1) of its own per
image, a shortcut for such whole-image choices (a squeeze-and-excitation whose squeeze comes from another layer).

FastGAN's module: the small map pooled to 4×4, a 4×4 convolution (no padding) to one value per output channel, a
leaky ReLU (FastGAN's Swish; the report's nets use leaky ReLU), a 1×1 convolution and a sigmoid.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from avatargan.nn.layers import LEAKY_SLOPE, conv


class SkipExcitation(nn.Module):
    """(small (N, C_small, h, w), large (N, C_large, H, W)) → large scaled per image and channel by σ(f(small))."""

    def __init__(self, small_channels: int, large_channels: int) -> None:
        super().__init__()
        self.gate = nn.Sequential(
            conv(small_channels, large_channels, 4, 1, 0, bias=True),
            nn.LeakyReLU(LEAKY_SLOPE),
            conv(large_channels, large_channels, 1, 1, 0, bias=True),
            nn.Sigmoid(),
        )

    def forward(self, small: torch.Tensor, large: torch.Tensor) -> torch.Tensor:
        return large * self.gate(F.adaptive_avg_pool2d(small, 4))

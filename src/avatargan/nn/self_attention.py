"""Self-attention over a feature map (SAGAN, Zhang et al. 2019; the pooled keys of BigGAN's version).

A convolution sees a few pixels around each place; a face's parts that belong together but lie apart (two irises of
one colour, a fringe and the hair it belongs to) only meet after many layers. This layer lets every place of one map
read every other: 1×1 convolutions make a query per place and a key and a value per place of the map pooled 2×2
(a quarter of the places, BigGAN's saving), each place takes the softmax-weighted mix of the values its query
matches, a 1×1 convolution maps that mix back to the map's channels, and a learned scale γ adds it to the input.
γ starts at 0, so the network starts as the one without the layer and lets attention in as it learns.

Queries and keys have channels/8 entries, values channels/2 (the paper's). Scores are scaled by 1/√(key size), as
`scaled_dot_product_attention` does (the paper leaves them unscaled; the scale keeps the softmax soft at init).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from avatargan.nn.layers import conv, halvings


def attention_sizes(image_size: int) -> list[int]:
    """The maps (px) of DCGAN's G and D that the layer may follow: half the image size down to 8 (32, 16, 8 for 64 px;
    not 4×4, whose pooled keys would be four)."""
    return [image_size // 2**i for i in range(1, halvings(image_size) + 1)]


class SelfAttention(nn.Module):
    """(N, C, H, W) → (N, C, H, W): x + γ · attention(x); H and W even."""

    def __init__(self, channels: int, *, norm: str = "none") -> None:
        super().__init__()
        # `conv` wraps the 1×1 maps in spectral norm for a spectral-norm D and leaves them plain for any other norm;
        # no norm layer follows them
        qk, v = max(channels // 8, 1), max(channels // 2, 1)
        self.query = conv(channels, qk, 1, 1, 0, norm=norm, bias=False)
        self.key = conv(channels, qk, 1, 1, 0, norm=norm, bias=False)
        self.value = conv(channels, v, 1, 1, 0, norm=norm, bias=False)
        self.out = conv(v, channels, 1, 1, 0, norm=norm, bias=False)
        self.gamma = nn.Parameter(torch.zeros(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, _, h, w = x.shape
        q = self.query(x).flatten(2).transpose(1, 2)  # (N, HW, qk)
        k = F.max_pool2d(self.key(x), 2).flatten(2).transpose(1, 2)  # (N, HW/4, qk)
        v = F.max_pool2d(self.value(x), 2).flatten(2).transpose(1, 2)  # (N, HW/4, v)
        mixed = F.scaled_dot_product_attention(q, k, v)  # (N, HW, v)
        return x + self.gamma * self.out(mixed.transpose(1, 2).reshape(n, -1, h, w))

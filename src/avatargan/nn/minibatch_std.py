"""Minibatch standard deviation (Karras et al. 2018, "Progressive Growing of GANs", section 3; kept in StyleGAN2).

D sees one image at a time, so it cannot tell a generator that draws one face well from one that draws many. This
layer hands it a statistic of the whole group: the batch is split into groups of `group_size` images, the standard
deviation of every feature over each group is averaged to one number, and that number is appended as an extra
feature map to each image of the group. A collapsed generator's group has a standard deviation near zero, unlike a
group of real images, and D can punish it. No weights: it only adds one input channel to the next convolution.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class MinibatchStd(nn.Module):
    """(N, C, H, W) → (N, C + 1, H, W); the extra map is constant within each group of images."""

    def __init__(self, group_size: int = 4) -> None:
        super().__init__()
        self.group_size = group_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        # Groups must divide the batch; a last, smaller batch of the epoch uses the largest group size that does.
        g = math.gcd(n, self.group_size)
        m = n // g
        # Image i = k·m + j belongs to group j (as StyleGAN), so a group mixes images from across the batch.
        y = x.float().reshape(g, m, c, h, w)
        std = (y - y.mean(dim=0)).square().mean(dim=0).add(1e-8).sqrt()  # (m, C, H, W): per feature, per group
        per_group = std.mean(dim=(1, 2, 3))  # (m,)
        extra = per_group.repeat(g).reshape(n, 1, 1, 1).expand(n, 1, h, w).to(x.dtype)
        return torch.cat([x, extra], dim=1)

    def extra_repr(self) -> str:
        return f"group_size={self.group_size}"

"""Self-modulated batch norm (Chen, Lucic, Houlsby, Gelly 2019, "On Self Modulation for Generative Adversarial
Networks").

In the report's generator the noise enters once, at the 1×1 → 4×4 projection; every later layer sees only the
feature maps. Our demo's G paints hair and irises in patches of several colours, as if later layers had lost which
colour this face is. Self-modulation hands the noise to every batch norm of G: its scale and shift become functions
of z, γ(z) = 1 + MLP_γ(z) and β(z) = MLP_β(z), one small MLP (one hidden layer of `hidden` units, ReLU) per layer,
in place of the learned constants. The paper reports lower FID in most of its unconditional settings (DCGAN- and
ResNet-style generators, several losses and data sets) for a few thousand parameters per layer; nothing else about G
changes. On our demo recipe (H = 32, three seeds) FID was level and coverage lower
(benchmarks/results/2026-12-06-dcgan-demo-pacgan-selfmod/), so it is off by default. Under DCGAN's
initialisation (weights ~ N(0, 0.02)) γ(z) starts near 1 and β(z) near 0, as the constants do.
"""

from __future__ import annotations

import torch
from torch import nn


class SelfModulatedBatchNorm(nn.Module):
    """Batch norm without its own affine, then a per-image scale 1 + γ(z) and shift β(z): (x, z) → same shape as x."""

    def __init__(self, channels: int, latent_dim: int, hidden: int = 32) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.mlp = nn.Sequential(nn.Linear(latent_dim, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, 2 * channels))

    def forward(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        gamma, beta = self.mlp(z).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)  # (N, C, 1, 1) each
        return torch.addcmul(beta, self.norm(x), 1 + gamma)

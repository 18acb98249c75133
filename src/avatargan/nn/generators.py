"""Generators. DCGAN's follows the report's section 3.2 exactly (with the "extra layer"); later families add theirs.

The report's generator, for a 64×64 image:

    z (100, N(0, 1)) → 512×4×4 → 256×8×8 → 128×16×16 → 64×32×32 → [extra layer, size-preserving] → 3×64×64 → tanh

"Every convolution layer except the last one is followed by a batch normalization layer and a leaky ReLU."

On the "extra layer". The text says it "changes the channel number to 3", after which a final transposed convolution
doubles the size. Read literally, the whole image would have to pass through a 3-channel 32×32 bottleneck (with batch
norm and leaky ReLU on it) before a 3→3 transposed convolution makes the 64×64 picture: the last up-sampling step could
then only interpolate colours. The name "extra layers" comes from the DCGAN code of the WGAN authors (`n_extra_layers`),
where each extra layer is a 3×3, stride-1 convolution that keeps channels and size, followed by norm and activation,
and the final transposed convolution maps the channels to 3 — the network's *tail* (extra layer + final convolution)
is what "changes the channel number to 3". We take that reading by default (`extra_layer_reading: channel-preserving`)
because it matches the source of the term, keeps every layer the report lists, and does not starve the last layer.
The literal reading is available as `extra_layer_reading: to-rgb` for anyone who wants to compare.
"""

from __future__ import annotations

from typing import Literal, get_args

import torch
from torch import nn

from avatargan.nn.layers import conv, conv_norm_act, halvings

ExtraLayerReading = Literal["channel-preserving", "to-rgb"]
EXTRA_LAYER_READINGS = get_args(ExtraLayerReading)


class DCGANGenerator(nn.Module):
    """Noise (N, latent_dim) → image (N, 3, size, size) in (-1, 1)."""

    def __init__(
        self,
        latent_dim: int = 100,
        image_size: int = 64,
        base_channels: int = 64,
        extra_layers: int = 1,
        extra_layer_reading: str = "channel-preserving",
        norm: str = "batch",
    ) -> None:
        super().__init__()
        if extra_layer_reading not in EXTRA_LAYER_READINGS:
            raise ValueError(f"extra_layer_reading must be one of {EXTRA_LAYER_READINGS}")
        if extra_layer_reading == "to-rgb" and extra_layers < 1:
            raise ValueError("the to-rgb reading needs at least one extra layer")
        self.latent_dim = latent_dim
        n_up = halvings(image_size)
        channels = base_channels * 2**n_up  # 512 for the paper's 64×64 with 64 base channels
        layers = conv_norm_act(latent_dim, channels, 4, 1, 0, norm=norm, transposed=True)  # 1×1 → 4×4
        for _ in range(n_up):  # each halves the channels and doubles the size
            layers += conv_norm_act(channels, channels // 2, 4, 2, 1, norm=norm, transposed=True)
            channels //= 2
        for i in range(extra_layers):  # size-preserving 3×3 convolutions
            out = 3 if extra_layer_reading == "to-rgb" and i == extra_layers - 1 else channels
            layers += conv_norm_act(channels, out, 3, 1, 1, norm=norm)
            channels = out
        layers += [conv(channels, 3, 4, 2, 1, transposed=True, bias=True), nn.Tanh()]  # doubles the size → RGB
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z.view(z.shape[0], self.latent_dim, 1, 1))

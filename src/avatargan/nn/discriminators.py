"""Discriminators. DCGAN's follows the report's section 3.2: a mirror of the generator with no fully connected layer.

For a 64×64 image:  3×64×64 → 64×32×32 → 128×16×16 → 256×8×8 → 512×4×4 → [extra layer: keeps 512×4×4] → 1×1×1.
With `minibatch_std` (a group size; 0 = off) a minibatch-standard-deviation map (nn/minibatch_std.py) joins the
last convolution's input, so D can see a lack of variety in a group of generated images. With `pack` > 1 (PacGAN,
nn/pacgan.py) D judges packs of that many images stacked along the channels, one logit per pack. With
`code_logits` > 0 a head Q (InfoGAN, nn/info_codes.py) reads the same 4×4 features as the last convolution and gives
that many logits per image: its guesses of G's categorical codes. With `full_res` > 0 a 3×3
convolution to that many channels and a leaky ReLU read the image at its own size before the first stride-2
convolution, so D judges fine detail (an iris, a lid's corner) through a non-linearity, not only the first layer's
linear 4×4 filters (the mirror of G's `full_res` stage). With `attention` (a map size; 0 = off) a self-attention
layer (`nn/self_attention.py`, SAGAN) follows the stage that makes that map. With `recon_size` > 0 a decoder
(`nn/d_decoder.py`, FastGAN's self-supervised D) rebuilds a real image at that size from the last hidden features,
so those features must hold the whole image. `outputs` gives the logits, Q's guesses
and the last hidden 4×4 features from one pass (InfoGAN reads the guesses; feature matching,
`losses.feature_matching`, the features).
The first convolution has no normalisation (the DCGAN convention: normalising the raw image input destabilises
training); every other one but the last is followed by normalisation and leaky ReLU. The output is a logit; the
losses apply the sigmoid (BCE-with-logits is the report's BCE, computed stably).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from avatargan.nn.d_decoder import ReconstructionDecoder
from avatargan.nn.layers import LEAKY_SLOPE, conv, conv_norm_act, halvings
from avatargan.nn.minibatch_std import MinibatchStd
from avatargan.nn.pacgan import pack_images
from avatargan.nn.self_attention import SelfAttention, attention_sizes


class DOutputs(NamedTuple):
    """One pass through DCGAN's D: logits (N,) (one per pack), Q's code logits (N, code_logits) or None without a
    code head, and the last hidden features (N, C, 4, 4) that the verdict and Q read (None where a caller did not
    ask for them)."""

    scores: torch.Tensor
    codes: torch.Tensor | None
    features: torch.Tensor | None


class DCGANDiscriminator(nn.Module):
    """Image (N, 3, size, size) → logit (N,); with `pack` > 1, one logit per pack: (N // pack,)."""

    def __init__(
        self,
        image_size: int = 64,
        base_channels: int = 64,
        extra_layers: int = 1,
        norm: str = "batch",
        minibatch_std: int = 0,
        pack: int = 1,
        code_logits: int = 0,
        full_res: int = 0,
        attention: int = 0,
        recon_size: int = 0,
    ) -> None:
        super().__init__()
        self.pack = pack
        channels = base_channels
        # the layers that take no batch norm (those reading the image, the verdicts) keep spectral norm when asked
        unnormed = "spectral" if norm == "spectral" else "none"
        # absent when off, so D's layers keep their numbers and checkpoints of D without it their keys
        self.full_res = None
        if full_res:
            self.full_res = nn.Sequential(
                conv(3 * pack, full_res, 3, 1, 1, norm=unnormed), nn.LeakyReLU(LEAKY_SLOPE, inplace=True)
            )
        if attention and attention not in attention_sizes(image_size):
            raise ValueError(f"attention sits on one of D's maps of 8 px to {image_size // 2} px, got {attention}")
        layers: list[nn.Module] = [
            conv(full_res or 3 * pack, channels, 4, 2, 1, norm=unnormed),
            nn.LeakyReLU(LEAKY_SLOPE, inplace=True),
        ]
        size = image_size // 2
        for _ in range(halvings(image_size)):  # each doubles the channels and halves the size
            if size == attention:  # after the stage that made the map, before the next halving (SAGAN's D)
                layers.append(SelfAttention(channels, norm=norm))
            layers += conv_norm_act(channels, channels * 2, 4, 2, 1, norm=norm)
            channels *= 2
            size //= 2
        for _ in range(extra_layers):  # channel- and size-preserving
            layers += conv_norm_act(channels, channels, 3, 1, 1, norm=norm)
        if minibatch_std:  # off by default: the report's D, and its checkpoints' layer numbering, stay as they were
            layers.append(MinibatchStd(minibatch_std))
            channels += 1
        layers.append(conv(channels, 1, 4, 1, 0, norm=unnormed, bias=True))  # 4×4 → 1×1, no fully connected layer
        self.net = nn.Sequential(*layers)
        if code_logits and pack > 1:
            raise ValueError("a packed D gives one output per pack; InfoGAN's codes need one guess per image")
        # absent when off, so checkpoints of D without it keep their keys
        self.q_head = conv(channels, code_logits, 4, 1, 0, norm=unnormed, bias=True) if code_logits else None
        if recon_size and pack > 1:
            raise ValueError("a packed D's features mix the images of a pack; its decoder would rebuild none of them")
        # absent when off, so checkpoints of D without it keep their keys
        self.decoder = ReconstructionDecoder(channels, recon_size, norm) if recon_size else None

    def _input(self, x: torch.Tensor) -> torch.Tensor:
        x = pack_images(x, self.pack)
        return self.full_res(x) if self.full_res is not None else x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(self._input(x)).flatten()

    def outputs(self, x: torch.Tensor) -> DOutputs:
        """Logits, Q's code logits (None without its head) and the last hidden features, from one pass."""
        features = self.net[:-1](self._input(x))
        codes = self.q_head(features).flatten(1) if self.q_head is not None else None
        return DOutputs(self.net[-1](features).flatten(), codes, features)

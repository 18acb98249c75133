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

Beyond the report, `upsample: resize` replaces each stride-2 transposed convolution (4×4) with a nearest-neighbour
doubling followed by a 3×3 convolution (Odena et al., "Deconvolution and Checkerboard Artifacts", Distill 2016). A
4×4/stride-2 transposed convolution paints each output pixel from one of four different sub-kernels, so it prints a
2-pixel checkerboard unless training equalises them; the resize variant gives every output pixel the same kernel. The
1×1 → 4×4 projection stays a transposed convolution: it is a dense layer, with no overlap to go uneven.

`blur: output | all` puts a fixed [1, 2, 1] low-pass (`nn/blur.py`) right after the RGB layer's doubling, or after
every doubling, keeping the transposed convolutions: the filter has zero response at the 2-pixel period where their
checkerboard lives, so G cannot print it (StyleGAN's FIR up-sampling, simplified). Measured on the demo recipe it
removes the pattern and makes FID worse; off by default (`nn/blur.py`).

`full_res: N` (0 = off, the report's layout) ends G with a stage at the output resolution: the last doubling makes N
channels with norm and leaky ReLU instead of RGB, and a 3×3 convolution maps them to RGB. In the report's layout every
output pixel is a linear mix of the 32×32 stage's features through one transposed convolution; this gives G one
non-linearity where the image's edges are drawn, as later generators have (StyleGAN's convolutions at full size
before its toRGB). With `blur: output` the low-pass then follows that last doubling, before its norm. At G's width
16 (the demo's until the thirty-seventh session) N = 8 adds 23 % to G's multiply-adds (9.6 M → 11.8 M per image). On
that demo recipe it lowered FID at 12,000 steps and raised it in the demo's minutes (fewer steps), and beside batch
16 it was level at equal minutes; off by default (benchmarks/results/2026-12-04-dcgan-demo-full-res/,
benchmarks/results/2026-12-06-dcgan-demo-batch16/).

`excite: S` (0 = off) adds FastGAN's skip-layer excitation (`nn/skip_excitation.py`): the 4×4 map gates the channels
of the S×S map (right after the doubling that makes it) by a value in (0, 1) per image and channel, so whole-image
choices made early (a hair colour, an eye colour) reach the large map directly.

`self_modulation: H` (0 = off) replaces every batch norm's learned scale and shift by functions of the noise, each
an MLP with H hidden units (`nn/self_modulation.py`), so every layer, not only the first, knows which face it draws.

`attention: S` (0 = off) puts a self-attention layer (`nn/self_attention.py`, SAGAN) after the doubling that makes
the S×S map, so places of that map far apart (two irises, a fringe and its hair) can agree before the finer stages.

`info_codes: (C, K)` (InfoGAN; (0, 0) = off) turns the noise's first C entries into C one-hot classes of K each
(`nn/info_codes.py`) before G's first layer; D's head Q is asked to read them back from the image.
"""

from __future__ import annotations

from typing import Literal, get_args

import torch
from torch import nn

from avatargan.nn.blur import Blur
from avatargan.nn.info_codes import CategoricalCodes
from avatargan.nn.layers import conv, conv_norm_act, halvings
from avatargan.nn.self_attention import SelfAttention, attention_sizes
from avatargan.nn.self_modulation import SelfModulatedBatchNorm
from avatargan.nn.skip_excitation import SkipExcitation

ExtraLayerReading = Literal["channel-preserving", "to-rgb"]
EXTRA_LAYER_READINGS = get_args(ExtraLayerReading)
Upsampling = Literal["transposed", "resize"]
UPSAMPLINGS = get_args(Upsampling)
GeneratorBlur = Literal["none", "output", "all"]
GENERATOR_BLURS = get_args(GeneratorBlur)


def doubling(in_ch: int, out_ch: int, upsample: str, *, norm: str | None, blur: bool = False) -> list[nn.Module]:
    """Doubles the size: the report's 4×4/stride-2 transposed conv, or nearest ×2 then a 3×3 conv.

    With a `norm` it is a full unit (conv → [blur] → norm → leaky ReLU); with None the bare convolution with a bias
    (the RGB output layer), then the blur if asked.
    """
    if upsample not in UPSAMPLINGS:
        raise ValueError(f"upsample must be one of {UPSAMPLINGS}, got {upsample!r}")
    resize = upsample == "resize"
    kernel, stride = (3, 1) if resize else (4, 2)
    head: list[nn.Module] = [nn.Upsample(scale_factor=2, mode="nearest")] if resize else []
    low_pass: list[nn.Module] = [Blur()] if blur else []
    if norm is None:
        return [*head, conv(in_ch, out_ch, kernel, stride, 1, bias=True, transposed=not resize), *low_pass]
    unit = conv_norm_act(in_ch, out_ch, kernel, stride, 1, norm=norm, transposed=not resize)
    return [*head, unit[0], *low_pass, *unit[1:]]  # the blur between the convolution and its norm


def modulate(layer: nn.Module, latent_dim: int, hidden: int) -> nn.Module:
    """A batch norm becomes its self-modulated form; any other layer stays as it is."""
    if isinstance(layer, nn.BatchNorm2d):
        return SelfModulatedBatchNorm(layer.num_features, latent_dim, hidden)
    return layer


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
        upsample: str = "transposed",
        blur: str = "none",
        full_res: int = 0,
        self_modulation: int = 0,
        info_codes: tuple[int, int] = (0, 0),
        attention: int = 0,
        excite: int = 0,
    ) -> None:
        super().__init__()
        if extra_layer_reading not in EXTRA_LAYER_READINGS:
            raise ValueError(f"extra_layer_reading must be one of {EXTRA_LAYER_READINGS}")
        if blur not in GENERATOR_BLURS:
            raise ValueError(f"blur must be one of {GENERATOR_BLURS}, got {blur!r}")
        if extra_layer_reading == "to-rgb" and extra_layers < 1:
            raise ValueError("the to-rgb reading needs at least one extra layer")
        if self_modulation and norm != "batch":
            raise ValueError("self-modulation modulates batch norms; it needs norm 'batch'")
        self.latent_dim = latent_dim
        codes, classes = info_codes
        if codes > latent_dim:
            raise ValueError(f"{codes} categorical codes do not fit in a noise of length {latent_dim}")
        self.codes = CategoricalCodes(codes, classes) if codes else None
        self.inputs = inputs = latent_dim + (self.codes.added_inputs if self.codes else 0)
        n_up = halvings(image_size)
        channels = base_channels * 2**n_up  # 512 for the paper's 64×64 with 64 base channels
        if attention and attention not in attention_sizes(image_size):
            raise ValueError(f"attention sits on one of G's maps of 8 px to {image_size // 2} px, got {attention}")
        if excite and excite not in attention_sizes(image_size):
            raise ValueError(f"excitation gates one of G's maps of 8 px to {image_size // 2} px, got {excite}")
        layers = conv_norm_act(inputs, channels, 4, 1, 0, norm=norm, transposed=True)  # 1×1 → 4×4
        # skip-layer excitation: the 4×4 map (after its activation) gates the `excite` map (after its doubling's)
        self.excite_from, self.excite_at, self.excite = len(layers) - 1, -1, None
        size, smallest = 4, channels
        for _ in range(n_up):  # each halves the channels and doubles the size
            layers += doubling(channels, channels // 2, upsample, norm=norm, blur=blur == "all")
            channels //= 2
            size *= 2
            if size == excite:
                self.excite_at = len(layers) - 1
                self.excite = SkipExcitation(smallest, channels)
            if size == attention:  # after the unit's activation, as SAGAN's G
                layers.append(SelfAttention(channels))
        for i in range(extra_layers):  # size-preserving 3×3 convolutions
            out = 3 if extra_layer_reading == "to-rgb" and i == extra_layers - 1 else channels
            layers += conv_norm_act(channels, out, 3, 1, 1, norm=norm)
            channels = out
        if full_res > 0:  # doubles to full_res channels (norm, activation), then a 3×3 convolution makes RGB
            layers += doubling(channels, full_res, upsample, norm=norm, blur=blur != "none")
            layers += [conv(full_res, 3, 3, 1, 1, bias=True), nn.Tanh()]
        else:
            layers += [*doubling(channels, 3, upsample, norm=None, blur=blur != "none"), nn.Tanh()]  # doubles → RGB
        if self_modulation:  # same places in the sequence, so the layers keep their numbers
            layers = [modulate(m, latent_dim, self_modulation) for m in layers]
        self.modulated = bool(self_modulation)
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.codes(z) if self.codes is not None else z
        x = x.view(z.shape[0], self.inputs, 1, 1)
        if not self.modulated and self.excite is None:
            return self.net(x)
        small = x
        for i, layer in enumerate(self.net):
            x = layer(x, z) if isinstance(layer, SelfModulatedBatchNorm) else layer(x)
            if i == self.excite_from:
                small = x
            elif i == self.excite_at:
                x = self.excite(small, x)
        return x

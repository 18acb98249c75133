"""CycleGAN: unpaired photo ↔ anime translation, as the report's sections 3.3 and 4.2 describe.

Two generators, G = `a2b` (A → B, photos → anime) and F = `b2a` (B → A), ResNet generators with two down- and
up-sampling stages and 4 residual blocks, narrower than DCGAN; two patch discriminators D_A and D_B in DCGAN's
style. The generator step adds three kinds of loss, each for both directions, weighted identity : GAN : cycle =
5 : 1 : 10 (the report's):

* identity: G(B) ≈ B and F(A) ≈ A (L1),
* GAN: D_B(G(A)) and D_A(F(B)) scored real (least squares, the report's "MSE"),
* cycle: F(G(A)) ≈ A and G(F(B)) ≈ B (L1).

The discriminator step scores real images real and fakes drawn through a 50-image pool (Shrivastava et al.) fake;
its loss is halved, as in the original CycleGAN, to slow D relative to G. The logged curves are the report's eight:
loss_identity_{a2b,b2a}, loss_gan_{a2b,b2a}, loss_cycle_{aba,bab}, loss_d_{a,b} (plus the total loss_g).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch
from torch import nn

from avatargan.blocks import losses, schedule
from avatargan.blocks.augment import AugmentOptions, for_d
from avatargan.blocks.face_losses import weighted_l1
from avatargan.blocks.face_terms import FaceLossOptions, FaceTerms, face_derived
from avatargan.blocks.image_pool import ImagePool
from avatargan.blocks.losses import AdversarialLoss
from avatargan.blocks.schedule import Schedule
from avatargan.config import ModelConfig
from avatargan.config_checks import Count, Decay, PositiveFloat, PositiveInt, Weight
from avatargan.models.base import GANModel, SampleSheet, adam_g_and_d, check_image_size, eval_mode
from avatargan.models.spec import ANIME_TO_PHOTO, DIRECTIONS, PHOTO_TO_ANIME, FamilySpec
from avatargan.nn.layers import LayerNorm, Norm, init_dcgan_weights
from avatargan.nn.patch_discriminator import PatchDiscriminator
from avatargan.nn.resnet_generator import ResnetGenerator
from avatargan.registry import MODELS


@dataclass
class CycleGANConfig(ModelConfig, FaceLossOptions, AugmentOptions):  # face losses (off), DiffAugment for D (off)
    family: str = "cyclegan"
    g_channels: PositiveInt = 32  # channels of the 7×7 stem; doubled at each down-sampling stage
    g_down: Count = 2  # down- and up-sampling stages (the report found 2 better than 1)
    g_blocks: Count = 4  # residual blocks
    d_channels: PositiveInt = 32
    d_down: PositiveInt = 3  # stride-2 convolutions in each discriminator (3: the 70×70 PatchGAN)
    norm: LayerNorm = "instance"  # instance | batch | none
    d_norm: Norm = "instance"  # D may also use spectral
    loss: AdversarialLoss = "lsgan"  # the report's "MSE"; bce | hinge also work
    lambda_identity: Weight = 5.0
    lambda_gan: Weight = 1.0
    lambda_cycle: Weight = 10.0
    pool_size: Count = 50  # fake-image pool per discriminator; 0 turns it off
    lr: PositiveFloat = 3e-4
    lr_d: PositiveFloat | None = None  # D's learning rate when it should differ from G's
    beta1: Decay = 0.5
    beta2: Decay = 0.999
    lr_schedule: Schedule = "step"  # step | linear | constant (see blocks/schedule.py)
    lr_milestones: tuple[Count, ...] = (120,)  # step: epochs at which the rate is multiplied by lr_gamma
    lr_gamma: PositiveFloat = 0.1
    lr_decay_start: Count = 100  # linear: constant until this epoch ...
    lr_decay_end: Count = 200  # ... then linearly down to 0 at this one


@MODELS.register("cyclegan")
class CycleGAN(GANModel):
    Config = CycleGANConfig
    kind = "transfer"

    def __init__(self, cfg: CycleGANConfig, image_size: int) -> None:
        super().__init__(cfg, image_size)
        self.check_config(cfg, image_size)
        gens = self.build_generators(cfg, image_size)
        self.G_a2b, self.G_b2a = gens[PHOTO_TO_ANIME], gens[ANIME_TO_PHOTO]
        self.D_a = PatchDiscriminator(cfg.d_channels, cfg.d_down, cfg.d_norm, style="dcgan")
        self.D_b = PatchDiscriminator(cfg.d_channels, cfg.d_down, cfg.d_norm, style="dcgan")
        init_dcgan_weights(self.D_a)
        init_dcgan_weights(self.D_b)
        self.pool_a, self.pool_b = ImagePool(cfg.pool_size, seed=1), ImagePool(cfg.pool_size, seed=2)
        self.face = FaceTerms(cfg)
        self.frozen.update(self.face.networks)  # the enabled face terms' fixed networks

    @classmethod
    def check_config(cls, cfg: CycleGANConfig, image_size: int) -> None:
        super().check_config(cfg, image_size)
        check_image_size(image_size, cfg.g_down, "g_down", smallest=2)  # instance norm needs 2×2 at the bottom
        check_image_size(image_size, cfg.d_down, "d_down", smallest=3)  # D's two stride-1 4×4 layers take 2 px
        schedule.check_schedule(cfg)

    @classmethod
    def spec(cls, cfg: CycleGANConfig) -> FamilySpec:
        # key point maps when a face landmark term is on
        return FamilySpec.transfer(DIRECTIONS, side_multiple=2**cfg.g_down, derived=face_derived(cfg))

    @classmethod
    def build_generators(cls, cfg: CycleGANConfig, image_size: int) -> dict[str, nn.Module]:
        gens = {}
        for name in DIRECTIONS:
            g = ResnetGenerator(cfg.g_channels, cfg.g_down, cfg.g_blocks, style="cyclegan", norm=cfg.norm)
            init_dcgan_weights(g)  # N(0, 0.02), as the original CycleGAN initialises
            gens[name] = g
        return gens

    def generators(self) -> dict[str, nn.Module]:
        return {PHOTO_TO_ANIME: self.G_a2b, ANIME_TO_PHOTO: self.G_b2a}

    def configure_optimizers(self) -> dict[str, torch.optim.Optimizer]:
        gs = itertools.chain(self.G_a2b.parameters(), self.G_b2a.parameters())
        return adam_g_and_d(self.cfg, gs, itertools.chain(self.D_a.parameters(), self.D_b.parameters()))

    def on_epoch_start(self, epoch: int) -> None:
        factor, opt = schedule.scheduled_factor(self.cfg, epoch), self.optimizers()
        schedule.set_lr(opt["g"], self.cfg.lr * factor)
        schedule.set_lr(opt["d"], (self.cfg.lr_d or self.cfg.lr) * factor)

    def extra_state(self) -> dict[str, dict[str, torch.Tensor]]:
        return {"pool_a": self.pool_a.state_dict(), "pool_b": self.pool_b.state_dict()}

    def load_extra_state(self, state: dict[str, dict[str, torch.Tensor]]) -> None:
        device = next(self.parameters()).device
        self.pool_a.load_state_dict(state["pool_a"], device)
        self.pool_b.load_state_dict(state["pool_b"], device)

    def train_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        cfg, kind = self.cfg, self.cfg.loss
        real_a, real_b = batch["a"], batch["b"]
        opt = self.optimizers()
        w_a, w_b = self.face.weight_map(batch, "a"), self.face.weight_map(batch, "b")  # None: plain L1

        # Generators: both directions in one joint update, D frozen.
        fake_b, fake_a = self.G_a2b(real_a), self.G_b2a(real_b)
        rec_a, rec_b = self.G_b2a(fake_b), self.G_a2b(fake_a)
        out: dict[str, torch.Tensor] = {}
        if cfg.lambda_identity > 0:
            out["loss_identity_a2b"] = weighted_l1(self.G_a2b(real_b), real_b, w_b)  # G(B) ≈ B
            out["loss_identity_b2a"] = weighted_l1(self.G_b2a(real_a), real_a, w_a)  # F(A) ≈ A
        else:
            out["loss_identity_a2b"] = out["loss_identity_b2a"] = torch.zeros((), device=real_a.device)
        self.D_a.requires_grad_(False)
        self.D_b.requires_grad_(False)
        out["loss_gan_a2b"] = losses.g_loss(kind, self.D_b(for_d(cfg, fake_b)))  # D_B(G(A)) → real
        out["loss_gan_b2a"] = losses.g_loss(kind, self.D_a(for_d(cfg, fake_a)))  # D_A(F(B)) → real
        out["loss_cycle_aba"] = weighted_l1(rec_a, real_a, w_a)  # F(G(A)) ≈ A
        out["loss_cycle_bab"] = weighted_l1(rec_b, real_b, w_b)  # G(F(B)) ≈ B
        loss_g = (
            cfg.lambda_identity * (out["loss_identity_a2b"] + out["loss_identity_b2a"])
            + cfg.lambda_gan * (out["loss_gan_a2b"] + out["loss_gan_b2a"])
            + cfg.lambda_cycle * (out["loss_cycle_aba"] + out["loss_cycle_bab"])
        )
        extra = self.face.extra_losses(batch, fake_b, real_a, real_b)  # regressed key points, grayscale, colour
        out.update(extra)
        loss_g = loss_g + self.face.weighted_sum(extra)
        self.optimize(loss_g, opt["g"])
        self.D_a.requires_grad_(True)
        self.D_b.requires_grad_(True)

        # Discriminators: real images real, pooled fakes fake.
        pooled_a, pooled_b = self.pool_a.query(fake_a), self.pool_b.query(fake_b)
        loss_d_a = 0.5 * losses.d_loss(kind, self.D_a(for_d(cfg, real_a)), self.D_a(for_d(cfg, pooled_a)))
        loss_d_b = 0.5 * losses.d_loss(kind, self.D_b(for_d(cfg, real_b)), self.D_b(for_d(cfg, pooled_b)))
        self.optimize(loss_d_a + loss_d_b, opt["d"])

        out.update(loss_g=loss_g, loss_d_a=loss_d_a, loss_d_b=loss_d_b)
        return {k: v.detach() for k, v in out.items()}

    def make_fixed(self, examples: dict[str, torch.Tensor], count: int, seed: int) -> dict[str, torch.Tensor]:
        return {d: examples[d][:count] for d in self.domains}

    @torch.no_grad()
    def sample(self, fixed: dict[str, torch.Tensor], generators: dict[str, nn.Module]) -> dict[str, SampleSheet]:
        g, f = generators[PHOTO_TO_ANIME], generators[ANIME_TO_PHOTO]
        with eval_mode(g, f):
            a, b = fixed["a"], fixed["b"]
            g_a, f_b = g(a), f(b)
            return {
                PHOTO_TO_ANIME: {"A": a, "G(A)": g_a, "F(G(A))": f(g_a)},
                ANIME_TO_PHOTO: {"B": b, "F(B)": f_b, "G(F(B))": g(f_b)},
            }

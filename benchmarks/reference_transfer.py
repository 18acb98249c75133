"""Plain eager training steps for the transfer models, written the way their reference repositories train.

CycleGAN follows junyanz/pytorch-CycleGAN-and-pix2pix (`cycle_gan_model.py`: forward both cycles, G step with D
frozen, then D_A and D_B each with its own backward through a 50-image pool); CartoonGAN follows the common PyTorch
re-implementations (D on anime / G(photo) / edge-smoothed anime, then G with adversarial + ω · content L1 on frozen
backbone features, + the report's Gram style loss against the anime batch when the recipe weights it). Both take
their networks from a fresh avatargan model of the same config (same networks by construction, in PyTorch's default
memory layout, with PyTorch's own `nn.ReflectionPad2d` in place of avatargan's faster one) and its content
backbone, and `.item()` every loss every step.
"""

from __future__ import annotations

import copy
import random

import torch
import torch.nn.functional as F
from torch import nn


class ReferencePool:
    """junyanz's ImagePool: return the new image or (half the time, once full) a stored one it replaces."""

    def __init__(self, size: int = 50) -> None:
        self.size, self.images = size, []

    def query(self, images: torch.Tensor) -> torch.Tensor:
        out = []
        for image in images:
            image = image.unsqueeze(0)
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif random.uniform(0, 1) > 0.5:
                i = random.randint(0, self.size - 1)
                out.append(self.images[i].clone())
                self.images[i] = image
            else:
                out.append(image)
        return torch.cat(out)


def use_pytorch_pads(net: nn.Module) -> nn.Module:
    """Swap avatargan's reflection pads in `net` (in place) for PyTorch's `nn.ReflectionPad2d`, as references use."""
    for module in list(net.modules()):
        for name, child in module.named_children():
            if isinstance(child, nn.ReflectionPad2d) and type(child) is not nn.ReflectionPad2d:
                setattr(module, name, nn.ReflectionPad2d(child.padding))
    return net


def reference_copy(net: nn.Module) -> nn.Module:
    """A deep copy of one of avatargan's networks with the reference repositories' layers (`use_pytorch_pads`)."""
    return use_pytorch_pads(copy.deepcopy(net))


def _set_requires_grad(nets: list[nn.Module], flag: bool) -> None:
    for net in nets:
        for p in net.parameters():
            p.requires_grad = flag


class ReferenceCycleGAN:
    def __init__(self, model: nn.Module) -> None:
        cfg = model.cfg
        self.cfg = cfg
        self.G_A, self.G_B = reference_copy(model.G_a2b), reference_copy(model.G_b2a)
        self.D_A, self.D_B = reference_copy(model.D_b), reference_copy(model.D_a)  # junyanz: D_A judges domain B
        betas = (cfg.beta1, cfg.beta2)
        self.opt_g = torch.optim.Adam([*self.G_A.parameters(), *self.G_B.parameters()], lr=cfg.lr, betas=betas)
        self.opt_d = torch.optim.Adam([*self.D_A.parameters(), *self.D_B.parameters()], lr=cfg.lr, betas=betas)
        self.pool_A, self.pool_B = ReferencePool(cfg.pool_size), ReferencePool(cfg.pool_size)

    @staticmethod
    def _gan(pred: torch.Tensor, real: bool) -> torch.Tensor:
        return F.mse_loss(pred, torch.ones_like(pred) if real else torch.zeros_like(pred))

    def _backward_d(self, d: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        loss = (self._gan(d(real), True) + self._gan(d(fake.detach()), False)) * 0.5
        loss.backward()
        return loss

    def step(self, real_A: torch.Tensor, real_B: torch.Tensor) -> dict[str, float]:
        c = self.cfg
        fake_B = self.G_A(real_A)
        rec_A = self.G_B(fake_B)
        fake_A = self.G_B(real_B)
        rec_B = self.G_A(fake_A)
        _set_requires_grad([self.D_A, self.D_B], False)
        self.opt_g.zero_grad()
        loss_idt_A = F.l1_loss(self.G_A(real_B), real_B) * c.lambda_identity
        loss_idt_B = F.l1_loss(self.G_B(real_A), real_A) * c.lambda_identity
        loss_G_A = self._gan(self.D_A(fake_B), True) * c.lambda_gan
        loss_G_B = self._gan(self.D_B(fake_A), True) * c.lambda_gan
        loss_cycle_A = F.l1_loss(rec_A, real_A) * c.lambda_cycle
        loss_cycle_B = F.l1_loss(rec_B, real_B) * c.lambda_cycle
        loss_G = loss_G_A + loss_G_B + loss_cycle_A + loss_cycle_B + loss_idt_A + loss_idt_B
        loss_G.backward()
        self.opt_g.step()
        _set_requires_grad([self.D_A, self.D_B], True)
        self.opt_d.zero_grad()
        loss_D_A = self._backward_d(self.D_A, real_B, self.pool_B.query(fake_B))
        loss_D_B = self._backward_d(self.D_B, real_A, self.pool_A.query(fake_A))
        self.opt_d.step()
        named = dict(G_A=loss_G_A, G_B=loss_G_B, cycle_A=loss_cycle_A, cycle_B=loss_cycle_B, idt_A=loss_idt_A)
        named.update(idt_B=loss_idt_B, D_A=loss_D_A, D_B=loss_D_B)
        return {k: v.item() for k, v in named.items()}


def _gram(features: torch.Tensor) -> torch.Tensor:
    n, c, h, w = features.shape
    f = features.reshape(n, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


class ReferenceCartoonGAN:
    def __init__(self, model: nn.Module) -> None:
        cfg = model.cfg
        self.cfg = cfg
        self.G, self.D = reference_copy(model.G), reference_copy(model.D)
        self.features = model.features  # the same frozen backbone (not part of either optimizer)
        betas = (cfg.beta1, cfg.beta2)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=cfg.lr, betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=cfg.lr_d or cfg.lr, betas=betas)
        self.bce = nn.BCEWithLogitsLoss()

    def step(self, photo: torch.Tensor, anime: torch.Tensor, edges: torch.Tensor) -> dict[str, float]:
        self.opt_d.zero_grad()
        fake = self.G(photo)
        d_real, d_fake, d_edge = self.D(anime), self.D(fake.detach()), self.D(edges)
        loss_d = (
            self.bce(d_real, torch.ones_like(d_real))
            + self.bce(d_fake, torch.zeros_like(d_fake))
            + self.bce(d_edge, torch.zeros_like(d_edge))
        )
        loss_d.backward()
        self.opt_d.step()
        self.opt_g.zero_grad()
        d_fake = self.D(fake)
        loss_gan = self.bce(d_fake, torch.ones_like(d_fake))
        fake_features = self.features(fake)
        loss_content = F.l1_loss(fake_features, self.features(photo).detach())
        loss_g = loss_gan + self.cfg.content_weight * loss_content
        if self.cfg.style_weight > 0:  # Gatys Gram matrices, each batch averaged (the batches are unpaired)
            loss_style = F.l1_loss(_gram(fake_features).mean(0), _gram(self.features(anime)).mean(0).detach())
            loss_g = loss_g + self.cfg.style_weight * loss_style
        loss_g.backward()
        self.opt_g.step()
        return {"loss_d": loss_d.item(), "loss_gan": loss_gan.item(), "loss_content": loss_content.item()}

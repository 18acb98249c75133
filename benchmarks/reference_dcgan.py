"""A plain eager DCGAN, written the way the reference repositories write it (the PyTorch DCGAN example).

Same networks as avatargan's DCGAN (the report's architecture with one extra layer: `check_same_networks` loads
avatargan's weights into them and compares outputs) and the same losses (BCE on logits, D on real then fake, then
G). What differs is only how it trains: fp32 in the default memory layout, a separate backward per D term, D's
gradients computed (and thrown away) during G's backward, and `.item()` on every loss every step.
"""

from __future__ import annotations

import torch
from torch import nn


def _block(cin: int, cout: int, k: int, s: int, p: int, transposed: bool = False) -> list[nn.Module]:
    conv = (nn.ConvTranspose2d if transposed else nn.Conv2d)(cin, cout, k, s, p, bias=False)
    return [conv, nn.BatchNorm2d(cout), nn.LeakyReLU(0.2, inplace=True)]


class Generator(nn.Module):
    def __init__(self, nz: int = 100, ngf: int = 64) -> None:
        super().__init__()
        self.nz = nz
        self.net = nn.Sequential(
            *_block(nz, ngf * 8, 4, 1, 0, True),  # 4×4
            *_block(ngf * 8, ngf * 4, 4, 2, 1, True),  # 8×8
            *_block(ngf * 4, ngf * 2, 4, 2, 1, True),  # 16×16
            *_block(ngf * 2, ngf, 4, 2, 1, True),  # 32×32
            *_block(ngf, ngf, 3, 1, 1),  # the extra layer
            nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=True),  # 64×64
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z.view(z.shape[0], self.nz, 1, 1))


class Discriminator(nn.Module):
    def __init__(self, ndf: int = 64) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, ndf, 4, 2, 1, bias=True),  # no norm after it, so it keeps its bias
            nn.LeakyReLU(0.2, inplace=True),
            *_block(ndf, ndf * 2, 4, 2, 1),
            *_block(ndf * 2, ndf * 4, 4, 2, 1),
            *_block(ndf * 4, ndf * 8, 4, 2, 1),
            *_block(ndf * 8, ndf * 8, 3, 1, 1),  # the extra layer
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).view(-1)


class ReferenceDCGAN:
    def __init__(self, lr: float = 3e-4, betas: tuple[float, float] = (0.5, 0.999)) -> None:
        self.G, self.D = Generator(), Discriminator()
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=lr, betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=lr, betas=betas)
        self.criterion = nn.BCEWithLogitsLoss()

    def to(self, device: torch.device | str) -> ReferenceDCGAN:
        """Both networks on `device` (the optimizers keep their parameters: `.to` moves them in place)."""
        self.G.to(device)
        self.D.to(device)
        return self

    def step(self, real: torch.Tensor) -> dict[str, float]:
        b, dev = real.shape[0], real.device
        ones, zeros = torch.ones(b, device=dev), torch.zeros(b, device=dev)
        self.D.zero_grad()
        out = self.D(real)
        err_real = self.criterion(out, ones)
        err_real.backward()
        d_x = out.mean().item()
        fake = self.G(torch.randn(b, self.G.nz, device=dev))
        out = self.D(fake.detach())
        err_fake = self.criterion(out, zeros)
        err_fake.backward()
        d_g_z1 = out.mean().item()
        self.opt_d.step()
        self.G.zero_grad()
        out = self.D(fake)
        err_g = self.criterion(out, ones)
        err_g.backward()
        self.opt_g.step()
        return {"loss_d": (err_real + err_fake).item(), "loss_g": err_g.item(), "d_x": d_x, "d_g_z1": d_g_z1}


@torch.no_grad()
def check_same_networks(ref: ReferenceDCGAN, ours: nn.Module) -> None:
    """Load avatargan's DCGAN weights into the reference networks and require the same outputs."""
    ref.G.net.load_state_dict(ours.G.net.state_dict())
    ref.D.net.load_state_dict(ours.D.net.state_dict())
    ref.G.eval(), ref.D.eval(), ours.G.eval(), ours.D.eval()
    z = torch.randn(4, ref.G.nz)
    x = torch.rand(4, 3, 64, 64) * 2 - 1
    assert torch.allclose(ref.G(z), ours.G(z), atol=1e-5), "reference G differs from avatargan's"
    assert torch.allclose(ref.D(x), ours.D(x), atol=1e-4), "reference D differs from avatargan's"
    ref.G.train(), ref.D.train(), ours.G.train(), ours.D.train()

"""The families' Adam: fused on the CPU, and the same update as PyTorch's default Adam."""

from __future__ import annotations

import torch

from avatargan.models.base import adam
from avatargan.models.dcgan import DCGAN, DCGANConfig


def _pair() -> tuple[list[torch.nn.Parameter], list[torch.nn.Parameter]]:
    torch.manual_seed(0)
    a = [torch.nn.Parameter(torch.randn(8, 4, 3, 3)), torch.nn.Parameter(torch.randn(8))]
    return a, [torch.nn.Parameter(p.detach().clone()) for p in a]


def test_adam_is_fused_on_the_cpu_and_updates_as_the_default_adam() -> None:
    ours, plain = _pair()
    opt, ref = adam(ours, 3e-4, (0.5, 0.999)), torch.optim.Adam(plain, lr=3e-4, betas=(0.5, 0.999))
    assert opt.param_groups[0]["fused"] is True and opt.param_groups[0]["betas"] == (0.5, 0.999)
    for _ in range(5):
        grads = [torch.randn_like(p) for p in ours]
        for p, q, g in zip(ours, plain, grads, strict=True):
            p.grad, q.grad = g.clone(), g.clone()
        opt.step()
        ref.step()
    for p, q in zip(ours, plain, strict=True):
        torch.testing.assert_close(p, q, rtol=1e-6, atol=1e-6)


def test_first_step_moves_by_the_learning_rate_against_the_gradient() -> None:
    # Adam's bias-corrected first step is lr · g / |g| whatever the betas: a flipped sign or a wrong rate shows here.
    ours, _ = _pair()
    before = [p.detach().clone() for p in ours]
    grads = [torch.randn_like(p) for p in ours]
    for p, g in zip(ours, grads, strict=True):
        p.grad = g
    adam(ours, 1e-3, (0.5, 0.999)).step()
    for p, b, g in zip(ours, before, grads, strict=True):
        torch.testing.assert_close(p.detach() - b, -1e-3 * torch.sign(g), rtol=1e-4, atol=1e-7)


def test_parameters_on_a_device_without_the_kernel_use_the_default_loop() -> None:
    meta = [torch.nn.Parameter(torch.empty(3, device="meta"))]
    assert adam(meta, 1e-3, (0.5, 0.999)).param_groups[0]["fused"] in (None, False)


def test_the_families_build_fused_adam() -> None:
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4), image_size=16)
    assert all(o.param_groups[0]["fused"] for o in model.optimizers().values())

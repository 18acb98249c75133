"""CycleGAN's training step: both generators and both discriminators learn, the report's eight curves are logged,
and the sample sheets are A → G(A) → F(G(A)) and B → F(B) → G(F(B)) triplets."""

from __future__ import annotations

import pytest
import torch

from avatargan.errors import ConfigError
from avatargan.models.cyclegan import CycleGAN, CycleGANConfig

TINY = {"g_channels": 4, "g_blocks": 1, "d_channels": 4, "d_down": 2, "pool_size": 3}
CURVES = {
    "loss_identity_a2b",
    "loss_identity_b2a",
    "loss_gan_a2b",
    "loss_gan_b2a",
    "loss_cycle_aba",
    "loss_cycle_bab",
    "loss_d_a",
    "loss_d_b",
}


def _batch(n: int = 4, size: int = 16) -> dict[str, torch.Tensor]:
    return {d: torch.rand(n, 3, size, size) * 2 - 1 for d in "ab"}


def test_train_step_updates_all_four_networks_and_logs_the_report_curves() -> None:
    torch.manual_seed(0)
    model = CycleGAN(CycleGANConfig(**TINY), image_size=16)
    nets = {"G_a2b": model.G_a2b, "G_b2a": model.G_b2a, "D_a": model.D_a, "D_b": model.D_b}
    before = {k: [p.clone() for p in n.parameters()] for k, n in nets.items()}
    out = model.train_step(_batch(), step=0)
    assert set(out) >= CURVES | {"loss_g"}
    assert all(torch.isfinite(v) and not v.requires_grad for v in out.values())
    for name, net in nets.items():
        assert any(not torch.equal(a, b) for a, b in zip(before[name], net.parameters(), strict=True)), name
    assert all(p.requires_grad for p in model.D_a.parameters())  # D was frozen only for the G step
    assert len(model.pool_a) == len(model.pool_b) == 3  # the fakes went through the pools


def test_generators_keep_the_image_size_and_export_under_fixed_names() -> None:
    model = CycleGAN(CycleGANConfig(**TINY), image_size=16)
    assert set(model.generators()) == {"a2b", "b2a"}
    assert set(CycleGAN.build_generators(model.cfg, 16)) == {"a2b", "b2a"}
    x = torch.rand(2, 3, 16, 16) * 2 - 1
    assert model.G_a2b(x).shape == model.G_b2a(x).shape == (2, 3, 16, 16)
    assert model.D_a(x).dim() == 4 and model.D_a(x).shape[-1] > 1  # a patch map, not one logit


def test_sample_sheets_are_titled_triplets() -> None:
    model = CycleGAN(CycleGANConfig(**TINY), image_size=16)
    examples = {d: torch.rand(6, 3, 16, 16) * 2 - 1 for d in "ab"}
    fixed = model.make_fixed(examples, 4, seed=0)
    sheets = model.sample(fixed, model.generators())
    assert list(sheets["a2b"]) == ["A", "G(A)", "F(G(A))"]
    assert list(sheets["b2a"]) == ["B", "F(B)", "G(F(B))"]
    assert torch.equal(sheets["a2b"]["A"], examples["a"][:4])
    assert all(v.shape == (4, 3, 16, 16) for s in sheets.values() for v in s.values())
    assert torch.equal(model.progress_images(sheets), sheets["a2b"]["G(A)"])
    assert model.G_a2b.training  # sampling restored training mode


def test_schedule_follows_the_epoch() -> None:
    model = CycleGAN(CycleGANConfig(**TINY, lr=3e-4, lr_milestones=(2,)), image_size=16)
    model.on_epoch_start(1)
    assert model.optimizers()["g"].param_groups[0]["lr"] == pytest.approx(3e-4)
    model.on_epoch_start(2)
    assert model.optimizers()["g"].param_groups[0]["lr"] == pytest.approx(3e-5)
    assert model.optimizers()["d"].param_groups[0]["lr"] == pytest.approx(3e-5)


def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="model.loss"):
        CycleGAN(CycleGANConfig(**TINY, loss="wgan"), image_size=16)
    with pytest.raises(ConfigError, match="model.lr_schedule"):
        CycleGAN(CycleGANConfig(**TINY, lr_schedule="cosine"), image_size=16)

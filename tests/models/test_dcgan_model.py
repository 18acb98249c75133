"""DCGAN's training step: both phases update their own network and report finite losses."""

from __future__ import annotations

import pytest
import torch

from avatargan.errors import ConfigError
from avatargan.models.dcgan import DCGAN, DCGANConfig


@pytest.mark.parametrize("loss", ["bce", "lsgan", "hinge"])
def test_train_step_updates_both_networks(loss: str) -> None:
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, loss=loss), image_size=16)
    g_before = [p.clone() for p in model.G.parameters()]
    d_before = [p.clone() for p in model.D.parameters()]
    out = model.train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
    assert set(out) >= {"loss_g", "loss_d"}
    assert all(torch.isfinite(v) for v in out.values())
    assert any(not torch.equal(a, b) for a, b in zip(g_before, model.G.parameters(), strict=True))
    assert any(not torch.equal(a, b) for a, b in zip(d_before, model.D.parameters(), strict=True))
    assert all(p.requires_grad for p in model.D.parameters())  # phase 2 froze D only temporarily


def test_fixed_noise_is_the_same_for_a_seed_and_samples_are_images() -> None:
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4), image_size=16)
    a, b = model.make_fixed({}, 5, seed=3), model.make_fixed({}, 5, seed=3)
    assert torch.equal(a["noise"], b["noise"])
    images = model.sample(a, model.generators())["samples"]
    assert images.shape == (5, 3, 16, 16) and images.abs().max() <= 1
    assert model.G.training  # sampling restores training mode


def test_unknown_loss_is_refused() -> None:
    with pytest.raises(ConfigError, match="model.loss"):
        DCGAN(DCGANConfig(loss="wgan"), image_size=16)


def test_label_smoothing_and_the_minibatch_std_map_train_and_nonsense_is_refused() -> None:
    torch.manual_seed(0)
    cfg = DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, real_label=0.9, d_minibatch_std=2)
    out = DCGAN(cfg, image_size=16).train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
    assert all(torch.isfinite(v) for v in out.values())
    with pytest.raises(ConfigError, match="model.d_minibatch_std"):
        DCGAN(DCGANConfig(d_minibatch_std=1), image_size=16)
    with pytest.raises(ConfigError, match="model.real_label"):
        DCGAN(DCGANConfig(real_label=0.9, loss="hinge"), image_size=16)

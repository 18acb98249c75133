"""Noise and interpolation helpers behind `generate` and `interpolate`."""

from __future__ import annotations

import pytest
import torch

from avatargan.errors import UserError
from avatargan.inference import generate, interpolation_noise, noise, slerp, walk_noise


def test_noise_is_seeded() -> None:
    assert torch.equal(noise(3, 10, seed=1), noise(3, 10, seed=1))
    assert not torch.equal(noise(3, 10, seed=1), noise(3, 10, seed=2))


def test_slerp_hits_its_end_points_and_keeps_the_norm_of_equal_norm_ends() -> None:
    a, b = torch.tensor([[3.0, 0.0]]), torch.tensor([[0.0, 3.0]])
    assert torch.allclose(slerp(a, b, torch.tensor([[0.0]])), a, atol=1e-5)
    assert torch.allclose(slerp(a, b, torch.tensor([[1.0]])), b, atol=1e-5)
    mid = slerp(a, b, torch.tensor([[0.5]]))
    assert mid.norm().item() == pytest.approx(3.0, rel=1e-4)


@pytest.mark.parametrize("mode", ["slerp", "linear"])
def test_interpolation_rows_walk_between_two_noises(mode: str) -> None:
    z = interpolation_noise(rows=3, steps=4, latent_dim=5, seed=0, mode=mode).view(3, 4, 5)
    ends = noise(6, 5, seed=0)
    assert torch.allclose(z[:, 0], ends[:3], atol=1e-5) and torch.allclose(z[:, -1], ends[3:], atol=1e-5)


def test_bad_interpolation_arguments() -> None:
    with pytest.raises(UserError):
        interpolation_noise(2, 1, 5, 0)
    with pytest.raises(UserError):
        interpolation_noise(2, 3, 5, 0, mode="cubic")


def test_walk_is_closed() -> None:
    z = walk_noise(points=3, frames_between=4, latent_dim=5, seed=0)
    assert z.shape == (12, 5) and torch.allclose(z[0], noise(3, 5, 0)[0])


@pytest.mark.cuda
def test_generation_on_a_gpu_under_auto_matches_fp32_closely() -> None:
    from avatargan.models.dcgan import DCGAN

    torch.manual_seed(0)
    cfg = DCGAN.Config(family="dcgan", latent_dim=8, g_channels=4, d_channels=4)
    g = DCGAN(cfg, 16).G.cuda().train()  # batch statistics: outputs of a usable size (fresh running stats give ~1e-5)
    z = torch.randn(8, 8)
    exact, fast = generate(g, z, precision="fp32"), generate(g, z, precision="auto")
    assert fast.shape == exact.shape == (8, 3, 16, 16)
    assert (fast - exact).abs().max() < 0.2 * exact.abs().max()  # bf16's ~3 digits, not a different image
    assert not torch.equal(fast, exact) or not torch.cuda.is_bf16_supported()  # auto did pick bf16

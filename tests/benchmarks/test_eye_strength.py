"""The eye strength fit of `benchmarks/eye_strength.py`: the least-squares gain and the eye term's error per gain."""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import eye_strength  # noqa: E402


def test_an_anime_eye_drawn_a_fixed_factor_stronger_is_fitted_exactly_per_channel() -> None:
    photo = torch.randn(50, 2, 3, generator=torch.Generator().manual_seed(0))
    anime = photo * torch.tensor([1.5, 1.0, 0.5])
    assert torch.allclose(eye_strength.least_squares_gain(anime, photo), torch.tensor([1.5, 1.0, 0.5]), atol=1e-5)
    errors = eye_strength.gain_errors(anime, photo, (1.0, 1.5))
    assert errors[1.5][0] < 1e-6 and errors[1.0][0] > 0.1  # Y: right at 1.5
    assert errors[1.0][1] < 1e-6 and errors[1.5][1] > 0.1  # U: right at 1


def test_the_fit_on_noisy_pairs_is_smaller_than_the_ratio_of_strengths() -> None:
    # anime = photo × 1.5 + noise: the strengths differ by more than 1.5, the pair-by-pair fit stays near 1.5
    gen = torch.Generator().manual_seed(1)
    photo = torch.randn(4000, 2, 3, generator=gen)
    anime = 1.5 * photo + torch.randn(4000, 2, 3, generator=gen)
    gain = eye_strength.least_squares_gain(anime, photo)
    assert torch.allclose(gain, torch.full((3,), 1.5), atol=0.05)
    assert float(anime.abs().mean() / photo.abs().mean()) > 1.6

"""FID and KID (torch-fidelity's statistics) on sets with known answers, and through the Inception pipeline."""

from __future__ import annotations

import pytest
import torch

from avatargan.metrics import stats
from avatargan.metrics.inception import InceptionWeightsError, find_weights, inception_features, load_inception


def features(n: int = 400, dim: int = 32, shift: float = 0.0, seed: int = 0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, dim, generator=gen, dtype=torch.float64) + shift


def test_identical_sets_score_zero() -> None:
    a = features()
    assert stats.fid(a, a) == pytest.approx(0.0, abs=1e-6)
    # every subset is the whole set; the unbiased estimator is then -2·mean(k(x, x))/m, zero up to O(1/m)
    same = stats.kid(a, a, subsets=5, subset_size=400)["kid"]
    shifted = stats.kid(a, features(shift=0.5), subsets=5, subset_size=400)["kid"]
    assert abs(same) < 0.05 and abs(same) < shifted / 10


def test_a_shifted_set_scores_higher() -> None:
    a, same, shifted = features(seed=0), features(seed=1), features(seed=1, shift=0.5)
    assert stats.fid(a, shifted) > 5 * stats.fid(a, same)
    assert stats.fid(a, shifted) == pytest.approx(32 * 0.25, rel=0.35)  # ‖Δμ‖² dominates: 32 dims × 0.5²
    kid_same = stats.kid(a, same, subsets=20, subset_size=200)["kid"]
    kid_shift = stats.kid(a, shifted, subsets=20, subset_size=200)["kid"]
    assert kid_shift > 0.05 and abs(kid_same) < kid_shift / 10


def test_statistics_round_trip_matches_direct_fid() -> None:
    a, b = features(seed=2), features(seed=3, shift=0.2)
    direct = stats.fid(a, b)
    cached = stats.fid_from_statistics(stats.fid_statistics(a), stats.fid_statistics(b))
    assert direct == pytest.approx(cached)


def _weights_or_skip() -> None:
    try:
        find_weights()
    except InceptionWeightsError as exc:
        pytest.skip(f"FID Inception weights not installed (make test fetches them): {str(exc).splitlines()[0]}")


def test_inception_pipeline_same_images_same_features_and_shifted_images_move() -> None:
    # FID itself on 2048-d features costs an eigen-decomposition of a 2048² matrix (many seconds on a busy CPU),
    # so here the pipeline is checked on its features; FID/KID on them are checked above and, against the
    # reference libraries on the same images, by benchmarks/fid_crosscheck.py
    _weights_or_skip()
    model = load_inception()
    gen = torch.Generator().manual_seed(0)
    images = torch.randint(60, 200, (2, 3, 32, 32), generator=gen, dtype=torch.uint8)
    brighter = (images.int() + 50).clamp(0, 255).to(torch.uint8)
    feats = inception_features(model, torch.cat([images, images, brighter]), batch_size=6)
    same, again, shifted = feats[:2], feats[2:4], feats[4:]
    assert feats.shape == (6, 2048) and torch.isfinite(feats).all()
    assert torch.allclose(same, again, atol=1e-5)
    mean_term = (same.mean(0) - shifted.mean(0)).square().sum()  # the ‖μ₁ − μ₂‖² part of FID
    assert mean_term > 1.0

"""FID and KID from features, computed by torch-fidelity's reference code (not re-derived here).

FID: Fréchet distance between Gaussians fitted to two feature sets (torch-fidelity's `fid_features_to_statistics`
and `fid_statistics_to_metric`, which match the TF reference). KID: the unbiased squared MMD with the cubic
polynomial kernel, averaged over random subsets (`kid_features_to_metric`); reported ×100 with its standard
deviation over subsets, as U-GAT-IT's tables do. Feature statistics are plain arrays, so the real side can be
cached once per data set and resolution (see `avatargan.metrics.real_stats`).
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import numpy as np
import torch

KID_SUBSETS = 100
KID_SUBSET_SIZE = 1000


def _quiet() -> contextlib.AbstractContextManager:
    return contextlib.redirect_stdout(io.StringIO())  # torch-fidelity prints its results when verbose


def fid_statistics(features: torch.Tensor) -> dict[str, np.ndarray]:
    """{"mu", "sigma"} of N×D features (float64), the form torch-fidelity and our caches keep."""
    from torch_fidelity.metric_fid import fid_features_to_statistics

    return fid_features_to_statistics(features.double().cpu())


def fid_from_statistics(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_statistics_to_metric

    with _quiet():
        value = fid_statistics_to_metric(
            {"mu": np.asarray(a["mu"]), "sigma": np.asarray(a["sigma"])},
            {"mu": np.asarray(b["mu"]), "sigma": np.asarray(b["sigma"])},
            verbose=False,
        )[KEY_METRIC_FID]
    return max(float(value), 0.0)  # tiny negative values are round-off of an exact match


def fid(features_a: torch.Tensor, features_b: torch.Tensor) -> float:
    return fid_from_statistics(fid_statistics(features_a), fid_statistics(features_b))


def kid(
    features_a: torch.Tensor, features_b: torch.Tensor, subsets: int = KID_SUBSETS, subset_size: int = KID_SUBSET_SIZE
) -> dict[str, float]:
    """{"kid": mean, "kid_std": std} over `subsets` random subsets (size capped by the smaller set), raw scale."""
    from torch_fidelity.metric_kid import KEY_METRIC_KID_MEAN, KEY_METRIC_KID_STD, kid_features_to_metric

    size = min(subset_size, len(features_a), len(features_b))
    if size < 2:
        raise ValueError("KID needs at least 2 images on each side")
    kwargs: dict[str, Any] = {"kid_subsets": subsets, "kid_subset_size": size, "verbose": False, "rng_seed": 2020}
    with _quiet():
        out = kid_features_to_metric(features_a.double().cpu(), features_b.double().cpu(), **kwargs)
    return {"kid": float(out[KEY_METRIC_KID_MEAN]), "kid_std": float(out[KEY_METRIC_KID_STD])}

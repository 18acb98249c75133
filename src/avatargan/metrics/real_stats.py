"""Features of real image sets, cached on disk per data set, resolution, count and feature extractor.

Real data does not change between evaluations of different runs (or of the same run during training), so its
features are computed once and kept as `<cache>/metrics/<key>.npy` beside the image caches. KID needs the
features themselves (not only their mean and covariance), so the features are what is cached; 10,000 Inception
features take 80 MB.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from avatargan.data.cache import cache_root
from avatargan.io_utils import atomic_path

CACHE_VERSION = 1


def features_path(key: str, cache_dir: str | None = None) -> Path:
    digest = hashlib.sha1(f"{key}|{CACHE_VERSION}".encode()).hexdigest()[:16]
    return cache_root(cache_dir) / "metrics" / f"features-{digest}.npy"


def cached_features(
    key: str, compute: Callable[[], torch.Tensor], cache_dir: str | None = None, enabled: bool = True
) -> torch.Tensor:
    """Features for `key` from the cache, or computed (and stored) now."""
    if not enabled:
        return compute()
    path = features_path(key, cache_dir)
    if path.is_file():
        try:
            return torch.from_numpy(np.load(path)).double()
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # unreadable cache: recompute below
    features = compute()
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.save(fh, features.float().numpy())
    return features.double()

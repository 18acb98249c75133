"""Real-image features are computed once per data set, resolution and extractor, then read from the cache."""

from __future__ import annotations

import torch

from avatargan.metrics.real_stats import cached_features, features_path


def test_features_are_cached_per_key() -> None:
    calls = []

    def compute() -> torch.Tensor:
        calls.append(1)
        return torch.arange(12, dtype=torch.float64).reshape(3, 4)

    first = cached_features("anime-faces|abc|64px|3", compute)
    again = cached_features("anime-faces|abc|64px|3", compute)
    other_size = cached_features("anime-faces|abc|128px|3", compute)
    assert len(calls) == 2 and torch.equal(first, again) and torch.equal(first, other_size)
    assert features_path("anime-faces|abc|64px|3").is_file()  # under the data cache root ($AVATARGAN_CACHE)
    features_path("anime-faces|abc|64px|3").write_bytes(b"broken")  # a damaged cache is recomputed, not trusted
    assert torch.equal(cached_features("anime-faces|abc|64px|3", compute), first) and len(calls) == 3

"""FID and KID on Inception features (registered as `fid` and `kid`); real-side features are cached on disk."""

from __future__ import annotations

import torch

from avatargan.metrics import stats
from avatargan.metrics.base import EvalInputs, metric


def _inception(inputs: EvalInputs):
    from avatargan.metrics.inception import load_inception

    return inputs.once("inception", lambda: load_inception(inputs.inception_weights, inputs.device))


def fake_features(inputs: EvalInputs) -> torch.Tensor:
    from avatargan.metrics.inception import inception_features

    return inputs.once("inception_fake", lambda: inception_features(_inception(inputs), inputs.fake, inputs.batch_size))


def real_features(inputs: EvalInputs) -> torch.Tensor:
    from avatargan.metrics.inception import INCEPTION_SHA256, inception_features
    from avatargan.metrics.real_stats import cached_features

    def compute() -> torch.Tensor:
        return cached_features(
            f"inception-{INCEPTION_SHA256[:12]}|{inputs.real_key}",
            lambda: inception_features(_inception(inputs), inputs.real, inputs.batch_size),
            inputs.cache_dir,
            enabled=inputs.real_key is not None,
        )

    return inputs.once("inception_real", compute)


@metric("fid")
def fid_metric(inputs: EvalInputs) -> dict[str, float]:
    return {"fid": stats.fid(fake_features(inputs), real_features(inputs)), "n": len(inputs.fake)}


@metric("kid")
def kid_metric(inputs: EvalInputs) -> dict[str, float]:
    out = stats.kid(fake_features(inputs), real_features(inputs))
    return {"kid_x100": out["kid"] * 100, "kid_x100_std": out["kid_std"] * 100, "n": len(inputs.fake)}

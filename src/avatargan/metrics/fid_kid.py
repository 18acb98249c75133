"""FID and KID on Inception features (registered as `fid` and `kid`); real-side features are cached on disk."""

from __future__ import annotations

import torch

from avatargan.metrics import stats
from avatargan.metrics.base import EvalInputs, metric
from avatargan.metrics.inception import INCEPTION_SHA256, inception_features, load_inception
from avatargan.metrics.real_stats import cached_features


def _inception(inputs: EvalInputs):
    return inputs.once("inception", lambda: load_inception(inputs.inception_weights, inputs.device))


def fake_features(inputs: EvalInputs) -> torch.Tensor:
    return inputs.once("inception_fake", lambda: inception_features(_inception(inputs), inputs.fake, inputs.batch_size))


def real_features(inputs: EvalInputs) -> torch.Tensor:
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

"""What a metric sees (`EvalInputs`) and how one is declared (`Metric`, registered by name in METRICS).

A metric is a function of the generated images and whatever reference the evaluation has: real images of the
target domain, and for transfer on the built-in data the input photos and the true anime faces of the same people
(with their attributes). Feature extractors run once per side and are shared between metrics (FID and KID use the
same Inception features; the judge's metrics the same judge outputs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from avatargan.errors import UserError
from avatargan.metrics.catalog import METRIC_MEANINGS
from avatargan.registry import METRICS

#: what a metric needs besides generated images
NEEDS_REAL, NEEDS_PAIRS = "real", "pairs"


@dataclass
class EvalInputs:
    """Images are uint8 N×3×H×W on the CPU. `source`, `target`, `target_labels` are aligned with `fake`."""

    fake: torch.Tensor
    real: torch.Tensor | None = None
    real_key: str | None = None  # names the real set (data set, size, count) for cached statistics
    source: torch.Tensor | None = None  # transfer inputs (photos)
    target: torch.Tensor | None = None  # the true anime face of each input's person (built-in pairs)
    target_labels: torch.Tensor | None = None  # N×len(ATTRIBUTE_HEADS) true attribute classes
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))
    batch_size: int = 64
    inception_weights: str | None = None
    cache_dir: str | None = None
    memo: dict[str, Any] = field(default_factory=dict)  # shared features, filled lazily

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


@dataclass(frozen=True)
class Metric:
    name: str
    meaning: str  # one line, shown in --help and the report
    needs: tuple[str, ...]
    compute: Callable[[EvalInputs], dict[str, float]]  # first key is the headline value

    def available(self, inputs: EvalInputs) -> bool:
        if NEEDS_REAL in self.needs and inputs.real is None:
            return False
        return not (NEEDS_PAIRS in self.needs and (inputs.source is None or inputs.target is None))


def metric(name: str, needs: tuple[str, ...] = (NEEDS_REAL,)) -> Callable:
    """Decorator: register `fn(inputs) -> {name: value, ...}` as the metric `name` (meaning from the catalog)."""

    def add(fn: Callable[[EvalInputs], dict[str, float]]) -> Callable[[EvalInputs], dict[str, float]]:
        METRICS.register(name)(Metric(name, METRIC_MEANINGS[name], needs, fn))
        return fn

    return add


def all_metrics() -> dict[str, Metric]:
    """Every registered metric, after importing the modules that declare them."""
    import avatargan.metrics.fid_kid  # noqa: F401
    import avatargan.metrics.judge_metrics  # noqa: F401

    return {n: METRICS.get(n) for n in METRICS.names()}


def parse_metric_names(text: str) -> list[str]:
    """`fid,kid` → ["fid", "kid"]; unknown names are a UserError listing the valid ones."""
    known = all_metrics()
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UserError(f"--metrics is empty; choose from: {', '.join(known)}")
    for n in names:
        METRICS.get(n)  # raises ConfigError naming the valid ones
    return names

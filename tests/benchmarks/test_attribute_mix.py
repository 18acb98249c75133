"""The attribute-mix benchmark's shares and per-attribute coverage, on judge outputs with known classes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import attribute_mix  # noqa: E402

from avatargan.metrics.judge import ATTRIBUTE_HEADS, JudgeOutput  # noqa: E402


def _judged(classes: dict[str, list[int]]) -> JudgeOutput:
    """A judge output whose predicted classes are `classes` (other attributes all class 0)."""
    n = len(next(iter(classes.values())))
    attributes = {k: torch.tensor(classes.get(k, [0] * n)) for k in ATTRIBUTE_HEADS}
    return JudgeOutput(
        features=torch.zeros(n, 128),
        attributes=attributes,
        attribute_probs={k: torch.nn.functional.one_hot(v, ATTRIBUTE_HEADS[k]).double() for k, v in attributes.items()},
        keypoints=torch.zeros(n, 6, 2),
        style=torch.zeros(n, dtype=torch.long),
        valid_prob=torch.ones(n),
    )


def test_shares_count_each_class_and_coverage_is_the_overlap() -> None:
    real = _judged({"eye_color": [0, 1, 2, 3]})  # a quarter each of the first four colours
    fake = _judged({"eye_color": [0, 0, 0, 1]})  # three quarters brown, one blue
    row = attribute_mix.shares(fake, real)["eye_color"]
    assert row["shares"] == [0.75, 0.25, 0, 0, 0, 0, 0, 0]
    # overlap: min(0.75, 0.25) + min(0.25, 0.25) = 0.5
    assert row["coverage"] == pytest.approx(0.5)
    assert attribute_mix.shares(real, real)["eye_color"]["coverage"] == pytest.approx(1.0)

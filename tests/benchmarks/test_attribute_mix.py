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


def test_class_columns_put_each_class_real_then_generated_and_pad_with_white() -> None:
    real_images = torch.arange(4, dtype=torch.uint8).view(4, 1, 1, 1).expand(4, 3, 2, 2).clone()
    fake_images = (10 + torch.arange(3, dtype=torch.uint8)).view(3, 1, 1, 1).expand(3, 3, 2, 2).clone()
    real = _judged({"eye_color": [0, 1, 0, 2]})
    fake = _judged({"eye_color": [1, 1, 1]})
    columns = attribute_mix.class_columns("eye_color", real_images, real, fake_images, fake, per_class=2)
    titles = [t for t, _ in columns]
    assert titles[:4] == ["brown real", "brown G", "blue real", "blue G"]
    assert len(columns) == 2 * 8  # every class, even those no image falls in
    brown_real, brown_g, blue_real, blue_g = (c for _, c in columns[:4])
    assert brown_real[:, 0, 0, 0].tolist() == [0, 2]  # the real faces the judge calls brown, in order
    assert brown_g[:, 0, 0, 0].tolist() == [255, 255]  # G drew no brown eyes: white padding
    assert blue_real[:, 0, 0, 0].tolist() == [1, 255]
    assert blue_g[:, 0, 0, 0].tolist() == [10, 11]  # only the first per_class generated ones
    assert all(c.shape == (2, 3, 2, 2) and c.dtype == torch.uint8 for _, c in columns)

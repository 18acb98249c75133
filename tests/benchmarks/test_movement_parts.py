"""The movement split of `benchmarks/movement_parts.py`: equal to the judge's movement, brightness apart from hue,
the centre apart from the border."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import movement_parts  # noqa: E402

from avatargan.metrics.base import EvalInputs  # noqa: E402
from avatargan.metrics.judge_metrics import movement  # noqa: E402


def _grey(value: int, size: int = 8) -> torch.Tensor:
    return torch.full((2, 3, size, size), value, dtype=torch.uint8)


def test_the_total_is_the_judge_metric() -> None:
    gen = torch.Generator().manual_seed(0)
    photos = torch.randint(0, 256, (3, 3, 8, 8), generator=gen, dtype=torch.uint8)
    moved = torch.randint(0, 256, (3, 3, 8, 8), generator=gen, dtype=torch.uint8)
    parts = movement_parts.movement_parts(moved, photos)
    judged = movement(EvalInputs(fake=moved, source=photos))["movement"]
    assert parts["movement"] == pytest.approx(judged, abs=1e-5)


def test_a_brightness_change_is_all_y_and_no_hue() -> None:
    parts = movement_parts.movement_parts(_grey(153), _grey(102))  # grey 0.4 → 0.6
    assert parts["movement"] == pytest.approx(0.2, abs=1e-3)
    assert parts["Y"] == pytest.approx(0.2, abs=1e-3)
    assert parts["U"] == pytest.approx(0.0, abs=1e-4) and parts["V"] == pytest.approx(0.0, abs=1e-4)


def test_a_hue_change_at_equal_brightness_shows_in_u_and_v() -> None:
    photos = _grey(128)
    moved = photos.clone()
    moved[:, 0], moved[:, 2] = 168, 88  # redder and less blue; green set so that Y stays put
    moved[:, 1] = round((128 - 0.299 * 168 - 0.114 * 88) / 0.587)
    parts = movement_parts.movement_parts(moved, photos)
    assert parts["Y"] < 0.002 < parts["V"]
    assert parts["U"] > 0.01


def test_a_change_in_the_middle_only_is_centre_not_border() -> None:
    photos = _grey(0)
    moved = photos.clone()
    moved[..., 2:6, 2:6] = 255  # exactly the middle half of each side of an 8-px image
    parts = movement_parts.movement_parts(moved, photos)
    assert parts["centre"] == pytest.approx(1.0, abs=1e-4)
    assert parts["border"] == pytest.approx(0.0, abs=1e-6)
    assert parts["movement"] == pytest.approx(0.25, abs=1e-4)

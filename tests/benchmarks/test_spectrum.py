"""The frequency benchmark's bands and the metric floor's damages: each pattern lands where it belongs."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import metric_floor  # noqa: E402
import spectrum  # noqa: E402

from avatargan.nn.blur import Blur  # noqa: E402


def _images(pattern: torch.Tensor) -> torch.Tensor:
    """A (2, 3, 64, 64) uint8 batch of a [-1, 1] pattern around mid-grey."""
    return (127.5 + 100 * pattern).round().to(torch.uint8).expand(2, 3, 64, 64)


def _grid() -> tuple[torch.Tensor, torch.Tensor]:
    return torch.meshgrid(torch.arange(64.0), torch.arange(64.0), indexing="ij")


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("checkerboard", "checkerboard"),
        ("stripes_x", "period2_x"),
        ("stripes_y", "period2_y"),
        ("low_cosine", "ring_1-7"),
        ("mid_cosine", "ring_16-23"),
    ],
)
def test_each_pattern_lands_in_its_band(name: str, where: str) -> None:
    i, j = _grid()
    pattern = {
        "checkerboard": ((i + j) % 2) * 2 - 1,
        "stripes_x": (j % 2) * 2 - 1,  # varies along x (columns): the 2-pixel period in x
        "stripes_y": (i % 2) * 2 - 1,
        "low_cosine": torch.cos(2 * math.pi * 3 * j / 64),
        "mid_cosine": torch.cos(2 * math.pi * 20 * i / 64),
    }[name]
    bands = spectrum.band_powers(spectrum.power_spectrum(_images(pattern)))
    total = sum(v for k, v in bands.items() if k.startswith("ring_")) + bands["checkerboard"]
    assert bands[where] > 0.95 * max(total, bands[where])
    others = [k for k in ("ring_1-7", "ring_16-23", "checkerboard") if k != where and not where.startswith("period")]
    assert all(bands[k] < 0.05 * bands[where] for k in others)


def test_a_flat_image_has_no_power_and_ratios_divide() -> None:
    flat = spectrum.power_spectrum(torch.full((1, 3, 64, 64), 200, dtype=torch.uint8))
    assert float(flat.abs().max()) < 1e-9  # each image's mean is removed
    assert spectrum.ratios({"a": 2.0, "b": 3.0}, {"a": 4.0, "b": 3.0}) == {"a": 0.5, "b": 1.0}


def test_metric_floor_damages() -> None:
    images = torch.full((1, 3, 8, 8), 100, dtype=torch.uint8)
    checker = metric_floor.degrade(images, "checker:0.05").int() - 100
    assert set(checker.unique().tolist()) == {-6, 6}  # ±0.05 of the half range, rounded: ±6 levels
    assert checker[0, 0, 0, 0] == -checker[0, 0, 0, 1]
    noisy = metric_floor.degrade(images, "noise:0.1").double() - 100
    assert 10 < float(noisy.std()) < 16  # σ = 0.1 · 127.5 ≈ 12.75
    ramp = torch.arange(64, dtype=torch.uint8).reshape(1, 1, 8, 8).expand(1, 3, 8, 8) * 3
    torch.testing.assert_close(metric_floor.degrade(ramp, "blur"), Blur()(ramp.double()).round().to(torch.uint8))
    assert metric_floor.degrade(ramp, "half").shape == ramp.shape
    with pytest.raises(SystemExit, match="unknown damage"):
        metric_floor.degrade(images, "jpeg")

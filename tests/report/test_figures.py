"""Figures: grid geometry, labelled columns, smoothing and loss curves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from avatargan.report.figures import grid, labelled_columns, loss_curve, smooth, to_uint8


def test_grid_geometry_and_value_mapping() -> None:
    images = torch.full((5, 3, 4, 6), -1.0)
    images[0] = 1.0
    g = grid(images, nrow=3)
    assert g.size == (3 * (6 + 2) + 2, 2 * (4 + 2) + 2)
    arr = np.asarray(g)
    assert (arr[2:6, 2:8] == 255).all() and (arr[2:6, 10:16] == 0).all()


def test_to_uint8_accepts_uint8_and_float() -> None:
    assert to_uint8(torch.zeros(1, 3, 2, 2, dtype=torch.uint8)).shape == (1, 2, 2, 3)
    assert to_uint8(torch.zeros(1, 3, 2, 2))[0, 0, 0, 0] == 128


def test_labelled_columns_have_one_column_per_title() -> None:
    sheet = labelled_columns([("epoch 1", torch.zeros(3, 3, 8, 8)), ("epoch 2", torch.ones(3, 3, 8, 8))], scale=2)
    assert sheet.width == 2 * (16 + 2) + 2 and sheet.height > 3 * 16


def test_smooth_is_bias_corrected() -> None:
    assert smooth([5.0, 5.0, 5.0]) == pytest.approx([5.0, 5.0, 5.0])
    values = smooth([0.0] * 10 + [10.0] * 10, weight=0.5)
    assert values[9] == 0 and 0 < values[10] < 10 and values[-1] == pytest.approx(10, abs=0.01)


def test_loss_curve_writes_a_png(tmp_path: Path) -> None:
    rows = [{"step": i, "loss_g": float(i % 3)} for i in range(1, 30)]
    path = loss_curve(rows, "loss_g", tmp_path / "c.png")
    assert Image.open(path).size[0] > 100

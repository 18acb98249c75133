"""Epoch-based learning-rate schedules: the report's steps and CycleGAN's linear decay."""

from __future__ import annotations

import pytest
import torch

from avatargan.blocks.schedule import lr_factor, set_lr


def test_report_cyclegan_steps_once_at_epoch_120() -> None:
    assert lr_factor(119, "step", (120,), 0.1) == 1.0
    assert lr_factor(120, "step", (120,), 0.1) == pytest.approx(0.1)
    assert lr_factor(299, "step", (120,), 0.1) == pytest.approx(0.1)


def test_report_cartoongan_steps_at_50_and_75() -> None:
    assert [lr_factor(e, "step", (50, 75), 0.1) for e in (49, 50, 74, 75)] == pytest.approx([1, 0.1, 0.1, 0.01])


def test_linear_decay_and_constant() -> None:
    assert lr_factor(99, "linear", decay_start=100, decay_end=200) == 1.0
    assert lr_factor(150, "linear", decay_start=100, decay_end=200) == pytest.approx(0.5)
    assert lr_factor(250, "linear", decay_start=100, decay_end=200) == 0.0
    assert lr_factor(1000, "constant") == 1.0
    with pytest.raises(ValueError, match="schedule"):
        lr_factor(0, "cosine")


def test_set_lr_sets_every_group() -> None:
    opt = torch.optim.Adam([{"params": [torch.zeros(1, requires_grad=True)]}], lr=1.0)
    set_lr(opt, 3e-5)
    assert opt.param_groups[0]["lr"] == 3e-5

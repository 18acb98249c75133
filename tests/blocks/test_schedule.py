"""Epoch-based learning-rate schedules: the report's steps and CycleGAN's linear decay."""

from __future__ import annotations

import pytest
import torch

from avatargan.blocks.schedule import lr_factor, ramp_down_factor, set_lr, set_ramp


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


def test_ramp_down_is_flat_then_falls_linearly_to_zero_at_the_end() -> None:
    assert [ramp_down_factor(p, 0.25) for p in (0.0, 0.5, 0.75)] == [1.0, 1.0, 1.0]
    assert [ramp_down_factor(p, 0.25) for p in (0.8, 0.875, 1.0, 1.2)] == pytest.approx([0.8, 0.5, 0.0, 0.0])
    assert ramp_down_factor(0.5, 1.0) == pytest.approx(0.5)  # the whole run
    assert ramp_down_factor(0.99, 0.0) == 1.0  # off


def test_the_ramp_multiplies_the_scheduled_rate_and_a_new_schedule_keeps_the_ramp() -> None:
    opt = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=2e-4)
    set_ramp(opt, 0.5)
    assert opt.param_groups[0]["lr"] == pytest.approx(1e-4)
    set_ramp(opt, 0.25)  # from the scheduled rate, not from the ramped one
    assert opt.param_groups[0]["lr"] == pytest.approx(5e-5)
    set_lr(opt, 2e-5)  # a family's epoch schedule steps down: the ramp still applies
    assert opt.param_groups[0]["lr"] == pytest.approx(5e-6)
    restored = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=2e-4)
    restored.load_state_dict(opt.state_dict())  # a checkpoint carries both
    set_ramp(restored, 0.5)
    assert restored.param_groups[0]["lr"] == pytest.approx(1e-5)

"""Epoch-based learning-rate schedules: the report's steps (×gamma at given epochs) and CycleGAN's linear decay.

The rate is a pure function of the epoch, set at the start of every epoch from the model's `on_epoch_start`, so
there is no scheduler state to checkpoint and a resumed run uses exactly the rate an uninterrupted one would.

* ``step``: ``lr · gamma^(number of milestones ≤ epoch)`` — the report's CycleGAN (3e-4, ×0.1 at epoch 120) and
  CartoonGAN (2e-4, ×0.1 at epochs 50 and 75).
* ``linear``: constant until `decay_start`, then falling linearly to 0 at `decay_end` (the original CycleGAN's
  100 + 100 epochs).
* ``constant``: no change.

On top of any of them, a run may ramp every rate down to 0 over its last stretch (`train.lr_ramp_down`, applied by
the trainer through `set_ramp`): the factor is a function of the run's progress, so it too needs no state of its
own. Each optimizer group keeps the rate its schedule set (``scheduled_lr``) and the ramp's factor (``ramp``) beside
``lr``; both travel in the optimizer's state dict, so a resumed run goes on from the same rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_args

import torch

from avatargan.errors import ConfigError

Schedule = Literal["step", "linear", "constant"]
SCHEDULES = get_args(Schedule)


def lr_factor(
    epoch: int,
    kind: str,
    milestones: Sequence[int] = (),
    gamma: float = 0.1,
    decay_start: int = 100,
    decay_end: int = 200,
) -> float:
    """The multiplier of the base learning rate during `epoch` (counted from 0)."""
    if kind == "constant":
        return 1.0
    if kind == "step":
        return gamma ** sum(1 for m in milestones if epoch >= m)
    if kind == "linear":
        if decay_end <= decay_start:
            raise ValueError(f"lr_decay_end ({decay_end}) must be after lr_decay_start ({decay_start})")
        return max(0.0, 1.0 - max(0, epoch - decay_start) / (decay_end - decay_start))
    raise ValueError(f"unknown learning-rate schedule {kind!r}; use one of {', '.join(SCHEDULES)}")


def check_schedule(cfg: Any) -> None:
    """A linear decay window must end after it starts (a ConfigError naming both fields)."""
    if cfg.lr_schedule == "linear" and cfg.lr_decay_end <= cfg.lr_decay_start:
        raise ConfigError(
            f"model.lr_decay_end: {cfg.lr_decay_end} must be after model.lr_decay_start ({cfg.lr_decay_start}) "
            "for the linear schedule"
        )


def scheduled_factor(cfg: Any, epoch: int) -> float:
    """`lr_factor` from a model config's fields: lr_schedule, lr_milestones, lr_gamma, lr_decay_start, lr_decay_end."""
    return lr_factor(epoch, cfg.lr_schedule, cfg.lr_milestones, cfg.lr_gamma, cfg.lr_decay_start, cfg.lr_decay_end)


def ramp_down_factor(progress: float, fraction: float) -> float:
    """The multiplier of every rate at `progress` through a run (0 at its start, 1 at its end) when the rates fall
    linearly to 0 over the run's last `fraction` (0 = no ramp; 1 = from the first step on)."""
    if fraction <= 0 or progress <= 1 - fraction:
        return 1.0
    return max(0.0, (1.0 - progress) / fraction)


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set the scheduled rate of every parameter group (the families build one group per optimizer); the group
    trains at it times the ramp's factor, when a ramp-down has begun."""
    for group in optimizer.param_groups:
        group["scheduled_lr"] = lr
        group["lr"] = lr * group.get("ramp", 1.0)


def set_ramp(optimizer: torch.optim.Optimizer, factor: float) -> None:
    """Train every parameter group at `factor` times its scheduled rate (the rate it was built with, or the last
    one `set_lr` set)."""
    for group in optimizer.param_groups:
        group.setdefault("scheduled_lr", group["lr"])  # the first call: no ramp has touched lr yet
        group["ramp"] = factor
        group["lr"] = group["scheduled_lr"] * factor

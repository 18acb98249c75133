"""EMA of generator weights: warm-up, tracking, and state round trip."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from avatargan.training.ema import EMA


def test_warm_up_then_the_configured_decay() -> None:
    ema = EMA({"g": nn.Linear(2, 2)}, decay=0.999)
    assert ema.current_decay() == pytest.approx(0.1)  # (1 + 0) / (10 + 0): early averages follow the live net
    ema.updates = 100_000
    assert ema.current_decay() == 0.999


def test_average_moves_towards_the_live_weights_and_round_trips() -> None:
    live = nn.Linear(2, 2)
    ema = EMA({"g": live}, decay=0.5)
    with torch.no_grad():
        live.weight.add_(1.0)
    before = ema.shadow["g"].weight.clone()
    ema.update({"g": live})
    after = ema.shadow["g"].weight
    assert torch.allclose(after, before + 0.9)  # first update: decay 0.1, so 90 % of the way to the live weights
    copy = EMA({"g": nn.Linear(2, 2)}, decay=0.5)
    copy.load_state_dict(ema.state_dict())
    assert copy.updates == 1 and torch.equal(copy.shadow["g"].weight, after)

"""A NaN/Inf loss is caught at the log cadence or before a checkpoint, whichever comes first: it never reaches a
checkpoint or the exported weights, and the message names the loss and its step."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from conftest import tiny_config

from avatargan.blocks import losses
from avatargan.training.checkpoint import latest_checkpoint, list_checkpoints
from avatargan.training.finite_guard import FiniteGuard, NonFiniteLoss, non_finite_weights
from avatargan.training.loop import train


def test_the_guard_remembers_the_first_bad_step_of_each_loss() -> None:
    guard = FiniteGuard()
    guard.watch({"loss_g": torch.tensor(1.0), "loss_d": torch.tensor(2.0)}, 1)
    assert guard.first_problem() is None
    guard.watch({"loss_g": torch.tensor(1.0), "loss_d": torch.tensor(math.inf)}, 2)
    guard.watch({"loss_g": torch.tensor(math.nan), "loss_d": torch.tensor(math.nan)}, 3)
    assert guard.first_problem() == ("loss_d", 2)


def test_non_finite_weights_are_named() -> None:
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 2))
    assert non_finite_weights(net) is None
    with torch.no_grad():
        net[1].bias[0] = math.nan
    assert non_finite_weights(net) == "1.bias"


@pytest.mark.parametrize(("log_every", "checkpoint_every"), [(2, 3), (100, 3)])
def test_a_nan_loss_never_reaches_a_checkpoint_or_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_every: int, checkpoint_every: int
) -> None:
    real_d_loss, calls = losses.d_loss, {"n": 0}

    def exploding(*args, **kwargs):  # from the 5th step on, D's loss is NaN (so are D's weights after its update)
        calls["n"] += 1
        loss = real_d_loss(*args, **kwargs)
        return loss * math.nan if calls["n"] >= 5 else loss

    monkeypatch.setattr(losses, "d_loss", exploding)
    cfg = tiny_config(tmp_path, train={"steps": 12, "log_every": log_every, "checkpoint_every": checkpoint_every})
    with pytest.raises(NonFiniteLoss, match=r"loss_d became NaN/Inf at step 5; .*ckpt-000000003\.pt.* --resume"):
        train(cfg)
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert [p.name for p in list_checkpoints(run_dir / "checkpoints")] == ["ckpt-000000003.pt"]
    payload = latest_checkpoint(run_dir / "checkpoints")[1]
    assert all(torch.isfinite(v).all() for v in payload["model"].values() if v.is_floating_point())
    assert not (run_dir / "generator.safetensors").exists()

"""Precision options: bf16/fp16 autocast steps train, fp16 scaler state is checkpointed, fp32 is plain."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from conftest import tiny_config

from avatargan.training.checkpoint import latest_checkpoint
from avatargan.training.loop import Trainer
from avatargan.training.precision import Updates


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_mixed_precision_runs_train_and_checkpoint(tmp_path: Path, precision: str) -> None:
    trainer = Trainer(tiny_config(tmp_path, train={"steps": 2, "precision": precision, "checkpoint_every": 2}))
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    run_dir = trainer.run()
    after = trainer.model.state_dict()
    assert all(v.dtype == before[k].dtype for k, v in after.items())  # weights stay fp32 (autocast only)
    assert any(not torch.equal(before[k], after[k]) for k in before if after[k].is_floating_point())
    scalers = latest_checkpoint(run_dir / "checkpoints")[1]["scalers"]
    assert sorted(scalers) == (["d", "g"] if precision == "fp16" else [])


def test_optimize_matches_plain_backward_and_step_in_fp32() -> None:
    torch.manual_seed(0)
    nets = [torch.nn.Linear(4, 1) for _ in range(2)]
    nets[1].load_state_dict(nets[0].state_dict())
    opts = [torch.optim.Adam(n.parameters(), lr=0.1) for n in nets]
    x = torch.randn(8, 4)
    loss = nets[0](x).square().mean()
    loss.backward()
    opts[0].step()
    Updates("fp32", "cpu", {"g": opts[1]}).optimize(nets[1](x).square().mean(), opts[1])
    assert torch.equal(nets[0].weight, nets[1].weight)


def test_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="fp32, bf16, fp16"):
        Updates("fp8")

"""Checkpoints: atomic, pruned to the last K, safe to load, and a truncated one never blocks a resume."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch

from avatargan.errors import CheckpointError
from avatargan.training import checkpoint as ckpt


def _payload() -> dict:
    return {"model": {"w": torch.arange(3.0)}, "rng": ckpt.rng_state()}


def test_keeps_the_last_k_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    for step in (1, 2, 3, 4):
        ckpt.save_checkpoint(tmp_path, step, _payload(), keep=2)
    assert [p.name for p in ckpt.list_checkpoints(tmp_path)] == ["ckpt-000000003.pt", "ckpt-000000004.pt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt-000000003.pt", "ckpt-000000004.pt"]


def test_loads_with_weights_only_and_restores_rng(tmp_path: Path) -> None:
    torch.manual_seed(1), np.random.seed(1), random.seed(1)
    path = ckpt.save_checkpoint(tmp_path, 7, _payload(), keep=1)
    expected = (torch.rand(2), np.random.rand(), random.random())
    payload = ckpt.load_checkpoint(path)  # uses torch.load(weights_only=True)
    assert payload["step"] == 7 and payload["format_version"] == ckpt.FORMAT_VERSION
    ckpt.set_rng_state(payload["rng"])
    again = (torch.rand(2), np.random.rand(), random.random())
    assert torch.equal(expected[0], again[0]) and expected[1:] == again[1:]


def test_truncated_checkpoint_is_refused_and_the_previous_one_used(tmp_path: Path) -> None:
    ckpt.save_checkpoint(tmp_path, 1, _payload(), keep=3)
    newest = ckpt.save_checkpoint(tmp_path, 2, _payload(), keep=3)
    newest.write_bytes(newest.read_bytes()[:200])
    with pytest.raises(CheckpointError, match=r"ckpt-000000002\.pt is unreadable"):
        ckpt.load_checkpoint(newest)
    path, payload = ckpt.latest_checkpoint(tmp_path)
    assert path.name == "ckpt-000000001.pt" and payload["step"] == 1


def test_not_a_checkpoint_and_empty_folder(tmp_path: Path) -> None:
    torch.save({"something": 1}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not an avatargan"):
        ckpt.load_checkpoint(tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="no checkpoint"):
        ckpt.latest_checkpoint(tmp_path)

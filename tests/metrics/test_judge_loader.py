"""The judge's weights: the shipped file loads and reads rendered faces; a corrupt or mismatched file is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from avatargan.errors import CheckpointError
from avatargan.metrics.judge import META_NAME, WEIGHTS_NAME, Judge, load_judge, packaged_weights, save_judge


def test_shipped_weights_are_small_and_load() -> None:
    path = packaged_weights()
    assert path.stat().st_size < 2_000_000
    judge, meta = load_judge()
    assert isinstance(judge, Judge) and not judge.training
    assert meta["heldout_scores"]["mean_attribute_acc"] > 0.5


def test_a_corrupt_weights_file_is_refused(tmp_path: Path) -> None:
    shutil.copy(packaged_weights(), tmp_path / WEIGHTS_NAME)
    shutil.copy(packaged_weights().with_name(META_NAME), tmp_path / META_NAME)
    data = bytearray((tmp_path / WEIGHTS_NAME).read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of a tensor
    (tmp_path / WEIGHTS_NAME).write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="corrupt"):
        load_judge(tmp_path / WEIGHTS_NAME)
    (tmp_path / WEIGHTS_NAME).write_bytes(bytes(data[:100]))  # truncated
    with pytest.raises(CheckpointError, match="judge_train"):
        load_judge(tmp_path / WEIGHTS_NAME)


def test_missing_or_mismatched_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="missing"):
        load_judge(tmp_path / WEIGHTS_NAME)
    other = torch.nn.Linear(2, 2)
    from safetensors.torch import save_file

    save_file(other.state_dict(), str(tmp_path / WEIGHTS_NAME))
    save_judge(Judge(), tmp_path / "ok", {})  # a valid JSON to borrow, with the hash fixed for the wrong tensors
    meta = json.loads((tmp_path / "ok" / META_NAME).read_text())
    from avatargan.metrics.judge import file_sha256

    meta["sha256"] = file_sha256(tmp_path / WEIGHTS_NAME)
    (tmp_path / META_NAME).write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="cannot be loaded"):
        load_judge(tmp_path / WEIGHTS_NAME)

"""The quality block that ends a run: FID/KID at a stated n, judge metrics for built-in data, each with its meaning;
a missing Inception file skips only FID/KID."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from conftest import tiny_config, write_images

from avatargan import console
from avatargan.metrics import inception
from avatargan.metrics.catalog import METRIC_MEANINGS
from avatargan.metrics.quality_block import FINAL_FILE, block_lines, final_quality
from avatargan.models.dcgan import DCGAN


def _generators(cfg) -> dict[str, torch.nn.Module]:
    torch.manual_seed(0)
    return DCGAN.build_generators(cfg.model, cfg.data.image_size)


def test_the_block_states_n_values_and_meanings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tiny_config(tmp_path, train={"final_fid_n": 4, "final_judge_n": 16})
    lines: list[str] = []
    monkeypatch.setattr(console, "info", lines.append)
    block = final_quality(_generators(cfg), cfg, tmp_path, 7, ("image",))
    assert set(block["metrics"]) == {"fid", "kid", "attr_coverage", "valid_faces", "judge_fd"}
    assert block["metrics"]["fid"]["n"] == 4 and block["metrics"]["attr_coverage"]["n"] == 16
    assert json.loads((tmp_path / FINAL_FILE).read_text())["step"] == 7
    assert lines[0].startswith("quality of the final generator (step 7")
    assert any(line.strip().startswith("KID×100") and "±" in line and "n=4" in line for line in lines)
    assert all(METRIC_MEANINGS[name] in "\n".join(block_lines(block)) for name in block["metrics"])


def test_without_inception_weights_only_fid_and_kid_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(explicit=None):
        raise inception.InceptionWeightsError("the FID Inception weights were not found")

    warnings: list[str] = []
    monkeypatch.setattr(inception, "find_weights", missing)
    monkeypatch.setattr(console, "warn", warnings.append)
    cfg = tiny_config(tmp_path, train={"final_fid_n": 4, "final_judge_n": 16})
    block = final_quality(_generators(cfg), cfg, tmp_path, 1, ("image",))
    assert set(block["metrics"]) == {"attr_coverage", "valid_faces", "judge_fd"}
    assert "FID/KID skipped" in warnings[0]


def test_the_judge_reads_built_in_faces_only_and_a_block_with_nothing_writes_nothing(tmp_path: Path) -> None:
    write_images(tmp_path / "faces", 6, size=(16, 16))
    cfg = tiny_config(tmp_path, data={"source": str(tmp_path / "faces")}, train={"final_judge_n": 16})
    assert final_quality(_generators(cfg), cfg, tmp_path, 1, ("image",)) is None  # (FID/KID off here: 0)
    assert not (tmp_path / FINAL_FILE).exists()

"""`avatargan evaluate` and `train.eval_every`: metrics appended to metric-<name>.jsonl and shown in the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from conftest import tiny_config

from avatargan.cli import main
from avatargan.config import DataConfig
from avatargan.metrics.evaluate import build_inputs, compute
from avatargan.training.loop import train

JUDGE_GENERATION = "judge_fd,attr_coverage,valid_faces"


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_evaluate_appends_metric_files_and_report(tmp_path: Path) -> None:
    run_dir = train(tiny_config(tmp_path, train={"steps": 2}))
    assert main(["evaluate", str(run_dir), "--metrics", JUDGE_GENERATION, "--n", "16", "--device", "cpu"]) == 0
    assert main(["evaluate", str(run_dir / "generator.safetensors"), "--metrics", "valid_faces", "--n", "8"]) == 0
    rows = lines(run_dir / "metric-valid_faces.jsonl")
    assert len(rows) == 2 and rows[0]["step"] == 2 and 0.0 <= rows[0]["valid_faces"] <= 1.0
    assert "judge_fd" in lines(run_dir / "metric-judge_fd.jsonl")[0]
    report = (run_dir / "report.html").read_text()
    assert "<h2>Metrics</h2>" in report and "mode collapse" in report


def test_unknown_metric_and_missing_weights_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    run_dir = train(tiny_config(tmp_path, train={"steps": 1}))
    assert main(["evaluate", str(run_dir), "--metrics", "fidd"]) == 2
    assert "unknown metric 'fidd'" in capsys.readouterr().err
    missing = tmp_path / "none.pt"
    assert main(["evaluate", str(run_dir), "--metrics", "fid", "--inception-weights", str(missing)]) == 2
    assert "fetch_inception" in capsys.readouterr().err


def test_eval_every_writes_metrics_during_training(tmp_path: Path) -> None:
    cfg = tiny_config(tmp_path, train={"steps": 5, "eval_every": 2, "eval_metrics": "valid_faces", "eval_n": 8})
    run_dir = train(cfg)
    assert [r["step"] for r in lines(run_dir / "metric-valid_faces.jsonl")] == [2, 4, 5]


class Identity(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.unused = torch.nn.Parameter(torch.zeros(1))  # so the evaluator can find the device

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


def test_identity_transfer_on_builtin_pairs(tmp_path: Path) -> None:
    data = DataConfig(source_a="builtin:photo-faces", source_b="builtin:anime-faces", builtin_count=64)
    meta = {"model": {"family": "cyclegan"}, "image_size": 16}
    inputs, protocol = build_inputs({"a2b": Identity()}, meta, data, n=12)
    assert "ground-truth pairs" in protocol and inputs.target_labels.shape == (12, 8)
    results = compute(inputs, ["movement", "attr_preservation", "keypoint_error"])
    assert results["movement"]["movement"] == 0.0
    assert results["keypoint_error"]["keypoint_error"] > 0  # photos are not the anime faces

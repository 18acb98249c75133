"""`avatargan evaluate` and `train.eval_every`: metrics appended to metric-<name>.jsonl and shown in the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from conftest import tiny_config

from avatargan.cli import main
from avatargan.config import DataConfig
from avatargan.data.sources import BuiltinFaces
from avatargan.data.spec import open_source
from avatargan.metrics.evaluate import build_inputs, compute, real_set_key
from avatargan.models.spec import NOISE_GENERATOR
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


def test_the_real_set_key_names_source_content_size_count_and_subset() -> None:
    """Two scorings share cached real features only when every one of these matches (`real_set_key`)."""
    data = DataConfig(builtin_count=32)
    faces, others = BuiltinFaces("anime", 32, 0), BuiltinFaces("anime", 32, 1)  # same name, other people
    key = real_set_key(faces, 16, 12, seed=0)
    variants = [real_set_key(others, 16, 12), real_set_key(faces, 32, 12), real_set_key(faces, 16, 8)]
    assert len({key, *variants, real_set_key(faces, 16, 12, seed=1)}) == 5
    meta = {"model": {"family": "dcgan", "latent_dim": 4}, "image_size": 16}
    inputs, _ = build_inputs({NOISE_GENERATOR: Noise16()}, meta, data, n=12)
    assert inputs.real_key == real_set_key(open_source(data.source, data), 16, 12, seed=0)


class Noise16(torch.nn.Module):
    """Noise (N, 4) → grey 16×16 images."""

    def __init__(self) -> None:
        super().__init__()
        self.unused = torch.nn.Parameter(torch.zeros(1))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.zeros(z.shape[0], 3, 16, 16)

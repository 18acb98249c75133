"""`avatargan benchmark`: a model that is not in this build is reported as missing in the table, not a crash."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from avatargan.cli import main
from avatargan.metrics.benchmark import reference_entries


def test_missing_models_are_reported_not_fatal(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    args = ["benchmark", "--models", "stylegan9", "--budget-minutes", "0.1", "--out", str(out), "--no-reference"]
    assert main(args) == 0
    table = (out / "benchmark.md").read_text()
    assert "| stylegan9 | missing: no model family 'stylegan9'" in table and "`attr_coverage`:" in table
    summary = json.loads((out / "benchmark.json").read_text())
    assert summary["models"][0]["status"] == "missing" and summary["comparison_sheet"] is None


def test_overrides_must_name_the_model(tmp_path: Path) -> None:
    assert main(["benchmark", "--set", "train.batch_size=2", "--out", str(tmp_path)]) == 2


def test_reference_rows_score_the_known_answers() -> None:
    args = SimpleNamespace(image_size=32, count=16, n=12)
    truth, identity = reference_entries(args, ["keypoint_error", "movement", "attr_preservation"])
    assert truth.results["keypoint_error"]["keypoint_error"] == 0.0 and truth.results["movement"]["movement"] > 0.05
    assert identity.results["movement"]["movement"] == 0.0


def test_a_row_may_name_a_packaged_recipe() -> None:
    from avatargan.metrics.benchmark import benchmark_overrides, family_of, resolve

    assert family_of("dcgan_modern") == "dcgan" and family_of("cyclegan") == "cyclegan"
    overrides = benchmark_overrides("dcgan", 16, 0.1, 8, Path("runs"))
    modern, origin = resolve("dcgan_modern", overrides)
    assert origin == "recipe dcgan_modern" and modern.model.loss == "hinge"  # the modern recipe, not the family's
    demo, origin = resolve("dcgan", overrides)
    assert origin == "recipe dcgan_demo" and demo.model.loss == "bce"  # a family: its smallest packaged recipe
    assert modern.data.image_size == 16 and modern.train.max_minutes == 0.1  # the benchmark's fixed settings

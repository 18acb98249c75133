"""The best-snapshot replay: which runs count as strict-best comparisons, and the step each tolerance keeps."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import best_snapshot_rule  # noqa: E402


def _row(run: str, snapshot: str, step: int, fid: float, coverage: float, **extra: float) -> dict:
    return {"run": f"/x/runs/{run}", "snapshot": snapshot, "step": step, "fid": fid, "attr_coverage": coverage, **extra}


def test_scored_pairs_compare_the_strict_best_with_the_last_weights_and_skip_tolerance_runs(tmp_path: Path) -> None:
    rows = [
        _row("strict", "last", 9000, 100.0, 0.80),
        _row("strict", "best", 4000, 150.0, 0.82),
        _row("tolerant", "last", 9000, 100.0, 0.80, quality_tolerance=0.05),
        _row("tolerant", "best", 8000, 110.0, 0.81, quality_tolerance=0.05),
    ]
    (tmp_path / "runs-a-seeds0.json").write_text(json.dumps({"runs": rows}))
    pairs = best_snapshot_rule.scored_pairs([tmp_path])
    assert [p["run"] for p in pairs] == ["strict"]
    assert pairs[0]["best_step"] == 4000 and pairs[0]["last_step"] == 9000
    assert abs(pairs[0]["fid_ratio"] - 1.5) < 1e-9  # best / last: the strict best was worse
    assert abs(pairs[0]["coverage_gain"] - 0.02) < 1e-9


def test_kept_step_is_the_latest_check_within_the_tolerance_of_the_best_so_far() -> None:
    checks = [(1000, 0.5), (2000, 0.8), (3000, 0.78), (4000, 0.70)]
    assert best_snapshot_rule.kept_step(checks, 0.0) == 2000
    assert best_snapshot_rule.kept_step(checks, 0.05) == 3000  # 0.78 is within 5 % of 0.8; 0.70 is not
    assert best_snapshot_rule.kept_step(checks, 0.15) == 4000

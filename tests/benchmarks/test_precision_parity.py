"""The precision parity benchmark's verdict: bf16 passes a metric only inside fp32's seed range widened by half its
width, and seeds split over several processes are judged together."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import precision_parity  # noqa: E402


def rows(fp32: list[float], bf16: list[float], metric: str = "fid") -> list[dict]:
    return [{"precision": "fp32", "seed": i, metric: v} for i, v in enumerate(fp32)] + [
        {"precision": "bf16", "seed": i, metric: v} for i, v in enumerate(bf16)
    ]


def test_bf16_passes_inside_the_widened_fp32_range_and_fails_outside() -> None:
    # fp32 range 100..110, widened by 5 each side: 95..115
    assert precision_parity.verdict(rows([100, 110], [95, 115]))["fid"]["within_spread"] is True
    assert precision_parity.verdict(rows([100, 110], [105, 116]))["fid"]["within_spread"] is False
    assert precision_parity.verdict(rows([100, 110], [94]))["fid"]["within_spread"] is False


def test_values_outside_the_spread_are_called_worse_or_better_by_the_metric_direction() -> None:
    fid = precision_parity.verdict(rows([100, 110], [90, 105, 120]))["fid"]  # lower is better
    assert fid["worse"] == [120] and fid["better"] == [90]
    coverage = rows([0.70, 0.72], [0.5, 0.8], metric="attr_coverage")
    got = precision_parity.verdict(coverage)["attr_coverage"]  # higher is better: 0.5 worse, 0.8 better
    assert got["worse"] == [0.5] and got["better"] == [0.8]


def test_merge_judges_the_runs_of_every_file_together(tmp_path: Path, capsys) -> None:
    parts = []
    for name, part in [("a", rows([100], [104])), ("b", rows([110], [130]))]:
        path = tmp_path / f"{name}.json"
        path.write_text(
            json.dumps({"command": name, "machine": {"cpu": "x"}, "load_average_end": [0, 0, 0], "runs": part})
        )
        parts.append(str(path))
    out = tmp_path / "merged.json"
    precision_parity.merge(parts, str(out))
    merged = json.loads(out.read_text())
    assert len(merged["runs"]) == 4 and merged["commands"] == ["a", "b"]
    # alone, file a (fp32 [100], bf16 [104]) fails; together fp32 spans 100..110 and bf16 130 still fails
    assert merged["verdict"]["fid"]["fp32"] == [100, 110] and merged["verdict"]["fid"]["bf16"] == [104, 130]
    assert merged["verdict"]["fid"]["within_spread"] is False
    assert "worse: [130]" in capsys.readouterr().out

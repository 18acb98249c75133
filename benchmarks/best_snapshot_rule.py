"""Which snapshot the trainer's best-snapshot rule keeps, replayed on stored runs, beside what the kept weights scored.

The trainer keeps `generator-best.safetensors` by its quality signal (`training/quality_guard.py`). This script reads
the recipe comparisons stored under `benchmarks/results/` (or the folders given) and prints:

1. For every run scored at both its strict best snapshot and its last weights (`runs-*.json` of `dcgan_recipes.py`;
   rows with a `quality_tolerance` above 0 were kept by the tolerance rule and are left out): the best's step and
   its FID and coverage against the last weights' — whether the strict best was better.
2. For every run whose quality checks are stored (`trajectories.json`): the step the rule keeps at each tolerance
   (`train.quality_tolerance`; 0 = the strict best), against the last step.

    python benchmarks/best_snapshot_rule.py [RESULTS_DIR ...] [--tolerances 0,0.025,0.05,0.1]

Reads JSON only: no model runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from avatargan.training.quality_guard import within

RESULTS = Path(__file__).resolve().parent / "results"


def scored_pairs(folders: list[Path]) -> list[dict[str, Any]]:
    """One row per run that was scored at both snapshots: best and last FID, coverage and steps."""
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(p for folder in folders for p in folder.glob("runs-*.json")):
        stored = json.loads(path.read_text())
        for r in stored.get("runs", []) if isinstance(stored, dict) else []:
            if "snapshot" in r and "fid" in r and not r.get("quality_tolerance"):
                runs.setdefault(r["run"], {})[r["snapshot"]] = r
    return [
        {
            "run": name.split("/runs/")[-1],
            "best_step": v["best"]["step"],
            "last_step": v["last"]["step"],
            "fid_ratio": v["best"]["fid"] / v["last"]["fid"],
            "coverage_gain": v["best"]["attr_coverage"] - v["last"]["attr_coverage"],
        }
        for name, v in runs.items()
        if "best" in v and "last" in v
    ]


def kept_step(checks: list[tuple[int, float]], tolerance: float) -> int:
    """The step whose snapshot the rule keeps: the latest check within `tolerance` of the best score before it
    (higher is better, as the built-in signal)."""
    best, kept = None, checks[0][0]
    for step, score in checks:
        best = score if best is None else max(best, score)
        if within(score, best, True, tolerance):
            kept = step
    return kept


def trajectories(folders: list[Path]) -> dict[str, list[tuple[int, float]]]:
    """Run → its quality checks as (step, score), from every trajectories.json (one entry per run)."""
    out: dict[str, list[tuple[int, float]]] = {}
    for path in sorted(p for folder in folders for p in folder.glob("trajectories.json")):
        for run, entry in json.loads(path.read_text()).items():
            if not isinstance(entry, dict) or "quality" not in entry:
                continue
            checks = [(s, q.get("score", q["attr_coverage"] * q["valid_prob_mean"])) for s, q in entry["quality"]]
            out.setdefault(f"{path.parent.name}/{run}", checks)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folders", nargs="*", type=Path, help="results folders (default: all under benchmarks/results)")
    p.add_argument("--tolerances", default="0,0.025,0.05,0.1", help="comma-separated shares of the best score")
    args = p.parse_args()
    folders = args.folders or sorted(d for d in RESULTS.iterdir() if d.is_dir())
    pairs = scored_pairs(folders)
    earlier = [r for r in pairs if r["best_step"] != r["last_step"]]
    worse = [r for r in earlier if r["fid_ratio"] > 1]
    print(f"runs scored at both snapshots: {len(pairs)}; the best snapshot an earlier step: {len(earlier)}; of those,")
    print(f"its FID worse than the last weights': {len(worse)}")
    if earlier:
        ratios = [r["fid_ratio"] for r in earlier]
        gains = [r["coverage_gain"] for r in earlier]
        print(f"best / last FID: median {statistics.median(ratios):.2f}, range {min(ratios):.2f}–{max(ratios):.2f}")
        print(f"best − last coverage: median {statistics.median(gains):+.3f}, {min(gains):+.3f} to {max(gains):+.3f}")
    tolerances = [float(t) for t in args.tolerances.split(",")]
    runs = trajectories(folders)
    print(f"\nruns with stored quality checks: {len(runs)}; the step each tolerance keeps (last step in brackets)")
    print("| run | " + " | ".join(f"tolerance {t:g}" for t in tolerances) + " |")
    print("|---|" + "---|" * len(tolerances))
    for name, checks in runs.items():
        steps = [kept_step(checks, t) for t in tolerances]
        print(f"| {name} ({checks[-1][0]}) | " + " | ".join(str(s) for s in steps) + " |")
    for t in tolerances:
        near = sum(kept_step(c, t) >= c[-1][0] - 1000 for c in runs.values())
        print(f"tolerance {t:g}: keeps a step within 1,000 of the last in {near} of {len(runs)} runs")


if __name__ == "__main__":
    main()

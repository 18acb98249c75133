"""DCGAN recipes compared by quality: each recipe trained at the same budget (wall-clock or steps) for several
seeds, then scored by FID/KID (n stated), judge coverage, valid faces and judge_fd on the same protocol.

    python benchmarks/dcgan_recipes.py --minutes 8 --n 2000                       # paper vs modern, seeds 0 and 1
    python benchmarks/dcgan_recipes.py --minutes 8 --n 2000 --images 1000         # small data: 1,000 training faces
    python benchmarks/dcgan_recipes.py --recipes dcgan_demo,dcgan_modern --steps 3000 --seeds 0,1,2
    python benchmarks/dcgan_recipes.py --recipes dcgan_modern --minutes 8 --set model.augment=none   # an ablation
    python benchmarks/dcgan_recipes.py --minutes 8 --arm "no-aug dcgan_modern model.augment=none"     # an extra row
    python benchmarks/dcgan_recipes.py --smoke      # a few steps and tiny n: checks that the script works
    python benchmarks/dcgan_recipes.py --summarise-only --out DIR                 # tabulate DIR's runs again
    python benchmarks/dcgan_recipes.py --recipes dcgan_paper,dcgan_modern --steps dcgan_paper=185,dcgan_modern=3800

Equal wall-clock on a shared machine: a --minutes budget is only fair when nothing else runs. Otherwise measure each
recipe's steps per second once on a quiet machine (`avatargan train dcgan --recipe R --minutes 1.5` prints them),
convert the budget into steps per recipe (`--steps R1=N1,R2=N2`) and train by steps: load then slows every run
alike and changes no result. results.md states which budget was used.

Every run trains with the project's own Trainer (its run folder, report and quality checks are kept under
--out/runs) with the final quality block off; the scores are computed here, for every run alike, on the last
weights (and on generator-best.safetensors where the recipe keeps one: "best" rows). Results: --out/results.json
and --out/results.md (a row per run and per recipe: the mean and the spread between seeds, max − min) over every
run in --out: each invocation keeps its rows in --out/runs-ARMS-seedsS.json, so two invocations (one per core, each
with --set train.threads=1) can share one --out; --summarise-only tabulates a folder again.
The seed loop, budget options and summary are shared with the transfer benchmarks (`recipe_runs.py`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import recipe_runs  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

from avatargan.config import RunConfig  # noqa: E402
from avatargan.metrics.evaluate import evaluate_generators  # noqa: E402
from avatargan.weights import BEST_WEIGHTS_FILE, WEIGHTS_FILE, load_generators  # noqa: E402

METRICS = ["fid", "kid", "attr_coverage", "valid_faces", "judge_fd"]
#: the headline value of each metric (result key → metric name), and its column title
VALUES = {
    "fid": "fid",
    "kid_x100": "kid",
    "attr_coverage": "attr_coverage",
    "valid_faces": "valid_faces",
    "judge_fd": "judge_fd",
}
COLUMNS = {"fid": "FID", "kid_x100": "KID×100", "attr_coverage": "coverage", "valid_faces": "valid faces"}
COLUMNS["judge_fd"] = "judge_fd"
COLUMNS["step"] = "weights of step"  # the best snapshot's step (last: the steps trained)
SMOKE = {
    "dcgan": [
        "data.image_size=16",
        "data.builtin_count=64",
        "model.g_channels=4",
        "model.d_channels=4",
        "train.batch_size=8",
        "train.quality_every=2",
        "train.quality_n=16",
    ]
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    recipe_runs.add_arm_options(p, "dcgan_paper,dcgan_modern")
    p.add_argument("--n", type=int, default=2000, help="generated and real images per score (default 2000)")
    p.add_argument("--images", type=int, help="training images (data.builtin_count): the small-data comparison")
    p.add_argument("--summarise-only", action="store_true", help="no training: tabulate the runs in --out again")
    recipe_runs.add_common_options(p, "benchmarks/results/dcgan-recipes")
    args = p.parse_args()
    recipe_runs.check_budget(p, args, needed=not args.summarise_only)
    if args.smoke:
        args.n = 16
    return args


def score(weights: Path | str, snapshot: str, n: int, data: Any) -> dict[str, float]:
    """The headline values of every metric for one snapshot, at n generated vs n real training images."""
    generators, meta = load_generators(weights, "cpu", snapshot)
    results = evaluate_generators(generators, meta, data, METRICS, n)
    flat = {key: results[name][key] for key, name in VALUES.items()}
    flat["kid_x100_std"] = results["kid"]["kid_x100_std"]
    flat["step"] = meta.get("step")
    flat["n"] = n
    return flat


def same_tensors(a: Path, b: Path) -> bool:
    """Whether two safetensors files hold the same tensors (their headers may list the metadata in any order)."""
    ta, tb = load_file(a), load_file(b)
    return ta.keys() == tb.keys() and all(torch.equal(ta[k], tb[k]) for k in ta)


def main() -> None:
    args = parse_args()
    arms = recipe_runs.arms_of(args)

    def score_run(run_dir: Path, cfg: RunConfig) -> list[dict[str, Any]]:
        # the rule that chose the best snapshot (0 = the strict best; rows from before the rule have no such key)
        rule = {"quality_tolerance": cfg.train.quality_tolerance}
        rows = [{"snapshot": "last", **rule, **score(run_dir, "last", args.n, cfg.data)}]
        best = run_dir / BEST_WEIGHTS_FILE
        if best.is_file() and same_tensors(best, run_dir / WEIGHTS_FILE):
            rows.append({**rows[0], "snapshot": "best"})  # the same weights score the same: no second evaluation
        elif best.is_file():
            rows.append({"snapshot": "best", **rule, **score(run_dir, "best", args.n, cfg.data)})
        return rows

    if not args.summarise_only:  # each invocation's rows in its own file, so one process per core can share --out
        recipe_runs.run_arms(args, arms, score_run, SMOKE, json_name=recipe_runs.invocation_file(arms, args))
    rows = recipe_runs.gathered_rows(Path(args.out))
    summary = recipe_runs.summarise(rows, list(COLUMNS))
    data = f"{args.images} built-in faces" if args.images else "the recipes' data"
    n = max((r.get("n", args.n) for r in rows if "failed" not in r), default=args.n)  # --summarise-only: the runs' n
    intro = (
        f"Data: {data}; scores at n = {n} generated vs {n} real images (FID/KID: Inception; coverage, "
        "valid faces, judge_fd: the judge) of the last weights, and of generator-best where the recipe keeps one. "
        "Lower is better for FID, KID and judge_fd; higher for coverage and valid faces."
    )
    title = f"DCGAN recipes: {', '.join(dict.fromkeys(r['arm'] for r in rows))}"
    page = recipe_runs.markdown(title, intro, "dcgan_recipes.py", args, rows, summary, COLUMNS)
    recipe_runs.finish(args, rows, summary, page)


if __name__ == "__main__":
    recipe_runs.run_main(main)

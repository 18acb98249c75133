"""DCGAN recipes compared by quality: each recipe trained at the same budget (wall-clock or steps) for several
seeds, then scored by FID/KID (n stated), judge coverage, valid faces and judge_fd on the same protocol.

    python benchmarks/dcgan_recipes.py --minutes 8 --n 2000                       # paper vs modern, seeds 0 and 1
    python benchmarks/dcgan_recipes.py --minutes 8 --n 2000 --images 1000         # small data: 1,000 training faces
    python benchmarks/dcgan_recipes.py --recipes dcgan_demo,dcgan_modern --steps 3000 --seeds 0,1,2
    python benchmarks/dcgan_recipes.py --recipes dcgan_modern --minutes 8 --set model.augment=none   # an ablation
    python benchmarks/dcgan_recipes.py --smoke      # a few steps and tiny n: checks that the script works
    python benchmarks/dcgan_recipes.py --recipes dcgan_paper,dcgan_modern --steps dcgan_paper=185,dcgan_modern=3800
    python benchmarks/dcgan_recipes.py --merge OUT1 OUT2 --out OUT   # one table from runs made in several processes

Equal wall-clock on a shared machine: a --minutes budget is only fair when nothing else runs. Otherwise measure each
recipe's steps per second once on a quiet machine (`avatargan train dcgan --recipe R --minutes 1.5` prints them),
convert the budget into steps per recipe (`--steps R1=N1,R2=N2`) and train by steps: load then slows every run
alike and changes no result. results.md states which budget was used.

Every run trains with the project's own Trainer (its run folder, report and quality checks are kept under
--out/runs) with the final quality block off; the scores are computed here, for every run alike, on the last
weights (and on generator-best.safetensors where the recipe keeps one: "best" rows). Results: --out/results.json
and --out/results.md (a row per run and per recipe: the mean and the spread between seeds, max − min).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from avatargan import config as config_mod
from avatargan import console
from avatargan.metrics.evaluate import evaluate_generators
from avatargan.training.loop import Trainer
from avatargan.weights import BEST_WEIGHTS_FILE, load_generators

METRICS = ["fid", "kid", "attr_coverage", "valid_faces", "judge_fd"]
#: the headline value of each metric, and whether lower is better
COLUMNS = {
    "fid": ("fid", True),
    "kid_x100": ("kid", True),
    "attr_coverage": ("attr_coverage", False),
    "valid_faces": ("valid_faces", False),
    "judge_fd": ("judge_fd", True),
}
SMOKE = [
    "data.image_size=16",
    "data.builtin_count=64",
    "model.g_channels=4",
    "model.d_channels=4",
    "train.batch_size=8",
    "train.quality_every=2",
    "train.quality_n=16",
]


def parse_steps(text: str) -> int | dict[str, int]:
    """`--steps 3000` (every recipe) or `--steps dcgan_paper=185,dcgan_modern=3800` (per recipe)."""
    if "=" not in text:
        return int(text)
    pairs = [item.split("=", 1) for item in text.split(",") if item]
    return {name.strip(): int(value) for name, value in pairs}


def steps_for(args: argparse.Namespace, recipe: str) -> int:
    if isinstance(args.steps, int):
        return args.steps
    if recipe not in args.steps:
        raise SystemExit(f"--steps names no budget for recipe {recipe!r} (it gives: {', '.join(args.steps)})")
    return args.steps[recipe]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipes", default="dcgan_paper,dcgan_modern", help="packaged recipes, comma-separated")
    p.add_argument("--seeds", default="0,1", help="training seeds, comma-separated (default 0,1)")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float, help="wall-clock budget of each training run")
    budget.add_argument(
        "--steps",
        type=parse_steps,
        help="steps of each training run: N for every recipe (equal steps), or RECIPE=N,... per recipe (a "
        "wall-clock budget converted to steps at rates measured on a quiet machine)",
    )
    p.add_argument("--n", type=int, default=2000, help="generated and real images per score (default 2000)")
    p.add_argument("--images", type=int, help="training images (data.builtin_count): the small-data comparison")
    p.add_argument("--precision", default="auto", help="train.precision of every run (default auto)")
    p.add_argument("--set", dest="overrides", action="append", default=[], help="a config override for every run")
    p.add_argument("--out", default=f"benchmarks/results/dcgan-recipes-{time.strftime('%Y-%m-%d-%H%M')}")
    p.add_argument("--smoke", action="store_true", help="tiny shapes, 4 steps, n=16: proves the script works")
    p.add_argument(
        "--merge",
        nargs="+",
        metavar="OUT",
        help="train nothing: summarise the runs of earlier --out folders (e.g. recipes run side by side in two "
        "processes) into --out; their budgets and n must match",
    )
    args = p.parse_args()
    if args.merge:
        return args
    if args.smoke:
        args.steps, args.minutes, args.n = 4, None, 16
        args.overrides = SMOKE + args.overrides
    if args.minutes is None and args.steps is None:
        p.error("give the budget: --minutes M (equal wall-clock) or --steps N (equal steps)")
    return args


def run_config(args: argparse.Namespace, recipe: str, seed: int) -> config_mod.RunConfig:
    overrides = [
        f"train.seed={seed}",
        f"train.out_root={Path(args.out) / 'runs'}",
        f"train.precision={args.precision}",
        "train.final_fid_n=0",  # scored below, alike for every run
        "train.final_judge_n=0",
    ]
    if args.minutes is not None:
        overrides += [f"train.max_minutes={args.minutes}", "train.steps=10000000"]
    else:
        overrides.append(f"train.steps={steps_for(args, recipe)}")
    if args.images:
        overrides.append(f"data.builtin_count={args.images}")
    values = config_mod.apply_overrides(config_mod.load_recipe(recipe), overrides + args.overrides)
    return config_mod.from_dict(values)


def score(weights: Path | str, snapshot: str, n: int, data: Any) -> dict[str, float]:
    """The headline values of every metric for one snapshot, at n generated vs n real training images."""
    generators, meta = load_generators(weights, "cpu", snapshot)
    results = evaluate_generators(generators, meta, data, METRICS, n)
    flat = {key: results[name][key] for key, (name, _) in COLUMNS.items()}
    flat["kid_x100_std"] = results["kid"]["kid_x100_std"]
    flat["step"] = meta.get("step")
    return flat


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (recipe, snapshot): the mean of each value and its spread between seeds (max − min)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["recipe"], r["snapshot"]), []).append(r)
    out = []
    for (recipe, snapshot), group in groups.items():
        entry: dict[str, Any] = {"recipe": recipe, "snapshot": snapshot, "seeds": len(group)}
        for key in COLUMNS:
            values = [g[key] for g in group]
            entry[key] = statistics.fmean(values)
            entry[f"{key}_spread"] = max(values) - min(values)
        entry["steps"] = statistics.fmean(g["steps"] for g in group)
        out.append(entry)
    return out


def markdown(args: argparse.Namespace, rows: list[dict[str, Any]], summary: list[dict[str, Any]]) -> str:
    if args.minutes is not None:
        budget = f"{args.minutes} min of wall-clock"
    elif isinstance(args.steps, int):
        budget = f"{args.steps} steps"
    else:
        budget = "steps per recipe (" + ", ".join(f"{k}: {v}" for k, v in args.steps.items()) + ")"
    data = f"{args.images} built-in faces" if args.images else "the recipes' data"
    head = "| recipe | snapshot | seed | steps trained | weights of step | FID | KID×100 | coverage | valid faces | "
    head += "judge_fd |\n|---|---|---|---|---|---|---|---|---|---|"
    lines = [
        f"# DCGAN recipes: {', '.join(args.recipes.split(','))}\n",
        f"Budget per run: {budget}; data: {data}; precision {args.precision}; scores at n = {args.n} generated vs "
        f"{args.n} real images (FID/KID: Inception; coverage, valid faces, judge_fd: the judge). Lower is better "
        "for FID, KID and judge_fd; higher for coverage and valid faces.\n",
        f"Command: `python benchmarks/dcgan_recipes.py {' '.join(args.argv)}`\n",
        "## Per recipe (mean over seeds; ± is the spread between seeds, max − min)\n",
        "| recipe | snapshot | seeds | steps | FID | KID×100 | coverage | valid faces | judge_fd |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summary:
        cells = [f"{s[k]:.4g} ± {s[k + '_spread']:.2g}" for k in COLUMNS]
        lines.append(f"| {s['recipe']} | {s['snapshot']} | {s['seeds']} | {s['steps']:.0f} | {' | '.join(cells)} |")
    lines += ["", "## Per run\n", head]
    for r in rows:
        cells = [f"{r[k]:.4g}" for k in COLUMNS]
        lines.append(
            f"| {r['recipe']} | {r['snapshot']} | {r['seed']} | {r['steps']} | {r['step']} | {' | '.join(cells)} |"
        )
    return "\n".join(lines) + "\n"


def merge(args: argparse.Namespace, out: Path) -> None:
    """One results.md from the results.json of several earlier invocations (same protocol, checked)."""
    rows: list[dict[str, Any]] = []
    first: dict[str, Any] | None = None
    for folder in args.merge:
        saved = json.loads((Path(folder) / "results.json").read_text())
        protocol = {k: saved["args"].get(k) for k in ("n", "images", "precision", "minutes")}
        if first is not None and protocol != first:
            raise SystemExit(f"{folder}: protocol {protocol} differs from {first}; these runs do not compare")
        first = protocol
        rows += saved["runs"]
        args.argv += [f"# {folder}: " + " ".join(saved["args"].get("argv", []))]
    for key, value in (first or {}).items():
        setattr(args, key, value)
    args.steps = {r["recipe"]: r["steps"] for r in rows} if args.minutes is None else None
    args.recipes = ",".join(dict.fromkeys(r["recipe"] for r in rows))
    summary = summarise(rows)
    (out / "results.json").write_text(json.dumps({"args": vars(args), "runs": rows, "summary": summary}, indent=1))
    (out / "results.md").write_text(markdown(args, rows, summary))
    print((out / "results.md").read_text())


def main() -> None:
    import sys

    args = parse_args()
    args.argv = sys.argv[1:]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.merge:
        merge(args, out)
        return
    rows: list[dict[str, Any]] = []
    for recipe in args.recipes.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            cfg = run_config(args, recipe, seed)
            console.info(f"== {recipe}, seed {seed}")
            started = time.perf_counter()
            trainer = Trainer(cfg)
            run_dir = trainer.run()
            base = {"recipe": recipe, "seed": seed, "run": str(run_dir), "steps": trainer.pos.step}
            base["train_seconds"] = round(time.perf_counter() - started, 1)
            snapshots = ["last"] + (["best"] if (run_dir / BEST_WEIGHTS_FILE).is_file() else [])
            for snapshot in snapshots:
                rows.append({**base, "snapshot": snapshot, **score(run_dir, snapshot, args.n, cfg.data)})
                (out / "results.json").write_text(json.dumps({"args": vars(args), "runs": rows}, indent=1) + "\n")
    summary = summarise(rows)
    (out / "results.json").write_text(json.dumps({"args": vars(args), "runs": rows, "summary": summary}, indent=1))
    (out / "results.md").write_text(markdown(args, rows, summary))
    print((out / "results.md").read_text())


if __name__ == "__main__":
    main()

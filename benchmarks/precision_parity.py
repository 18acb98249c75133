"""Does bf16 train as well as fp32? The demo recipe for the same steps in each precision, several seeds, scored.

Every run trains `configs/dcgan_demo.yaml` (or --recipe) for exactly --steps steps (not a time budget, so the load of
the machine changes nothing but the wall time), then its exported generator (EMA when the recipe has one) is scored
on --n samples against --n built-in anime faces: FID and KID (Inception features in fp32 whatever the training
precision, so they compare with published numbers), and the judge's attribute coverage, valid faces and judge_fd.
bf16 passes when each of its scores lies within the range of the fp32 seeds, widened by half that range (the
seed-to-seed spread is the yardstick: two seeds only sample it).

    python benchmarks/precision_parity.py --steps 3000 --fp32-seeds 0,1 --bf16-seeds 0,1 --n 1000 \
        --out runs/parity --json benchmarks/results/precision_parity.json

Not part of `make test` (tens of minutes on a CPU). Each run's folder, with its report, stays under --out.
On a machine with two cores, split the seeds over two one-thread processes, each with its own --json, then judge
all runs together:

    python benchmarks/precision_parity.py --merge a.json,b.json --json benchmarks/results/precision_parity.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from avatargan import config as config_mod
from avatargan.hardware import machine_facts
from avatargan.metrics.evaluate import evaluate_generators
from avatargan.training.loop import train
from avatargan.weights import load_generators

METRICS = ("fid", "kid", "judge_fd", "attr_coverage", "valid_faces")
LOWER_IS_BETTER = {"fid", "kid", "judge_fd"}
HEADLINE = {"kid": "kid_x100"}  # the value each metric is compared by, where it is not the metric's own name


def run_one(args: argparse.Namespace, precision: str, seed: int) -> dict:
    overrides = [
        f"train.precision={precision}",
        f"train.seed={seed}",
        f"train.steps={args.steps}",
        f"train.out_root={args.out}/{precision}-seed{seed}",
        "train.sample_every=100000",
        "train.checkpoint_every=100000",
        # scored once, below, at --n: the trainer's own end-of-run quality block would score it twice
        "train.final_fid_n=0",
        "train.final_judge_n=0",
        *(["train.threads=" + str(args.threads)] if args.threads else []),
        *args.overrides,
    ]
    cfg = config_mod.from_dict(config_mod.apply_overrides(config_mod.load_recipe(args.recipe), overrides))
    started = time.perf_counter()
    run_dir = train(cfg)
    minutes = (time.perf_counter() - started) / 60
    generators, meta = load_generators(run_dir)
    results = evaluate_generators(generators, meta, cfg.data, list(METRICS), args.n, run_dir=run_dir, seed=0)
    flat = {name: values[HEADLINE.get(name, name)] for name, values in results.items()}
    print(f"{precision} seed {seed}: {flat} ({minutes:.1f} min of training)", flush=True)
    return {"precision": precision, "seed": seed, "run": str(run_dir), "train_minutes": minutes, **flat}


def verdict(rows: list[dict]) -> dict[str, dict]:
    """Per metric: fp32's range, bf16's values, whether bf16 lies within fp32's range ± half its width, and the
    bf16 values outside it on the worse side and on the better side (a parity failure is a worse one)."""
    out = {}
    for m in METRICS:
        ref = [r[m] for r in rows if r["precision"] == "fp32" and m in r]
        test = [r[m] for r in rows if r["precision"] == "bf16" and m in r]
        if not ref or not test:
            continue
        lo, hi = min(ref), max(ref)
        slack = (hi - lo) / 2
        out[m] = {
            "fp32": ref,
            "bf16": test,
            "fp32_mean": statistics.mean(ref),
            "bf16_mean": statistics.mean(test),
            "within_spread": all(lo - slack <= v <= hi + slack for v in test),
            "worse": [v for v in test if (v > hi + slack if m in LOWER_IS_BETTER else v < lo - slack)],
            "better": [v for v in test if (v < lo - slack if m in LOWER_IS_BETTER else v > hi + slack)],
        }
    return out


def merge(paths: list[str], out: str | None) -> None:
    """One verdict over the runs of several --json files (each written by a process that ran some of the seeds)."""
    parts = [json.loads(Path(path).read_text()) for path in paths]
    rows = [row for part in parts for row in part["runs"]]
    summary = {
        "commands": [part["command"] for part in parts],
        "machine": parts[0]["machine"],
        "load_average_end": [part["load_average_end"] for part in parts],
        "runs": rows,
        "verdict": verdict(rows),
    }
    if out:
        write_summary(summary, out)
    report(summary["verdict"])


def write_summary(summary: dict, path: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(summary, indent=1) + "\n")


def report(verdicts: dict[str, dict]) -> None:
    """One line per metric of a `verdict`: both precisions' values and means, and the bf16 values outside."""
    for m, v in verdicts.items():
        spread = f"fp32 mean {v['fp32_mean']:.3f}, bf16 mean {v['bf16_mean']:.3f}"
        outside = f"worse: {v['worse'] or 'none'}, better: {v['better'] or 'none'}"
        print(f"{m:>14}: fp32 {v['fp32']} | bf16 {v['bf16']} | {spread} | outside fp32 spread: {outside}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipe", default="dcgan_demo")
    p.add_argument("--steps", type=int, default=3000, help="training steps of every run (default 3000)")
    p.add_argument("--fp32-seeds", default="0,1")
    p.add_argument("--bf16-seeds", default="0,1")
    p.add_argument("--n", type=int, default=1000, help="samples and real images per side (default 1000)")
    p.add_argument("--threads", type=int, default=None, help="torch threads (1 on a shared machine)")
    p.add_argument("--out", default="runs/parity")
    p.add_argument("--json", default=None)
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument(
        "--merge",
        default=None,
        metavar="A.json,B.json",
        help="train nothing: judge the runs of these earlier --json files together (seeds split over processes)",
    )
    args = p.parse_args()
    if args.merge:
        merge(args.merge.split(","), args.json)
        return
    plan = [("fp32", int(s)) for s in args.fp32_seeds.split(",") if s] + [
        ("bf16", int(s)) for s in args.bf16_seeds.split(",") if s
    ]
    rows = []
    for precision, seed in plan:
        rows.append(run_one(args, precision, seed))
        summary = {
            "command": "python benchmarks/precision_parity.py " + " ".join(sys.argv[1:]),
            "machine": machine_facts("cpu"),
            "load_average_end": os.getloadavg(),
            "runs": rows,
            "verdict": verdict(rows),
        }
        if args.json:  # rewritten after every run: a long experiment keeps what it has measured
            write_summary(summary, args.json)
    report(verdict(rows))


if __name__ == "__main__":
    main()

"""Does the face landmark loss keep key points in place? Two short CycleGAN runs, same seed and budget, with and
without `model.landmark_gain`, then `evaluate --landmarks` on the same held-out built-in photos for each.

    python benchmarks/landmark_loss_ab.py --minutes 8 --gain 4 --image-size 64 --out runs/landmark-ab

Reports, per run: the anime detector's detection rate and NME (mean key point distance / inter-ocular distance)
against the photo's key points and against the same person's true anime key points (the built-in ground truth).
Not part of `make test` (minutes of CPU).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path


def train(out: Path, name: str, args: argparse.Namespace, extra: list[str]) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "avatargan",
        "train",
        "cyclegan",
        "--recipe",
        "cyclegan_quick",
        "--seed",
        str(args.seed),
    ]
    cmd += ["--out", str(out / name), "--image-size", str(args.image_size), "--minutes", str(args.minutes)]
    cmd += ["--steps", str(args.steps), "--set", "train.threads=1", "--set", "train.sample_every=100000"]
    cmd += ["--set", "train.checkpoint_every=100000", "--set", f"data.builtin_count={args.count}", *extra]
    subprocess.run(cmd, check=True)
    return sorted((out / name).iterdir())[-1]


def evaluate(run: Path, n: int) -> dict:
    js = run / "landmarks.json"
    cmd = [sys.executable, "-m", "avatargan", "evaluate", str(run), "--landmarks", "--n", str(n), "--json", str(js)]
    subprocess.run(cmd, check=True)
    return json.loads(js.read_text())["landmarks"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="runs/landmark-ab")
    ap.add_argument("--minutes", type=float, default=8)
    ap.add_argument("--steps", type=int, default=100000, help="step cap (the same for both runs)")
    ap.add_argument("--gain", type=float, default=4.0)
    ap.add_argument("--radius", type=float, default=0.06)
    ap.add_argument("--image-size", type=int, default=64)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--n", type=int, default=100, help="held-out photos evaluated")
    ap.add_argument("--seed", type=int, default=0, help="the same for every arm")
    ap.add_argument("--reg", type=float, default=1.0, help="model.lambda_landmark_reg of the `regressor` arm")
    ap.add_argument(
        "--only",
        choices=("with", "without", "regressor"),
        help="run one arm (to run arms in parallel); default: `without` and `with` (the weight map) one after another",
    )
    args = ap.parse_args()
    out = Path(args.out)
    arms = {
        "without": [],
        "with": ["--set", f"model.landmark_gain={args.gain}", "--set", f"model.landmark_radius={args.radius}"],
        "regressor": ["--set", f"model.lambda_landmark_reg={args.reg}"],  # Wu et al.'s regressed key points
    }
    results = {}
    for name in [args.only] if args.only else ["without", "with"]:
        run = train(out, name, args, arms[name])
        steps = [json.loads(x)["step"] for x in (run / "stats.jsonl").read_text().splitlines() if x.strip()]
        results[name] = {"run": str(run), "steps": max(steps) if steps else None, **evaluate(run, args.n)}
    print(json.dumps(results, indent=2))
    (out / f"results-{args.only or 'both'}-seed{args.seed}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

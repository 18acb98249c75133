"""What keeping freed memory (`runtime.keep_freed_memory`, glibc's mallopt) is worth to a CPU training step.

The setting is process-wide and cannot be undone, so each arm runs in a process of its own: every repeat starts one
process per arm (the order reversed every other repeat), each builds the step, warms it up and times `--steps`
steps; the ratio is taken within each repeat, then the median. Per arm also the page faults and the kernel (sys)
time per step, from getrusage. Steps: the demo's DCGAN (batch 32) and the paper's (batch 128), in the precision
`auto` picks and the trainer's layout. With --evaluate RUN also the whole `avatargan evaluate RUN --n 500 --metrics
fid` command per process (one "step"; the first process of each arm also fills the real images' feature cache, so
run it once beforehand).

    python benchmarks/allocator.py [--repeats 5] [--threads 2] [--models demo,paper] [--evaluate RUN]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ARMS = ("glibc defaults", "freed memory kept")
#: (recipe, batch, timed steps) of each step
MODELS = {"demo": ("dcgan_demo", 32, 40), "paper": ("dcgan_paper", 128, 4)}


def child(model: str, keep: bool, threads: int) -> None:
    import torch

    from avatargan import cli, runtime
    from avatargan.hardware import resolve_precision

    if keep and not runtime.keep_freed_memory():
        raise SystemExit("keep_freed_memory does not apply on this platform")
    if not keep:
        runtime.keep_freed_memory = lambda: False  # the command line would apply it itself
    torch.set_num_threads(threads)
    if model.startswith("evaluate="):
        before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        cli.main(["evaluate", model.split("=", 1)[1], "--n", "500", "--metrics", "fid"])
        report(1, time.perf_counter() - start, before)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from layout_choice import variant

    recipe, batch, steps = MODELS[model]
    precision = resolve_precision("auto", "cpu").precision
    step, _ = variant("dcgan", precision, True, False, shape=(recipe, 64, batch, {}))
    for _ in range(max(3, steps // 4)):
        step()
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for _ in range(steps):
        step()
    report(steps, time.perf_counter() - start, before)


def report(steps: int, seconds: float, before: resource.struct_rusage) -> None:
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "ms_per_step": 1e3 * seconds / steps,
                "faults_per_step": (after.ru_minflt - before.ru_minflt) / steps,
                "sys_ms_per_step": 1e3 * (after.ru_stime - before.ru_stime) / steps,
            }
        )
    )


def run_arm(model: str, arm: str, threads: int) -> dict:
    cmd = [sys.executable, __file__, "--child", model, "--threads", str(threads)]
    if arm == ARMS[1]:
        cmd.append("--keep")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5, help="processes per arm, alternating order")
    p.add_argument("--threads", type=int, default=2, help="torch threads")
    p.add_argument("--models", default="demo,paper", help=f"comma-separated, of: {', '.join(MODELS)}")
    p.add_argument("--evaluate", metavar="RUN", help="also time `avatargan evaluate RUN --n 500 --metrics fid`")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child, args.keep, args.threads)
        return
    print(f"load at the start {os.getloadavg()[0]:.2f}; {args.threads} threads; {args.repeats} processes per arm\n")
    print("| step | arm | ms/step (median) | page faults/step | kernel ms/step | against glibc defaults | range |")
    print("|---|---|---|---|---|---|---|")
    models = [m for m in args.models.split(",") if m] + ([f"evaluate={args.evaluate}"] if args.evaluate else [])
    for model in models:
        runs: dict[str, list[dict]] = {arm: [] for arm in ARMS}
        for r in range(args.repeats):
            for arm in ARMS if r % 2 == 0 else ARMS[::-1]:
                runs[arm].append(run_arm(model, arm, args.threads))
        base = [x["ms_per_step"] for x in runs[ARMS[0]]]
        for arm in ARMS:
            ms = [x["ms_per_step"] for x in runs[arm]]
            ratios = [b / m for b, m in zip(base, ms, strict=True)]
            print(
                f"| {model.split('=')[0]} | {arm} | {statistics.median(ms):.1f} "
                f"| {statistics.median(x['faults_per_step'] for x in runs[arm]):.0f} "
                f"| {statistics.median(x['sys_ms_per_step'] for x in runs[arm]):.1f} "
                f"| {statistics.median(ratios):.3f}× | {min(ratios):.2f}–{max(ratios):.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()

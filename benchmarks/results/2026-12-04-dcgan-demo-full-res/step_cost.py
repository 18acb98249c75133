"""The demo's step with and without G's stage at the output size (`model.g_full_res`), paired in one run.

python benchmarks/results/2026-12-04-dcgan-demo-full-res/step_cost.py [--repeats 9] [--steps 40] [--width 8]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from augment_step_cost import demo_step  # noqa: E402
from paired_timing import print_rates, time_arms  # noqa: E402

from avatargan.hardware import machine_facts, resolve_precision  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--width", type=int, default=8, help="model.g_full_res of the second arm")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    precision = resolve_precision("auto", "cpu").precision
    facts = machine_facts("cpu")
    print(
        f"{facts['cpu']}, bf16 flags {facts['cpu_bf16_flags']}, {precision}, {args.threads} threads, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    arms = {
        "demo": demo_step({}, precision),
        f"g_full_res={args.width}": demo_step({"g_full_res": args.width}, precision),
    }
    print_rates(time_arms(arms, args.repeats, args.steps), "demo")
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

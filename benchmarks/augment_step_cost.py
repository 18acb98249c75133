"""What DiffAugment costs a training step: the demo recipe's step with and without augmenting D's inputs, side by side.

A quality comparison at equal steps hides this cost; one at equal minutes must count it. Each arm is the demo's DCGAN
(`configs/dcgan_demo.yaml` with `model.augment` / `model.augment_p` set per arm) at the precision `auto` chooses and
the layout the trainer uses, stepping on one fixed batch of the demo's shape (no data loading: the cost measured is
the step's). Timed repeats alternate the order of the arms; each ratio is the median over repeats of that repeat's
steps/s against the arm without augmentation.

`--against REV` adds an arm with the policy at p = 0.3 computed by `nn/diff_augment.py` as it was at git revision
REV (loaded from `git show`), and prints this tree's speed against it, paired by repeat: a change to the augmentation
code measured side by side in one run.

    python benchmarks/augment_step_cost.py [--threads 2] [--repeats 9] [--steps 40] [--against 24abf61]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_choice import fresh_model, variant  # noqa: E402
from paired_timing import print_rates, time_arms  # noqa: E402

from avatargan import config as config_mod  # noqa: E402
from avatargan.blocks import augment as augment_block  # noqa: E402
from avatargan.blocks.precision import channels_last_pays  # noqa: E402
from avatargan.hardware import machine_facts, resolve_precision  # noqa: E402

# fixed p in every arm (`demo_step` turns ADA off): the demo's ADA moves p from 0 to ~1 over a run, so these arms
# bracket its cost
ARMS = {
    "none": {"augment": ""},
    "color,translation,cutout p=0.3": {"augment": "color,translation,cutout", "augment_p": 0.3},
    "color,translation,cutout p=1": {"augment": "color,translation,cutout", "augment_p": 1.0},
    "cutout p=1": {"augment": "cutout", "augment_p": 1.0},
}


def demo_step(model_fields: dict[str, object], precision: str, batch: int | None = None) -> Callable[[], None]:
    """One training step of the demo recipe with `model_fields` overridden, on a fixed random batch (`batch` images,
    by default the recipe's), in the layout the trainer would choose (`layout_choice.variant`). ADA is off: a fresh
    model's adaptive p is 0 (no augmentation at all), so the step is timed at a fixed p, `model_fields`' augment_p
    or else the recipe's (1, the default, where the demo's ADA spends most of a run). Steps are numbered as the
    trainer numbers them, so lazy R1 and R2 run every `model.r1_every` steps, as in training."""
    demo = config_mod.from_dict(config_mod.load_recipe("dcgan_demo"))
    shape = ("dcgan_demo", demo.data.image_size, batch or demo.train.batch_size, {**model_fields, "ada": False})
    channels_last = channels_last_pays(fresh_model("dcgan", shape), precision)
    return variant("dcgan", precision, channels_last, False, shape=shape, count_steps=True)[0]


def diff_augment_at(rev: str) -> types.ModuleType:
    """`avatargan.nn.diff_augment` as it was at git revision `rev`, as a module of its own."""
    repo = Path(__file__).resolve().parents[1]
    source = subprocess.run(
        ["git", "show", f"{rev}:src/avatargan/nn/diff_augment.py"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType(f"diff_augment_at_{rev}")
    sys.modules[module.__name__] = module  # dataclasses look their module up while the source runs
    exec(compile(source, f"{rev}:diff_augment.py", "exec"), module.__dict__)
    return module


def with_diff_augment(step: Callable[[], None], module: types.ModuleType) -> Callable[[], None]:
    """`step` with D's views computed by `module` instead of this tree's diff_augment."""
    current = augment_block.diff_augment

    def run() -> None:
        augment_block.diff_augment = module
        try:
            step()
        finally:
            augment_block.diff_augment = current

    return run


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2, help="torch threads (the demo uses 2 on a 2-core machine)")
    p.add_argument("--repeats", type=int, default=9, help="timed repeats per arm, alternating order")
    p.add_argument("--steps", type=int, default=40, help="training steps per timed repeat")
    p.add_argument("--against", metavar="REV", help="also time p = 0.3 with diff_augment.py as at git revision REV")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    precision = resolve_precision("auto", "cpu")
    print(machine_facts("cpu"), f"precision {precision.describe()}, {args.threads} threads")
    steps = {name: demo_step(fields, precision.precision) for name, fields in ARMS.items()}
    old_arm = f"color,translation,cutout p=0.3 at {args.against}"
    if args.against:
        old_step = demo_step(ARMS["color,translation,cutout p=0.3"], precision.precision)
        steps[old_arm] = with_diff_augment(old_step, diff_augment_at(args.against))
    rates = time_arms(steps, args.repeats, args.steps)
    print_rates(rates, "none")
    if args.against:
        ratios = [a / b for a, b in zip(rates["color,translation,cutout p=0.3"], rates[old_arm], strict=True)]
        print(
            f"\nthis tree's p = 0.3 step against {args.against}'s: {statistics.median(ratios):.3f}× the steps/s "
            f"(median of paired ratios, range {min(ratios):.2f}–{max(ratios):.2f})"
        )


if __name__ == "__main__":
    main()

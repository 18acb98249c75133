"""What a wider network (or any other model option, `--arm`) costs the demo's training step, side by side: the steps/s
that a comparison at equal minutes must convert into steps.

Each arm is the demo's DCGAN (`configs/dcgan_demo.yaml`, its augmentation at a fixed p = 1, where the demo's ADA
spends most of a run: `demo_step` turns ADA off) with other widths
(`model.g_channels`, `model.d_channels`), at the precision `auto` chooses and the layout the trainer uses, stepping on
one fixed batch of the demo's shape (`augment_step_cost.demo_step`). Repeats alternate the arms' order; each ratio is
the median over repeats of that repeat's steps/s against the demo's own widths. The cost depends on the CPU (AMX
tiles pay for wider layers sooner), so measure it on the machine the quality runs stand for.

    python benchmarks/demo_width_cost.py [--threads 2] [--repeats 7] [--steps 30]
    python benchmarks/demo_width_cost.py --arm 'bcr 0.1 bcr=0.1' --arm 'full res g_full_res=8'   # other options
    python benchmarks/demo_width_cost.py --arm 'batch 16 batch_size=16'   # a smaller batch (its steps/s)

An `--arm` is a name (words) followed by one or more model FIELD=VALUE overrides (typed by the config, as `--set`
values are), or `batch_size=N` for the training batch; given any, they replace the width arms.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from augment_step_cost import demo_step  # noqa: E402
from paired_timing import print_rates, time_arms  # noqa: E402

from avatargan import config as config_mod  # noqa: E402
from avatargan.errors import ConfigError  # noqa: E402
from avatargan.hardware import machine_facts, resolve_precision  # noqa: E402

#: each arm's width overrides of the demo recipe (the other network keeps the recipe's width)
WIDTHS = {"G 48": {"g_channels": 48}, "D 32": {"d_channels": 32}, "G 48, D 32": {"g_channels": 48, "d_channels": 32}}


def parse_arm(text: str) -> tuple[str, dict[str, str]]:
    """`'bcr 0.1 bcr=0.1'` → ("bcr 0.1", {"bcr": "0.1"}): the words before the first FIELD=VALUE name the arm; the
    values stay strings, typed by `config.from_dict` when the arm's model is built."""
    words = text.split()
    first = next((i for i, word in enumerate(words) if re.fullmatch(r"\w+=.+", word)), None)
    if not first:
        raise SystemExit(f"--arm {text!r}: give a name, then model FIELD=VALUE overrides, e.g. 'bcr 0.1 bcr=0.1'")
    return " ".join(words[:first]), dict(word.split("=", 1) for word in words[first:])


def batch_of(fields: dict[str, str]) -> int | None:
    """The arm's training batch (`batch_size=N`, typed and checked by the config as `train.batch_size`), or None for
    the demo's own."""
    if "batch_size" not in fields:
        return None
    override = f"train.batch_size={fields['batch_size']}"
    try:
        return config_mod.from_dict(
            config_mod.apply_overrides(config_mod.load_recipe("dcgan_demo"), [override])
        ).train.batch_size
    except ConfigError as e:
        raise SystemExit(f"--arm: {e}") from None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2, help="torch threads (the demo uses 2 on a 2-core machine)")
    p.add_argument("--repeats", type=int, default=7, help="timed repeats per arm, alternating order")
    p.add_argument("--steps", type=int, default=30, help="training steps per timed repeat")
    p.add_argument("--arm", action="append", default=[], help="'NAME FIELD=VALUE ...' instead of the width arms")
    args = p.parse_args()
    arms = dict(parse_arm(text) for text in args.arm) if args.arm else WIDTHS
    torch.set_num_threads(args.threads)
    precision = resolve_precision("auto", "cpu")
    print(machine_facts("cpu"), f"precision {precision.describe()}, {args.threads} threads")
    demo = config_mod.from_dict(config_mod.load_recipe("dcgan_demo"))
    own = f"the demo (batch {demo.train.batch_size}, G {demo.model.g_channels}, D {demo.model.d_channels})"
    steps = {
        name: demo_step({k: v for k, v in fields.items() if k != "batch_size"}, precision.precision, batch_of(fields))
        for name, fields in {own: {}, **arms}.items()
    }
    print_rates(time_arms(steps, args.repeats, args.steps), own)


if __name__ == "__main__":
    main()

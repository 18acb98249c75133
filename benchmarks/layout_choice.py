"""Which memory layout (and whether torch.compile) pays, per network and precision, on this machine.

Times the training step of each model family alone (no data path: one fixed batch), in NCHW and channels_last, in
fp32 and bf16 autocast, eager and (with --compile) compiled after its warm-up; repeats alternate between the
variants so a drifting machine hits all alike. The trainer's defaults (`precision.channels_last_pays`, compile off)
are justified by this table in benchmarks/RESULTS.md.

    python benchmarks/layout_choice.py [--models dcgan,cyclegan,cartoongan] [--repeats 3] [--steps 2] [--compile]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from avatargan import config as config_mod  # noqa: E402
from avatargan.blocks.precision import Updates, channels_last_pays  # noqa: E402
from avatargan.hardware import machine_facts  # noqa: E402
from avatargan.models import model_class  # noqa: E402

#: (recipe, image size, batch size, model overrides): the shapes train_speed.py uses on the CPU
SHAPES = {
    "dcgan": ("dcgan_paper", 64, 128, {}),
    "cyclegan": ("cyclegan_paper", 128, 4, {}),
    "cartoongan": ("cartoongan_paper", 128, 4, {"init_epochs": 0, "content_weights": "random"}),
}


def fresh_model(family: str) -> torch.nn.Module:
    recipe, size, _, extra = SHAPES[family]
    values = config_mod.load_recipe(recipe)
    values["model"] = {**values["model"], **extra}
    torch.manual_seed(0)
    return model_class(family)(config_mod.from_dict(values).model, size)


def variant(family: str, precision: str, channels_last: bool, compiled: bool):
    """A fresh model in the given layout and precision, and a function that runs one training step."""
    _, size, batch, _ = SHAPES[family]
    model = fresh_model(family)
    layout = torch.channels_last if channels_last else torch.contiguous_format
    model.to(memory_format=layout)
    updates = Updates(precision, "cpu", model.build_optimizers())  # after the layout, as the trainer does
    model.updates = updates
    if compiled:
        for net in model.children():
            net.compile()
    domains = model_class(family).domains
    keys = ["image"] if domains == ("image",) else ["a", "b"] + (["e"] if family == "cartoongan" else [])
    batch_images = {k: torch.rand(batch, 3, size, size).mul(2).sub(1).contiguous(memory_format=layout) for k in keys}

    def step() -> None:
        with updates.autocast():
            model.train_step(batch_images, 0)

    return step, batch


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="dcgan,cyclegan,cartoongan")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--precisions", default="fp32,bf16")
    p.add_argument(
        "--compile", action="store_true", help="also compiled variants, in the trainer's layout (minutes of compiling)"
    )
    p.add_argument("--json", default=None)
    args = p.parse_args()
    results = {"machine": machine_facts("cpu"), "load_average_start": os.getloadavg(), "models": {}}
    print(
        f"{results['machine']['cpu']}, bf16 flags {results['machine']['cpu_bf16_flags']}, "
        f"{torch.get_num_threads()} threads, load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    for family in args.models.split(","):
        variants = {}
        plan = [(pr, cl, False) for pr in args.precisions.split(",") for cl in (False, True)]
        if args.compile:  # compiled in the layout the trainer picks (compilation costs minutes per variant)
            model = fresh_model(family)
            plan += [(pr, channels_last_pays(model, pr), True) for pr in args.precisions.split(",")]
        for precision, cl, compiled in plan:
            name = f"{precision} {'channels_last' if cl else 'NCHW'}{' compiled' if compiled else ''}"
            started = time.perf_counter()
            step, batch = variant(family, precision, cl, compiled)
            step()  # warm-up (and compilation)
            step()
            variants[name] = {"step": step, "batch": batch, "warmup_s": time.perf_counter() - started}
        times: dict[str, list[float]] = {n: [] for n in variants}
        for r in range(args.repeats):
            order = list(variants) if r % 2 == 0 else list(variants)[::-1]
            for name in order:
                t = time.perf_counter()
                for _ in range(args.steps):
                    variants[name]["step"]()
                times[name].append(variants[name]["batch"] * args.steps / (time.perf_counter() - t))
        base = statistics.median(times[next(iter(times))])
        rows = {}
        for name, values in times.items():
            med = statistics.median(values)
            rows[name] = {"img_s": med, "vs_first": med / base, "warmup_s": variants[name]["warmup_s"]}
            print(
                f"{family:>10} {name:<28} {med:8.2f} img/s  {med / base:5.2f}×  "
                f"(warm-up {variants[name]['warmup_s']:.0f} s)",
                flush=True,
            )
        results["models"][family] = rows
    results["load_average_end"] = os.getloadavg()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()

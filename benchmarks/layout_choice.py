"""Which memory layout (and whether torch.compile) pays, per network and precision, on this machine.

Times the training step of each model family alone (no data path: one fixed batch), in NCHW and channels_last, in
fp32 and bf16 autocast, eager and (with --compile) compiled after its warm-up; repeats alternate between the
variants so a drifting machine hits all alike. The trainer's defaults (`precision.channels_last_pays`, compile off)
are justified by this table in benchmarks/RESULTS.md. Each ratio is the median over repeats of that repeat's ratio
to the first variant. With --pytorch-pads the transfer models also run with PyTorch's `nn.ReflectionPad2d` in place
of avatargan's (`nn/reflection_pad.py`), in the trainer's layout, each against the same variant with avatargan's pad:
what that layer is worth. With --default-adam every model also runs with PyTorch's default Adam (its per-tensor
loop) in place of the fused one avatargan builds (`models/base.py`), likewise against its fused twin.

    python benchmarks/layout_choice.py [--models dcgan,cyclegan,cartoongan] [--repeats 3] [--steps 2] [--compile]
    python benchmarks/layout_choice.py --models cyclegan,cartoongan --pytorch-pads
    python benchmarks/layout_choice.py --precisions bf16 --default-adam
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from paired_timing import time_arms  # noqa: E402
from reference_transfer import use_pytorch_pads  # noqa: E402

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


Shape = tuple[str, int, int, dict]


def fresh_model(family: str, shape: Shape | None = None) -> torch.nn.Module:
    """A freshly seeded model of `family` built from `shape` (recipe, image size, batch, model overrides; by default
    the family's entry of SHAPES)."""
    recipe, size, _, extra = shape or SHAPES[family]
    values = config_mod.load_recipe(recipe)
    values["model"] = {**values["model"], **extra}
    torch.manual_seed(0)
    return model_class(family)(config_mod.from_dict(values).model, size)


def default_adam(model: torch.nn.Module) -> dict[str, torch.optim.Optimizer]:
    """The model's optimizers rebuilt as PyTorch's default (unfused) Adam with the same groups' rate and betas."""
    built = model.build_optimizers()
    model._optimizers = {
        name: torch.optim.Adam(
            opt.param_groups[0]["params"], lr=opt.param_groups[0]["lr"], betas=opt.param_groups[0]["betas"]
        )
        for name, opt in built.items()
    }
    return model._optimizers


def variant(
    family: str,
    precision: str,
    channels_last: bool,
    compiled: bool,
    pytorch_pads: bool = False,
    plain_adam: bool = False,
    shape: Shape | None = None,
    prepare: Callable[[torch.nn.Module], None] | None = None,
    count_steps: bool = False,
):
    """A fresh model in the given layout and precision, and a function that runs one training step (on `shape`, by
    default the family's entry of SHAPES). `prepare`, if given, changes the fresh model in place (e.g. swaps a
    layer kind) before it takes its layout and optimizers. `count_steps`: number the steps 0, 1, 2… (else all 0)."""
    _, size, batch, _ = shape or SHAPES[family]
    model = fresh_model(family, shape)
    if pytorch_pads:
        use_pytorch_pads(model)
    if prepare is not None:
        prepare(model)
    layout = torch.channels_last if channels_last else torch.contiguous_format
    model.to(memory_format=layout)
    optimizers = default_adam(model) if plain_adam else model.build_optimizers()  # after the layout, as the trainer
    updates = Updates(precision, "cpu", optimizers)
    model.updates = updates
    if compiled:
        for net in model.children():
            net.compile()
    domains = model_class(family).domains
    keys = ["image"] if domains == ("image",) else ["a", "b"] + (["e"] if family == "cartoongan" else [])
    batch_images = {k: torch.rand(batch, 3, size, size).mul(2).sub(1).contiguous(memory_format=layout) for k in keys}

    # step numbers as the trainer's when asked, so lazy terms (DCGAN's R1 and R2 every k steps) cost their share;
    # else always step 0 (CartoonGAN's first steps would otherwise be its content-only initialisation)
    steps = itertools.count() if count_steps else itertools.repeat(0)

    def step() -> None:
        with updates.autocast():
            model.train_step(batch_images, next(steps))

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
    p.add_argument(
        "--pytorch-pads",
        action="store_true",
        help="also the transfer models with PyTorch's reflection pad instead of avatargan's, in the trainer's layout",
    )
    p.add_argument(
        "--default-adam",
        action="store_true",
        help="also every model with PyTorch's default Adam instead of the fused one, in the trainer's layout",
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
        plan = [(pr, cl, False, False, False) for pr in args.precisions.split(",") for cl in (False, True)]
        needs_layout = args.compile or args.pytorch_pads or args.default_adam
        model = fresh_model(family) if needs_layout else None  # for the trainer's layout
        if args.compile:  # compiled in the layout the trainer picks (compilation costs minutes per variant)
            plan += [(pr, channels_last_pays(model, pr), True, False, False) for pr in args.precisions.split(",")]
        if args.pytorch_pads and family != "dcgan":
            plan += [(pr, channels_last_pays(model, pr), False, True, False) for pr in args.precisions.split(",")]
        if args.default_adam:
            plan += [(pr, channels_last_pays(model, pr), False, False, True) for pr in args.precisions.split(",")]
        for precision, cl, compiled, pytorch_pads, plain_adam in plan:
            name = f"{precision} {'channels_last' if cl else 'NCHW'}{' compiled' if compiled else ''}"
            name += " PyTorch pad" if pytorch_pads else ""
            name += " default Adam" if plain_adam else ""
            started = time.perf_counter()
            step, batch = variant(family, precision, cl, compiled, pytorch_pads, plain_adam)
            step()  # warm-up (and compilation)
            step()
            variants[name] = {"step": step, "batch": batch, "warmup_s": time.perf_counter() - started}
        rates = time_arms({name: v["step"] for name, v in variants.items()}, args.repeats, args.steps, warmup=0)
        times = {name: [variants[name]["batch"] * r for r in values] for name, values in rates.items()}  # img/s
        first = next(iter(times))
        rows = {}
        for name, values in times.items():
            med = statistics.median(values)
            # a PyTorch-pad (default-Adam) variant against the same precision and layout with avatargan's pad (fused
            # Adam), the rest against the first variant; paired: each repeat's ratio within that repeat, so a machine
            # whose speed drifts between repeats moves both sides of each ratio alike
            twin = name.removesuffix(" PyTorch pad").removesuffix(" default Adam")
            base = twin if twin != name else first
            ratios = [v / b for v, b in zip(values, times[base], strict=True)]
            rows[name] = {
                "img_s": med,
                "img_s_repeats": values,
                "vs": base,
                "ratio": statistics.median(ratios),
                "ratio_repeats": ratios,
                "warmup_s": variants[name]["warmup_s"],
            }
            print(
                f"{family:>10} {name:<34} {med:8.2f} img/s  {statistics.median(ratios):5.2f}× {base} "
                f"(repeats {min(ratios):.2f}-{max(ratios):.2f}; warm-up {variants[name]['warmup_s']:.0f} s)",
                flush=True,
            )
        results["models"][family] = rows
    results["load_average_end"] = os.getloadavg()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()

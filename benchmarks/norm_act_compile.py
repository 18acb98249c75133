"""Is DCGAN's batch norm + leaky ReLU worth compiling on its own? The eager step against one whose norm → activation
pairs are each one `torch.compile`d region (the convolutions, matrix products and the rest stay eager), side by side.

With AMX-BF16 the convolutions are fast enough that the memory-bound batch norm and leaky ReLU take about a quarter
of the paper DCGAN's bf16 step (`onednn_profile.py`, `torch.profiler`); Inductor fuses each pair into one pass
forward and one backward. Whole-network compilation is not the comparison here (`layout_choice.py --compile`).

    python benchmarks/norm_act_compile.py [--recipe dcgan_paper|dcgan_demo] [--precision bf16] [--repeats 5]
    python benchmarks/norm_act_compile.py --profile      # first: where the eager step's time goes, op by op
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_choice import variant  # noqa: E402
from paired_timing import print_rates, time_arms  # noqa: E402

from avatargan.hardware import machine_facts  # noqa: E402
from avatargan.runtime import keep_freed_memory  # noqa: E402

BATCH = {"dcgan_paper": 128, "dcgan_demo": 32}


def compile_norm_act(model: nn.Module) -> int:
    """Replace each batch norm directly followed by a leaky ReLU in a Sequential with one compiled region of the two
    (the ReLU's place keeps an Identity, so indices stay). Returns how many pairs were fused."""
    fused = 0
    for seq in list(model.modules()):
        if not isinstance(seq, nn.Sequential):
            continue
        names = list(seq._modules)
        for a, b in zip(names, names[1:], strict=False):
            norm, act = seq._modules[a], seq._modules[b]
            if isinstance(norm, nn.BatchNorm2d) and isinstance(act, nn.LeakyReLU):
                pair = nn.Sequential(norm, nn.LeakyReLU(act.negative_slope))
                seq._modules[a] = torch.compile(pair, dynamic=False)
                seq._modules[b] = nn.Identity()
                fused += 1
    return fused


def profile_ops(step: Callable[[], None], rows: int = 14) -> None:
    """The eager step's operators by their own CPU time over two steps (after two warm-up steps), with shares."""
    from torch.profiler import profile

    for _ in range(2):
        step()
    with profile() as prof:
        for _ in range(2):
            step()
    ops = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in ops)
    print(f"\neager step, {total / 2e3:.0f} ms per step under the profiler:\n")
    print("| operator | ms per step | share | calls per step |\n|---|---|---|---|")
    for e in ops[:rows]:
        print(f"| {e.key} | {e.self_cpu_time_total / 2e3:.1f} | {e.self_cpu_time_total / total:.0%} | {e.count // 2} |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--recipe", choices=tuple(BATCH), default="dcgan_paper")
    p.add_argument("--precision", choices=("fp32", "bf16"), default="bf16")
    p.add_argument("--repeats", type=int, default=5, help="timed repeats per arm, alternating order")
    p.add_argument("--threads", type=int, default=2, help="torch threads")
    p.add_argument("--profile", action="store_true", help="also the eager step's operators (torch.profiler, 2 steps)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()  # as training does
    facts = machine_facts("cpu")
    flags = ", ".join(facts["cpu_bf16_flags"]) or "no bf16 flags"
    print(f"{facts['cpu']} ({flags}); {args.threads} threads; load at the start {os.getloadavg()[0]:.2f}")
    shape = (args.recipe, 64, BATCH[args.recipe], {})
    fused: list[int] = []
    arms = {
        "eager": variant("dcgan", args.precision, True, False, shape=shape)[0],
        "norm + activation compiled": variant(
            "dcgan", args.precision, True, False, shape=shape, prepare=lambda m: fused.append(compile_norm_act(m))
        )[0],
    }
    if args.profile:
        profile_ops(arms["eager"])
    start = time.perf_counter()
    arms["norm + activation compiled"]()
    print(f"{fused[0]} pairs compiled; first step {time.perf_counter() - start:.0f} s (compilation included)")
    steps = 3 if BATCH[args.recipe] >= 128 else 30
    print(f"\n{args.recipe} training step ({args.precision}, batch {BATCH[args.recipe]}), {steps} steps per repeat:\n")
    print_rates(time_arms(arms, args.repeats, steps, warmup=2), "eager")


if __name__ == "__main__":
    main()

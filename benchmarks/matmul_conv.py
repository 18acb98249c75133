"""Small-map convolutions as one matrix product (`nn/matmul_conv.py`) against torch's (oneDNN) kernels, side by side.

Two tables, both in bf16 autocast at the trainer's layout (channels_last):
* layers: every conv / transposed conv shape of DCGAN's networks at three widths (the paper's 64 channels at batch
  128, 32 at batch 64, the demo's 16 at batch 32), forward + backward (input and weight gradients), the two paths
  alternating; the matrix-product path is forced here, whatever `matmul_pays` says, so the table shows where it
  pays. Each row also gives the largest difference from torch's result, relative to its largest value (bf16
  rounding: ~0.01).
* step: the paper's DCGAN training step (64×64, batch 128) and the demo's (batch 32), as `layout_choice.variant`
  builds them, with `matmul_pays` deciding (the default) against oneDNN everywhere; then the paper's G generating
  images, the same two ways.

    python benchmarks/matmul_conv.py [--repeats 5] [--steps 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_choice import variant  # noqa: E402
from paired_timing import print_rates, time_arms  # noqa: E402

from avatargan import config as config_mod  # noqa: E402
from avatargan.hardware import machine_facts  # noqa: E402
from avatargan.models.dcgan import DCGAN  # noqa: E402
from avatargan.nn import matmul_conv  # noqa: E402

CL = torch.channels_last


def layer_shapes(batch: int, width: int) -> list[tuple[str, int, int, int, int, int, int]]:
    """(kind, batch, in channels, map side, out channels, kernel, stride) of DCGAN's layers at 64×64 (padding 1)."""
    w = width
    return [
        ("convT", batch, 8 * w, 4, 4 * w, 4, 2),  # G 4 → 8
        ("convT", batch, 4 * w, 8, 2 * w, 4, 2),  # G 8 → 16
        ("convT", batch, 2 * w, 16, w, 4, 2),  # G 16 → 32
        ("conv", batch, w, 32, 2 * w, 4, 2),  # D 32 → 16
        ("conv", batch, 2 * w, 16, 4 * w, 4, 2),  # D 16 → 8
        ("conv", batch, 4 * w, 8, 8 * w, 4, 2),  # D 8 → 4
        ("conv", batch, 8 * w, 4, 8 * w, 3, 1),  # D's extra layer at 4 × 4
    ]


def layer_step(kind: str, n: int, c: int, side: int, o: int, k: int, s: int, matmul: bool) -> Callable:
    torch.manual_seed(0)
    cls = torch.nn.ConvTranspose2d if kind == "convT" else torch.nn.Conv2d
    layer = cls(c, o, k, s, 1, bias=False)
    x = torch.randn(n, c, side, side).contiguous(memory_format=CL).requires_grad_(True)
    fn = matmul_conv.conv_transpose2d_matmul if kind == "convT" else matmul_conv.conv2d_matmul

    def step() -> torch.Tensor:
        x.grad, layer.weight.grad = None, None
        with torch.autocast("cpu", dtype=torch.bfloat16):
            y = fn(x, layer.weight, None, s, 1) if matmul else layer(x)
        y.backward(torch.ones_like(y))
        return y

    step.outputs = lambda: (step().float(), x.grad.float(), layer.weight.grad.float())  # type: ignore[attr-defined]
    return step


def layers_table(repeats: int) -> None:
    print(
        "| layer (bf16, channels_last) | batch | multiply-adds | oneDNN ms | matmul ms | speed-up "
        "| max rel. diff y / gx / gw |"
    )
    print("|---|---|---|---|---|---|---|")
    for batch, width in ((128, 64), (64, 32), (32, 16)):
        for kind, n, c, side, o, k, s in layer_shapes(batch, width):
            steps = {name: layer_step(kind, n, c, side, o, k, s, name == "matmul") for name in ("oneDNN", "matmul")}
            rates = time_arms(steps, repeats, 5, warmup=3)
            ratio = statistics.median(a / b for a, b in zip(rates["matmul"], rates["oneDNN"], strict=True))
            diffs = [
                (a - b).abs().max().item() / b.abs().max().item()
                for a, b in zip(steps["matmul"].outputs(), steps["oneDNN"].outputs(), strict=True)
            ]
            out_side = side * 2 if kind == "convT" else (side + 2 - k) // s + 1
            positions = (side if kind == "convT" else out_side) ** 2
            macs = n * positions * c * o * k * k
            name = f"{kind} {c}→{o}, {side}×{side} → {out_side}×{out_side}, k{k}s{s}"
            print(
                f"| {name} | {n} | {macs / 1e9:.2f} G | {1e3 / statistics.median(rates['oneDNN']):.1f} "
                f"| {1e3 / statistics.median(rates['matmul']):.1f} | {ratio:.2f}× "
                f"| {' / '.join(f'{d:.3f}' for d in diffs)} |",
                flush=True,
            )


def at_min_macs(fn: Callable[[], object], min_macs: float) -> Callable[[], None]:
    """`fn` run with `matmul_conv.MIN_MACS` at `min_macs` (infinity: oneDNN everywhere), restored afterwards."""

    def run() -> None:
        saved, matmul_conv.MIN_MACS = matmul_conv.MIN_MACS, min_macs
        try:
            fn()
        finally:
            matmul_conv.MIN_MACS = saved

    return run


#: the two arms of the step and generation tables: `matmul_pays` never, and as it decides by default
ARMS = {"oneDNN everywhere": float("inf"), "matmul_pays": matmul_conv.MIN_MACS}


def step_table(repeats: int, steps: int) -> None:
    for recipe, batch in (("dcgan_paper", 128), ("dcgan_demo", 32)):
        shape = (recipe, 64, batch, {})
        arms = {name: at_min_macs(variant("dcgan", "bf16", True, False, shape=shape)[0], m) for name, m in ARMS.items()}
        n = steps if batch == 128 else steps * 10
        print(f"\n{recipe} training step (batch {batch}), {n} steps per repeat:\n")
        print_rates(time_arms(arms, repeats, n, warmup=2), "oneDNN everywhere")


def generation_table(repeats: int) -> None:
    """The paper's G drawing 512 images in batches of 256 (`inference.generate`, precision auto), both ways."""
    from avatargan.inference import generate

    torch.manual_seed(0)
    g = DCGAN(config_mod.from_dict(config_mod.load_recipe("dcgan_paper")).model, 64).G.eval()
    z = torch.randn(512, 100)
    arms = {name: at_min_macs(lambda: generate(g, z, batch_size=256, precision="auto"), m) for name, m in ARMS.items()}
    print("\ndcgan_paper generation (512 images in batches of 256; steps/s = batches of 512 per second):\n")
    print_rates(time_arms(arms, repeats, 3, warmup=2), "oneDNN everywhere")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5, help="timed repeats per arm, alternating order")
    p.add_argument("--steps", type=int, default=3, help="paper-size training steps per repeat (the demo: ×10)")
    p.add_argument("--threads", type=int, default=2, help="torch threads")
    p.add_argument("--only", choices=("layers", "step", "generation"), help="one table only")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    facts = machine_facts("cpu")
    flags = ", ".join(facts["cpu_bf16_flags"]) or "no bf16 flags"
    print(f"{facts['cpu']} ({flags}); {args.threads} threads; load at the start {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    if args.only in (None, "layers"):
        layers_table(args.repeats)
    if args.only in (None, "step"):
        step_table(args.repeats, args.steps)
    if args.only in (None, "generation"):
        generation_table(args.repeats)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()

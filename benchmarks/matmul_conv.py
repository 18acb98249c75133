"""Small-map convolutions as one matrix product (`nn/matmul_conv.py`) against torch's (oneDNN) kernels, side by side.

Tables, all in bf16 autocast at the trainer's layout (channels_last):
* layers: every conv / transposed conv shape of DCGAN's networks at three widths (the paper's 64 channels at batch
  128, 32 at batch 64, 16 at batch 32 — the demo's until the thirty-seventh session), forward + backward (input and
  weight gradients), the two paths alternating; the matrix-product path is forced here, whatever `matmul_pays` says,
  so the table shows where it pays. Each row also gives the largest difference from torch's result, relative to its
  largest value (bf16 rounding: ~0.01).
* gather: the im2col copies of the paper's matrix-product layers, k·k stacked slices (before) against one copy of
  a strided view (now).
* step: the paper's DCGAN training step (64×64, batch 128) and the demo's (its recipe's batch and widths), as
  `layout_choice.variant` builds them, with `matmul_pays` deciding (the default) against oneDNN everywhere and
  against the rule without its gather-free layers (G's projection, D's verdict); then the paper's G generating
  images, the same three ways.

Freed memory is kept (`runtime.keep_freed_memory`), as in training.

    python benchmarks/matmul_conv.py [--repeats 5] [--steps 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import functools
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
from avatargan.nn import im2col, matmul_conv  # noqa: E402
from avatargan.runtime import keep_freed_memory  # noqa: E402

CL = torch.channels_last


def layer_shapes(batch: int, width: int) -> list[tuple[str, int, int, int, int, int, int, int]]:
    """(kind, batch, in channels, map side, out channels, kernel, stride, padding) of DCGAN's layers at 64×64."""
    w = width
    return [
        ("convT", batch, 100, 1, 8 * w, 4, 1, 0),  # G's projection of the noise, 1 → 4
        ("convT", batch, 8 * w, 4, 4 * w, 4, 2, 1),  # G 4 → 8
        ("convT", batch, 4 * w, 8, 2 * w, 4, 2, 1),  # G 8 → 16
        ("convT", batch, 2 * w, 16, w, 4, 2, 1),  # G 16 → 32
        ("conv", batch, w, 32, 2 * w, 4, 2, 1),  # D 32 → 16
        ("conv", batch, 2 * w, 16, 4 * w, 4, 2, 1),  # D 16 → 8
        ("conv", batch, 4 * w, 8, 8 * w, 4, 2, 1),  # D 8 → 4
        ("conv", batch, 8 * w, 4, 8 * w, 3, 1, 1),  # D's extra layer at 4 × 4
        ("conv", batch, 8 * w, 4, 1, 4, 1, 0),  # D's verdict, 4 → 1
    ]


def layer_step(kind: str, n: int, c: int, side: int, o: int, k: int, s: int, p: int, matmul: bool) -> Callable:
    torch.manual_seed(0)
    cls = torch.nn.ConvTranspose2d if kind == "convT" else torch.nn.Conv2d
    layer = cls(c, o, k, s, p, bias=False)
    x = torch.randn(n, c, side, side).contiguous(memory_format=CL).requires_grad_(True)
    fn = matmul_conv.conv_transpose2d_matmul if kind == "convT" else matmul_conv.conv2d_matmul

    def step() -> torch.Tensor:
        x.grad, layer.weight.grad = None, None
        with torch.autocast("cpu", dtype=torch.bfloat16):
            y = fn(x, layer.weight, None, s, p) if matmul else layer(x)
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
        for kind, n, c, side, o, k, s, p in layer_shapes(batch, width):
            steps = {name: layer_step(kind, n, c, side, o, k, s, p, name == "matmul") for name in ("oneDNN", "matmul")}
            rates = time_arms(steps, repeats, 5, warmup=3)
            ratio = statistics.median(a / b for a, b in zip(rates["matmul"], rates["oneDNN"], strict=True))
            diffs = [
                (a - b).abs().max().item() / b.abs().max().item()
                for a, b in zip(steps["matmul"].outputs(), steps["oneDNN"].outputs(), strict=True)
            ]
            out_side = (side - 1) * s + k - 2 * p if kind == "convT" else (side + 2 * p - k) // s + 1
            positions = (side if kind == "convT" else out_side) ** 2
            macs = n * positions * c * o * k * k
            name = f"{kind} {c}→{o}, {side}×{side} → {out_side}×{out_side}, k{k}s{s}p{p}"
            print(
                f"| {name} | {n} | {macs / 1e9:.2f} G | {1e3 / statistics.median(rates['oneDNN']):.1f} "
                f"| {1e3 / statistics.median(rates['matmul']):.1f} | {ratio:.2f}× "
                f"| {' / '.join(f'{d:.3f}' for d in diffs)} |",
                flush=True,
            )


def with_settings(fn: Callable[[], object], settings: dict) -> Callable[[], None]:
    """`fn` run with `matmul_conv`'s module settings (MAX_MAP, MIN_MACS, GATHER_FREE) changed, restored afterwards."""

    def run() -> None:
        saved = {name: getattr(matmul_conv, name) for name in settings}
        try:
            for name, value in settings.items():
                setattr(matmul_conv, name, value)
            fn()
        finally:
            for name, value in saved.items():
                setattr(matmul_conv, name, value)

    return run


#: the arms of the step and generation tables: `matmul_pays` never; only on large products (the rule before the
#: gather-free layers joined); as it decides by default
ARMS = {"oneDNN everywhere": {"MAX_MAP": 0}, "large products only": {"GATHER_FREE": False}, "matmul_pays": {}}


def step_table(repeats: int, steps: int) -> None:
    demo_batch = config_mod.from_dict(config_mod.load_recipe("dcgan_demo")).train.batch_size
    for recipe, batch in (("dcgan_paper", 128), ("dcgan_demo", demo_batch)):
        shape = (recipe, 64, batch, {})
        step = variant("dcgan", "bf16", True, False, shape=shape)[0]
        arms = {name: with_settings(step, settings) for name, settings in ARMS.items()}
        n = steps if batch == 128 else steps * 10
        print(f"\n{recipe} training step (batch {batch}), {n} steps per repeat:\n")
        print_rates(time_arms(arms, repeats, n, warmup=2), "oneDNN everywhere")


def stacked_windows(xp: torch.Tensor, k: int, s: int, rows: int, cols: int) -> torch.Tensor:
    """The gather as it was before (nineteenth session): k·k strided slices stacked, one copy per slice."""
    return torch.stack(
        [xp[:, i : i + s * (rows - 1) + 1 : s, j : j + s * (cols - 1) + 1 : s, :] for i in range(k) for j in range(k)],
        dim=3,
    )


def gathered(gather: Callable, xp: torch.Tensor, k: int, s: int, rows: int, flat: tuple[int, int]) -> torch.Tensor:
    return gather(xp, k, s, rows, rows).reshape(flat)


def gather_table(repeats: int) -> None:
    """The im2col gathers of the paper's matrix-product layers (batch 128, NHWC bf16): stacked slices against one
    copy of a strided view (`im2col.windows`)."""
    print("\n| gather (batch 128, bf16) | MB written | stacked slices ms | one strided copy ms | speed-up |")
    print("|---|---|---|---|---|")
    # (what, padded side, channels, kernel, stride, windows per side)
    for what, side, c, k, s, rows in (
        ("D 256→512, 8×8 → 4×4, k4s2", 10, 256, 4, 2, 4),
        ("D's extra 512→512 at 4×4, k3s1", 6, 512, 3, 1, 4),
        ("G 512→256, 4×4 → 8×8: windows of the gradient", 10, 256, 4, 2, 4),
    ):
        xp = torch.randn(128, side, side, c, generator=torch.Generator().manual_seed(0)).bfloat16()
        flat = 128 * rows * rows, k * k * c
        old = stacked_windows(xp, k, s, rows, rows).reshape(flat)
        assert torch.equal(old, im2col.windows(xp, k, s, rows, rows).reshape(flat))
        arms = {
            name: functools.partial(gathered, gather, xp, k, s, rows, flat)
            for name, gather in (("stacked", stacked_windows), ("strided", im2col.windows))
        }
        rates = time_arms(arms, repeats, 20, warmup=3)
        ratio = statistics.median(a / b for a, b in zip(rates["strided"], rates["stacked"], strict=True))
        print(
            f"| {what} | {old.numel() * 2 / 1e6:.0f} | {1e3 / statistics.median(rates['stacked']):.2f} "
            f"| {1e3 / statistics.median(rates['strided']):.2f} | {ratio:.2f}× |",
            flush=True,
        )


def generation_table(repeats: int) -> None:
    """The paper's G drawing 512 images in batches of 256 (`inference.generate`, precision auto), both ways."""
    from avatargan.inference import generate

    torch.manual_seed(0)
    g = DCGAN(config_mod.from_dict(config_mod.load_recipe("dcgan_paper")).model, 64).G.eval()
    z = torch.randn(512, 100)
    draw = lambda: generate(g, z, batch_size=256, precision="auto")  # noqa: E731
    arms = {name: with_settings(draw, settings) for name, settings in ARMS.items()}
    print("\ndcgan_paper generation (512 images in batches of 256; steps/s = batches of 512 per second):\n")
    print_rates(time_arms(arms, repeats, 3, warmup=2), "oneDNN everywhere")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=5, help="timed repeats per arm, alternating order")
    p.add_argument("--steps", type=int, default=3, help="paper-size training steps per repeat (the demo: ×10)")
    p.add_argument("--threads", type=int, default=2, help="torch threads")
    p.add_argument("--only", choices=("layers", "gather", "step", "generation"), help="one table only")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()  # as the trainer and the command line do: no page faults of freed memory in the figures
    facts = machine_facts("cpu")
    flags = ", ".join(facts["cpu_bf16_flags"]) or "no bf16 flags"
    print(f"{facts['cpu']} ({flags}); {args.threads} threads; load at the start {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    if args.only in (None, "layers"):
        layers_table(args.repeats)
    if args.only in (None, "gather"):
        gather_table(args.repeats)
    if args.only in (None, "step"):
        step_table(args.repeats, args.steps)
    if args.only in (None, "generation"):
        generation_table(args.repeats)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()

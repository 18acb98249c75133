"""DiffAugment's operations: avatargan's (`nn/diff_augment.py`) against the paper's way of computing them, side by side.

The paper's code (and avatargan's before the twelfth session) computes the colour steps one after another
(brightness, then saturation, then contrast, each with its own means) and the translation as an advanced-indexing
gather, whose backward autograd computes as a scatter-add. avatargan folds the colour steps into one affine map per
image and gives the translation its exact backward, the opposite shift (no scatter). Both sides draw the same
parameters and return the same values (checked here before timing). Timed: forward + backward of each operation on a
batch of the demo's shape (32×3×64×64), in fp32 and in bf16 (the demo's generated images are bf16 under autocast),
repeats alternating between the sides; the ratio is the median over repeats of that repeat's ratio.

    python benchmarks/diff_augment_speed.py [--repeats 15] [--threads 1] [--batch 32] [--size 64]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from avatargan.hardware import machine_facts
from avatargan.nn import diff_augment as da


def paper_color(x: torch.Tensor, params: da.AugmentParams) -> torch.Tensor:
    """The paper's three colour steps, one after another (each sample where `on`, else unchanged)."""
    on, brightness, saturation, contrast = (t.to(x.dtype) if t.is_floating_point() else t for t in params.color)
    y = x + brightness
    mean = y.mean(dim=1, keepdim=True)
    y = (y - mean) * saturation + mean
    mean = y.mean(dim=(1, 2, 3), keepdim=True)
    y = (y - mean) * contrast + mean
    return torch.where(on, y, x)


def paper_translation(x: torch.Tensor, params: da.AugmentParams) -> torch.Tensor:
    """The paper's translation: a gather by advanced indexing into the zero-padded batch (autograd's backward)."""
    n, _, h, w = x.shape
    rows = (torch.arange(h)[None, :] + params.shift[:, :1] + 1).clamp(0, h + 1)
    cols = (torch.arange(w)[None, :] + params.shift[:, 1:] + 1).clamp(0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1])
    batch = torch.arange(n)[:, None, None]
    return padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)


def ours(op: str) -> Callable[[torch.Tensor, da.AugmentParams], torch.Tensor]:
    return lambda x, params: da.apply(x, da.AugmentParams(**{op: getattr(params, op)}))


#: operation → (the paper's way, ours)
SIDES = {
    "color": (paper_color, ours("color")),
    "translation": (paper_translation, ours("shift")),
}


def seconds(fn: Callable, x: torch.Tensor, params: da.AugmentParams, calls: int) -> float:
    """Mean seconds of one forward + backward (a random linear read-out, so every pixel's gradient is non-trivial)."""
    weights = torch.rand_like(x)
    start = time.perf_counter()
    for _ in range(calls):
        (fn(x, params) * weights).sum().backward()
    return (time.perf_counter() - start) / calls


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=15, help="alternating timed repeats per side")
    p.add_argument("--calls", type=int, default=20, help="forward + backward calls per timed repeat")
    p.add_argument("--threads", type=int, default=1, help="torch threads (the quality runs use 1 each)")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=64)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print(machine_facts("cpu"))
    print(f"batch {args.batch}×3×{args.size}×{args.size}, {args.threads} thread(s), {args.repeats} repeats")
    print("| operation | dtype | paper's ms | ours ms | speed-up (median of paired repeats) | range |")
    print("|---|---|---|---|---|---|")
    for op, (paper, mine) in SIDES.items():
        torch.manual_seed(0)
        params = da.draw((op,), args.batch, args.size, args.size, 1.0, torch.device("cpu"))
        for dtype in (torch.float32, torch.bfloat16):
            x = (torch.rand(args.batch, 3, args.size, args.size) * 2 - 1).to(dtype).requires_grad_(True)
            tolerance = 1e-5 if dtype == torch.float32 else 0.05  # bf16 rounds the two orders of operations apart
            if not torch.allclose(paper(x, params).float(), mine(x, params).float(), atol=tolerance):
                raise SystemExit(f"{op} in {dtype}: the two sides disagree")
            for fn in (paper, mine):  # warm-up
                seconds(fn, x, params, 3)
            times: dict[str, list[float]] = {"paper": [], "ours": []}
            for _ in range(args.repeats):
                times["paper"].append(seconds(paper, x, params, args.calls))
                times["ours"].append(seconds(mine, x, params, args.calls))
            ratios = [a / b for a, b in zip(times["paper"], times["ours"], strict=True)]
            print(
                f"| {op} | {str(dtype).removeprefix('torch.')} | {statistics.median(times['paper']) * 1e3:.2f} "
                f"| {statistics.median(times['ours']) * 1e3:.2f} | {statistics.median(ratios):.2f}× "
                f"| {min(ratios):.2f}–{max(ratios):.2f} |"
            )


if __name__ == "__main__":
    main()

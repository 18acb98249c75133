"""Where a CPU training step's time goes inside oneDNN: each convolution's shape, pass and kernel, with GFLOP/s.

Runs a model family's training step (`layout_choice.variant`: the family's speed shapes, one fixed batch, no data
path) a few times with oneDNN's verbose log on, and sums the log's execution times by primitive, kernel and pass,
then by convolution shape with its achieved GFLOP/s. Slow kernels (a convolution far below the device's peak) and
layout reorders show here, where the PyTorch profiler only says "convolution". The log's own overhead lengthens the
step (so compare rows within one run, not with `train_speed.py`).

    python benchmarks/onednn_profile.py [--model cyclegan] [--precision bf16] [--channels-last] [--steps 2]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout_choice import variant  # noqa: E402


def conv_flops(problem: str, transposed: bool = False) -> float | None:
    """Multiply-adds × 2 of a oneDNN (de)convolution problem descriptor (`mb4_ic128oc128_ih34oh32kh3…`), or None.
    A transposed convolution (oneDNN's deconvolution) applies its kernel at every input position, so its count
    uses the input's size, not the larger output's."""
    dims = dict(re.findall(r"([a-z]+)(\d+)", problem))
    h, w = ("ih", "iw") if transposed else ("oh", "ow")
    try:
        mb, ic, oc, sh, sw, kh, kw = (int(dims[k]) for k in ("mb", "ic", "oc", h, w, "kh", "kw"))
    except KeyError:
        return None
    return 2.0 * mb * ic * oc * sh * sw * kh * kw / int(dims.get("g", 1))


def parse(log: str) -> list[tuple[str, str, str, str, float]]:
    """(primitive, kernel, pass, problem, milliseconds) of each `exec` line of a oneDNN verbose log."""
    rows = []
    for line in log.splitlines():
        fields = line.strip().split(",")
        if len(fields) > 8 and fields[0] == "onednn_verbose" and "exec" in fields[:4]:
            at = fields.index("exec")
            rows.append((fields[at + 2], fields[at + 3], fields[at + 4], fields[-2], float(fields[-1])))
    return rows


def capture(step, steps: int) -> str:
    """The verbose log of `steps` calls of `step` (oneDNN writes it to the process's stdout: redirected to a
    temporary file, since a pipe nobody reads would fill and block)."""
    saved = os.dup(1)
    sys.stdout.flush()
    with tempfile.TemporaryFile(mode="w+") as log:
        os.dup2(log.fileno(), 1)
        try:
            with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
                for _ in range(steps):
                    step()
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        log.seek(0)
        return log.read()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="cyclegan", choices=["dcgan", "cyclegan", "cartoongan"])
    p.add_argument("--precision", default="bf16", choices=["fp32", "bf16"])
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--steps", type=int, default=2, help="logged steps (after two unlogged warm-up steps)")
    p.add_argument("--top", type=int, default=15, help="rows per table")
    args = p.parse_args()
    step, _ = variant(args.model, args.precision, args.channels_last, False)
    with contextlib.redirect_stdout(io.StringIO()):
        step(), step()
    rows = parse(capture(step, args.steps))
    if not rows:
        sys.exit("oneDNN logged nothing: is this PyTorch built with oneDNN (torch.backends.mkldnn.is_available())?")
    per_step = args.steps
    by_kind, count = Counter(), Counter()
    by_shape, shape_calls = Counter(), Counter()
    for prim, kernel, pass_, problem, ms in rows:
        by_kind[(prim, kernel, pass_)] += ms
        count[(prim, kernel, pass_)] += 1
        if prim in ("convolution", "deconvolution"):
            by_shape[(prim, pass_, problem)] += ms
            shape_calls[(prim, pass_, problem)] += 1
    total = sum(by_kind.values()) / per_step
    print(
        f"{args.model}, {args.precision}, {'channels_last' if args.channels_last else 'NCHW'}: oneDNN {total:.0f} ms "
        f"per step in {len(rows) // per_step} calls\n"
    )
    print("| ms per step | share | calls | primitive | kernel | pass |\n|---|---|---|---|---|---|")
    for (prim, kernel, pass_), ms in by_kind.most_common(args.top):
        print(
            f"| {ms / per_step:.1f} | {ms / per_step / total:.0%} | {count[(prim, kernel, pass_)] // per_step} "
            f"| {prim} | {kernel} | {pass_} |"
        )
    print(
        "\n| ms per step | calls | ms per call | GFLOP/s | primitive | pass | problem |\n|---|---|---|---|---|---|---|"
    )
    for (prim, pass_, problem), ms in by_shape.most_common(args.top):
        calls = shape_calls[(prim, pass_, problem)]
        flops = conv_flops(problem, transposed=prim == "deconvolution")
        rate = f"{flops / (ms / calls / 1e3) / 1e9:.0f}" if flops else "–"
        print(
            f"| {ms / per_step:.1f} | {calls // per_step} | {ms / calls:.2f} | {rate} | {prim} | {pass_} | {problem} |"
        )


if __name__ == "__main__":
    main()

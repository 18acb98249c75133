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
from collections.abc import Callable
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


def tally(rows: list[tuple[str, str, str, str, float]], key: Callable) -> dict[tuple, tuple[float, int]]:
    """Milliseconds and calls of `parse`'s rows summed by `key(row)`."""
    sums: dict[tuple, tuple[float, int]] = {}
    for row in rows:
        ms, calls = sums.get(key(row), (0.0, 0))
        sums[key(row)] = (ms + row[4], calls + 1)
    return sums


def top(sums: dict[tuple, tuple[float, int]], n: int) -> list[tuple[tuple, tuple[float, int]]]:
    """The `n` entries of a tally with the most milliseconds."""
    return sorted(sums.items(), key=lambda item: -item[1][0])[:n]


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
    steps = args.steps
    kinds = tally(rows, lambda r: r[:3])  # primitive, kernel, pass
    shapes = tally([r for r in rows if r[0] in ("convolution", "deconvolution")], lambda r: (r[0], r[2], r[3]))
    total = sum(ms for ms, _ in kinds.values()) / steps
    layout = "channels_last" if args.channels_last else "NCHW"
    print(f"{args.model}, {args.precision}, {layout}: oneDNN {total:.0f} ms per step in {len(rows) // steps} calls\n")
    print("| ms per step | share | calls | primitive | kernel | pass |\n|---|---|---|---|---|---|")
    for (prim, kernel, pass_), (ms, calls) in top(kinds, args.top):
        print(f"| {ms / steps:.1f} | {ms / steps / total:.0%} | {calls // steps} | {prim} | {kernel} | {pass_} |")
    print("\n| ms per step | calls | ms per call | GFLOP/s | primitive | pass | problem |")
    print("|---|---|---|---|---|---|---|")
    for (prim, pass_, problem), (ms, calls) in top(shapes, args.top):
        flops = conv_flops(problem, transposed=prim == "deconvolution")
        rate = f"{flops / (ms / calls / 1e3) / 1e9:.0f}" if flops else "–"
        cells = [f"{ms / steps:.1f}", str(calls // steps), f"{ms / calls:.2f}", rate, prim, pass_, problem]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

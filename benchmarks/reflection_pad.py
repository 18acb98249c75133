"""avatargan's reflection pad (`nn/reflection_pad.py`) against PyTorch's `nn.ReflectionPad2d`, one layer at a time.

Times forward + backward of each layer at the shapes the ResNet generators pad in `train_speed.py`'s CycleGAN and
CartoonGAN (128 px, batch 4; pad 3 around the 7×7 convolutions, pad 1 in the residual blocks), in fp32 and under bf16
autocast (bf16 activations in, as the generators feed them), alternating the two layers within each repeat. The
ratio is the median over repeats of PyTorch's time over avatargan's. The whole training step with either pad:
`layout_choice.py --pytorch-pads`.

    python benchmarks/reflection_pad.py [--repeats 15] [--calls 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from avatargan.hardware import machine_facts
from avatargan.nn.reflection_pad import ReflectionPad2d

#: (batch, channels, height, width, pad): CycleGAN's stem/output pads (32 channels at 128 px) and its residual
#: blocks' (128 channels at 32 px); CartoonGAN's residual blocks (256 channels at 32 px)
SHAPES = [(4, 32, 128, 128, 3), (4, 128, 32, 32, 1), (4, 256, 32, 32, 1)]


def seconds(layer: nn.Module, x: torch.Tensor, upstream: torch.Tensor, bf16: bool, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = layer(x)
        torch.autograd.grad(out, x, upstream.to(out.dtype))
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--calls", type=int, default=20, help="forward + backward calls per timed repeat")
    p.add_argument("--json", default=None)
    args = p.parse_args()
    facts = machine_facts("cpu")
    print(
        f"{facts['cpu']}, bf16 flags {facts['cpu_bf16_flags']}, {torch.get_num_threads()} threads, "
        f"load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    rows = []
    for n, c, h, w, pad in SHAPES:
        for precision in ("fp32", "bf16"):
            bf16 = precision == "bf16"
            x = torch.randn(n, c, h, w, dtype=torch.bfloat16 if bf16 else torch.float32, requires_grad=True)
            upstream = torch.randn(n, c, h + 2 * pad, w + 2 * pad)
            layers = {"pytorch": nn.ReflectionPad2d(pad), "avatargan": ReflectionPad2d(pad)}
            for layer in layers.values():
                seconds(layer, x, upstream, bf16, 2)  # warm-up
            times: dict[str, list[float]] = {k: [] for k in layers}
            for r in range(args.repeats):
                for name in list(layers) if r % 2 == 0 else list(layers)[::-1]:
                    times[name].append(seconds(layers[name], x, upstream, bf16, args.calls) / args.calls)
            ratios = [a / b for a, b in zip(times["pytorch"], times["avatargan"], strict=True)]
            row = {
                "shape": [n, c, h, w],
                "pad": pad,
                "precision": precision,
                "pytorch_ms": statistics.median(times["pytorch"]) * 1e3,
                "avatargan_ms": statistics.median(times["avatargan"]) * 1e3,
                "speedup": statistics.median(ratios),
                "speedup_range": [min(ratios), max(ratios)],
            }
            rows.append(row)
            print(
                f"{str(row['shape']):>18} pad {pad} {precision}: PyTorch {row['pytorch_ms']:6.3f} ms, avatargan "
                f"{row['avatargan_ms']:6.3f} ms per forward + backward: {row['speedup']:.2f}× "
                f"(repeats {min(ratios):.2f}-{max(ratios):.2f})",
                flush=True,
            )
    if args.json:
        result = {"machine": facts, "load_average_end": os.getloadavg(), "rows": rows}
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()

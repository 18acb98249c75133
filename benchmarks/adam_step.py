"""The optimizer step alone: avatargan's fused Adam against PyTorch's default Adam (per-tensor loop) and foreach.

Both DCGAN networks' parameters at the demo's width (16) and the report's (64), random gradients, interleaved
repeats; the median milliseconds per step of both networks' optimizers. The whole training step's share of this is
in `layout_choice.py --default-adam`.

    python benchmarks/adam_step.py [--threads 2] [--repeats 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch

from avatargan.models.base import adam
from avatargan.nn.discriminators import DCGANDiscriminator
from avatargan.nn.generators import DCGANGenerator


def parameters(width: int) -> list[torch.nn.Parameter]:
    nets = DCGANGenerator(100, 64, width, 1), DCGANDiscriminator(64, width, 1, "batch", 0)
    params = [p for net in nets for p in net.parameters()]
    for p in params:
        p.grad = torch.randn_like(p)
    return params


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=30)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print(f"{args.threads} threads, load {os.getloadavg()[0]:.2f}")
    betas = (0.5, 0.999)
    for width in (16, 64):
        optimizers = {
            "avatargan (fused)": adam(parameters(width), 2e-4, betas),
            "default": torch.optim.Adam(parameters(width), lr=2e-4, betas=betas),
            "foreach": torch.optim.Adam(parameters(width), lr=2e-4, betas=betas, foreach=True),
        }
        for opt in optimizers.values():
            opt.step()  # the state is created on the first step
        times: dict[str, list[float]] = {name: [] for name in optimizers}
        for _ in range(args.repeats):
            for name, opt in optimizers.items():
                started = time.perf_counter()
                for _ in range(10):
                    opt.step()
                times[name].append((time.perf_counter() - started) / 10 * 1e3)
        fused = statistics.median(times["avatargan (fused)"])
        count = sum(p.numel() for p in optimizers["default"].param_groups[0]["params"])
        for name, values in times.items():
            ms = statistics.median(values)
            print(f"width {width:>2} ({count / 1e6:.2f} M parameters) {name:<18} {ms:7.2f} ms {ms / fused:4.2f}× fused")


if __name__ == "__main__":
    main()

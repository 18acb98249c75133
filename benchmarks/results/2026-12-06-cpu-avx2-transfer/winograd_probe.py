"""CycleGAN's residual 3×3 convolution (128 → 128 channels, 32×32, batch 4: 54 % of its fp32 step here) as
Winograd F(2×2, 3×3) written in torch operations — 2.25× fewer multiplications than the direct convolution — eager
and compiled, forward and forward + backward, against oneDNN's direct kernel. Kept as the run that decided (the
transforms' memory traffic costs more than the multiplications saved, so nothing was built on it).

    python benchmarks/results/2026-12-06-cpu-avx2-transfer/winograd_probe.py
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from paired_timing import time_arms  # noqa: E402

#: F(2×2, 3×3)'s filter transform G (Lavin & Gray 2016); the data and output transforms are written out as adds
G = torch.tensor([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])


def _rows(t: torch.Tensor, dim: int) -> list[torch.Tensor]:
    return [t.select(dim, i) for i in range(t.shape[dim])]


def winograd_conv(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """conv2d(x, w) for a padded x (N, C, H + 2, W + 2) with even H, W and a 3×3 w (K, C, 3, 3)."""
    n, c, hp, wp = x.shape
    k, th, tw = w.shape[0], (hp - 2) // 2, (wp - 2) // 2
    d = x.unfold(2, 4, 2).unfold(3, 4, 2)  # N C th tw 4 4: overlapping input tiles
    d0, d1, d2, d3 = _rows(d, -2)
    r = torch.stack([d0 - d2, d1 + d2, d2 - d1, d1 - d3])  # Bᵀ d
    r0, r1, r2, r3 = _rows(r, -1)
    v = torch.stack([r0 - r2, r1 + r2, r2 - r1, r1 - r3], 1)  # (Bᵀ d) B: 4 4 N C th tw
    v = v.reshape(16, n, c, th * tw).transpose(1, 2).reshape(16, c, n * th * tw)
    u = (G @ w @ G.T).permute(2, 3, 0, 1).reshape(16, k, c)
    m0, m1, m2, m3 = _rows(torch.bmm(u, v).view(4, 4, k, n, th, tw), 0)
    a = torch.stack([m0 + m1 + m2, m1 - m2 - m3])  # Aᵀ m
    a0, a1, a2, a3 = _rows(a, 1)
    y = torch.stack([a0 + a1 + a2, a1 - a2 - a3], 1)  # (Aᵀ m) A: 2 2 K N th tw
    return y.permute(3, 2, 4, 0, 5, 1).reshape(n, k, 2 * th, 2 * tw)


def main() -> None:
    torch.set_num_threads(2)
    torch.manual_seed(0)
    x = torch.randn(4, 128, 34, 34, requires_grad=True)
    w = (torch.randn(128, 128, 3, 3) * 0.03).requires_grad_()
    compiled = torch.compile(winograd_conv, dynamic=False)
    print(f"max |winograd - conv2d|: {(winograd_conv(x, w) - F.conv2d(x, w)).abs().max().item():.2e}")
    print("| conv (ms, median of 9) | forward | forward + backward |\n|---|---|---|")
    convs = {"oneDNN direct": F.conv2d, "Winograd, eager": winograd_conv, "Winograd, compiled": compiled}
    arms: dict[str, Callable[[], None]] = {}
    for name, conv in convs.items():

        def forward(conv: Callable = conv) -> None:
            with torch.no_grad():
                conv(x, w)

        def both(conv: Callable = conv) -> None:
            conv(x, w).sum().backward()

        arms[f"{name}|forward"], arms[f"{name}|both"] = forward, both
    rates = time_arms(arms, repeats=9, n=1, warmup=2)  # one call per repeat, the order reversed every other repeat
    ms = {arm: 1e3 / statistics.median(r) for arm, r in rates.items()}
    for name in convs:
        print(f"| {name} | {ms[f'{name}|forward']:.1f} | {ms[f'{name}|both']:.1f} |")


if __name__ == "__main__":
    main()

"""FLOP counting and the machine's peak: achieved FLOP/s = counted model FLOPs per second of training."""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torch.utils.flop_counter import FlopCounterMode


def count_flops(fn: Callable[[], object]) -> int:
    """FLOPs of the matrix products and convolutions (forward and backward) that `fn()` runs."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())


def peak_flops(device: torch.device | str = "cpu", n: int | None = None, dtype: torch.dtype = torch.float32) -> float:
    """FLOP/s of the best of a few n×n matrix products: the practical peak of this device at this dtype. GPUs get
    n = 8192 and ten products per timing (a 4096² product is over before a GPU reaches its clocks), CPUs 4096."""
    cuda = torch.device(device).type == "cuda"
    n = n or (8192 if cuda else 4096)
    reps = 10 if cuda else 1
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    a @ b  # first touch, library initialisation
    best = float("inf")
    for _ in range(4):
        if cuda:
            torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(reps):
            a @ b
        if cuda:
            torch.cuda.synchronize()
        best = min(best, (time.perf_counter() - t) / reps)
    return 2 * n**3 / best

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


#: a CPU product of n = 4096 is the yardstick; where the probe says one would take longer than this (bf16 emulated
#: on a CPU without native bf16 runs ~1 GFLOP/s on an AVX2-only EPYC: ~140 s a product), n shrinks
CPU_PRODUCT_SECONDS = 10.0


def cpu_matrix_size(dtype: torch.dtype, largest: int = 4096, probe: int = 256) -> int:
    """The largest power of two ≤ `largest` whose n×n product at `dtype` takes at most CPU_PRODUCT_SECONDS, judged
    from the rate of `probe`² products (a floor: larger products only run faster per FLOP)."""
    rate = peak_flops("cpu", n=probe, dtype=dtype)
    n = largest
    while n > probe and 2 * n**3 / rate > CPU_PRODUCT_SECONDS:
        n //= 2
    return n


def peak_flops(device: torch.device | str = "cpu", n: int | None = None, dtype: torch.dtype = torch.float32) -> float:
    """FLOP/s of the best of a few n×n matrix products: the practical peak of this device at this dtype. GPUs get
    n = 8192 and ten products per timing (a 4096² product is over before a GPU reaches its clocks), CPUs 4096, or
    less where that would take minutes (`cpu_matrix_size`)."""
    cuda = torch.device(device).type == "cuda"
    n = n or (8192 if cuda else cpu_matrix_size(dtype))
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

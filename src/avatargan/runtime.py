"""Device choice, thread count, seeding, the allocator and whether a process group runs: the few process-wide settings
every command shares."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import platform
import random

import numpy as np
import torch
import torch.distributed as dist

from avatargan.errors import ConfigError


def process_group_running() -> bool:
    """Whether this process trains as one of several (torchrun): the cue for the few blocks that share statistics."""
    return dist.is_available() and dist.is_initialized()


def world_size() -> int:
    """How many processes train together: 1 without a process group."""
    return dist.get_world_size() if process_group_running() else 1


def resolve_device(name: str = "auto") -> torch.device:
    """`auto` picks CUDA when present, else the CPU; asking for CUDA on a machine without it is a clear error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ConfigError(f"unknown device {name!r}; use auto, cpu, cuda or cuda:N") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"--device {name} was requested but this machine has no CUDA GPU; use --device cpu")
    return device


def set_threads(threads: int | None) -> None:
    if threads:
        torch.set_num_threads(threads)


#: glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: allocations up to this size come from the heap instead of pages mapped for them alone (glibc 2.36 accepted 1 GiB
#: here; where a glibc refuses it, as some cap it at half their heap size, 32 MiB on 64-bit is tried next)
_MMAP_THRESHOLDS = (1 << 30, 32 << 20)


@functools.cache
def keep_freed_memory() -> bool:
    """Make glibc keep freed memory for the next allocation instead of handing it back to the OS. A training step
    frees and re-allocates the same tensors every step; by default glibc maps large ones fresh and trims the heap, so
    each step page-faults its working set in again: 2,300 page faults and 16 ms of kernel time per step of the demo
    (~12 % of it) on a 2-vCPU Xeon (benchmarks/allocator.py; RESULTS.md). The cost: the process keeps its peak memory,
    which a training run reaches every step anyway. Returns whether it applied (glibc on Linux only; elsewhere a
    no-op, as are PyTorch's own CUDA allocations, which are cached already)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    if not any(libc.mallopt(_M_MMAP_THRESHOLD, size) == 1 for size in _MMAP_THRESHOLDS):
        return False
    return libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30) == 1  # trim only beyond 1 GiB free at the heap's top


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch; data order and augmentation use their own generators derived from the seed."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)

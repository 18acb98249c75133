"""What the processor can do, and the arithmetic `precision: auto` picks from it.

`auto` means bf16 autocast where the hardware computes bf16 natively — CUDA GPUs that support it, CPUs with
AMX-BF16 or AVX512-BF16 (x86) or the BF16 extension (Arm) — and fp32 elsewhere, where bf16 would be emulated and
slower than fp32. The CPU's abilities are read from /proc/cpuinfo's flags (Linux), never assumed: the machines this
project runs on change. Where the flags cannot be read (another OS), a short probe times a bf16 matrix product
against an fp32 one. Every choice carries a one-line reason, written to the run's config.yaml, console and report.
"""

from __future__ import annotations

import functools
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from avatargan import console
from avatargan.errors import ConfigError

PRECISION_CHOICES = ("auto", "fp32", "bf16", "fp16")
#: /proc/cpuinfo flags that mean native bf16 arithmetic, with the names people know them by
NATIVE_BF16_FLAGS = {"amx_bf16": "AMX-BF16", "avx512_bf16": "AVX512-BF16", "bf16": "Arm BF16"}
_CPUINFO = Path("/proc/cpuinfo")


@dataclass(frozen=True)
class PrecisionChoice:
    """The precision a run uses and why (`requested` is what the user asked for: auto or a forced value)."""

    precision: str
    requested: str
    reason: str

    def why(self) -> str:
        return f"{'auto' if self.requested == 'auto' else 'forced'}: {self.reason}"

    def describe(self) -> str:
        return f"{self.precision} ({self.why()})"


def cpu_flags(cpuinfo: Path = _CPUINFO) -> set[str] | None:
    """The CPU's feature flags (x86 `flags`, Arm `Features`) from /proc/cpuinfo, or None where it cannot be read."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return None


def cpu_name(cpuinfo: Path = _CPUINFO) -> str:
    try:
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Model", "CPU part"):
                return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _probe_native_bf16(n: int = 512, repeats: int = 3) -> bool:
    """Where no flags can be read: is a bf16 matmul at least as fast as an fp32 one? (emulated bf16 is far slower)"""

    def best(dtype: torch.dtype) -> float:
        a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
        a @ b  # first touch
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            a @ b
            times.append(time.perf_counter() - t)
        return min(times)

    return best(torch.bfloat16) <= best(torch.float32)


@functools.cache
def cpu_native_bf16() -> tuple[bool, str]:
    """Whether this CPU computes bf16 natively, and the evidence (its flags, or the probe's verdict)."""
    flags = cpu_flags()
    if flags is not None:
        found = [label for flag, label in NATIVE_BF16_FLAGS.items() if flag in flags]
        if found:
            return True, f"CPU has {' and '.join(found)}"
        return False, "CPU has no native bf16 (no AMX-BF16, AVX512-BF16 or Arm BF16 in /proc/cpuinfo)"
    if _probe_native_bf16():
        return True, "CPU computes bf16 matrix products at least as fast as fp32 (probe)"
    return False, "CPU computes bf16 slower than fp32 (probe): no native bf16"


@functools.cache
def cpu_avx512() -> bool:
    """Whether this x86 CPU has AVX-512 (the `avx512f` flag): torch.compile's fp32 CPU kernels were measured to pay
    with it and not on an AVX2-only CPU (`blocks.precision.compile_pays`). False where /proc/cpuinfo cannot be read."""
    return "avx512f" in (cpu_flags() or set())


@functools.cache
def cpu_amx_bf16() -> bool:
    """Whether this CPU has AMX-BF16 tile units, not only AVX512-BF16 vector instructions: the two make different
    layouts fastest (`blocks.precision.channels_last_pays`). False where /proc/cpuinfo cannot be read."""
    return "amx_bf16" in (cpu_flags() or set())


def resolve_precision(requested: str, device: torch.device | str) -> PrecisionChoice:
    """`auto` → bf16 or fp32 for `device`; a forced precision is kept, with a warning or an error where it is wrong."""
    device = torch.device(device)
    if requested not in PRECISION_CHOICES:
        raise ConfigError(f"train.precision: {requested!r} is not one of {', '.join(PRECISION_CHOICES)}")
    if device.type == "cpu" and requested == "fp16":
        raise ConfigError("--precision fp16 needs a CUDA GPU; on the CPU use bf16, fp32 or auto")
    if device.type == "cuda":
        native = torch.cuda.is_bf16_supported()
        reason = "CUDA GPU with native bf16" if native else "this CUDA GPU has no native bf16"
    elif device.type == "cpu":
        native, reason = cpu_native_bf16()
    else:  # e.g. Apple's mps: autocast support varies, fp32 is the safe default
        native, reason = False, f"no bf16 detection for {device.type} devices"
    if requested == "auto":
        return PrecisionChoice("bf16" if native else "fp32", requested, reason)
    if requested == "bf16" and not native:
        _warn_slow_bf16(reason)
    return PrecisionChoice(requested, requested, reason)


@functools.cache
def _warn_slow_bf16(reason: str) -> None:  # cached: once per process, however many models are loaded
    console.warn(f"bf16 will be slow here: {reason}; fp32 (or --precision auto) is faster")


def machine_facts(device: torch.device | str) -> dict[str, object]:
    """What a figure was measured on: the processor (and GPU), its native bf16 support, threads and torch."""
    device = torch.device(device)
    flags = cpu_flags() or set()
    facts: dict[str, object] = {
        "cpu": cpu_name(),
        "cpu_bf16_flags": sorted(f for f in NATIVE_BF16_FLAGS if f in flags),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "device": str(device),
    }
    if device.type == "cuda":
        facts["gpu"] = torch.cuda.get_device_name(device)
    return facts

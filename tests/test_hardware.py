"""`precision: auto`: bf16 exactly where the hardware computes it natively, fp32 elsewhere, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from avatargan import console, hardware
from avatargan.errors import ConfigError


@pytest.fixture
def cpu_with(monkeypatch: pytest.MonkeyPatch):
    """Pretend the CPU's /proc/cpuinfo flags are the given set (None: unreadable, as on macOS)."""

    def set_flags(flags: set[str] | None) -> None:
        monkeypatch.setattr(hardware, "cpu_flags", lambda: flags)
        hardware.cpu_native_bf16.cache_clear()

    yield set_flags
    hardware.cpu_native_bf16.cache_clear()


@pytest.mark.parametrize(
    "flags, precision, reason",
    [
        ({"avx2", "avx512f", "amx_tile", "amx_bf16", "avx512_bf16"}, "bf16", "AMX-BF16 and AVX512-BF16"),
        ({"avx2", "avx512f", "avx512_bf16"}, "bf16", "AVX512-BF16"),
        ({"fp", "asimd", "bf16"}, "bf16", "Arm BF16"),  # an Arm CPU with the BF16 extension
        ({"avx2", "fma", "avx512f"}, "fp32", "no native bf16"),  # AVX-512 alone does not compute bf16
        ({"avx2", "fma"}, "fp32", "no native bf16"),
    ],
)
def test_auto_on_the_cpu_follows_its_bf16_flags(cpu_with, flags: set[str], precision: str, reason: str) -> None:
    cpu_with(flags)
    choice = hardware.resolve_precision("auto", "cpu")
    assert choice.precision == precision and reason in choice.reason
    assert choice.describe().startswith(f"{precision} (auto: ")


@pytest.mark.parametrize("fast, precision", [(True, "bf16"), (False, "fp32")])
def test_without_readable_flags_a_probe_decides(cpu_with, monkeypatch, fast: bool, precision: str) -> None:
    cpu_with(None)
    monkeypatch.setattr(hardware, "_probe_native_bf16", lambda: fast)
    choice = hardware.resolve_precision("auto", "cpu")
    assert choice.precision == precision and "probe" in choice.reason


@pytest.mark.parametrize("supported, precision", [(True, "bf16"), (False, "fp32")])
def test_auto_on_cuda_follows_the_gpus_bf16_support(monkeypatch, supported: bool, precision: str) -> None:
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: supported)
    assert hardware.resolve_precision("auto", "cuda").precision == precision
    assert hardware.resolve_precision("fp16", "cuda").precision == "fp16"  # forced: kept


def test_forced_bf16_on_a_cpu_without_it_warns_once(cpu_with, monkeypatch) -> None:
    cpu_with({"avx2"})
    warnings: list[str] = []
    monkeypatch.setattr(console, "warn", warnings.append)
    hardware._warn_slow_bf16.cache_clear()
    for _ in range(3):
        assert hardware.resolve_precision("bf16", "cpu").precision == "bf16"
    assert len(warnings) == 1 and "slow" in warnings[0]
    hardware._warn_slow_bf16.cache_clear()


def test_forced_fp32_is_kept_even_where_bf16_is_native(cpu_with) -> None:
    cpu_with({"amx_bf16"})
    assert hardware.resolve_precision("fp32", "cpu").describe().startswith("fp32 (forced: ")


@pytest.mark.parametrize("requested, message", [("fp16", "needs a CUDA GPU"), ("fp8", "not one of auto, fp32")])
def test_impossible_precisions_are_one_line_errors(requested: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        hardware.resolve_precision(requested, "cpu")


def test_cpu_flags_are_read_from_x86_and_arm_cpuinfo(tmp_path: Path) -> None:
    x86 = tmp_path / "x86"
    x86.write_text("processor\t: 0\nmodel name\t: Some Xeon\nflags\t\t: fpu avx2 amx_bf16 avx512_bf16\n\n")
    arm = tmp_path / "arm"
    arm.write_text("processor\t: 0\nFeatures\t: fp asimd bf16 i8mm\n")
    assert {"amx_bf16", "avx512_bf16"} <= hardware.cpu_flags(x86)
    assert "bf16" in hardware.cpu_flags(arm)
    assert hardware.cpu_name(x86) == "Some Xeon"
    assert hardware.cpu_flags(tmp_path / "missing") is None

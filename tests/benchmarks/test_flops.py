"""The CPU peak's matrix size: 4096 where a product is quick, smaller where the dtype is emulated and slow."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import flops  # noqa: E402


def test_a_quick_product_keeps_the_largest_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flops, "CPU_PRODUCT_SECONDS", 1e9)
    assert flops.cpu_matrix_size(torch.float32, largest=1024, probe=64) == 1024


def test_a_slow_product_halves_the_size_down_to_the_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flops, "CPU_PRODUCT_SECONDS", 0.0)
    assert flops.cpu_matrix_size(torch.float32, largest=1024, probe=64) == 64


def test_the_size_is_the_largest_whose_predicted_time_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    # the probe's products (64², 2·64³ FLOPs) take one second each
    monkeypatch.setattr(flops, "peak_flops", lambda device, n, dtype: 2 * n**3 / 1.0)
    monkeypatch.setattr(flops, "CPU_PRODUCT_SECONDS", 10.0)  # 512² would take 8³ = 512 s, 256² 64 s, 128² 8 s
    assert flops.cpu_matrix_size(torch.float32, largest=512, probe=64) == 128

"""The side-by-side step timer of the step benchmarks (paired_timing.py): every arm timed in every repeat,
the order reversed every other repeat, ratios against the named baseline."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import paired_timing  # noqa: E402


def test_time_arms_alternates_the_order_and_times_every_arm() -> None:
    calls: list[str] = []
    steps = {name: (lambda name=name: calls.append(name)) for name in ("a", "b")}
    rates = paired_timing.time_arms(steps, repeats=2, n=3)
    assert [len(v) for v in rates.values()] == [2, 2]
    assert all(r > 0 for v in rates.values() for r in v)
    timed = calls[20:]  # after 10 warm-up steps per arm
    assert timed == ["a"] * 3 + ["b"] * 3 + ["b"] * 3 + ["a"] * 3


def test_print_rates_gives_ratios_against_the_baseline(capsys) -> None:
    paired_timing.print_rates({"base": [10.0, 20.0, 30.0], "half": [5.0, 10.0, 15.0]}, "base")
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("| arm | steps/s (median) | against base")
    assert rows[2] == "| base | 20.0 | 1.000 | 1.00–1.00 |"
    assert rows[3] == "| half | 10.0 | 0.500 | 0.50–0.50 |"

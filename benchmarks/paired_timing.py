"""Arms timed side by side in one run: every arm in every repeat, the order reversed every other repeat, so a machine
whose speed drifts between repeats moves all arms alike; ratios are taken within each repeat (paired), then the median.
Shared by the benchmarks that compare variants of one training step (layout_choice, augment_step_cost,
demo_width_cost)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_arms(steps: dict[str, Callable[[], None]], repeats: int, n: int, warmup: int = 10) -> dict[str, list[float]]:
    """Steps/s of each arm per repeat: `n` steps per timed repeat, after `warmup` untimed steps per arm (allocator,
    oneDNN primitive caches; 0 where the caller warmed up and timed that itself)."""
    for step in steps.values():
        for _ in range(warmup):
            step()
    rates: dict[str, list[float]] = {name: [] for name in steps}
    for r in range(repeats):
        order = list(steps.items()) if r % 2 == 0 else list(steps.items())[::-1]
        for name, step in order:
            start = time.perf_counter()
            for _ in range(n):
                step()
            rates[name].append(n / (time.perf_counter() - start))
    return rates


def print_rates(rates: dict[str, list[float]], baseline: str) -> None:
    """A Markdown table: each arm's median steps/s and the median of its per-repeat ratios to `baseline`'s."""
    print(f"| arm | steps/s (median) | against {baseline} (median of paired ratios) | range |")
    print("|---|---|---|---|")
    for name, values in rates.items():
        ratios = [a / b for a, b in zip(values, rates[baseline], strict=True)]
        print(
            f"| {name} | {statistics.median(values):.1f} | {statistics.median(ratios):.3f} "
            f"| {min(ratios):.2f}–{max(ratios):.2f} |"
        )

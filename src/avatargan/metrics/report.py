"""The run report's metrics section: each `metric-<name>.jsonl` as a curve over training steps, the latest values
in a table, and every metric's one-line meaning."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from avatargan.metrics.catalog import METRIC_MEANINGS
from avatargan.report.figures import save_step_plot, step_plot


def read_metric_files(run_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """name → lines of `metric-<name>.jsonl` (unreadable lines, e.g. from a crash mid-write, are skipped)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(Path(run_dir).glob("metric-*.jsonl")):
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        if rows:
            out[path.stem[len("metric-") :]] = rows
    return out


def headline(rows: list[dict[str, Any]]) -> str | None:
    """The metric's main value: the first numeric field after the bookkeeping ones."""
    for key, value in rows[-1].items():
        if key not in ("step", "time", "protocol", "n") and isinstance(value, int | float):
            return key
    return None


def metric_curve(rows: list[dict[str, Any]], key: str, path: Path, title: str) -> Path:
    pts = [r for r in rows if isinstance(r.get("step"), int) and isinstance(r.get(key), int | float)]
    pts = [r for r in pts if math.isfinite(r[key])]
    fig, ax = step_plot()
    if pts:
        steps, values = [r["step"] for r in pts], [r[key] for r in pts]
        errors = [r.get(f"{key}_std", 0.0) for r in pts]
        ax.errorbar(steps, values, yerr=errors if any(errors) else None, marker="o", color="tab:green", capsize=3)
    return save_step_plot(fig, ax, title, path)


def metrics_section(run_dir: Path, figures: Path, embed: Callable[[Path], str]) -> list[str]:
    """HTML parts for the report (empty when the run has no metric files)."""
    metrics = read_metric_files(run_dir)
    if not metrics:
        return []
    parts = ["<h2>Metrics</h2><table><tr><th>metric</th><th>latest</th><th>step</th><th>meaning</th></tr>"]
    curves = []
    for name, rows in metrics.items():
        key = headline(rows)
        if key is None:
            continue
        last = rows[-1]
        value = f"{last[key]:.4g}" + (f" ± {last[key + '_std']:.3g}" if f"{key}_std" in last else "")
        meaning = METRIC_MEANINGS.get(name, "")
        parts.append(
            f"<tr><td>{html.escape(name)}</td><td>{value}</td><td>{last.get('step')}</td>"
            f"<td>{html.escape(meaning)}</td></tr>"
        )
        if sum(isinstance(r.get("step"), int) for r in rows) >= 1:
            curves.append(metric_curve(rows, key, figures / f"metric_{name}.png", f"{name} ({key})"))
    parts.append("</table>")
    if rows_protocol := next(iter(metrics.values()))[-1].get("protocol"):
        parts.append(f"<p>Protocol: {html.escape(str(rows_protocol))}.</p>")
    if curves:
        parts.append('<div class="row">')
        parts += [f"<figure>{embed(c)}<figcaption>{html.escape(c.stem[7:])}</figcaption></figure>" for c in curves]
        parts.append("</div>")
    return parts

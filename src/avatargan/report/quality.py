"""The run report's quality section: the final quality block (quality-final.json) and the quality signal over
training (quality.jsonl) with its best step and any collapse named."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from avatargan.metrics.quality_block import SHOWN, format_value, read_block
from avatargan.report.figures import save_step_plot, step_plot
from avatargan.training.quality_guard import read_quality
from avatargan.weights import BEST_WEIGHTS_FILE


def signal_curve(rows: list[dict[str, Any]], path: Path) -> Path:
    """The score at each check, the best one ringed and collapses marked."""
    fig, ax = step_plot()
    steps, scores = [r["step"] for r in rows], [r["score"] for r in rows]
    ax.plot(steps, scores, marker="o", color="tab:green", label="quality signal")
    best = next((r for r in reversed(rows) if r["step"] == r.get("best_step")), None)
    if best:
        ax.scatter([best["step"]], [best["score"]], s=160, facecolors="none", edgecolors="black", label="best")
    collapsed = [r for r in rows if r.get("collapse")]
    if collapsed:
        ax.scatter([r["step"] for r in collapsed], [r["score"] for r in collapsed], color="red", label="collapse")
    ax.legend(loc="best", fontsize=8)
    higher = rows[-1].get("higher_is_better")
    what = "coverage × mean valid-face probability (higher is better)" if higher else "KID×100 (lower is better)"
    return save_step_plot(fig, ax, what, path)


def collapse_text(rows: list[dict[str, Any]]) -> str | None:
    collapsed = [r for r in rows if r.get("collapse")]
    if not collapsed:
        return None
    first, last = collapsed[0], rows[-1]
    text = (
        f"Collapse: from step {first['step']} the signal fell far below its best ({first['score']:.3f} against "
        f"the best of step {first['best_step']})"
    )
    return text + (", and the final generator is still collapsed." if last.get("collapse") else "; it recovered.")


def quality_section(run_dir: Path, figures: Path, embed: Callable[[Path], str]) -> list[str]:
    """HTML parts (empty when the run has neither a quality block nor quality checks)."""
    block, rows = read_block(run_dir), read_quality(run_dir)
    parts: list[str] = []
    if block:
        parts.append(f"<h2>Quality of the final generator (step {block['step']})</h2>")
        parts.append("<table><tr><th>metric</th><th>value</th><th>n</th><th>meaning</th></tr>")
        for name, values in block["metrics"].items():
            parts.append(
                f"<tr><td>{html.escape(SHOWN[name][0])}</td><td>{html.escape(format_value(name, values))}</td>"
                f"<td>{values['n']}</td><td>{html.escape(values['meaning'])}</td></tr>"
            )
        parts.append(
            "</table><p>n: generated images (and as many real ones). FID at a small n is biased upwards: compare it "
            f"only with FIDs at the same n. Computed in {block['seconds']:.0f} s.</p>"
        )
    if rows:
        parts.append("<h2>Quality during training</h2>")
        last = rows[-1]
        best, top = last.get("best_step"), last.get("best_score_step", last.get("best_step"))
        why = "" if top == best else f", the latest check within the tolerance of the best score (step {top})"
        parts.append(
            f"<p>Every check scores {last.get('n')} samples from a fixed seed. Best step: <b>{best}</b>{why}; "
            f"<code>{BEST_WEIGHTS_FILE}</code> holds it (<code>avatargan generate RUN --weights best</code>).</p>"
        )
        if text := collapse_text(rows):
            parts.append(f'<p style="color:#b00"><b>{html.escape(text)}</b></p>')
        parts.append(f"<figure>{embed(signal_curve(rows, figures / 'quality_signal.png'))}</figure>")
    return parts

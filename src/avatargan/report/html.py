"""`report.html` of a run: loss curves (raw and smoothed), the latest sample sheets, the progression across
epochs from a fixed noise (the report's epoch-10 … epoch-100 strip), a summary and the resolved config.

The page is one self-contained file (images embedded), so it can be mailed or attached to an issue as it is;
every figure is also written as a PNG under `figures/`.
"""

from __future__ import annotations

import base64
import html
import json
import re
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from avatargan.io_utils import atomic_write_text
from avatargan.metrics.report import metrics_section  # metric-<name>.jsonl written by evaluations
from avatargan.report.figures import labelled_columns, loss_curve, save_image
from avatargan.report.quality import quality_section  # quality-final.json and quality.jsonl of the trainer
from avatargan.training.stats import read_stats, training_seconds

NOT_LOSSES = {"step", "epoch", "img_per_s", "time", "seconds"}
MAX_PROGRESS_COLUMNS = 10
_SAMPLE = re.compile(r"^(?P<kind>.+)-(?P<tag>(step|epoch)\d+)\.png$")


def _embed(path: Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(Path(path).name)}">'


def _tag_order(tag: str) -> tuple[int, int]:
    kind, number = re.match(r"(step|epoch)(\d+)", tag).groups()
    return (0 if kind == "step" else 1, int(number))


def latest_samples(run_dir: Path) -> dict[str, Path]:
    """Newest sample sheet of each kind (by step)."""
    newest: dict[str, tuple[int, Path]] = {}
    for p in (run_dir / "samples").glob("*.png"):
        m = _SAMPLE.match(p.name)
        if m and m.group("tag").startswith("step"):
            step = int(m.group("tag")[4:])
            if step >= newest.get(m.group("kind"), (-1, p))[0]:
                newest[m.group("kind")] = (step, p)
    return {k: v[1] for k, v in sorted(newest.items())}


def progression_figure(run_dir: Path, out: Path) -> Path | None:
    """Columns of the same fixed inputs at up to 10 points of training: epochs when there are several, else steps."""
    files = sorted((run_dir / "progress").glob("*.npy"))
    epochs = [f for f in files if f.stem.startswith("epoch")]
    chosen = epochs if len(epochs) >= 2 else [f for f in files if f.stem.startswith("step")]
    if not chosen:
        return None
    chosen.sort(key=lambda f: _tag_order(f.stem))
    if len(chosen) > MAX_PROGRESS_COLUMNS:
        picks = np.linspace(0, len(chosen) - 1, MAX_PROGRESS_COLUMNS).round().astype(int)
        chosen = [chosen[i] for i in sorted(set(picks))]
    columns = []
    for f in chosen:
        kind, number = re.match(r"(step|epoch)(\d+)", f.stem).groups()
        columns.append((f"{kind} {int(number)}", np.load(f)))
    return save_image(labelled_columns(columns), out)


def _environment(run_dir: Path) -> list[tuple[str, str]]:
    """The precision the run chose and why, and the machine it trained on (environment.json, by the trainer)."""
    path = run_dir / "environment.json"
    if not path.is_file():
        return []
    env = json.loads(path.read_text())
    processor = env.get("gpu") or env.get("cpu", "?")
    flags = ", ".join(env.get("cpu_bf16_flags") or []) or "no native bf16"
    machine = f"{processor} ({env.get('device')}; CPU bf16: {flags}; {env.get('threads')} threads)"
    machine += f", torch {env.get('torch')}"
    return [("precision", str(env.get("precision"))), ("machine", machine)]


def _summary(cfg: dict[str, Any], rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    items = [("model", str(cfg.get("model", {}).get("family"))), ("data", str(cfg.get("data", {}).get("source")))]
    if rows:
        last = rows[-1]
        items += [("steps", str(last["step"])), ("epochs", f"{last.get('epoch', 0):.2f}")]
        speeds = [r["img_per_s"] for r in rows if "img_per_s" in r]
        if speeds:
            items.append(("training speed", f"{statistics.median(speeds):.1f} images/s (median)"))
        seconds, exact = training_seconds(rows)
        if seconds:
            what = "training time" if exact else "logged wall time (pauses between stop and resume included)"
            items.append((what, f"{seconds / 60:.1f} min"))
    for key, value in cfg.get("model", {}).items():
        if "weights" in key and value:
            items.append((key, str(value)))
    return items


def write_report(run_dir: str | Path) -> Path:
    run_dir = Path(run_dir)
    cfg_path = run_dir / "config.yaml"
    cfg = yaml.safe_load(cfg_path.read_text()) if cfg_path.is_file() else {}
    rows = read_stats(run_dir)
    figures = run_dir / "figures"
    figures.mkdir(exist_ok=True)

    loss_keys = sorted({k for r in rows for k, v in r.items() if k not in NOT_LOSSES and isinstance(v, int | float)})
    curves = [loss_curve(rows, k, figures / f"curve_{k}.png") for k in loss_keys]
    samples = latest_samples(run_dir)
    progression = progression_figure(run_dir, figures / "progression.png")

    family = cfg.get("model", {}).get("family", "run")
    parts = [f"<h1>{html.escape(run_dir.name)}</h1>", "<h2>Summary</h2><table>"]
    summary = _summary(cfg, rows) + _environment(run_dir)
    parts += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in summary]
    parts.append("</table>")
    parts += quality_section(run_dir, figures, _embed)
    parts.append("<h2>Loss curves</h2>")
    if curves:
        parts.append(
            "<p>Faint: the value logged every few steps; bold: exponentially smoothed (augment_p: the probability "
            "of each augmentation of D's inputs; lr_factor: the ramp-down's factor of the learning rates).</p>"
            '<div class="row">'
        )
        parts += [f"<figure>{_embed(c)}<figcaption>{html.escape(c.stem[6:])}</figcaption></figure>" for c in curves]
        parts.append("</div>")
    else:
        parts.append("<p>No statistics logged yet.</p>")
    parts += metrics_section(run_dir, figures, _embed)
    parts.append("<h2>Latest samples</h2>")
    for kind, path in samples.items():
        parts.append(
            f"<figure>{_embed(path)}<figcaption>{html.escape(kind)} — {html.escape(path.name)}</figcaption></figure>"
        )
    if progression:
        parts.append(
            "<h2>Progression during training</h2><p>The same fixed inputs at points of training, "
            "earliest on the left.</p>"
        )
        parts.append(f"<figure>{_embed(progression)}</figure>")
    parts.append(f"<h2>Configuration</h2><pre>{html.escape(yaml.safe_dump(cfg, sort_keys=False))}</pre>")

    title = f"avatargan report — {html.escape(family)} — {html.escape(run_dir.name)}"
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }}
table {{ border-collapse: collapse; }} th, td {{ text-align: left; padding: 2px 12px 2px 0; }}
.row {{ display: flex; flex-wrap: wrap; gap: 8px; }} figure {{ margin: 0 0 1em 0; }}
img {{ image-rendering: pixelated; max-width: 100%; }} figcaption {{ font-size: 0.85em; color: #555; }}
pre {{ background: #f6f6f6; padding: 1em; overflow-x: auto; }}
</style></head><body>
{chr(10).join(parts)}
</body></html>
"""
    out = run_dir / "report.html"
    atomic_write_text(out, page)
    return out

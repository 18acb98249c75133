"""The quality block that ends `train` (and the demo): a few numbers, each with its meaning, so a run's user sees
more than pictures. Written to `quality-final.json` (the report shows it) and printed.

  * FID and KID on `train.final_fid_n` generated and as many real images (default 100, so the block stays within
    the demo's budget on a CPU: Inception reads a few images a second there). At such n FID is biased upwards, so
    it compares only with FIDs at the same n; KID is unbiased, but rough. The real side's features are cached.
  * Built-in faces only: judge coverage, valid faces and judge_fd on `train.final_judge_n` images (cheap).
A missing Inception file skips FID/KID with a warning; the rest still runs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from torch import nn

from avatargan import console
from avatargan.data.spec import BUILTIN_PREFIX, target_source
from avatargan.io_utils import atomic_write_text
from avatargan.metrics import evaluate, inception  # as modules: tests replace their functions
from avatargan.metrics.catalog import METRIC_MEANINGS

FINAL_FILE = "quality-final.json"
INCEPTION_METRICS = ("fid", "kid")
JUDGE_METRICS = ("attr_coverage", "valid_faces", "judge_fd")
#: the display name and headline value of each metric in the block
SHOWN = {
    "fid": ("FID", "fid"),
    "kid": ("KID×100", "kid_x100"),
    "attr_coverage": ("coverage", "attr_coverage"),
    "valid_faces": ("valid faces", "valid_faces"),
    "judge_fd": ("judge FD", "judge_fd"),
}


def final_quality(
    generators: dict[str, nn.Module], cfg: Any, run_dir: Path, step: int, domains: tuple[str, ...]
) -> dict[str, Any] | None:
    """Compute, print and write the block; None when every part is off (or nothing could be computed)."""
    t = cfg.train
    started = time.perf_counter()
    parts: list[tuple[tuple[str, ...], int]] = []
    if t.final_fid_n:
        try:
            inception.find_weights()
            parts.append((INCEPTION_METRICS, t.final_fid_n))
        except inception.InceptionWeightsError as exc:
            console.warn(f"quality block: FID/KID skipped ({str(exc).splitlines()[0]})")
    if t.final_judge_n and target_source(cfg.data, domains).startswith(BUILTIN_PREFIX):
        parts.append((JUDGE_METRICS, t.final_judge_n))
    metrics: dict[str, Any] = {}
    for names, n in parts:
        results = evaluate.evaluate_in_training(generators, cfg, None, step, list(names), n, memo={})
        for name, values in results.items():
            metrics[name] = {**values, "n": n, "meaning": METRIC_MEANINGS[name]}
    if not metrics:
        return None
    block = {"step": step, "seconds": round(time.perf_counter() - started, 1), "metrics": metrics}
    atomic_write_text(Path(run_dir) / FINAL_FILE, json.dumps(block, indent=1) + "\n")
    console.info(f"quality of the final generator (step {step}, {block['seconds']:.0f} s):")
    for line in block_lines(block):
        console.info("  " + line)
    return block


def format_value(name: str, values: dict[str, Any]) -> str:
    key = SHOWN[name][1]
    text = f"{values[key]:.4g}"
    return text + (f" ± {values[key + '_std']:.2g}" if f"{key}_std" in values else "")


def block_lines(block: dict[str, Any]) -> list[str]:
    """One line per metric: name, value, n and meaning."""
    return [
        f"{SHOWN[name][0]:<11} {format_value(name, values):<14} n={values['n']:<5} {values['meaning']}"
        for name, values in block["metrics"].items()
    ]


def read_block(run_dir: Path) -> dict[str, Any] | None:
    path = Path(run_dir) / FINAL_FILE
    try:
        return json.loads(path.read_text()) if path.is_file() else None
    except json.JSONDecodeError:
        return None

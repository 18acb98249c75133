"""The trainer's quality signal at a cadence (`train.quality_every`), the best snapshot, and the collapse guard.

A GAN's losses do not say when its samples get worse: a generator that collapses onto one face keeps losses that
look healthy. So every `quality_every` steps the sampling generators draw `train.quality_n` images from a fixed seed
and are scored cheaply:
  * built-in faces: judge attribute coverage × the mean probability the judge gives a sample of being a valid face
    (both 0..1, higher is better; the mean probability rather than the share of valid faces, so the signal is
    graded while no sample passes yet), which catches a collapse (coverage falls: one hair style, one face) and
    garbage (valid faces fall);
  * other data: KID ×100 against as many real images (lower is better; the real side's Inception features are
    cached on disk, so each check runs Inception only on the generated images).
Each check appends a line to `quality.jsonl` (plotted by the report). A new best writes `generator-best.safetensors`
(+ .json) beside the last weights. A score far below the best — under 75 % of the best score, or a KID above
twice the best plus 1 — is named in the console once per episode, and the report names it too; on the built-in data
only once the best has reached 0.3 (before that the generator has not learnt faces worth losing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from torch import nn

from avatargan import console
from avatargan.data.spec import BUILTIN_PREFIX, target_source
from avatargan.metrics import evaluate, inception  # as modules: tests replace their functions
from avatargan.training.stats import read_jsonl, truncate_jsonl
from avatargan.weights import BEST_WEIGHTS_FILE, save_generators

QUALITY_FILE = "quality.jsonl"
BUILTIN_SIGNAL = ("attr_coverage", "valid_faces")
FOLDER_SIGNAL = ("kid",)
COLLAPSE_SHARE = 0.75  # built-in: a score below this share of the best is a collapse ...
COLLAPSE_MIN_BEST = 0.3  # ... once the best is at least this
COLLAPSE_KID = (2.0, 1.0)  # folders: a KID×100 above a × best + b is a collapse


def signal_metrics(source: str) -> tuple[str, ...]:
    return BUILTIN_SIGNAL if source.startswith(BUILTIN_PREFIX) else FOLDER_SIGNAL


def score_of(results: dict[str, dict[str, float]]) -> tuple[float, bool]:
    """(the signal, whether higher is better) from the metrics' results."""
    if "kid" in results:
        return results["kid"]["kid_x100"], False
    return results["attr_coverage"]["attr_coverage"] * results["valid_faces"]["valid_prob_mean"], True


def is_collapse(value: float, best: float, higher_better: bool) -> bool:
    if higher_better:
        return best >= COLLAPSE_MIN_BEST and value < COLLAPSE_SHARE * best
    a, b = COLLAPSE_KID
    return value > a * best + b


def read_quality(run_dir: Path) -> list[dict[str, Any]]:
    return read_jsonl(Path(run_dir) / QUALITY_FILE)


class QualityGuard:
    def __init__(self, cfg: Any, run_dir: Path, domains: tuple[str, ...]) -> None:
        self.cfg, self.run_dir = cfg, run_dir
        self.names = list(signal_metrics(target_source(cfg.data, domains)))
        self.best: float | None = None
        self.best_step: int | None = None
        self.collapsed = False  # inside a collapse episode (warned once)
        self.memo: dict[str, Any] = {}  # the real side's features, computed once
        if "kid" in self.names:  # a missing Inception file stops the run now, not after the first minutes
            inception.find_weights()

    def check(self, generators: dict[str, nn.Module], step: int, meta: dict[str, Any]) -> dict[str, Any]:
        """Score `generators` now; keep them as the best snapshot when they beat it; warn on a collapse."""
        t = self.cfg.train
        results = evaluate.evaluate_in_training(generators, self.cfg, None, step, self.names, t.quality_n, self.memo)
        value, higher = score_of(results)
        better = self.best is None or (value > self.best if higher else value < self.best)
        if better:
            self.best, self.best_step, self.collapsed = value, step, False
            save_generators(generators, {**meta, "step": step, "quality": value}, self.run_dir, BEST_WEIGHTS_FILE)
        collapse = not better and is_collapse(value, self.best, higher)
        if collapse and not self.collapsed:
            console.warn(
                f"step {step}: the quality signal {value:.3f} is far below its best {self.best:.3f} (step "
                f"{self.best_step}); the generator looks collapsed. {BEST_WEIGHTS_FILE} keeps step {self.best_step}"
            )
        self.collapsed = collapse
        row = {
            "step": step,
            "score": round(value, 6),
            "higher_is_better": higher,
            "best_step": self.best_step,
            "collapse": collapse,
            "n": t.quality_n,
            **{k: v for values in results.values() for k, v in values.items() if k != "n"},
        }
        with open(self.run_dir / QUALITY_FILE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        return row

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "best_step": self.best_step, "collapsed": self.collapsed}

    def load_state_dict(self, state: dict[str, Any], step: int) -> None:
        self.best, self.best_step = state.get("best"), state.get("best_step")
        self.collapsed = bool(state.get("collapsed", False))
        truncate_jsonl(self.run_dir / QUALITY_FILE, step)  # lines after the checkpoint are logged again

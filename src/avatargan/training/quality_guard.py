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
Each check appends a line to `quality.jsonl` (plotted by the report). A check whose score is within
`train.quality_tolerance` (5 %) of the best score so far writes `generator-best.safetensors` (+ .json) beside the
last weights: the best snapshot is the latest generator that is not clearly worse than the best one seen. Why not
the strict best: the built-in score reads the mix of faces, not their sharpness, and early blurry generators (steps
2,000–5,000 of 9,000) often score a hair above later ones. Over the 39 DCGAN demo-recipe runs stored in
benchmarks/results that were scored at their strict best and last weights, the strict best was an earlier step in
30, and in 26 of those its FID (n = 1,000) was worse than the last weights' (1.16× in the median, up to 2.1×) while
its coverage was within the score's noise (+0.018 in the median; one generator's score at n = 512 varies with the
noise seed by sd 0.006–0.007). Replayed on the 40 stored runs (6,500–12,000 steps) whose checks are stored, a 5 %
tolerance keeps a step within 1,000 of the last in 36 (the strict best: in 12); the other four keep steps
6,000–9,000, among them the one run whose coverage did fall at the end (augment_p 0.8: 0.146 lower at the last
step). A collapse (a 25 % fall) or a slow decline (0.80 → 0.745 over two checks) still stops the best snapshot
before it (`python benchmarks/best_snapshot_rule.py`; benchmarks/RESULTS.md, twenty-second and twenty-third
sessions).
A score far below the best — under 75 % of the best score, or a KID above twice the best plus 1 — is named in the
console once per episode, and the report names it too; on the built-in data only once the best has reached 0.3
(before that the generator has not learnt faces worth losing).
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


def within(value: float, best: float, higher_better: bool, tolerance: float) -> bool:
    """Whether `value` is at most `tolerance` (a share of `best`) worse than `best`."""
    return value >= best * (1 - tolerance) if higher_better else value <= best * (1 + tolerance)


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
        self.best: float | None = None  # the best score so far ...
        self.best_at: int | None = None  # ... and its step
        self.best_step: int | None = None  # the step of the snapshot kept (the latest within the tolerance)
        self.collapsed = False  # inside a collapse episode (warned once)
        self.memo: dict[str, Any] = {}  # the real side's features, computed once
        if "kid" in self.names:  # a missing Inception file stops the run now, not after the first minutes
            inception.find_weights()

    def check(self, generators: dict[str, nn.Module], step: int, meta: dict[str, Any]) -> dict[str, Any]:
        """Score `generators` now; keep them as the best snapshot when they beat it; warn on a collapse."""
        t = self.cfg.train
        results = evaluate.evaluate_in_training(generators, self.cfg, None, step, self.names, t.quality_n, self.memo)
        value, higher = score_of(results)
        if self.best is None or (value > self.best if higher else value < self.best):
            self.best, self.best_at = value, step
        keep = within(value, self.best, higher, t.quality_tolerance)
        if keep:
            self.best_step, self.collapsed = step, False
            save_generators(generators, {**meta, "step": step, "quality": value}, self.run_dir, BEST_WEIGHTS_FILE)
        collapse = not keep and is_collapse(value, self.best, higher)
        if collapse and not self.collapsed:
            console.warn(
                f"step {step}: the quality signal {value:.3f} is far below its best {self.best:.3f} (step "
                f"{self.best_at}); the generator looks collapsed. {BEST_WEIGHTS_FILE} keeps step {self.best_step}"
            )
        self.collapsed = collapse
        row = {
            "step": step,
            "score": round(value, 6),
            "higher_is_better": higher,
            "best_step": self.best_step,
            "best_score": round(self.best, 6),
            "best_score_step": self.best_at,
            "collapse": collapse,
            "n": t.quality_n,
            **{k: v for values in results.values() for k, v in values.items() if k != "n"},
        }
        with open(self.run_dir / QUALITY_FILE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        return row

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "best_at": self.best_at, "best_step": self.best_step, "collapsed": self.collapsed}

    def load_state_dict(self, state: dict[str, Any], step: int) -> None:
        self.best, self.best_step = state.get("best"), state.get("best_step")
        self.best_at = state.get("best_at", self.best_step)  # checkpoints from before the tolerance: the same step
        self.collapsed = bool(state.get("collapsed", False))
        truncate_jsonl(self.run_dir / QUALITY_FILE, step)  # lines after the checkpoint are logged again

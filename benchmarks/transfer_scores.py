"""Scores of a photo → anime run on the built-in benchmark's held-out pairs, for `transfer_recipes.py` and
`landmark_loss_ab.py`: the judge's transfer metrics, AnimeFace's detection rate and key point distances, the
landmark metric on prepared real faces, and the two reference rows (true anime faces, photo unchanged).

Every value comes from the project's own metric code (`metrics/evaluate.py`, `metrics/benchmark.py`,
`metrics/landmarks.py`), so these numbers are those `avatargan evaluate` and `avatargan benchmark` print.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from avatargan.config import RunConfig
from avatargan.metrics.catalog import JUDGE_METRICS
from avatargan.metrics.evaluate import evaluate_generators, first_images
from avatargan.weights import load_generators

#: the headline value of each judge metric (all are flat: metric name == value name)
JUDGE_VALUES = list(JUDGE_METRICS)
#: AnimeFace and regressor values of `metrics.landmarks.evaluate_landmarks` on held-out built-in photos
LANDMARK_VALUES = ["detection_rate", "nme_photo", "nme_truth", "reg_nme_photo", "reg_nme_truth"]
#: the same on the prepared real faces of --real-faces (no anime truth there), prefixed "real_"
REAL_VALUES = ["real_detection_rate", "real_nme_photo", "real_reg_nme_photo"]


def score_run(
    run_dir: Path, cfg: RunConfig, n: int, landmarks_n: int = 0, real_faces: str | None = None
) -> dict[str, float]:
    """The judge's transfer metrics on `n` held-out pairs; with `landmarks_n`, AnimeFace on that many held-out
    photos; with `real_faces` (a folder made by `avatargan prepare photos`), the landmark metric on those faces."""
    from avatargan.metrics.landmarks import evaluate_landmarks

    generators, meta = load_generators(run_dir, "cpu")
    results = evaluate_generators(generators, meta, cfg.data, JUDGE_VALUES, n)
    flat = {name: results[name][name] for name in JUDGE_VALUES if name in results}
    flat |= _kept_per_attribute(results)
    flat["judge_n"] = float(n)
    size = int(meta["image_size"])
    if landmarks_n:
        found = evaluate_landmarks(generators["a2b"], cfg.data, None, landmarks_n, size)
        flat |= {k: float(v) for k, v in found.items() if k in LANDMARK_VALUES}
        flat["landmarks_n"] = float(found["n"])
    if real_faces:
        found = evaluate_landmarks(generators["a2b"], cfg.data, real_faces, 10_000, size)
        flat |= {f"real_{k}": float(v) for k, v in found.items() if f"real_{k}" in REAL_VALUES}
        flat["real_n"] = float(found["n"])
    return flat


def reference_rows(cfg: RunConfig, n: int, landmarks_n: int = 0) -> list[dict[str, Any]]:
    """'true anime' and 'photo unchanged' scored on the same held-out pairs as every run of data config `cfg`."""
    from avatargan.metrics.benchmark import reference_entries

    args = SimpleNamespace(image_size=cfg.data.image_size, count=cfg.data.builtin_count, n=n)
    entries = reference_entries(args, JUDGE_VALUES)
    rows = [{"arm": "true anime", **_flat(entries[0].results)}, {"arm": "photo unchanged", **_flat(entries[1].results)}]
    if landmarks_n:
        anime, photos = _landmark_references(cfg, landmarks_n)
        rows[0] |= anime
        rows[1] |= photos
    return rows


def _flat(results: dict[str, dict[str, float]]) -> dict[str, float]:
    return {name: values[name] for name, values in results.items()} | _kept_per_attribute(results)


def _kept_per_attribute(results: dict[str, dict[str, float]]) -> dict[str, float]:
    """attr_preservation per attribute (kept_hair_color, ...): which attributes a transfer loses (own table)."""
    return {k: v for k, v in results.get("attr_preservation", {}).items() if k.startswith("kept_")}


def _landmark_references(cfg: RunConfig, n: int) -> tuple[dict[str, float], dict[str, float]]:
    """AnimeFace on the true anime faces and on the photos themselves (what detection rate 'looks anime' means)."""
    from avatargan.data.spec import open_test_domains
    from avatargan.metrics.landmarks import landmark_inputs, landmark_scores

    size = cfg.data.image_size
    photos, kp, truth = landmark_inputs(cfg.data, None, n, size)
    anime_source = open_test_domains(cfg.data, ("b",))["b"]
    anime = first_images(anime_source, size, len(photos))
    keep = ("detection_rate", "nme_photo", "nme_truth")
    return (
        {k: v for k, v in landmark_scores(anime, kp, truth).items() if k in keep},
        {k: v for k, v in landmark_scores(photos, kp, truth).items() if k in keep},
    )

"""Every metric's name and one-line meaning, without heavy imports (read by `--help`, the report and the registry).

The registered metric functions (`fid_kid.py`, `judge_metrics.py`) take their meaning from here, so the help text,
the report and the code cannot drift apart.
"""

from __future__ import annotations

METRIC_MEANINGS: dict[str, str] = {
    "fid": "Fréchet Inception distance to the real images (lower is better; 0 = same feature statistics)",
    "kid": "Kernel Inception distance ×100 ± std over subsets (lower is better; unbiased, fair for small sets)",
    "judge_fd": "Fréchet distance between generated and real faces in the judge's feature space (lower is better)",
    "attr_coverage": "1 − distance between generated and real attribute mix (hair/eye colour, face shape…); "
    "low = mode collapse",
    "valid_faces": "share of samples the judge accepts as a valid face (0..1; real built-in faces score ≈ 1)",
    "keypoint_error": "mean distance of the judge's key points on G(photo) from those on the true anime face, "
    "% of image side (built-in pairs; 0 = geometry kept)",
    "attr_preservation": "share of the person's attributes (does red hair stay red?) the judge reads in G(photo) "
    "(built-in pairs; 1 = all kept)",
    "movement": "mean absolute pixel change from the photo to G(photo), 0..1 (≈ 0: an identity map that did nothing)",
}
#: what `avatargan evaluate` computes by default, and the judge's metrics (the built-in benchmark)
DEFAULT_METRICS = ("fid", "kid")
JUDGE_METRICS = ("judge_fd", "attr_coverage", "valid_faces", "keypoint_error", "attr_preservation", "movement")


def help_text() -> str:
    return "\n".join(f"  {name:<18} {meaning}" for name, meaning in METRIC_MEANINGS.items())

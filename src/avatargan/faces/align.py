"""Align a detected face (eyes level), crop it with a margin and resize, in one resampling step.

The crop is a similarity transform of the source: rotate about the eye centre so the eyes are level, centre on the
face (the box and every detected point, rotated), take a square `margin` wider than the face on each side, scale
to `size`. Every point and box of the face is mapped with the same transform, so `landmarks.jsonl` is in crop pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from avatargan.faces.detectors import Face


@dataclass
class AlignedFace:
    image: Image.Image
    face: Face  # the same face, in crop coordinates
    matrix: np.ndarray  # 2×3 affine: crop = matrix @ [x, y, 1] of the source


def _corners(b: list[float] | tuple[float, ...]) -> np.ndarray:
    x0, y0, x1, y1 = b
    return np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], dtype=np.float64)


def _apply(matrix: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return pts @ matrix[:, :2].T + matrix[:, 2]


def _box_of(pts: np.ndarray) -> list[float]:
    return [float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())]


def alignment_matrix(face: Face, size: int, margin: float) -> np.ndarray:
    """2×3 affine map from source pixels to crop pixels (see the module docstring)."""
    left, right = face.keypoints[0], face.keypoints[1]
    theta = math.atan2(right[1] - left[1], right[0] - left[0])
    cos, sin = math.cos(-theta), math.sin(-theta)
    rot = np.array([[cos, -sin], [sin, cos]])
    centre = 0.5 * (left + right)
    pts = [_corners(face.box), face.keypoints] + ([face.points] if face.points is not None else [])
    q = (np.concatenate(pts) - centre) @ rot.T  # rotated frame, origin at the eye centre
    lo, hi = q.min(0), q.max(0)
    mid = 0.5 * (lo + hi)
    side = float((hi - lo).max()) * (1.0 + 2.0 * margin)
    scale = size / max(side, 1e-6)
    a = scale * rot
    t = -a @ centre - scale * mid + size / 2.0
    return np.concatenate([a, t[:, None]], axis=1)


def align_face(img: Image.Image, face: Face, size: int, margin: float = 0.3) -> AlignedFace:
    """The aligned size×size crop of `face` from `img` and the face mapped into it."""
    m = alignment_matrix(face, size, margin)
    inv = np.linalg.inv(np.vstack([m, [0.0, 0.0, 1.0]]))[:2]  # PIL asks, for each output pixel, where to read
    crop = img.convert("RGB").transform(
        (size, size), Image.Transform.AFFINE, tuple(inv.reshape(-1)), resample=Image.Resampling.BICUBIC
    )
    moved = Face(
        box=tuple(_box_of(_apply(m, _corners(face.box)))),
        keypoints=_apply(m, face.keypoints),
        score=face.score,
        points=None if face.points is None else _apply(m, face.points),
        parts={k: _box_of(_apply(m, _corners(v))) for k, v in face.parts.items()},
    )
    return AlignedFace(crop, moved, m)

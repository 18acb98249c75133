"""Face detectors with their weights inside registry packages (no download at run time), one interface.

* photos: dlib's HOG frontal face detector + the 68-point shape predictor of `face-recognition-models`;
* anime: AnimeFace (`animeface`), which finds the face box, both eyes, nose, mouth and chin.

Each returns `Face`s whose `keypoints` are the six canonical points of `KEYPOINT_NAMES` (image-left first), so
photos, anime images and the built-in faces can be compared point for point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from PIL import Image

from avatargan.faces import extra

# dlib's 68-point indices (iBUG 300-W): 36-41 the image-left eye, 42-47 the image-right eye, 30 nose tip,
# 48/54 mouth corners, 8 chin.
_LEFT_EYE, _RIGHT_EYE, _NOSE, _MOUTH_L, _MOUTH_R, _CHIN = range(36, 42), range(42, 48), 30, 48, 54, 8


@dataclass
class Face:
    """One detected face, in the coordinates of the image it was found in (pixel centres at i + 0.5)."""

    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    keypoints: np.ndarray  # 6×2, rows in KEYPOINT_NAMES order
    score: float = 1.0
    points: np.ndarray | None = None  # every point the detector gives (68×2 for dlib), or None
    parts: dict[str, list[float]] = field(default_factory=dict)  # anime: eye and mouth boxes (x0, y0, x1, y1)

    @property
    def area(self) -> float:
        return (self.box[2] - self.box[0]) * (self.box[3] - self.box[1])


class Detector(Protocol):
    kind: str

    def detect(self, img: Image.Image) -> list[Face]: ...


def keypoints_from_68(points: np.ndarray) -> np.ndarray:
    """The six canonical key points from dlib's 68 (eye centres are the mean of each eye's six points)."""
    p = np.asarray(points, dtype=np.float64)
    return np.stack(
        [p[list(_LEFT_EYE)].mean(0), p[list(_RIGHT_EYE)].mean(0), p[_NOSE], p[_MOUTH_L], p[_MOUTH_R], p[_CHIN]]
    )


class PhotoDetector:
    """dlib HOG detector + 68 landmarks. `upsample` > 0 finds smaller faces (slower)."""

    kind = "photo"

    def __init__(self, upsample: int = 1) -> None:
        extra.require("dlib", "detecting faces in photos")
        import dlib

        self.upsample = upsample
        self._detector = dlib.get_frontal_face_detector()
        self._predictor = dlib.shape_predictor(str(extra.shape_predictor_path()))

    def detect(self, img: Image.Image) -> list[Face]:
        import dlib

        rgb = np.ascontiguousarray(np.asarray(img.convert("RGB"), dtype=np.uint8))
        rects, scores, _ = self._detector.run(rgb, self.upsample, 0.0)
        faces = []
        for rect, score in zip(rects, scores, strict=True):
            shape = self._predictor(rgb, dlib.rectangle(rect.left(), rect.top(), rect.right(), rect.bottom()))
            pts = np.array([[shape.part(i).x + 0.5, shape.part(i).y + 0.5] for i in range(68)], dtype=np.float64)
            box = (float(rect.left()), float(rect.top()), float(rect.right() + 1), float(rect.bottom() + 1))
            faces.append(Face(box, keypoints_from_68(pts), float(score), pts))
        return sorted(faces, key=lambda f: -f.area)


def _box(b: tuple[int, int, int, int]) -> list[float]:
    x, y, w, h = b
    return [float(x), float(y), float(x + w), float(y + h)]


def anime_face_from_raw(r: dict) -> Face:
    """A Face from one AnimeFace result; eyes are assigned by position (image-left first), not by its names."""
    eyes = sorted((_box(r["left_eye_box"]), _box(r["right_eye_box"])), key=lambda b: b[0] + b[2])
    mouth = _box(r["mouth_box"])
    mouth_y = 0.5 * (mouth[1] + mouth[3])
    kp = np.array(
        [
            [0.5 * (eyes[0][0] + eyes[0][2]), 0.5 * (eyes[0][1] + eyes[0][3])],
            [0.5 * (eyes[1][0] + eyes[1][2]), 0.5 * (eyes[1][1] + eyes[1][3])],
            [r["nose_point"][0] + 0.5, r["nose_point"][1] + 0.5],
            [mouth[0], mouth_y],
            [mouth[2], mouth_y],
            [r["chin_point"][0] + 0.5, r["chin_point"][1] + 0.5],
        ],
        dtype=np.float64,
    )
    parts = {"left_eye_box": eyes[0], "right_eye_box": eyes[1], "mouth_box": mouth}
    return Face(tuple(_box(r["face_box"])), kp, float(r["likelihood"]), None, parts)


class AnimeDetector:
    """AnimeFace (nvxs), called through `animeface_compat` so that it works on any Pillow version."""

    kind = "anime"

    def __init__(self, min_likelihood: float = 0.5) -> None:
        extra.require("animeface", "detecting anime faces")
        self.min_likelihood = min_likelihood

    def detect(self, img: Image.Image) -> list[Face]:
        from avatargan.faces.animeface_compat import detect_raw

        faces = [anime_face_from_raw(r) for r in detect_raw(img)]
        return sorted((f for f in faces if f.score >= self.min_likelihood), key=lambda f: -f.area)


DETECTORS = {"photos": PhotoDetector, "anime": AnimeDetector}
DETECT_MAX_SIDE = 1024  # detect on a copy no larger than this (dlib's time grows with pixels); crop from the original


def _scaled(face: Face, s: float) -> Face:
    return Face(
        tuple(v / s for v in face.box),
        face.keypoints / s,
        face.score,
        None if face.points is None else face.points / s,
        {k: [v / s for v in b] for k, b in face.parts.items()},
    )


def detect_faces(detector: Detector, img: Image.Image, max_side: int = DETECT_MAX_SIDE) -> list[Face]:
    """`detector`'s faces in `img`, found on a copy shrunk to at most `max_side` pixels and mapped back to `img`'s
    pixels (largest first)."""
    s = min(1.0, max_side / max(img.size))
    small = img if s == 1.0 else img.resize((round(img.width * s), round(img.height * s)), Image.Resampling.LANCZOS)
    return [_scaled(f, s) for f in detector.detect(small)]


def make_detector(kind: str) -> Detector:
    """`photos` or `anime`; a UserError naming the extra when its package is missing."""
    return DETECTORS[kind]()

"""A photo in, an avatar out: find every face, convert its aligned crop, paste the result back into the photo.

The faces are found and aligned as `avatargan prepare` does (`faces.detectors.detect_faces`, `faces.align`: eyes
level, a margin around the face, the model's size), so the generator sees crops like those it was trained on; the
converted crops go back through `faces.paste` with a feathered mask. A photo without a face is converted whole at
its own size (`any_size`) unless the caller skips it. The CLI (`transfer --faces`), the Python API
(`model.transfer(image, faces=True)`), the web demo and video frames all call `convert_photo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import torch
from PIL import Image, ImageDraw

from avatargan.any_size import Convert, convert_image
from avatargan.faces.align import align_face
from avatargan.faces.detectors import Detector, Face, detect_faces, make_detector
from avatargan.faces.paste import FEATHER, paste_face
from avatargan.models.spec import PHOTO_TO_ANIME
from avatargan.photo_options import MARGIN, MIN_SCORE, TILE
from avatargan.pixels import from_uint8
from avatargan.report.figures import to_uint8


@dataclass
class ConvertedFace:
    face: Face  # as detected, in photo pixels
    crop: Image.Image  # the aligned crop the generator saw
    avatar: Image.Image  # what it made of it
    matrix: np.ndarray  # 2×3 affine: crop pixels = matrix @ (x, y, 1) of the photo


@dataclass
class PhotoResult:
    image: Image.Image | None  # faces pasted back, or the photo converted whole; None when not asked for
    faces: list[ConvertedFace] = field(default_factory=list)
    mask: np.ndarray | None = None  # H×W in [0, 1]: how much of each pixel came from a converted face


@cache
def detector_for(direction: str) -> Detector:
    """Photos are domain A and anime domain B in every two-domain layout: a2b looks for photo faces (dlib), b2a
    for anime faces (AnimeFace). Made once per process (loading dlib's predictor takes a moment)."""
    return make_detector("photos" if direction == PHOTO_TO_ANIME else "anime")


def convert_faces(
    img: Image.Image, faces: list[Face], run: Convert, size: int, margin: float = MARGIN
) -> list[ConvertedFace]:
    """Each face of `img` aligned to size×size and converted (all in one batch)."""
    if not faces:
        return []
    aligned = [align_face(img, f, size, margin) for f in faces]
    batch = from_uint8(torch.from_numpy(np.stack([np.asarray(a.image) for a in aligned])).permute(0, 3, 1, 2))
    avatars = [Image.fromarray(a) for a in to_uint8(run(batch))]
    return [ConvertedFace(f, a.image, av, a.matrix) for f, a, av in zip(faces, aligned, avatars, strict=True)]


def paste_all(img: Image.Image, converted: list[ConvertedFace], feather: float = FEATHER) -> PhotoResult:
    """`img` with every converted face blended back in (largest first, so a smaller face on top stays whole)."""
    out = np.asarray(img.convert("RGB"), dtype=np.uint8)
    union = np.zeros(out.shape[:2], dtype=np.float32)
    for c in converted:
        out, mask = paste_face(out, c.avatar, c.matrix, feather)
        union = np.maximum(union, mask)
    return PhotoResult(Image.fromarray(out), converted, union)


def convert_photo(
    img: Image.Image,
    run: Convert,
    detector: Detector,
    size: int,
    step: int,
    paste: bool = True,
    whole_without_face: bool = True,
    margin: float = MARGIN,
    tile: int = TILE,
    min_score: float = MIN_SCORE,
) -> PhotoResult:
    """Faces (scored at least `min_score`) converted and pasted back (`paste`), or only converted; with no face,
    the whole photo converted at its own size (`whole_without_face`) or nothing (`image` None, `faces` empty)."""
    img = img.convert("RGB")
    faces = [f for f in detect_faces(detector, img) if f.score >= min_score]
    converted = convert_faces(img, faces, run, size, margin)
    if not converted:
        return PhotoResult(convert_image(run, img, step, tile) if whole_without_face else None)
    return paste_all(img, converted) if paste else PhotoResult(None, converted)


def outline_faces(img: Image.Image, faces: list[Face], width: int = 0) -> Image.Image:
    """A copy of `img` with each face's box and key points drawn (what the web demo and the README figure show)."""
    out = img.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    width = width or max(2, round(max(img.size) / 250))
    for f in faces:
        draw.rectangle(f.box, outline=(255, 64, 64), width=width)
        for x, y in f.keypoints:
            draw.ellipse((x - width, y - width, x + width, y + width), fill=(64, 255, 64))
    return out

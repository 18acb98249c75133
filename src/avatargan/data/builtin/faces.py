"""Public entry point of the built-in procedural face domains (`builtin:anime-faces`, `builtin:photo-faces`).

A face is a pure function of (index, seed, style, size): no data set to download, and the same (index, seed) is
the same person in both styles, which gives ground-truth pairs for evaluating photo -> anime transfer.
"""

from __future__ import annotations

from PIL import Image

from avatargan.data.builtin.anime_style import render_anime
from avatargan.data.builtin.face_params import attribute_names, attributes, sample_face_params
from avatargan.data.builtin.keypoints import STYLES, check_style, face_keypoints
from avatargan.data.builtin.photo_style import render_photo

__all__ = ["RENDERER_VERSION", "STYLES", "face_record", "render_face"]

# Part of the built-in sources' cache fingerprint: bump it whenever a change alters rendered pixels.
RENDERER_VERSION = "1"
MIN_SIZE = 8
_RENDERERS = {"anime": render_anime, "photo": render_photo}
assert tuple(_RENDERERS) == STYLES


def _check(style: str, size: int) -> None:
    check_style(style)
    if int(size) < MIN_SIZE:
        raise ValueError(f"face size must be at least {MIN_SIZE} pixels, got {size}")


def render_face(index: int, seed: int, style: str, size: int) -> Image.Image:
    """Face `index` of population `seed`, drawn in `style` ("anime" or "photo") as a `size` x `size` RGB image."""
    _check(style, size)
    return _RENDERERS[style](sample_face_params(index, seed), int(size))


def face_record(index: int, seed: int, style: str, size: int) -> dict:
    """JSON-serialisable description of a face: its parameters, evaluation attributes and pixel key points."""
    _check(style, size)
    params = sample_face_params(index, seed)
    return {
        "index": int(index),
        "seed": int(seed),
        "style": style,
        "size": int(size),
        "params": params.to_dict(),
        "attributes": attributes(params),
        "attribute_names": attribute_names(params),
        "keypoints": {k: [x, y] for k, (x, y) in face_keypoints(params, style, int(size)).items()},
    }

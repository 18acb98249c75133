"""Paste a converted face crop back into the photo it was cut from, blended in with a feathered mask.

The crop came from `align.align_face`, a similarity transform of the photo (`matrix`: photo → crop pixels). The
converted crop is warped back with the same matrix read the other way (each photo pixel asks where it lies in the
crop), together with a mask drawn in crop coordinates: 1 inside, a smooth ramp over the outer `feather` fraction of
the crop, 0 at its edge. The mask turns and scales with the face, the crop's square edge never shows, and every
photo pixel the mask does not reach keeps its value exactly.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

FEATHER = 0.15  # fraction of the crop's side over which the pasted face fades into the photo


def feather_mask(size: int, feather: float = FEATHER) -> np.ndarray:
    """size×size float32 weights: 1 in the middle, a smoothstep ramp to 0 over the outer `feather` of each side."""
    centres = np.arange(size, dtype=np.float64) + 0.5
    edge = np.minimum(centres, size - centres)  # distance of each pixel centre to the nearer crop edge
    r = np.clip(edge / max(feather * size, 1e-6), 0.0, 1.0)
    ramp = r * r * (3.0 - 2.0 * r)
    return np.outer(ramp, ramp).astype(np.float32)


def pasted_region(matrix: np.ndarray, size: int, photo_size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The photo pixels (x0, y0, x1, y1) the size×size crop covers once warped back; None if it lies outside."""
    inv = np.linalg.inv(np.vstack([matrix, [0.0, 0.0, 1.0]]))[:2]
    corners = np.array([[0, 0], [size, 0], [0, size], [size, size]], dtype=np.float64) @ inv[:, :2].T + inv[:, 2]
    x0, y0 = (max(0, math.floor(v)) for v in corners.min(0))
    x1, y1 = min(photo_size[0], math.ceil(corners[:, 0].max())), min(photo_size[1], math.ceil(corners[:, 1].max()))
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def paste_face(
    photo: np.ndarray, converted: Image.Image, matrix: np.ndarray, feather: float = FEATHER
) -> tuple[np.ndarray, np.ndarray]:
    """(the H×W×3 uint8 `photo` with `converted` blended in, the H×W float32 mask used); `photo` is not changed."""
    size = converted.width
    out = photo.copy()
    mask = np.zeros(photo.shape[:2], dtype=np.float32)
    region = pasted_region(matrix, size, (photo.shape[1], photo.shape[0]))
    if region is None:
        return out, mask
    x0, y0, x1, y1 = region
    # PIL reads output pixel (x, y) of the region from crop position matrix @ (x + x0, y + y0, 1)
    shift = matrix[:, :2] @ np.array([x0, y0], dtype=np.float64) + matrix[:, 2]
    coeffs = (matrix[0, 0], matrix[0, 1], shift[0], matrix[1, 0], matrix[1, 1], shift[1])
    box = (x1 - x0, y1 - y0)
    face = converted.convert("RGB").transform(box, Image.Transform.AFFINE, coeffs, resample=Image.Resampling.BICUBIC)
    weight = Image.fromarray(feather_mask(size, feather), mode="F").transform(
        box, Image.Transform.AFFINE, coeffs, resample=Image.Resampling.BILINEAR
    )
    m = np.clip(np.asarray(weight, dtype=np.float32), 0.0, 1.0)
    inside = m > 0  # only these pixels change; the rest of the photo is copied bit for bit
    under = out[y0:y1, x0:x1]
    blended = under.astype(np.float32) * (1.0 - m[..., None]) + np.asarray(face, dtype=np.float32) * m[..., None]
    under[inside] = np.clip(np.rint(blended[inside]), 0, 255).astype(np.uint8)
    mask[y0:y1, x0:x1] = m
    return out, mask

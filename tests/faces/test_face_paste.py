"""Pasting a converted crop back: the feathered mask, the inverse warp, and a photo left bit for bit unchanged
wherever the mask does not reach."""

from __future__ import annotations

import numpy as np
from PIL import Image

from avatargan.faces.align import align_face
from avatargan.faces.detectors import Face
from avatargan.faces.paste import feather_mask, paste_face, pasted_region


def _tilted_face() -> Face:
    """A face whose eyes are 20° off level, so alignment rotates it (keypoints: eyes, nose, mouth corners, chin)."""
    t = np.deg2rad(20)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    kp = np.array([[-15, -10], [15, -10], [0, 5], [-10, 15], [10, 15], [0, 30]], dtype=np.float64) @ rot.T + [80, 60]
    return Face((55.0, 35.0, 105.0, 95.0), kp)


def _photo(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (120, 160, 3), dtype=np.uint8)


def test_feather_mask_is_one_inside_and_fades_to_zero_at_the_edge() -> None:
    m = feather_mask(64, feather=0.25)
    assert m.shape == (64, 64) and m.dtype == np.float32
    assert np.all(m[16:48, 16:48] == 1.0)
    assert m[0, 32] < 0.01 and m[32, 0] < 0.01 and m[0, 0] < m[0, 32]
    assert np.all(np.diff(m[32, :32]) >= 0) and np.allclose(m, m[::-1, ::-1]) and np.allclose(m, m.T)


def test_pasting_changes_only_the_pixels_under_the_mask() -> None:
    photo = _photo()
    aligned = align_face(Image.fromarray(photo), _tilted_face(), size=32)
    red = Image.new("RGB", (32, 32), (255, 0, 0))
    out, mask = paste_face(photo, red, aligned.matrix)
    outside = mask == 0
    assert outside.any() and (~outside).any()
    assert np.array_equal(out[outside], photo[outside])  # bit for bit
    full = mask == 1
    assert full.sum() > 100 and np.all(np.abs(out[full].astype(int) - [255, 0, 0]) <= 1)
    x0, y0, x1, y1 = pasted_region(aligned.matrix, 32, (160, 120))
    assert not mask[:y0].any() and not mask[y1:].any() and not mask[:, :x0].any() and not mask[:, x1:].any()
    assert np.array_equal(photo, _photo())  # the input array is not modified


def test_an_unconverted_crop_pasted_back_restores_the_photo() -> None:
    """Warping the crop back is the inverse of aligning it: pasting the crop itself gives the photo again, up to
    two resamplings (the photo is smooth here so they cost little)."""
    yy, xx = np.mgrid[0:120, 0:160]
    photo = np.stack([xx * 1.5, yy * 2.0, (xx + yy) * 0.9], -1).clip(0, 255).astype(np.uint8)
    aligned = align_face(Image.fromarray(photo), _tilted_face(), size=96)
    out, mask = paste_face(photo, aligned.image, aligned.matrix)
    inner = mask == 1
    assert inner.sum() > 500
    assert np.abs(out[inner].astype(int) - photo[inner]).mean() < 1.5


def test_a_crop_that_lands_outside_the_photo_changes_nothing() -> None:
    photo = _photo(1)
    shifted = np.array([[1.0, 0.0, 500.0], [0.0, 1.0, 500.0]])  # photo pixel (x, y) → crop (x + 500, y + 500)
    assert pasted_region(shifted, 32, (160, 120)) is None
    out, mask = paste_face(photo, Image.new("RGB", (32, 32)), shifted)
    assert np.array_equal(out, photo) and not mask.any()

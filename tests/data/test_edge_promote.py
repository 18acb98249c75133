"""Edge promoting: only pixels near edges change, the band scales with the image size, and the dataset cache is
reused or rebuilt as it should be."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from avatargan.data import edge_promote as edge_promote_mod
from avatargan.data.edge_promote import edge_promote, edge_promote_dataset, scaled_kernels

REFERENCE = {"dilate_kernel": 5, "blur_kernel": 5}  # the original's settings for 256-px images


def _square(size: int = 64, margin: int = 24) -> np.ndarray:
    img = np.full((size, size, 3), (200, 180, 160), np.uint8)
    img[margin : size - margin, margin : size - margin] = (30, 60, 90)  # flat square on a flat background
    return img


def _face(size: int) -> np.ndarray:
    """A synthetic cartoon face whose shapes scale with `size`: the same picture at any resolution."""
    img = np.full((size, size, 3), (235, 220, 200), np.uint8)

    def px(v: float) -> int:
        return int(round(v * size / 256))

    cv2.ellipse(img, (px(128), px(140)), (px(80), px(95)), 0, 0, 360, (250, 205, 180), -1, cv2.LINE_AA)
    cv2.rectangle(img, (px(40), px(20)), (px(216), px(70)), (60, 40, 120), -1, cv2.LINE_AA)  # fringe
    for x in (95, 161):
        cv2.circle(img, (px(x), px(130)), px(14), (30, 90, 30), -1, cv2.LINE_AA)  # eyes
    cv2.line(img, (px(100), px(190)), (px(156), px(190)), (150, 30, 40), max(1, px(6)), cv2.LINE_AA)  # mouth
    return img


def _blurred_share(img: np.ndarray, **kernels: int) -> float:
    return float(np.any(edge_promote(img, **kernels) != img, axis=2).mean())


def test_blurred_band_covers_the_same_share_at_64_and_256_px():
    small, large = _blurred_share(_face(64)), _blurred_share(_face(256))
    assert 0.04 < large < 0.1  # the band is a thin share of the face, not nothing and not all of it
    assert 0.75 < small / large < 1.33
    # the fixed reference kernels at 64 px blur several times the share they blur at 256 px (what the scaling fixes)
    assert _blurred_share(_face(64), **REFERENCE) / large > 3


def test_256_px_uses_the_reference_settings_and_kernels_stay_odd():
    assert scaled_kernels(256) == (5, 5)
    img = _face(256)
    assert np.array_equal(edge_promote(img), edge_promote(img, **REFERENCE))
    assert scaled_kernels(128) == (3, 3) and scaled_kernels(64) == (1, 3) and scaled_kernels(512) == (11, 11)
    for size in range(8, 1025, 8):
        dilate, blur = scaled_kernels(size)
        assert dilate % 2 == blur % 2 == 1 and dilate >= 1 and blur >= 3  # a 1×1 blur would change nothing


def test_explicit_kernels_override_the_scaling():
    img = _face(64)
    assert not np.array_equal(edge_promote(img, **REFERENCE), edge_promote(img))
    assert np.array_equal(edge_promote(img, dilate_kernel=1, blur_kernel=3), edge_promote(img))


def test_only_pixels_near_edges_change():
    img = _square()
    out = edge_promote(img, **REFERENCE)
    assert out.shape == img.shape and out.dtype == np.uint8
    changed = np.any(out != img, axis=2)
    # Far from the square's border (> dilate radius 2 + blur radius 2 away) nothing changes, bit for bit.
    far = np.ones(changed.shape, bool)
    far[24 - 6 : 40 + 6, 24 - 6 : 40 + 6] = False
    far[24 + 6 : 40 - 6, 24 + 6 : 40 - 6] = True
    assert not changed[far].any()
    # Across the border the step is blurred: values strictly between the two flat colours appear.
    row = out[32, 18:30, 0].astype(int)
    assert changed[32, 22:26].all()
    assert ((row > 30) & (row < 200)).sum() >= 2


def test_flat_image_is_unchanged():
    img = np.full((32, 32, 3), 123, np.uint8)
    assert np.array_equal(edge_promote(img), img)


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        edge_promote(np.zeros((8, 8), np.uint8))
    with pytest.raises(ValueError):
        edge_promote(np.zeros((8, 8, 3), np.float32))
    with pytest.raises(ValueError):
        edge_promote(np.zeros((8, 8, 3), np.uint8), blur_kernel=4)


def test_dataset_cache_reused_and_rebuilt(tmp_path):
    images = [_square(32, margin=8 + i) for i in range(3)]
    calls = []

    def get(i: int) -> np.ndarray:
        calls.append(i)
        return images[i]

    cache = tmp_path / "cache" / "edges.npy"
    e = edge_promote_dataset(get, 3, 32, cache, "fp-1")
    assert calls == [0, 1, 2] and e.shape == (3, 32, 32, 3) and e.dtype == np.uint8
    assert np.array_equal(e[1], edge_promote(images[1]))
    meta = json.loads(cache.with_name("edges.npy.json").read_text())
    assert meta["count"] == 3 and meta["size"] == 32 and meta["fingerprint"] == "fp-1"
    assert (meta["params"]["dilate_kernel"], meta["params"]["blur_kernel"]) == scaled_kernels(32)  # the sides used
    mtime = cache.stat().st_mtime_ns

    # Same fingerprint, count, size and parameters: the cache is reused, nothing is recomputed.
    e2 = edge_promote_dataset(get, 3, 32, cache, "fp-1")
    assert calls == [0, 1, 2] and cache.stat().st_mtime_ns == mtime and np.array_equal(e2, e)

    # A different fingerprint (or parameters) rebuilds it.
    edge_promote_dataset(get, 3, 32, cache, "fp-2")
    assert calls == [0, 1, 2] * 2
    edge_promote_dataset(iter(images), 3, 32, cache, "fp-2", blur_kernel=3)  # an iterable works too
    assert json.loads(cache.with_name("edges.npy.json").read_text())["params"]["blur_kernel"] == 3
    assert sorted(p.name for p in cache.parent.iterdir()) == ["edges.npy", "edges.npy.json"]  # no temp files left


def test_cache_of_an_older_format_is_rebuilt(tmp_path, monkeypatch):
    images = [_square(32, margin=8)] * 2
    cache = tmp_path / "edges.npy"
    monkeypatch.setattr(edge_promote_mod, "CACHE_FORMAT", edge_promote_mod.CACHE_FORMAT - 1)
    edge_promote_dataset(images, 2, 32, cache, "fp")  # a cache written by the previous version
    monkeypatch.undo()
    calls = []
    edge_promote_dataset(lambda i: calls.append(i) or images[i], 2, 32, cache, "fp")
    assert calls == [0, 1]
    assert json.loads(cache.with_name("edges.npy.json").read_text())["format"] == edge_promote_mod.CACHE_FORMAT


def test_dataset_rejects_wrong_size_and_leaves_no_cache(tmp_path):
    cache = tmp_path / "edges.npy"
    with pytest.raises(ValueError, match="image 0"):
        edge_promote_dataset(lambda i: np.zeros((16, 16, 3), np.uint8), 2, 32, cache, "fp")
    with pytest.raises(ValueError, match="expected count=3"):
        edge_promote_dataset([_square(32)] * 2, 3, 32, cache, "fp")
    assert list(tmp_path.iterdir()) == []

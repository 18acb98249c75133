"""Edge promoting: only pixels near edges change, and the dataset cache is reused or rebuilt as it should be."""

from __future__ import annotations

import json

import numpy as np
import pytest

from avatargan.data.edge_promote import edge_promote, edge_promote_dataset


def _square(size: int = 64, margin: int = 24) -> np.ndarray:
    img = np.full((size, size, 3), (200, 180, 160), np.uint8)
    img[margin : size - margin, margin : size - margin] = (30, 60, 90)  # flat square on a flat background
    return img


def test_only_pixels_near_edges_change():
    img = _square()
    out = edge_promote(img)
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


def test_dataset_rejects_wrong_size_and_leaves_no_cache(tmp_path):
    cache = tmp_path / "edges.npy"
    with pytest.raises(ValueError, match="image 0"):
        edge_promote_dataset(lambda i: np.zeros((16, 16, 3), np.uint8), 2, 32, cache, "fp")
    with pytest.raises(ValueError, match="expected count=3"):
        edge_promote_dataset([_square(32)] * 2, 3, 32, cache, "fp")
    assert list(tmp_path.iterdir()) == []

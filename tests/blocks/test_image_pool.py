"""The fake-image pool: fills up first, then swaps with probability 1/2, and resumes exactly from its state."""

from __future__ import annotations

import torch

from avatargan.blocks.image_pool import ImagePool


def _images(n: int, start: int = 0) -> torch.Tensor:
    """Images whose every pixel holds their own id, so returned images can be told apart."""
    return torch.arange(start, start + n, dtype=torch.float32)[:, None, None, None].expand(n, 3, 2, 2).clone()


def _ids(images: torch.Tensor) -> list[int]:
    return [int(x) for x in images[:, 0, 0, 0]]


def test_pool_returns_new_images_until_full() -> None:
    pool = ImagePool(size=5)
    assert _ids(pool.query(_images(3))) == [0, 1, 2]
    assert _ids(pool.query(_images(2, 3))) == [3, 4]
    assert len(pool) == 5


def test_full_pool_swaps_about_half_of_the_images() -> None:
    pool = ImagePool(size=4, seed=0)
    pool.query(_images(4))  # ids 0..3 stored
    returned, swapped = [], 0
    for step in range(200):
        new = _images(1, 100 + step)
        before = set(_ids(pool.images))
        out = _ids(pool.query(new))[0]
        after = set(_ids(pool.images))
        if out == 100 + step:  # passed through: the pool is unchanged
            assert after == before
        else:  # an old image came back and the new one took its place
            assert out in before and out not in after and 100 + step in after
            swapped += 1
        returned.append(out)
    assert 70 < swapped < 130  # the rule's probability is 1/2
    assert len(pool) == 4


def test_size_zero_passes_images_through() -> None:
    pool = ImagePool(size=0)
    images = _images(3)
    assert pool.query(images) is images and len(pool) == 0


def test_state_round_trip_continues_identically() -> None:
    a = ImagePool(size=3, seed=7)
    a.query(_images(5))
    b = ImagePool(size=3, seed=99)
    b.load_state_dict(a.state_dict())
    assert all(isinstance(v, torch.Tensor) for v in a.state_dict().values())  # checkpoints hold tensors only
    for step in range(10):
        assert torch.equal(a.query(_images(2, 10 + 2 * step)), b.query(_images(2, 10 + 2 * step)))
    empty = ImagePool(size=3)
    restored = ImagePool(size=3)
    restored.load_state_dict(empty.state_dict())
    assert len(restored) == 0

"""The batch stream: deterministic per (seed, epoch), resumable mid-epoch, unpaired across domains."""

from __future__ import annotations

import pytest
from conftest import Numbers

from avatargan.data.batches import BatchStream


def _ids(batches) -> list[list[int]]:
    return [b["image"][:, 0, 0, 0].tolist() for b in batches]


def test_epochs_are_deterministic_permutations() -> None:
    s = BatchStream({"image": Numbers(20)}, batch_size=4, seed=1)
    e0 = _ids(s.epoch(0))
    assert s.steps_per_epoch == 5 and sorted(sum(e0, [])) == list(range(20))
    assert e0 == _ids(BatchStream({"image": Numbers(20)}, 4, 1).epoch(0))
    assert e0 != _ids(s.epoch(1)) and e0 != _ids(BatchStream({"image": Numbers(20)}, 4, 2).epoch(0))


def test_resuming_mid_epoch_gives_the_remaining_batches() -> None:
    s = BatchStream({"image": Numbers(20)}, batch_size=4, seed=1)
    assert _ids(s.epoch(3, start_batch=2)) == _ids(s.epoch(3))[2:]


def test_workers_give_the_same_batches() -> None:
    a = _ids(BatchStream({"image": Numbers(16)}, 4, 0).epoch(0))
    b = _ids(BatchStream({"image": Numbers(16)}, 4, 0, workers=1).epoch(0))
    assert a == b


def test_unpaired_domains_of_different_sizes() -> None:
    s = BatchStream({"a": Numbers(6), "b": Numbers(12)}, batch_size=3, seed=0)
    batches = list(s.epoch(0))
    assert s.steps_per_epoch == 4 and all(set(b) == {"a", "b"} for b in batches)
    a_ids = [i for b in batches for i in b["a"][:, 0, 0, 0].tolist()]
    assert sorted(a_ids) == sorted(list(range(6)) * 2)  # the smaller domain is reshuffled to fill the epoch


def test_ranks_take_disjoint_slices() -> None:
    r0 = _ids(BatchStream({"image": Numbers(16)}, 2, 0, rank=0, world_size=2).epoch(0))
    r1 = _ids(BatchStream({"image": Numbers(16)}, 2, 0, rank=1, world_size=2).epoch(0))
    assert sorted(sum(r0, []) + sum(r1, [])) == list(range(16))


def test_too_few_images_for_a_batch() -> None:
    with pytest.raises(ValueError, match="fewer than one batch"):
        BatchStream({"image": Numbers(3)}, batch_size=4, seed=0)

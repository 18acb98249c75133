"""The on-disk image cache: a cache cut short after it was built is noticed and rebuilt, with a message."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from avatargan.data.cache import cached_images
from avatargan.data.sources import BuiltinFaces


def test_a_truncated_cache_is_rebuilt(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = BuiltinFaces("anime", 8, 0)
    path = cached_images(source, 16, str(tmp_path), processes=1)
    original = np.load(path).copy()
    os.truncate(path, path.stat().st_size - 100)  # e.g. a copy that ran out of disk
    capsys.readouterr()

    again = cached_images(source, 16, str(tmp_path), processes=1)
    err = capsys.readouterr().err
    assert f"the data cache {path} is truncated or corrupt (it should hold 8 images of 16px); rebuilding it" in err
    assert again == path and np.array_equal(np.load(again), original)

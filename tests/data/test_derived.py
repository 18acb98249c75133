"""The data the trainer derives for a family's declaration: CartoonGAN's edge-promoted set (computed once, cached)
and key point maps for the face losses (a clear error when the photos have none)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from avatargan.config import DataConfig
from avatargan.data.batches import build_datasets
from avatargan.data.derived import derived_datasets, edge_promoted
from avatargan.data.edge_promote import edge_promote
from avatargan.errors import ConfigError
from avatargan.models.cartoongan import CartoonGAN, CartoonGANConfig


def test_edge_promoted_set_is_computed_once_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = DataConfig(
        source_a="builtin:photo-faces",
        source_b="builtin:anime-faces",
        image_size=32,
        builtin_count=6,
        cache_dir=str(tmp_path / "cache"),
    )
    datasets = build_datasets(data, CartoonGAN.domains)
    edges = derived_datasets(CartoonGAN.spec(CartoonGANConfig()).derived, data, datasets, CartoonGAN.domains)["e"]
    anime = datasets["b"]
    every = np.arange(len(anime))
    b, e = anime.batch(every).permute(0, 2, 3, 1).numpy(), edges.batch(every).permute(0, 2, 3, 1).numpy()
    assert e.shape == b.shape
    for i in every:
        assert np.array_equal(e[i], edge_promote(b[i]))
    assert not np.array_equal(e, b)  # the anime faces have edges to blur
    assert list((tmp_path / "cache" / "edges").glob("*.npy"))

    def fail(*args, **kwargs):
        raise AssertionError("the edge-promoted set was computed again")

    monkeypatch.setattr("avatargan.data.edge_promote.edge_promote", fail)
    again = edge_promoted(data, anime)
    assert np.array_equal(again.batch(every).permute(0, 2, 3, 1).numpy(), e)


def test_landmark_loss_without_photo_keypoints_is_a_clear_error(tmp_path) -> None:
    from PIL import Image

    (tmp_path / "photos").mkdir()
    for i in range(4):
        Image.new("RGB", (16, 16), (i * 40, 0, 0)).save(tmp_path / "photos" / f"{i}.png")
    data = DataConfig(
        source_a=str(tmp_path / "photos"), source_b="builtin:anime-faces", image_size=16, builtin_count=64
    )
    with pytest.raises(ConfigError, match="avatargan prepare photos"):
        derived_datasets(("keypoints",), data, {"a": [0] * 4, "b": [0] * 64}, ("a", "b"))


def test_unknown_derived_data_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown derived data"):
        derived_datasets(("depth",), DataConfig(), {}, ("a", "b"))


def test_nothing_asked_nothing_built() -> None:
    assert derived_datasets((), DataConfig(), {}, ("a", "b")) == {}

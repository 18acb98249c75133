"""What a transfer family gets from `FaceTerms`: off by default, weight maps from the batch's key point maps, and
clear errors when a landmark term is on but the photos have no key points."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from avatargan.config import DataConfig
from avatargan.data.sources import BuiltinFaces
from avatargan.errors import ConfigError
from avatargan.faces.keypoint_data import KeypointMaps, source_keypoints
from avatargan.faces.landmark_loss import landmark_weight_map
from avatargan.faces.model_terms import FaceLossOptions, FaceTerms, face_keypoint_datasets


def _batch(size: int = 32) -> tuple[dict[str, torch.Tensor], np.ndarray]:
    kp = source_keypoints(BuiltinFaces("photo", 2, seed=0), size)
    maps = KeypointMaps(kp, size, paired_with="a").batch(np.arange(2)).float() / 127.5 - 1
    return {"a": torch.zeros(2, 3, size, size), "a_keypoints": maps}, kp


def test_off_by_default() -> None:
    opts = FaceLossOptions()
    batch, _ = _batch()
    terms = FaceTerms(opts)
    assert terms.weight_map(batch, "a") is None
    assert terms.extra_losses(batch, batch["a"], batch["a"], batch["a"]) == {}
    assert face_keypoint_datasets(opts, DataConfig(), {}, ("a", "b")) == {}


def test_weight_map_comes_from_the_batch_keypoints() -> None:
    batch, kp = _batch()
    w = FaceTerms(FaceLossOptions(landmark_gain=3.0, landmark_radius=0.1)).weight_map(batch, "a")
    expect = landmark_weight_map(torch.from_numpy(kp), 32, 0.1, 3.0)
    assert torch.allclose(w, expect, atol=0.05)


def test_landmark_loss_without_photo_keypoints_is_a_clear_error(tmp_path) -> None:
    from PIL import Image

    (tmp_path / "photos").mkdir()
    for i in range(4):
        Image.new("RGB", (16, 16), (i * 40, 0, 0)).save(tmp_path / "photos" / f"{i}.png")
    data = DataConfig(
        source_a=str(tmp_path / "photos"), source_b="builtin:anime-faces", image_size=16, builtin_count=64
    )
    with pytest.raises(ConfigError, match="avatargan prepare photos"):
        face_keypoint_datasets(FaceLossOptions(landmark_gain=2.0), data, {"a": [0] * 4, "b": [0] * 64}, ("a", "b"))


def test_negative_weights_are_rejected() -> None:
    from avatargan.models.cyclegan import CycleGAN, CycleGANConfig

    with pytest.raises(ConfigError, match="model.landmark_gain: -1.0 is not allowed"):
        CycleGAN.check_config(CycleGANConfig(landmark_gain=-1.0), 64)

"""What a transfer family gets from `FaceTerms`: off by default, weight maps from the batch's key point maps, and
the derived data the terms ask the trainer for."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from avatargan.blocks.face_losses import landmark_weight_map
from avatargan.blocks.face_terms import FaceLossOptions, FaceTerms, face_derived
from avatargan.data.sources import BuiltinFaces
from avatargan.errors import ConfigError
from avatargan.faces.keypoint_data import KeypointMaps, source_keypoints


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
    assert face_derived(opts) == ()  # no key point maps asked of the trainer
    assert face_derived(FaceLossOptions(lambda_landmark_reg=1.0)) == ("keypoints",)


def test_weight_map_comes_from_the_batch_keypoints() -> None:
    batch, kp = _batch()
    w = FaceTerms(FaceLossOptions(landmark_gain=3.0, landmark_radius=0.1)).weight_map(batch, "a")
    expect = landmark_weight_map(torch.from_numpy(kp), 32, 0.1, 3.0)
    assert torch.allclose(w, expect, atol=0.05)


def test_negative_weights_are_rejected() -> None:
    from avatargan.models.cyclegan import CycleGAN, CycleGANConfig

    with pytest.raises(ConfigError, match="model.landmark_gain: -1.0 is not allowed"):
        CycleGAN.check_config(CycleGANConfig(landmark_gain=-1.0), 64)


def test_train_help_names_every_face_loss_option(capsys: pytest.CaptureFixture) -> None:
    from avatargan.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    for field in dataclasses.fields(FaceLossOptions):
        assert f"--set model.{field.name}=" in text, field.name

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


@pytest.mark.parametrize(
    ("option", "loss_fn", "name"),
    [("lambda_eye_color", "eye_color_loss", "loss_eye_color"), ("lambda_eye_yuv", "eye_yuv_loss", "loss_eye_yuv")],
)
def test_the_eye_terms_read_the_photo_eyes_and_look_for_them_in_the_anime_frame(
    monkeypatch: pytest.MonkeyPatch, option: str, loss_fn: str, name: str
) -> None:
    from avatargan.blocks import face_losses
    from avatargan.landmark_regressor.net import photo_to_anime, photo_to_anime_affine

    opts = FaceLossOptions(**{option: 2.0})
    assert face_derived(opts) == ("keypoints",)  # it asks the trainer for key point maps
    batch, kp = _batch()
    seen = {}

    def spy(fake, photo, eyes_photo, eyes_fake, valid, **options):
        seen.update(eyes_photo=eyes_photo, eyes_fake=eyes_fake, valid=valid, **options)
        return torch.tensor(0.25)

    monkeypatch.setattr(face_losses, loss_fn, spy)
    terms = FaceTerms(opts)
    out = terms.extra_losses(batch, batch["a"], batch["a"], batch["a"])
    assert out == {name: torch.tensor(0.25)} and terms.weighted_sum(out) == 0.5
    eyes = torch.from_numpy(kp[:, :2])
    assert torch.allclose(seen["eyes_photo"], eyes, atol=0.3)  # the left and right eye, in pixels
    assert torch.allclose(seen["eyes_fake"], photo_to_anime(eyes / 32, photo_to_anime_affine()) * 32, atol=0.3)
    assert seen["valid"].shape == (2, 2)
    with pytest.raises(ConfigError, match=f"{option} needs key points"):
        terms.extra_losses({"a": batch["a"]}, batch["a"], batch["a"], batch["a"])


def test_the_eye_color_term_compares_the_hue_unless_asked_for_brightness_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from avatargan.blocks import face_losses

    seen = []
    monkeypatch.setattr(face_losses, "eye_color_loss", lambda *args, channels: seen.append(channels) or 0.0)
    batch, _ = _batch()
    for opts in (
        FaceLossOptions(lambda_eye_color=2.0),
        FaceLossOptions(lambda_eye_color=2.0, eye_color_channels="yuv"),
    ):
        FaceTerms(opts).extra_losses(batch, batch["a"], batch["a"], batch["a"])
    assert seen == ["uv", "yuv"]


def test_the_chroma_term_keeps_the_hue_on_an_8_grid_unless_asked_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    from avatargan.blocks import face_losses

    seen = []
    monkeypatch.setattr(
        face_losses, "chroma_loss", lambda fake, photo, cells, channels: seen.append((cells, channels)) or 0.0
    )
    batch, _ = _batch()
    for opts in (
        FaceLossOptions(lambda_chroma=10.0),
        FaceLossOptions(lambda_chroma=10.0, chroma_channels="yuv", chroma_cells=16),
    ):
        FaceTerms(opts).extra_losses(batch, batch["a"], batch["a"], batch["a"])
    assert seen == [(8, "uv"), (16, "yuv")]


def test_the_eye_yuv_term_scales_the_photo_eyes_brightness_by_the_asked_gain(monkeypatch: pytest.MonkeyPatch) -> None:
    from avatargan.blocks import face_losses

    seen = []
    monkeypatch.setattr(face_losses, "eye_yuv_loss", lambda *args, y_gain: seen.append(y_gain) or 0.0)
    batch, _ = _batch()
    for opts in (FaceLossOptions(lambda_eye_yuv=20.0), FaceLossOptions(lambda_eye_yuv=20.0, eye_y_gain=1.5)):
        FaceTerms(opts).extra_losses(batch, batch["a"], batch["a"], batch["a"])
    assert seen == [1.0, 1.5]

"""The landmark preservation metric: perfect anime renderings of the photographed people score well, a generator
that outputs no face scores a detection rate of 0; `evaluate --landmarks` runs on a trained run folder."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from avatargan.config import DataConfig
from avatargan.data.builtin.face_params import sample_face_params
from avatargan.data.builtin.faces import render_face
from avatargan.data.builtin.keypoints import keypoint_array

pytest.importorskip("animeface", reason="face extra not installed: pip install 'avatargan[faces]'")

from avatargan.metrics.landmarks import landmark_inputs, landmark_scores  # noqa: E402


def _renders(style: str, n: int, size: int) -> torch.Tensor:
    return torch.stack(
        [torch.from_numpy(np.asarray(render_face(i, 0, style, size)).copy()).permute(2, 0, 1) for i in range(n)]
    )


def test_true_anime_renderings_are_detected_close_to_the_truth() -> None:
    n, size = 6, 128
    photo_kp = np.stack([keypoint_array(sample_face_params(i, 0), "photo", size) for i in range(n)])
    truth = np.stack([keypoint_array(sample_face_params(i, 0), "anime", size) for i in range(n)])
    res = landmark_scores(_renders("anime", n, size), photo_kp, truth)
    assert res["detection_rate"] == 1.0
    assert res["nme_truth"] < 0.15  # detector noise and its part conventions only
    assert res["nme_truth"] < res["nme_photo"]  # anime proportions differ from the photo's


def test_no_face_means_no_detection() -> None:
    res = landmark_scores(torch.full((3, 3, 64, 64), 128, dtype=torch.uint8), np.zeros((3, 6, 2)))
    assert res["detection_rate"] == 0.0 and np.isnan(res["nme_photo"])


def test_inputs_for_the_builtin_pair_carry_the_truth() -> None:
    data = DataConfig(source_a="builtin:photo-faces", source_b="builtin:anime-faces", builtin_count=16)
    photos, kp, truth = landmark_inputs(data, None, 4, 32)
    assert photos.shape == (4, 3, 32, 32) and kp.shape == (4, 6, 2) and truth.shape == (4, 6, 2)


def test_evaluate_landmarks_command(tmp_path) -> None:
    import json

    from tiny_models import tiny_weights

    from avatargan.cli import main

    weights = tiny_weights(tmp_path / "w", "cyclegan", image_size=32)
    out = tmp_path / "res.json"
    args = ["evaluate", str(weights), "--landmarks", "--source", "builtin:photo-faces", "--n", "3", "--json", str(out)]
    assert main(args) == 0
    res = json.loads(out.read_text())["landmarks"]
    assert res["n"] == 3 and 0 <= res["detection_rate"] <= 1

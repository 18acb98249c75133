"""The judge's metrics on cases with a known answer: identity transfer, perfect transfer, a collapsed generator."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from avatargan.data.builtin.faces import render_face
from avatargan.metrics.base import EvalInputs, all_metrics

N = 48


def faces(style: str, count: int = N, offset: int = 0, size: int = 32) -> torch.Tensor:
    arrays = [np.asarray(render_face(offset + i, 0, style, size)) for i in range(count)]
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()


@pytest.fixture(scope="module")
def photos() -> torch.Tensor:
    return faces("photo")


@pytest.fixture(scope="module")
def anime() -> torch.Tensor:
    return faces("anime")


def run(name: str, inputs: EvalInputs) -> dict[str, float]:
    return all_metrics()[name].compute(inputs)


def test_identity_transfer_scores_zero_movement(photos: torch.Tensor, anime: torch.Tensor) -> None:
    identity = EvalInputs(fake=photos, real=anime, source=photos, target=anime)
    assert run("movement", identity)["movement"] == 0.0
    perfect = EvalInputs(fake=anime, real=anime, source=photos, target=anime)
    assert run("movement", perfect)["movement"] > 0.05


def test_perfect_transfer_scores_zero_keypoint_error_and_keeps_attributes(
    photos: torch.Tensor, anime: torch.Tensor
) -> None:
    perfect = EvalInputs(fake=anime, real=anime, source=photos, target=anime)
    assert run("keypoint_error", perfect)["keypoint_error"] == pytest.approx(0.0, abs=1e-6)
    assert run("attr_preservation", perfect)["attr_preservation"] == 1.0  # no labels: the judge on the truth
    shuffled = EvalInputs(fake=anime.roll(1, 0), real=anime, source=photos, target=anime)
    assert run("keypoint_error", shuffled)["keypoint_error"] > 1.0
    assert run("attr_preservation", shuffled)["attr_preservation"] < 0.8


def test_collapsed_generator_scores_low_coverage(anime: torch.Tensor) -> None:
    other = faces("anime", offset=1000)
    collapsed = anime[:1].repeat(N, 1, 1, 1)  # one face, over and over
    healthy = run("attr_coverage", EvalInputs(fake=other, real=anime))["attr_coverage"]
    low = run("attr_coverage", EvalInputs(fake=collapsed, real=anime))["attr_coverage"]
    assert low < 0.5 < healthy and healthy - low > 0.3
    fd_healthy = run("judge_fd", EvalInputs(fake=other, real=anime))["judge_fd"]
    fd_collapsed = run("judge_fd", EvalInputs(fake=collapsed, real=anime))["judge_fd"]
    assert fd_collapsed > 2 * fd_healthy


def test_valid_faces_accepts_faces_and_rejects_noise(anime: torch.Tensor) -> None:
    noise = torch.randint(0, 256, anime.shape, generator=torch.Generator().manual_seed(0), dtype=torch.uint8)
    assert run("valid_faces", EvalInputs(fake=anime))["valid_faces"] > 0.8
    assert run("valid_faces", EvalInputs(fake=noise))["valid_faces"] < 0.2

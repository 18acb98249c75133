"""The Python API: `avatargan.load` on every kind of path, seeded generation, truncation, walks, precision."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from tiny_models import tiny_weights

import avatargan
from avatargan import api, inference
from avatargan.cli import main
from avatargan.errors import CheckpointError, UserError
from avatargan.report.figures import grid


@pytest.fixture
def dcgan(tmp_path: Path) -> Path:
    return tiny_weights(tmp_path / "dcgan")


def test_import_stays_light() -> None:
    code = "import sys, avatargan; assert 'torch' not in sys.modules; print(callable(avatargan.load))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_generate_is_seeded_and_matches_the_cli(dcgan: Path, tmp_path: Path) -> None:
    model = avatargan.load(dcgan, device="cpu")
    assert isinstance(model, api.NoiseModel) and model.backend == "torch" and model.latent_dim == 8
    images = model.generate(6, seed=3)
    assert len(images) == 6 and all(isinstance(i, Image.Image) and i.size == (16, 16) for i in images)
    again = model.generate(6, seed=3)
    assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(images, again, strict=True))
    assert not np.array_equal(np.asarray(images[0]), np.asarray(model.generate(1, seed=4)[0]))
    # the CLI draws through the same functions: its grid is the grid of the API's avatars
    assert main(["generate", str(dcgan), "--n", "6", "--seed", "3", "--out", str(tmp_path / "g.png")]) == 0
    expected = grid(np.stack([np.asarray(i) for i in images]))
    assert np.array_equal(np.asarray(Image.open(tmp_path / "g.png").convert("RGB")), np.asarray(expected))


def test_truncation_redraws_outliers_reproducibly() -> None:
    assert torch.equal(api.truncated_noise(4, 8, seed=1), inference.noise(4, 8, seed=1))  # None: plain noise
    z = api.truncated_noise(512, 16, seed=1, truncation=0.5)
    assert z.abs().max() <= 0.5 and torch.equal(z, api.truncated_noise(512, 16, seed=1, truncation=0.5))
    with pytest.raises(UserError, match="positive"):
        api.truncated_noise(1, 8, seed=0, truncation=0)


def test_interpolate_walks_from_one_seed_to_the_other(dcgan: Path) -> None:
    model = avatargan.load(dcgan, device="cpu")
    walk = model.interpolate(seed_a=1, seed_b=2, steps=5)
    assert len(walk) == 5
    for end, seed in ((walk[0], 1), (walk[-1], 2)):
        diff = np.abs(np.asarray(end, np.int16) - np.asarray(model.generate(1, seed=seed)[0], np.int16))
        assert diff.max() <= 1  # slerp's end points equal the seeds' noise up to float rounding
    assert len(model.interpolate(0, 1, steps=3, mode="linear")) == 3
    with pytest.raises(UserError, match="interpolation"):
        model.interpolate(mode="cubic")


def test_reduced_precision_stays_close(dcgan: Path) -> None:
    fp32 = avatargan.load(dcgan, device="cpu")
    bf16 = avatargan.load(dcgan, device="cpu", precision="bf16")
    z = fp32.noise(4, seed=0)
    assert bf16.precision == "bf16" and (bf16.render(z) - fp32.render(z)).abs().max() < 0.1
    with pytest.raises(UserError, match="precision"):
        avatargan.load(dcgan, device="cpu", precision="int3")


def test_transfer_models_load_as_transfer_models(tmp_path: Path) -> None:
    model = avatargan.load(tiny_weights(tmp_path / "cg", "cyclegan"), device="cpu")
    assert isinstance(model, api.TransferModel) and model.directions == ["a2b", "b2a"]
    out = model.run(torch.zeros(3, 3, 16, 16), direction="b2a")
    assert out.shape == (3, 3, 16, 16) and out.abs().max() <= 1
    with pytest.raises(UserError, match="no direction"):
        model.run(torch.zeros(1, 3, 16, 16), direction="x2y")
    with pytest.raises(UserError, match="converts images"):
        api.load_noise_model(tmp_path / "cg", device="cpu")


def test_transfer_converts_images_like_the_transfer_library(tmp_path: Path) -> None:
    from avatargan import transfer

    weights = tiny_weights(tmp_path / "cg", "cyclegan")
    photo = tmp_path / "photo.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (24, 32, 3), dtype=np.uint8)).save(photo)
    model = avatargan.load(weights, device="cpu")
    from_path, from_pil = model.transfer([photo, Image.open(photo)], direction="a2b")
    assert from_path.size == (16, 16) and np.array_equal(np.asarray(from_path), np.asarray(from_pil))
    (written,) = transfer.transfer(weights, [str(photo)], tmp_path / "out", device="cpu")
    assert np.array_equal(np.asarray(Image.open(written).convert("RGB")), np.asarray(from_path))
    assert model.transfer([]) == [] and len(model.transfer(photo, direction="b2a")) == 1
    (tmp_path / "bad.png").write_text("no")
    with pytest.raises(UserError, match="not a readable image"):
        model.transfer(tmp_path / "bad.png")


def test_missing_paths_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="does not exist"):
        avatargan.load(tmp_path / "nope.safetensors")

"""The demo's buttons, without a browser: each returns what the API makes, and mistakes become messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tiny_models import tiny_weights

import avatargan
from avatargan.errors import UserError
from avatargan.serve import actions
from avatargan.serve.catalog import display_name, load_catalog
from avatargan.serve.uploads import MAX_SIDE, enlarge, face_crop, fit_within


def test_generate_and_walk_match_the_api(tmp_path: Path) -> None:
    model = avatargan.load(tiny_weights(tmp_path / "run"), device="cpu")
    shown = actions.generate_avatars(model, 3, 5, 0)
    assert [c for _, c in shown] == ["seed 5 · #0", "seed 5 · #1", "seed 5 · #2"]
    for (img, _), want in zip(shown, model.generate(3, seed=5), strict=True):
        assert np.array_equal(np.asarray(img), np.asarray(enlarge(want)))
    start = actions.walk_avatar(model, 5, 9, 0.0, None)
    assert np.abs(np.asarray(start, np.int16) - np.asarray(shown[0][0], np.int16)).max() <= 1
    with pytest.raises(UserError, match="between 1 and"):
        actions.generate_avatars(model, 0, 0, None)


def test_catalog_names_and_sorts_models(tmp_path: Path) -> None:
    a = tiny_weights(tmp_path / "a" / "run")
    b = tiny_weights(tmp_path / "b" / "run")
    c = tiny_weights(tmp_path / "cg", "cyclegan")
    catalog = load_catalog([a, b, c / "generator.safetensors"], device="cpu")
    assert list(catalog.noise) == ["run", "run (2)"] and list(catalog.transfer) == ["cg"]
    assert "photo → anime" in catalog.describe()
    assert display_name(tmp_path / "r" / "checkpoints" / "ckpt-000010.pt") == "r/ckpt-000010"


def test_convert_and_compare_show_the_apis_conversions(tmp_path: Path) -> None:
    photo = tmp_path / "p.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (40, 50, 3), dtype=np.uint8)).save(photo)
    cg = avatargan.load(tiny_weights(tmp_path / "cg", "cyclegan"), device="cpu")
    toon = avatargan.load(tiny_weights(tmp_path / "toon", "cartoongan"), device="cpu")
    pair, result = actions.convert_photo(cg, photo, "b2a", 10**6)  # no face: the whole photo at its own size
    assert result.size == (50, 40) and pair.width > 2 * pair.height
    assert np.array_equal(np.asarray(result), np.asarray(cg.transfer(photo, "b2a", size="native")[0]))
    shown = actions.compare_photo({"cg": cg, "toon": toon}, photo, 10**6)
    assert [c for _, c in shown] == ["photo (cropped)", "cg", "toon"]
    want = toon.transfer(face_crop(Image.open(photo)))[0]
    assert np.array_equal(np.asarray(shown[2][0]), np.asarray(enlarge(want, 256)))
    with pytest.raises(UserError, match="No transfer model"):
        actions.compare_photo({}, photo, 10**6)


def test_convert_pastes_the_faces_of_an_upload_back(tmp_path: Path) -> None:
    pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
    from photos import group_photo

    photo = tmp_path / "two.jpg"
    group_photo(2).resize((840, 480)).save(photo, quality=95)  # over MAX_SIDE: shrunk before conversion
    cg = avatargan.load(tiny_weights(tmp_path / "cg", "cyclegan"), device="cpu")
    pair, result = actions.convert_photo(cg, photo, "a2b", 10**6)
    shrunk = fit_within(Image.open(photo).convert("RGB"), MAX_SIDE)
    assert result.size == shrunk.size == (MAX_SIDE, 439)
    assert np.array_equal(np.asarray(result), np.asarray(cg.transfer(shrunk, faces=True)[0]))  # the API's result
    outlined = np.asarray(pair)[:, : shrunk.width]
    assert ((outlined == [255, 64, 64]).all(-1)).sum() > 200  # both faces' boxes drawn on the photo's side
    assert len(cg.convert_photo(shrunk).faces) == 2

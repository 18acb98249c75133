"""What the demo accepts: readable images under the size limits; everything else is one clear message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from avatargan.serve import uploads
from avatargan.serve.uploads import UploadError, centre_crop, enlarge, fit_within, open_upload, side_by_side


def _png(path: Path, w: int, h: int) -> Path:
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (h, w, 3), dtype=np.uint8)).save(path)
    return path


def test_a_photo_opens_as_rgb(tmp_path: Path) -> None:
    img = open_upload(_png(tmp_path / "p.png", 30, 20), max_bytes=10**6)
    assert img.mode == "RGB" and img.size == (30, 20)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: None, "Upload a photo"),
        (lambda d: (d / "x.png").write_text("not an image") and d / "x.png", "not an image"),
        (lambda d: (d / "t.png").write_bytes(_png(d / "full.png", 64, 64).read_bytes()[:80]) and d / "t.png", "not an"),
        (lambda d: _png(d / "big.png", 400, 400), "the limit is 0.1 MB"),
    ],
)
def test_unusable_uploads_say_why(make, message: str, tmp_path: Path) -> None:
    with pytest.raises(UploadError, match=message):
        open_upload(make(tmp_path), max_bytes=100_000)


def test_huge_images_are_refused_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    with pytest.raises(UploadError, match="megapixels"):
        open_upload(_png(tmp_path / "p.png", 20, 20), max_bytes=10**6)


def test_crop_enlarge_and_pair() -> None:
    img = Image.new("RGB", (80, 60))
    assert centre_crop(img).size == (60, 60)
    assert enlarge(Image.new("RGB", (16, 16)), 100).size == (112, 112)  # whole factor 7
    assert side_by_side(Image.new("RGB", (60, 60)), Image.new("RGB", (16, 16)), gap=4).size == (124, 60)
    assert fit_within(Image.new("RGB", (1000, 500)), 400).size == (400, 200)
    assert fit_within(img, 400) is img  # small enough already


def test_face_crop_aligns_a_face_or_falls_back_to_the_centre(monkeypatch: pytest.MonkeyPatch) -> None:
    blank = Image.new("RGB", (80, 60), (200, 220, 240))
    if uploads.photo_detector() is not None:  # the face extra is installed: a rendered photo face is found
        from avatargan.data.builtin.faces import render_face

        photo = blank.resize((400, 300))
        photo.paste(render_face(3, 0, "photo", 256), (130, 30))
        crop = uploads.face_crop(photo)
        assert crop.width == crop.height and crop.width <= 300 and "aligned" in uploads.face_crop_note()
    assert uploads.face_crop(blank).size == (60, 60)  # no face: the centre square
    monkeypatch.setattr(uploads, "photo_detector", lambda: None)
    assert uploads.face_crop(blank).size == (60, 60) and "centre-cropped" in uploads.face_crop_note()
    assert "whole photo is converted" in uploads.photo_note()

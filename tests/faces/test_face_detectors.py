"""The face detectors really detect, on real images that ship in packages: scikit-image's astronaut (a photo) and,
where Debian's renpy-thequestion is installed, its anime character sprites (Expat; read in place, never copied)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
pytest.importorskip("animeface", reason="face extra not installed: pip install 'avatargan[faces]'")

from avatargan.data.builtin.faces import face_record, render_face  # noqa: E402
from avatargan.faces.detectors import AnimeDetector, PhotoDetector  # noqa: E402

RENPY_IMAGES = [
    Path(os.environ.get("AVATARGAN_RENPY_IMAGES", "/nonexistent")),
    Path("/usr/share/games/renpy/the_question/game/images"),
]


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    data = pytest.importorskip("skimage.data", reason="scikit-image (the dev extra) ships the astronaut photo")
    return Image.fromarray(data.astronaut())


@pytest.fixture(scope="module")
def photo_detector() -> PhotoDetector:
    return PhotoDetector()


def test_dlib_finds_the_astronaut_and_her_68_points(astronaut: Image.Image, photo_detector: PhotoDetector) -> None:
    faces = photo_detector.detect(astronaut)
    assert faces, "dlib found no face on the astronaut photo"
    face = faces[0]  # the largest: her face at about x 175-265, y 76-166 of the 512×512 photo
    cx, cy = (face.box[0] + face.box[2]) / 2, (face.box[1] + face.box[3]) / 2
    assert 190 < cx < 250 and 90 < cy < 150
    assert face.points is not None and face.points.shape == (68, 2)
    left, right, nose, ml, mr, chin = face.keypoints
    assert left[0] < nose[0] < right[0] and ml[0] < mr[0]
    assert left[1] < nose[1] < ml[1] < chin[1]


def test_animeface_detects_despite_new_pillow() -> None:
    """animeface 2.0.3 returns nothing on Pillow >= 12 when called directly; our wrapper must still detect, and
    put the parts where the renderer drew them."""
    rec = face_record(0, 0, "anime", 256)
    faces = AnimeDetector().detect(render_face(0, 0, "anime", 256))
    assert len(faces) == 1
    truth = np.array(list(rec["keypoints"].values()))
    iod = np.linalg.norm(truth[1] - truth[0])
    err = np.linalg.norm(faces[0].keypoints[:2] - truth[:2], axis=1) / iod
    assert (err < 0.25).all(), err  # both eyes, image-left first


def test_anime_detector_finds_no_face_on_a_photo(astronaut: Image.Image) -> None:
    assert AnimeDetector().detect(astronaut.resize((256, 256))) == []


def test_anime_sprites_from_renpy_where_installed(photo_detector: PhotoDetector) -> None:
    folder = next((p for p in RENPY_IMAGES if p.is_dir()), None)
    if folder is None:
        pytest.skip("no Ren'Py sprites here (apt-get install renpy-thequestion, or set AVATARGAN_RENPY_IMAGES)")
    sprites = sorted(folder.glob("sylvie*.png"))[:2]
    if not sprites:
        pytest.skip(f"{folder} has no sylvie*.png sprites")
    for path in sprites:
        with Image.open(path) as im:
            img = im.convert("RGB")
        assert len(AnimeDetector().detect(img)) == 1, path
        assert photo_detector.detect(img) == [], path

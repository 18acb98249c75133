"""A photo in, an avatar out, on real photos (scikit-image's astronaut, public domain, and group photos made of
her head): every face found is converted and pasted back, nothing outside the face masks changes, and photos
without a face are converted whole or skipped."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from photos import blank_photo, group_photo
from tiny_models import tiny_weights

from avatargan.photo_transfer import convert_photo, detector_for, outline_faces
from avatargan.transfer import load_transfer_generator

pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    generator, _ = load_transfer_generator(tiny_weights(tmp_path_factory.mktemp("m"), "cyclegan"), device="cpu")

    def convert(x: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return generator(x)

    return convert


@pytest.mark.parametrize("faces", [1, 2, 3])
def test_every_pasted_face_is_found_and_only_the_faces_change(run, faces: int) -> None:
    photo = group_photo(faces)
    result = convert_photo(photo, run, detector_for("a2b"), size=32, step=4)
    assert len(result.faces) == faces
    assert result.image.size == photo.size
    before, after = np.asarray(photo), np.asarray(result.image)
    outside = result.mask == 0
    assert np.array_equal(after[outside], before[outside])  # pixel for pixel outside the face masks
    for f in result.faces:  # each face's middle comes from the generator
        x0, y0, x1, y1 = (round(v) for v in f.face.box)
        assert (result.mask[y0:y1, x0:x1] == 1).mean() > 0.9
        assert (after[y0:y1, x0:x1] != before[y0:y1, x0:x1]).any(-1).mean() > 0.5
        assert f.crop.size == f.avatar.size == (32, 32)
    # the masks cover the faces and little else: the background between and around the heads is untouched
    assert outside.mean() > 0.3


def test_a_photo_without_a_face_is_converted_whole_or_skipped(run) -> None:
    photo = blank_photo((90, 70))
    whole = convert_photo(photo, run, detector_for("a2b"), size=32, step=4)
    assert whole.faces == [] and whole.image.size == (90, 70) and whole.mask is None
    assert not np.array_equal(np.asarray(whole.image), np.asarray(photo))
    skipped = convert_photo(photo, run, detector_for("a2b"), size=32, step=4, whole_without_face=False)
    assert skipped.image is None and skipped.faces == []


def test_crops_only_and_weak_detections(run) -> None:
    photo = group_photo(2)
    crops = convert_photo(photo, run, detector_for("a2b"), size=16, step=4, paste=False)
    assert crops.image is None and [c.avatar.size for c in crops.faces] == [(16, 16), (16, 16)]
    none = convert_photo(photo, run, detector_for("a2b"), size=16, step=4, min_score=50.0)
    assert none.faces == [] and none.image.size == photo.size  # every detection under the bar: converted whole


def test_detectors_follow_the_direction_and_faces_can_be_outlined(run) -> None:
    pytest.importorskip("animeface", reason="face extra not installed")
    assert (detector_for("a2b").kind, detector_for("b2a").kind) == ("photo", "anime")
    photo = group_photo(1)
    result = convert_photo(photo, run, detector_for("a2b"), size=16, step=4)
    drawn = np.asarray(outline_faces(photo, [f.face for f in result.faces]))
    x0, y0, x1, y1 = (round(v) for v in result.faces[0].face.box)
    assert (drawn[y0, x0 + 5 : x1 - 5] == [255, 64, 64]).all()  # the box's top edge
    assert np.array_equal(drawn[:, : x0 - 5], np.asarray(photo)[:, : x0 - 5])

"""`avatargan prepare`: crops with key points in crop pixels, skipped images reported by name, resumable."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from avatargan.cli import main
from avatargan.data.builtin.faces import face_record, render_face
from avatargan.faces import landmarks_file, prepare
from avatargan.faces.detectors import Face


def _anime_folder(root: Path) -> Path:
    src = root / "src"
    (src / "sub").mkdir(parents=True)
    render_face(1, 0, "anime", 200).rotate(12, fillcolor=(255, 255, 255)).save(src / "tilted.png")
    render_face(2, 0, "anime", 256).save(src / "sub" / "straight.jpg", quality=95)
    Image.new("RGB", (80, 80), "white").save(src / "blank.png")
    (src / "broken.png").write_bytes(b"not a png")
    return src


def test_prepare_anime_crops_aligns_and_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("animeface", reason="face extra not installed: pip install 'avatargan[faces]'")
    src, out = _anime_folder(tmp_path), tmp_path / "out"
    opts = prepare.PrepareOptions("anime", size=96, workers=1)
    first = prepare.prepare_folder(src, out, opts)
    assert first.faces == 2 and first.done == 4
    assert first.skipped["no face"] == ["blank.png"] and first.skipped["unreadable"] == ["broken.png"]
    records = {r["file"]: r for r in landmarks_file.read_records(out / "landmarks.jsonl")}
    assert set(records) == {"tilted.png", "sub/straight.png"}
    for name, rec in records.items():
        assert Image.open(out / name).size == (96, 96)
        kp = landmarks_file.keypoints_array(rec)
        assert abs(kp[0, 1] - kp[1, 1]) < 0.5  # eyes level after alignment
        assert (kp > 0).all() and (kp < 96).all()

    def fail(*args, **kwargs):
        raise AssertionError("a resumed run must not process done images again")

    monkeypatch.setattr(prepare, "process_one", fail)
    again = prepare.prepare_folder(src, out, opts)
    assert again.done == 0 and again.resumed == 4
    assert len(list(landmarks_file.read_records(out / "landmarks.jsonl"))) == 2


def test_prepare_builtin_writes_exact_keypoints(tmp_path: Path) -> None:
    assert (
        main(["prepare", "photos", "builtin:photo-faces", "--out", str(tmp_path), "--size", "32", "--count", "3"]) == 0
    )
    lines = [json.loads(x) for x in (tmp_path / "landmarks.jsonl").read_text().splitlines()]
    assert [x["file"] for x in lines] == ["photo_000000.png", "photo_000001.png", "photo_000002.png"]
    truth = np.array(list(face_record(1, 0, "photo", 32)["keypoints"].values()))
    assert np.allclose(landmarks_file.keypoints_array(lines[1]), truth, atol=1e-3)
    assert (
        main(["prepare", "photos", "builtin:photo-faces", "--out", str(tmp_path), "--size", "32", "--count", "3"]) == 0
    )
    assert len((tmp_path / "landmarks.jsonl").read_text().splitlines()) == 3  # resumed, nothing added


def test_prepare_without_the_extra_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from avatargan.faces import extra

    real = extra.importlib.util.find_spec
    monkeypatch.setattr(extra.importlib.util, "find_spec", lambda name, *a: None if name == "dlib" else real(name, *a))
    (tmp_path / "src").mkdir()
    render_face(0, 0, "photo", 64).save(tmp_path / "src" / "a.png")
    assert main(["prepare", "photos", str(tmp_path / "src"), "--out", str(tmp_path / "o"), "--workers", "1"]) == 2
    assert "pip install 'avatargan[faces]'" in capsys.readouterr().err


def test_min_score_drops_the_astronauts_badge_but_keeps_her_face(tmp_path: Path) -> None:
    pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
    data = pytest.importorskip("skimage.data", reason="scikit-image (the dev extra) ships the astronaut photo")
    Image.fromarray(data.astronaut()).save(tmp_path / "astronaut.png")
    every = prepare.prepare_folder(
        tmp_path / "astronaut.png",
        tmp_path / "all",
        prepare.PrepareOptions("photos", 64, all_faces=True, workers=1, min_score=0.0),
    )
    scores = sorted(r["score"] for r in landmarks_file.read_records(tmp_path / "all" / "landmarks.jsonl"))
    assert every.faces == 2 and scores[0] < 0.3 < scores[1]  # dlib also scores the mission patch, weakly
    kept = prepare.prepare_folder(
        tmp_path / "astronaut.png",
        tmp_path / "kept",
        prepare.PrepareOptions("photos", 64, all_faces=True, workers=1, min_score=0.3),
    )
    assert kept.faces == 1
    [rec] = landmarks_file.read_records(tmp_path / "kept" / "landmarks.jsonl")
    assert rec["score"] == scores[1]
    none = prepare.prepare_folder(
        tmp_path / "astronaut.png", tmp_path / "none", prepare.PrepareOptions("photos", 64, workers=1, min_score=5)
    )
    assert none.faces == 0 and none.skipped["no face"] == ["astronaut.png"]
    [skip] = landmarks_file.read_records(tmp_path / "none" / "skipped.jsonl")
    assert "2 detection(s) scored below --min-score 5" in skip["reason"]


def test_the_astronaut_gives_one_crop_by_default_and_says_what_was_dropped(tmp_path: Path) -> None:
    pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
    data = pytest.importorskip("skimage.data", reason="scikit-image (the dev extra) ships the astronaut photo")
    Image.fromarray(data.astronaut()).save(tmp_path / "astronaut.png")
    summary = prepare.prepare_folder(tmp_path / "astronaut.png", tmp_path / "out", prepare.PrepareOptions("photos"))
    assert summary.faces == 1 and summary.dropped == {"low score": 1, "beside a dominant face": 0}
    [rec] = landmarks_file.read_records(tmp_path / "out" / "landmarks.jsonl")
    assert rec["score"] > 1.0
    [patch] = rec["dropped"]
    assert patch["reason"] == "low score" and patch["score"] < prepare.PHOTO_MIN_SCORE


def _face(score: float, x: float) -> Face:
    return Face((x, 0.0, x + 50.0, 50.0), np.zeros((6, 2)), score)


def test_one_clearly_dominant_face_is_kept_and_close_ones_are_several_faces() -> None:
    opts = prepare.PrepareOptions("photos")
    faces, dropped = prepare.choose_faces([_face(0.4, 0), _face(1.3, 100), _face(0.05, 200)], opts)
    assert [f.score for f in faces] == [1.3]
    assert [(d["reason"], d["score"]) for d in dropped] == [("low score", 0.05), ("beside a dominant face", 0.4)]
    faces, dropped = prepare.choose_faces([_face(0.9, 0), _face(1.3, 100)], opts)
    assert len(faces) == 2 and dropped == []  # a group photo stays "several faces" (or --all-faces)
    every = prepare.PrepareOptions("photos", all_faces=True)
    assert len(prepare.choose_faces([_face(0.4, 0), _face(1.3, 100)], every)[0]) == 2

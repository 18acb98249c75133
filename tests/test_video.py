"""`avatargan transfer` on video: a short generated clip (ffmpeg's test pattern and a sine tone, made by the
ffmpeg that imageio-ffmpeg ships) comes back with the same frame count, size, frame rate and an audio track."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from tiny_models import tiny_weights

from avatargan.cli import main

ffmpeg = pytest.importorskip(
    "imageio_ffmpeg", reason="the video extra is not installed: pip install 'avatargan[video]'"
)


def _clip(path: Path, frames: int = 12, fps: int = 10, size: str = "64x48", audio: bool = True) -> Path:
    cmd = [ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi"]
    cmd += ["-i", f"testsrc=size={size}:rate={fps}:duration={frames / fps}"]
    if audio:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={frames / fps}", "-c:a", "aac", "-shortest"]
    subprocess.run([*cmd, "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def _probe(path: Path) -> dict:
    reader = ffmpeg.read_frames(str(path))
    meta = next(reader)
    meta["frames"] = sum(1 for _ in reader)
    return meta


@pytest.mark.parametrize("audio", [True, False])
def test_a_clip_round_trips_frame_for_frame(tmp_path: Path, audio: bool) -> None:
    clip = _clip(tmp_path / "clip.mp4", audio=audio)
    source = _probe(clip)
    assert source["frames"] == 12 and bool(source.get("audio_codec")) == audio
    model = tiny_weights(tmp_path / "m", "cyclegan")
    out = tmp_path / "anime.mp4"
    assert main(["transfer", str(model), str(clip), "--size", "native", "--out", str(out), "--device", "cpu"]) == 0
    result = _probe(out)
    assert result["frames"] == 12 and result["size"] == (64, 48) and result["fps"] == source["fps"]
    assert bool(result.get("audio_codec")) == audio  # the sound is kept
    first_in = np.frombuffer(next(iter(_frames(clip))), np.uint8)
    first_out = np.frombuffer(next(iter(_frames(out))), np.uint8)
    assert np.abs(first_in.astype(int) - first_out).mean() > 10  # converted, not copied


def _frames(path: Path):
    reader = ffmpeg.read_frames(str(path))
    next(reader)
    return reader


def test_faces_in_a_clip_and_a_folder_for_several(tmp_path: Path) -> None:
    pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
    from photos import group_photo

    frame = np.asarray(group_photo(1))
    writer = ffmpeg.write_frames(str(tmp_path / "face.mp4"), (frame.shape[1], frame.shape[0]), fps=5)
    writer.send(None)
    for shift in range(4):  # she moves a little from frame to frame
        writer.send(np.ascontiguousarray(np.roll(frame, 2 * shift, axis=1)))
    writer.close()
    clips = [str(tmp_path / "face.mp4"), str(_clip(tmp_path / "pattern.mp4", frames=5))]
    model = tiny_weights(tmp_path / "m", "cyclegan")
    assert main(["transfer", str(model), *clips, "--faces", "--out", str(tmp_path / "out"), "--device", "cpu"]) == 0
    assert _probe(tmp_path / "out" / "face.mp4")["frames"] == 4
    assert _probe(tmp_path / "out" / "pattern.mp4")["frames"] == 5  # no face: frames converted whole


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--faces", "crops"], "videos keep their frame size"),
        (["--size", "32"], "videos keep their frame size"),
        (["--out", "x.avi"], "videos are written as"),
    ],
)
def test_video_mistakes_are_clear_errors(tmp_path: Path, capsys, extra: list[str], message: str) -> None:
    clip = _clip(tmp_path / "clip.mp4", frames=2, audio=False)
    model = tiny_weights(tmp_path / "m", "cyclegan")
    argv = ["transfer", str(model), str(clip), "--out", str(tmp_path / "o.mp4"), *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_without_the_extra_the_message_says_how_to_install(tmp_path: Path, monkeypatch, capsys) -> None:
    from avatargan import video

    real = video.importlib.util.find_spec
    monkeypatch.setattr(video.importlib.util, "find_spec", lambda n, *a: None if n == "imageio_ffmpeg" else real(n, *a))
    model = tiny_weights(tmp_path / "m", "cyclegan")
    (tmp_path / "clip.mp4").write_bytes(b"")
    assert main(["transfer", str(model), str(tmp_path / "clip.mp4"), "--size", "native", "--out", str(tmp_path)]) == 2
    assert "pip install 'avatargan[video]'" in capsys.readouterr().err

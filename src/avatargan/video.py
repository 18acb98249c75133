"""Video through `avatargan transfer`: decode frame by frame, convert each frame, encode at the same frame rate with
the source's audio (if it has any), behind a progress bar.

Decoding and encoding use imageio-ffmpeg, whose wheel ships its own ffmpeg (`pip install 'avatargan[video]'`).
Frames stream through one at a time, so a long clip needs no more memory than one frame. The output is H.264 in
the container its suffix names, written beside the target and renamed into place when complete.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from avatargan import console
from avatargan.errors import UserError
from avatargan.io_utils import atomic_path

VIDEO_EXTENSIONS = (".mp4", ".mov", ".mkv", ".avi", ".webm", ".m4v")
#: containers written, by suffix (ffmpeg's muxer names: the temporary file's suffix says nothing)
MUXERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska"}
VIDEO_EXTRA = "pip install 'avatargan[video]'"


def is_video(name: str | Path) -> bool:
    return Path(name).suffix.lower() in VIDEO_EXTENSIONS


def _ffmpeg():  # noqa: ANN202 - the module, imported only when a video is converted
    if importlib.util.find_spec("imageio_ffmpeg") is None:
        raise UserError(f"converting videos needs imageio-ffmpeg (it ships ffmpeg), not installed: {VIDEO_EXTRA}")
    import imageio_ffmpeg

    return imageio_ffmpeg


def output_path(src: Path, out: Path, count: int = 1) -> Path:
    """`out` itself when it names a video file (one input of `count`), else `out/<stem>.mp4`."""
    if out.suffix.lower() in VIDEO_EXTENSIONS:
        if count > 1:
            raise UserError(f"--out {out} is one video file but {count} videos were given; pass a folder")
        if out.suffix.lower() not in MUXERS:
            raise UserError(f"--out {out}: videos are written as {', '.join(sorted(MUXERS))}")
        return out
    return out / f"{src.stem}.mp4"


def convert_video(src: Path, dst: Path, frame: Callable[[Image.Image], Image.Image]) -> int:
    """Every frame of `src` through `frame`, written to `dst` at the same rate, with `src`'s audio; the frame count."""
    ffmpeg = _ffmpeg()
    try:
        reader = ffmpeg.read_frames(str(src))
        meta = next(reader)
    except (OSError, RuntimeError, StopIteration) as exc:
        raise UserError(f"{src} is not a video ffmpeg can read ({type(exc).__name__}: {exc})") from None
    width, height = meta["size"]
    fps = meta["fps"] or 25.0
    expected = round(meta.get("duration", 0) * fps) or None
    frames = 0
    bar = console.progress(expected, f"video {src.name}", unit="frame")
    with atomic_path(dst) as tmp:
        writer = ffmpeg.write_frames(
            str(tmp),
            (width, height),
            fps=fps,
            macro_block_size=2,  # H.264 in yuv420p needs even sides; odd ones are scaled by one pixel
            output_params=["-f", MUXERS[dst.suffix.lower()]],
            audio_path=str(src) if meta.get("audio_codec") else None,
            audio_codec="aac" if meta.get("audio_codec") else None,
        )
        writer.send(None)
        try:
            for raw in reader:
                img = Image.fromarray(np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3))
                writer.send(np.ascontiguousarray(np.asarray(frame(img).convert("RGB"), dtype=np.uint8)))
                frames += 1
                bar.update(1)
        finally:
            writer.close()
            reader.close()
            bar.close()
    return frames


def transfer_videos(inputs: Sequence[str], out: str | Path, frame: Callable[[Image.Image], Image.Image]) -> list[Path]:
    """Each input video converted frame by frame into `out` (a video file for one input, else a folder)."""
    out = Path(out).expanduser()
    written = []
    for item in inputs:
        src = Path(item).expanduser()
        if not src.is_file():
            raise UserError(f"input {item} does not exist; pass a video file")
        dst = output_path(src, out, len(inputs))
        frames = convert_video(src, dst, frame)
        console.info(f"{src.name}: {frames} frames → {dst}")
        written.append(dst)
    return written

"""`landmarks.jsonl`: one JSON object per face crop, written by `avatargan prepare` (and for the built-in domains
directly from the renderer), read back to give each training image its key points.

A line looks like
  {"file": "img_001.png", "source": "/photos/img_001.jpg", "kind": "photo", "size": 256, "score": 1.2,
   "box": [x0, y0, x1, y1], "keypoints": {"left_eye": [x, y], ..., "chin": [x, y]},
   "points": [[x, y] * 68] (photos), "parts": {"left_eye_box": [...], ...} (anime)}
with every coordinate in crop pixels (pixel (i, j) spans [i, i+1) x [j, j+1)); `file` is relative to the folder
holding landmarks.jsonl. The six `keypoints` are the same for every kind (`KEYPOINT_NAMES`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from avatargan.data.builtin.keypoints import KEYPOINT_NAMES
from avatargan.errors import DataError

FILENAME = "landmarks.jsonl"


def keypoints_dict(kp: np.ndarray) -> dict[str, list[float]]:
    return {name: [round(float(x), 3), round(float(y), 3)] for name, (x, y) in zip(KEYPOINT_NAMES, kp, strict=True)}


def keypoints_array(record: dict) -> np.ndarray:
    """The 6×2 key points of a record, in KEYPOINT_NAMES order."""
    return np.array([record["keypoints"][n] for n in KEYPOINT_NAMES], dtype=np.float64)


def read_records(path: str | Path) -> Iterator[dict]:
    """Records of a landmarks.jsonl; a torn last line (an interrupted run) is ignored, other bad lines are errors."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            if n == len(lines):
                return
            raise DataError(
                f"{path} line {n} is not valid JSON; delete the line (or the file) and prepare again"
            ) from None


def append_record(path: str | Path, record: dict) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, separators=(",", ":")) + "\n")


def find_landmarks_file(folder: str | Path) -> Path | None:
    p = Path(folder).expanduser() / FILENAME
    return p if p.is_file() else None


def folder_keypoints(folder: str | Path, files: list[Path], size: int) -> np.ndarray:
    """Key points (N×6×2, in pixels of a `size` image) of each of `files` under `folder`, from its landmarks.jsonl.

    Crops are square, so loading one at `size` only scales its key points by size / record size."""
    root = Path(folder).expanduser()
    path = find_landmarks_file(root)
    if path is None:
        raise DataError(
            f"{root} has no {FILENAME}, so its images have no key points; make one with "
            f"`avatargan prepare photos|anime SRC --out {root}`"
        )
    by_file = {r["file"]: r for r in read_records(path)}
    out = np.zeros((len(files), len(KEYPOINT_NAMES), 2), dtype=np.float32)
    for i, f in enumerate(files):
        rel = Path(f).relative_to(root).as_posix()
        rec = by_file.get(rel)
        if rec is None:
            raise DataError(f"{path} has no line for {rel}; prepare the folder again (it resumes) or remove {f}")
        out[i] = keypoints_array(rec) * (size / float(rec["size"]))
    return out

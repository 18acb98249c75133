"""`avatargan prepare`: detect, align, crop and resize every face of a folder of photos or anime images.

Resumable: each finished source image is a line in `landmarks.jsonl` (its faces) or in `skipped.jsonl` (no face,
several faces without --all-faces, unreadable), and a new run skips both. Parallel: a pool of processes, each
loading its own detector once. Built-in domains (`builtin:photo-faces`, `builtin:anime-faces`) are rendered with
their exact key points instead of detected.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from avatargan import console
from avatargan.data.builtin.faces import face_record, render_face
from avatargan.data.sources import DEFAULT_BACKGROUND, IMAGE_ERRORS, IMAGE_EXTENSIONS, to_rgb
from avatargan.errors import DataError
from avatargan.faces import landmarks_file
from avatargan.faces.align import align_face
from avatargan.faces.detectors import Face, detect_faces, make_detector
from avatargan.photo_options import MIN_SCORE

SKIPPED = "skipped.jsonl"
PHOTO_MIN_SCORE = MIN_SCORE  # one score floor for photos, in preparation and in whole-photo transfer
DOMINANT_RATIO = 3.0  # one face whose score is ≥ this × every other's is "the" face of the image (the others dropped)


@dataclass
class PrepareOptions:
    kind: str  # "photos" | "anime"
    size: int = 256
    margin: float = 0.3
    all_faces: bool = False
    workers: int = 0  # 0: one per CPU, at most 4
    min_score: float | None = None  # drop detections scored below this; None: PHOTO_MIN_SCORE for photos, 0 anime
    background: str = DEFAULT_BACKGROUND  # colour under transparent pixels

    @property
    def score_floor(self) -> float:
        if self.min_score is not None:
            return self.min_score
        return PHOTO_MIN_SCORE if self.kind == "photos" else 0.0


@dataclass
class PrepareSummary:
    done: int = 0
    resumed: int = 0
    faces: int = 0
    skipped: dict[str, list[str]] = field(
        default_factory=lambda: {"no face": [], "several faces": [], "unreadable": []}
    )
    dropped: dict[str, int] = field(default_factory=lambda: {"low score": 0, "beside a dominant face": 0})


def list_images(src: Path) -> list[Path]:
    if src.is_file():
        return [src]
    return sorted(p for p in src.rglob("*") if p.is_file() and p.name.lower().endswith(IMAGE_EXTENSIONS))


_detector = None


def _init_worker(kind: str) -> None:
    global _detector
    _detector = make_detector(kind)


def process_one(src: str, rel: str, out_dir: str, opts: PrepareOptions) -> tuple[str, list[dict], str | None]:
    """Detect and crop the faces of one image: (rel, records written, skip reason or None)."""
    try:
        with Image.open(src) as im:
            img = to_rgb(ImageOps.exif_transpose(im), opts.background)
    except IMAGE_ERRORS as exc:
        return rel, [], f"unreadable ({type(exc).__name__}: {exc})"
    found = detect_faces(_detector, img)
    faces, dropped = choose_faces(found, opts)
    if not faces:
        below = len(found)
        return (
            rel,
            [],
            f"no face ({below} detection(s) scored below --min-score {opts.score_floor})" if below else "no face",
        )
    if len(faces) > 1 and not opts.all_faces:
        return rel, [], f"several faces ({len(faces)}; --all-faces keeps each)"
    records = []
    stem = Path(rel).with_suffix("")
    for k, face in enumerate(faces):
        aligned = align_face(img, face, opts.size, opts.margin)
        name = f"{stem.as_posix()}.png" if k == 0 else f"{stem.as_posix()}_face{k}.png"
        target = Path(out_dir) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        aligned.image.save(target)
        f = aligned.face
        rec = {
            "file": name,
            "source": rel,
            "face": k,
            "kind": "photo" if opts.kind == "photos" else "anime",
            "size": opts.size,
            "score": round(f.score, 4),
            "box": [round(v, 2) for v in f.box],
            "keypoints": landmarks_file.keypoints_dict(f.keypoints),
        }
        if f.points is not None:
            rec["points"] = [[round(float(x), 2), round(float(y), 2)] for x, y in f.points]
        if f.parts:
            rec["parts"] = {k2: [round(v, 2) for v in b] for k2, b in f.parts.items()}
        if dropped and k == 0:  # what was left out of this image, and why (counted in the summary)
            rec["dropped"] = dropped
        records.append(rec)
    return rel, records, None


def choose_faces(found: list[Face], opts: PrepareOptions) -> tuple[list[Face], list[dict]]:
    """The faces to keep and what was dropped: detections below the score floor, and, without --all-faces, the
    others when one face clearly dominates (score ≥ DOMINANT_RATIO × each other's)."""
    dropped = [_dropped(f, "low score") for f in found if f.score < opts.score_floor]
    faces = sorted((f for f in found if f.score >= opts.score_floor), key=lambda f: -f.score)
    if len(faces) > 1 and not opts.all_faces and faces[0].score >= DOMINANT_RATIO * faces[1].score:
        dropped += [_dropped(f, "beside a dominant face") for f in faces[1:]]
        faces = faces[:1]
    return sorted(faces, key=lambda f: -f.area), dropped


def _dropped(face: Face, reason: str) -> dict:
    return {"reason": reason, "score": round(face.score, 4), "box": [round(v, 1) for v in face.box]}


def _done_sources(out: Path, all_faces: bool = False) -> set[str]:
    """Sources already prepared or skipped; with --all-faces, images skipped for several faces are redone."""
    done: set[str] = set()
    for name in (landmarks_file.FILENAME, SKIPPED):
        if (out / name).is_file():
            for r in landmarks_file.read_records(out / name):
                if not (all_faces and r.get("reason", "").startswith("several faces")):
                    done.add(r["source"])
    return done


def prepare_folder(src: str | Path, out: str | Path, opts: PrepareOptions) -> PrepareSummary:
    """Prepare every image under `src` into `out` (see the module docstring); returns what was done and skipped."""
    src, out = Path(src).expanduser(), Path(out).expanduser()
    if not src.exists():
        raise DataError(f"{src} does not exist; pass a folder (or a file) of {opts.kind}")
    if out.resolve() == src.resolve() or src.resolve() in out.resolve().parents:
        raise DataError(f"--out {out} is inside {src}; write the crops to a folder outside the source")
    files = list_images(src)
    if not files:
        raise DataError(f"no images found in {src} (looked for {', '.join(IMAGE_EXTENSIONS)})")
    out.mkdir(parents=True, exist_ok=True)
    root = src if src.is_dir() else src.parent
    done = _done_sources(out, opts.all_faces)
    todo = [(str(p), p.relative_to(root).as_posix()) for p in files if p.relative_to(root).as_posix() not in done]
    summary = PrepareSummary(resumed=len(files) - len(todo))
    if summary.resumed:
        console.info(f"resuming: {summary.resumed} of {len(files)} images already prepared in {out}")
    workers = opts.workers or min(os.cpu_count() or 1, 4)
    workers = max(1, min(workers, len(todo)))
    bar = console.progress(len(todo), f"prepare {opts.kind}", unit="img")

    def record(result: tuple[str, list[dict], str | None]) -> None:
        rel, records, reason = result
        for r in records:
            landmarks_file.append_record(out / landmarks_file.FILENAME, r)
            for d in r.get("dropped", []):
                summary.dropped[d["reason"]] += 1
        if reason is not None:
            landmarks_file.append_record(out / SKIPPED, {"source": rel, "reason": reason})
            summary.skipped[reason.split(" (")[0]].append(rel)
        summary.done += 1
        summary.faces += len(records)
        bar.update(1)

    try:
        if workers == 1:
            if todo:
                _init_worker(opts.kind)
            for path, rel in todo:
                record(process_one(path, rel, str(out), opts))
        else:
            # spawn: dlib and the detector state must not be forked mid-use; each worker loads its own detector
            with get_context("spawn").Pool(workers, _init_worker, (opts.kind,)) as pool:
                jobs = [(p, r, str(out), opts) for p, r in todo]
                for result in pool.imap_unordered(_star_process, jobs, chunksize=4):
                    record(result)
    finally:
        bar.close()
    _report(summary, out)
    return summary


def _star_process(job: tuple) -> tuple[str, list[dict], str | None]:
    return process_one(*job)


def _report(summary: PrepareSummary, out: Path) -> None:
    for reason, count in summary.dropped.items():
        if count:
            where = out / landmarks_file.FILENAME
            console.info(f'dropped {count} detection(s), {reason} (each under "dropped" in {where})')
    for reason, names in summary.skipped.items():
        if names:
            shown = "\n".join(f"  {n}" for n in names[:20]) + (
                f"\n  ... and {len(names) - 20} more" if len(names) > 20 else ""
            )
            console.warn(f"{len(names)} image(s) skipped, {reason} (listed in {out / SKIPPED}):\n{shown}")


def prepare_builtin(spec: str, out: str | Path, size: int, count: int, seed: int) -> PrepareSummary:
    """Render `count` built-in faces with their exact key points into `out`, in the same format (resumable too)."""
    style = {"builtin:photo-faces": "photo", "builtin:anime-faces": "anime"}.get(spec)
    if style is None:
        raise DataError(f"{spec}: unknown built-in domain; use builtin:photo-faces or builtin:anime-faces")
    out = Path(out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    done = _done_sources(out)
    summary = PrepareSummary()
    bar = console.progress(count, f"render {style} faces", unit="img")
    for i in range(count):
        bar.update(1)
        rel = f"{spec}#{i}@{seed}"
        if rel in done:
            summary.resumed += 1
            continue
        name = f"{style}_{i:06d}.png"
        render_face(i, seed, style, size).save(out / name)
        rec = face_record(i, seed, style, size)
        kp = np.array(list(rec["keypoints"].values()))
        line = {"file": name, "source": rel, "face": 0, "kind": f"builtin-{style}", "size": size, "score": 1.0}
        line["box"] = [round(float(v), 2) for v in (*kp.min(0), *kp.max(0))]
        line["keypoints"] = landmarks_file.keypoints_dict(kp)
        landmarks_file.append_record(out / landmarks_file.FILENAME, line)
        summary.done += 1
        summary.faces += 1
    bar.close()
    return summary


def summary_json(summary: PrepareSummary) -> str:
    return json.dumps({"done": summary.done, "resumed": summary.resumed, "faces": summary.faces})

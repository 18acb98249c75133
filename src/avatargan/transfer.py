"""Using a trained image → image generator: convert photos (or anime, with `b2a`) and draw comparison sheets.

Inputs are files, folders (searched recursively) or glob patterns. By default each image is resized on its shorter
side and centre-cropped to a square (aspect is kept, nothing is stretched), converted in batches without autograd,
and written as one PNG per input. With `faces` the faces of each photo are found, converted and pasted back
(`photo_transfer`), or written as crops with an index; with `size="native"` whole images are converted at their
own size (`any_size`); video files go frame by frame (`video`). `compare` puts the inputs beside the outputs of
several models (the report's origin / CycleGAN / CartoonGAN figure), one row per input and one titled column per
model.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps
from torch import nn

from avatargan import console
from avatargan.any_size import Convert, convert_image
from avatargan.data.sources import IMAGE_ERRORS, IMAGE_EXTENSIONS, fit_square
from avatargan.errors import UserError
from avatargan.inference import run_batched
from avatargan.io_utils import atomic_write_text
from avatargan.models import model_class
from avatargan.models.spec import DIRECTIONS, PHOTO_TO_ANIME
from avatargan.photo_options import FACE_MODES, MIN_SCORE, TILE
from avatargan.photo_transfer import PhotoResult, convert_photo, detector_for, outline_faces
from avatargan.pixels import from_uint8
from avatargan.report.figures import labelled_columns, save_image, to_uint8
from avatargan.runtime import resolve_device
from avatargan.video import is_video, transfer_videos
from avatargan.weights import family_spec, load_generators, snapshot_note

SHEET_TILE = 128  # sheets enlarge small images (nearest neighbour) to at least this many pixels
PHOTO_TILE = 256  # whole photos on sheets are fitted into squares of this side
NATIVE = "native"  # `--size native`: every image at its own size
CROPS_INDEX = "faces.jsonl"  # `--faces crops`: which photo and which face each crop came from


def load_transfer_generator(
    path: str | Path, direction: str = PHOTO_TO_ANIME, device: str = "auto", snapshot: str = "last"
) -> tuple[nn.Module, dict]:
    """The generator of one direction of a run (its last or best weights), checkpoint or weights file, with its
    description."""
    if direction not in DIRECTIONS:
        raise UserError(f"--direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    generators, meta = load_generators(path, resolve_device(device), snapshot)
    family = meta["model"]["family"]
    if family_spec(meta).kind != "transfer":
        raise UserError(
            f"{path} holds a {family} model, which draws from noise rather than converting images; "
            "use `avatargan generate` with it"
        )
    if direction not in generators:
        raise UserError(
            f"{path} holds a {family} model, which only converts {', '.join(sorted(generators))}; "
            f"--direction {direction} needs a model trained both ways (cyclegan)"
        )
    return generators[direction], meta


def expand_inputs(inputs: Sequence[str]) -> list[Path]:
    """Image files named by files, folders (recursive, sorted) or glob patterns, in the order given."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item).expanduser()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)
            if not files:
                raise UserError(f"no images in folder {path} (looked for {', '.join(IMAGE_EXTENSIONS)})")
            found += files
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
            if not matches:
                raise UserError(f"the pattern {item!r} matches no files")
            found += matches
        else:
            raise UserError(f"input {item} does not exist; pass image files, folders or glob patterns")
    unique = list(dict.fromkeys(found))  # a file named twice is converted once
    if not unique:
        raise UserError("no input images given")
    return unique


def load_images(paths: Sequence[Path], size: int) -> tuple[list[Path], torch.Tensor]:
    """The readable images as N×3×size×size floats in [-1, 1]; unreadable files are reported by name and skipped."""
    kept, arrays, bad = [], [], []
    for path in paths:
        try:
            with Image.open(path) as img:
                arrays.append(np.asarray(fit_square(img, size), dtype=np.uint8))
            kept.append(path)
        except IMAGE_ERRORS as exc:
            bad.append(f"  {path} ({type(exc).__name__}: {exc})")
    if bad:
        console.warn(f"skipped {len(bad)} unreadable image file(s):\n" + "\n".join(bad))
    if not kept:
        raise UserError("none of the inputs could be read as an image; pass JPEG/PNG/WebP/BMP files")
    images = from_uint8(torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2))
    return kept, images


def convert(generator: nn.Module, images: torch.Tensor, batch_size: int = 16, precision: str = "fp32") -> torch.Tensor:
    """`generator` applied to `images` (on the CPU, in [-1, 1]) in batches; the results come back to the CPU."""
    return run_batched(generator, images, batch_size, precision)


def down_step(meta: dict) -> int:
    """What every side the generator sees must be a multiple of (2**(down-sampling stages)), as the family
    declares it."""
    return family_spec(meta).side_multiple


def check_size(size: int, meta: dict) -> int:
    """The generator keeps the input size only for sides that are multiples of 2**(down-sampling stages)."""
    step = down_step(meta)
    if size < step or size % step:
        raise UserError(f"--size {size}: this {meta['model']['family']} model needs a multiple of {step}")
    return size


def output_names(paths: Sequence[Path]) -> list[str]:
    """One PNG name per input, from its file name; inputs with the same name get -2, -3… (never overwritten)."""
    names, seen = [], {}
    for path in paths:
        stem = path.stem
        seen[stem] = seen.get(stem, 0) + 1
        names.append(f"{stem}.png" if seen[stem] == 1 else f"{stem}-{seen[stem]}.png")
    return names


def sheet_scale(size: int) -> int:
    return max(1, SHEET_TILE // size)


def transfer(
    weights: str | Path,
    inputs: Sequence[str],
    out_dir: str | Path,
    direction: str = PHOTO_TO_ANIME,
    size: int | str | None = None,
    sheet: str | Path | None = None,
    batch_size: int = 16,
    device: str = "auto",
    faces: str = "off",
    tile: int = TILE,
    min_score: float = MIN_SCORE,
    precision: str = "auto",
    snapshot: str = "last",
) -> list[Path]:
    """Convert every input image (or video) with one direction of a trained model; returns the written files.

    size: the square side (default: the training size) or "native"; faces: one of `FACE_MODES` (face crops are
    converted at the square side, or the training size with "native")."""
    if faces not in FACE_MODES:
        raise UserError(f"--faces must be one of {', '.join(FACE_MODES)}, got {faces!r}")
    generator, meta = load_transfer_generator(weights, direction, device, snapshot)
    console.info(snapshot_note(meta))
    native = size == NATIVE
    crop_size = check_size(int(meta["image_size"]) if native or size is None else int(size), meta)

    def run(x: torch.Tensor) -> torch.Tensor:
        return convert(generator, x, batch_size, precision)

    title = f"{display_name(meta['model']['family'])} {direction}"
    videos = [i for i in inputs if is_video(i)]
    if videos:
        if len(videos) != len(inputs):
            raise UserError("convert videos and images in separate commands (--out is a video file or a folder)")
        if faces == "crops" or (size is not None and not native and faces == "off"):
            raise UserError("videos keep their frame size: use --faces, --faces only or --size native with them")
        converter = _photo_converter(run, direction, faces, crop_size, down_step(meta), tile, min_score)
        return transfer_videos(videos, out_dir, lambda img: _or_unchanged(converter(img).image, img))
    paths = expand_inputs(inputs)
    if faces == "off" and not native:
        return _transfer_squares(run, paths, out_dir, crop_size, sheet, title)
    converter = _photo_converter(run, direction, faces, crop_size, down_step(meta), tile, min_score)
    written, pairs = _transfer_photos(converter, paths, Path(out_dir), faces, bool(sheet))
    if sheet and pairs:
        written.append(save_image(labelled_columns(_sheet_columns(pairs, title, faces)), sheet))
    return written


def _transfer_squares(
    run: Convert, paths: list[Path], out_dir: str | Path, size: int, sheet: str | Path | None, title: str
) -> list[Path]:
    """Each input centre-cropped to size×size and converted (the default): one batched pass over all inputs."""
    paths, images = load_images(paths, size)
    outputs = run(images)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        save_image(Image.fromarray(arr), out_dir / name)
        for arr, name in zip(to_uint8(outputs), output_names(paths), strict=True)
    ]
    if sheet:
        written.append(save_image(labelled_columns([("input", images), (title, outputs)], sheet_scale(size)), sheet))
    return written


def _photo_converter(
    run: Convert, direction: str, faces: str, size: int, step: int, tile: int, min_score: float
) -> Callable[[Image.Image], PhotoResult]:
    """What is done to each photo (or video frame): converted whole at its own size, or its faces (`faces`)."""
    if faces == "off":
        return lambda img: PhotoResult(convert_image(run, img, step, tile))
    detector = detector_for(direction)
    paste, whole = faces != "crops", faces == "paste"
    return lambda img: convert_photo(img, run, detector, size, step, paste, whole, tile=tile, min_score=min_score)


def _or_unchanged(converted: Image.Image | None, frame: Image.Image) -> Image.Image:
    """A video frame's result: with `--faces only`, a frame without a face stays as it was."""
    return frame if converted is None else converted


def _thumb(img: Image.Image, side: int = PHOTO_TILE) -> np.ndarray:
    """`img` fitted into a side×side square (letterboxed on white, nothing cut) for sheets."""
    return np.asarray(ImageOps.pad(img.convert("RGB"), (side, side), color=(255, 255, 255)))


NO_FACE = {"paste": "converted whole", "crops": "no crops written", "only": "skipped (--faces only)"}


def _transfer_photos(
    converter: Callable[[Image.Image], PhotoResult], paths: list[Path], out_dir: Path, faces: str, sheet: bool
) -> tuple[list[Path], list[tuple[np.ndarray, np.ndarray]]]:
    """Each photo through `converter`, written as <name>.png (or its face crops and `faces.jsonl` with "crops");
    returns the files and, with `sheet`, (input, output) thumbnails for it. Photos without a face are named."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written, pairs, index, no_face, bad = [], [], [], [], []
    bar = console.progress(len(paths), "transfer", unit="img")
    for path, name in zip(paths, output_names(paths), strict=True):
        try:
            with Image.open(path) as im:
                img = ImageOps.exif_transpose(im).convert("RGB")
        except IMAGE_ERRORS as exc:
            bad.append(f"  {path} ({type(exc).__name__}: {exc})")
            bar.update(1)
            continue
        result = converter(img)
        if faces != "off" and not result.faces:
            no_face.append(f"  {path}")
        if faces == "crops":
            for k, c in enumerate(result.faces):
                file = f"{Path(name).stem}_face{k}.png"
                written.append(save_image(c.avatar, out_dir / file))
                box, score = [round(v, 1) for v in c.face.box], round(c.face.score, 4)
                index.append({"file": file, "source": str(path), "face": k, "score": score, "box": box})
                if sheet:
                    pairs.append((_thumb(c.crop, SHEET_TILE), _thumb(c.avatar, SHEET_TILE)))
        elif result.image is not None:
            written.append(save_image(result.image, out_dir / name))
            if sheet:  # the sheet shows the faces that were found
                pairs.append((_thumb(outline_faces(img, [c.face for c in result.faces])), _thumb(result.image)))
        bar.update(1)
    bar.close()
    if bad:
        console.warn(f"skipped {len(bad)} unreadable image file(s):\n" + "\n".join(bad))
        if len(bad) == len(paths):
            raise UserError("none of the inputs could be read as an image; pass JPEG/PNG/WebP/BMP files")
    if no_face:
        console.warn(f"no face found in {len(no_face)} photo(s), {NO_FACE[faces]}:\n" + "\n".join(no_face))
    if faces == "crops":
        lines = "".join(json.dumps(r) + "\n" for r in index)
        atomic_write_text(out_dir / CROPS_INDEX, lines)
        written.append(out_dir / CROPS_INDEX)
    return written, pairs


def _sheet_columns(pairs: list[tuple[np.ndarray, np.ndarray]], title: str, faces: str) -> list[tuple[str, np.ndarray]]:
    first = {"off": "input", "crops": "aligned face"}.get(faces, "input, faces found")
    return [(first, np.stack([a for a, _ in pairs])), (title, np.stack([b for _, b in pairs]))]


def run_label(path: str | Path) -> str:
    """A short name for where a model came from: the run number of a run folder (00003), else the folder name."""
    p = Path(path).expanduser()
    folder = p if p.is_dir() else p.parent.parent if p.parent.name == "checkpoints" else p.parent
    number = folder.name.split("-")[0]
    return number if number.isdigit() else folder.name


def display_name(family: str) -> str:
    """How a family is written in titles: its class name (CycleGAN, CartoonGAN)."""
    return model_class(family).__name__


def model_titles(models: Sequence[str], families: Sequence[str]) -> list[str]:
    """Column titles: the family's name, plus the run where two columns share a family."""
    titles = []
    for path, family in zip(models, families, strict=True):
        name = display_name(family)
        titles.append(f"{name} {run_label(path)}" if families.count(family) > 1 else name)
    return titles


def compare(
    inputs: Sequence[str],
    models: Sequence[str],
    out: str | Path,
    direction: str = PHOTO_TO_ANIME,
    size: int | None = None,
    limit: int | None = None,
    device: str = "auto",
) -> Path:
    """The comparison sheet: inputs, then one titled column per model (row i: input i and its conversions)."""
    if not models:
        raise UserError("--models needs at least one run folder or weights file")
    loaded = [load_transfer_generator(m, direction, device) for m in models]
    size = size or int(loaded[0][1]["image_size"])
    for _, meta in loaded:
        check_size(size, meta)
    paths = expand_inputs(inputs)[:limit] if limit else expand_inputs(inputs)
    _, images = load_images(paths, size)
    titles = model_titles(models, [meta["model"]["family"] for _, meta in loaded])
    columns = [("origin", images)] + [(t, convert(g, images)) for t, (g, _) in zip(titles, loaded, strict=True)]
    return save_image(labelled_columns(columns, sheet_scale(size)), Path(out))

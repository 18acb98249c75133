"""`avatargan transfer`: convert images (photos → anime, or back with --direction b2a) with a trained model."""

from __future__ import annotations

import argparse
from pathlib import Path

from avatargan.commands.options import add_precision_option, add_snapshot_option
from avatargan.models.spec import DIRECTIONS, PHOTO_TO_ANIME  # import-free: `--help` stays fast
from avatargan.photo_options import FACE_MODES, MIN_SCORE, TILE  # import-free: `--help` stays fast

EPILOG = """examples:
  avatargan transfer runs/00004-cyclegan-photo-faces2anime-faces me.jpg --out anime/
  avatargan transfer runs/00004-cyclegan-photo-faces2anime-faces group.jpg --faces --out anime/
  avatargan transfer runs/00004-cyclegan-photo-faces2anime-faces ~/photos --faces crops --out crops/
  avatargan transfer runs/00004-cyclegan-photo-faces2anime-faces street.jpg --size native --out anime/
  avatargan transfer runs/00004-cyclegan-photo-faces2anime-faces clip.mp4 --faces --out clip-anime.mp4
  avatargan transfer runs/00005-cartoongan-selfie2anime ~/photos 'shots/*.png' --out anime/ --sheet sheet.png
  avatargan transfer runs/00004-cyclegan-photo-faces2anime-faces ~/anime --direction b2a --out photos/"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "transfer",
        help="convert photos into anime avatars (or back) with a trained CycleGAN or CartoonGAN",
        description="Convert images with a trained image → image model. By default each input is resized on its "
        "shorter side and centre-cropped to a square (aspect is kept), and written to --out as <name>.png. With "
        "--faces every face is detected and aligned (as `avatargan prepare` does), converted, and pasted back into "
        "the photo with a feathered mask; with --size native whole images are converted at their own size. Video "
        "files (mp4, mov, mkv, avi, webm) are converted frame by frame, keeping frame rate and audio.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "weights",
        metavar="RUN_DIR_OR_WEIGHTS",
        help="a run folder, a checkpoint (.pt) or exported weights (generator.safetensors)",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files, folders (recursive) or glob patterns")
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder for the converted images (or a .mp4/.mov/.mkv for one video)",
    )
    p.add_argument(
        "--direction",
        default=PHOTO_TO_ANIME,
        choices=DIRECTIONS,
        help="a2b: domain A → B, photos → anime (default); b2a: anime → photos (CycleGAN only)",
    )
    p.add_argument(
        "--size",
        type=_size,
        metavar="N|native",
        help="side of the square the inputs (or, with --faces, the face crops) are cropped to (default: training "
        "size); native: whole images at their own size, padded to what the generator needs",
    )
    p.add_argument(
        "--faces",
        nargs="?",
        const="paste",
        default="off",
        choices=FACE_MODES,
        metavar="MODE",
        help="detect faces (photos with dlib for a2b, anime with AnimeFace for b2a; needs avatargan[faces]): "
        "--faces converts each aligned face and pastes it back (a photo without a face is named and converted "
        "whole); --faces crops writes the converted crops and faces.jsonl (which photo, which face); "
        "--faces only skips photos without a face (default: off)",
    )
    p.add_argument(
        "--min-score",
        type=float,
        default=MIN_SCORE,
        metavar="S",
        help=f"with --faces, ignore detections scored below S (dlib's HOG score, AnimeFace's likelihood; "
        f"default {MIN_SCORE})",
    )
    p.add_argument(
        "--tile",
        type=int,
        default=TILE,
        metavar="PX",
        help=f"with --size native (and whole photos without a face), images with a side over PX are converted in "
        f"overlapping PX-pixel tiles so memory stays bounded (default {TILE})",
    )
    p.add_argument("--sheet", metavar="FILE", help="also write a side-by-side sheet: inputs and outputs")
    p.add_argument("--batch-size", type=int, default=16, metavar="N", help="images per batch (default 16)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    add_precision_option(p)
    add_snapshot_option(p)


def _size(text: str) -> int | str:
    if text == "native":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of pixels or 'native', got {text!r}") from None


def run(args: argparse.Namespace) -> list[Path]:
    from avatargan import console
    from avatargan.errors import UserError
    from avatargan.transfer import transfer

    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    if args.tile < 64:
        raise UserError("--tile must be at least 64 pixels")
    written = transfer(
        args.weights,
        args.inputs,
        args.out,
        args.direction,
        args.size,
        args.sheet,
        args.batch_size,
        args.device,
        faces=args.faces,
        tile=args.tile,
        min_score=args.min_score,
        precision=args.precision,
        snapshot=args.snapshot,
    )
    files = [p for p in written if not args.sheet or p != Path(args.sheet)]
    console.info(f"wrote {len(files)} file(s) to {args.out}" + (f" and the sheet {args.sheet}" if args.sheet else ""))
    return written

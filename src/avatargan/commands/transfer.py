"""`avatargan transfer`: convert images (photos → anime, or back with --direction b2a) with a trained model."""

from __future__ import annotations

import argparse
from pathlib import Path

from avatargan.commands.options import add_precision_option

EPILOG = """examples:
  avatargan transfer runs/00004-cyclegan-photo-faces2anime-faces me.jpg --out anime/
  avatargan transfer runs/00005-cartoongan-selfie2anime ~/photos 'shots/*.png' --out anime/ --sheet sheet.png
  avatargan transfer runs/00004-cyclegan-photo-faces2anime-faces ~/anime --direction b2a --out photos/"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "transfer",
        help="convert photos into anime avatars (or back) with a trained CycleGAN or CartoonGAN",
        description="Convert images with a trained image → image model. Each input is resized on its shorter "
        "side and centre-cropped to a square (aspect is kept), and written to --out as <name>.png.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "weights",
        metavar="RUN_DIR_OR_WEIGHTS",
        help="a run folder, a checkpoint (.pt) or exported weights (generator.safetensors)",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files, folders (recursive) or glob patterns")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the converted images")
    p.add_argument(
        "--direction",
        default="a2b",
        choices=("a2b", "b2a"),
        help="a2b: domain A → B, photos → anime (default); b2a: anime → photos (CycleGAN only)",
    )
    p.add_argument(
        "--size", type=int, metavar="N", help="side of the square the inputs are cropped to (default: training size)"
    )
    p.add_argument("--sheet", metavar="FILE", help="also write a side-by-side sheet: inputs and outputs")
    p.add_argument("--batch-size", type=int, default=16, metavar="N", help="images per batch (default 16)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    add_precision_option(p)


def run(args: argparse.Namespace) -> list[Path]:
    from avatargan import console
    from avatargan.errors import UserError
    from avatargan.transfer import transfer

    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    written = transfer(
        args.weights,
        args.inputs,
        args.out,
        args.direction,
        args.size,
        args.sheet,
        args.batch_size,
        args.device,
        args.precision,
    )
    images = [p for p in written if not args.sheet or p != Path(args.sheet)]
    console.info(
        f"wrote {len(images)} image(s) to {args.out}/" + (f" and the sheet {args.sheet}" if args.sheet else "")
    )
    return written

"""`avatargan compare`: the report's comparison figure — inputs beside the outputs of several trained models."""

from __future__ import annotations

import argparse
from pathlib import Path

from avatargan.models.spec import DIRECTIONS, PHOTO_TO_ANIME  # import-free: `--help` stays fast

EPILOG = """example (the report's figure: origin, CycleGAN, CartoonGAN):
  avatargan compare ~/photos --models runs/00004-cyclegan-photo-faces2anime-faces \\
      runs/00005-cartoongan-photo-faces2anime-faces --out compare.png"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="a sheet comparing several models on the same images (one column per model)",
        description="Convert the same images with several trained models and draw one sheet: the inputs "
        "('origin') and one column per model, titled with its family, one row per input.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT_DIR", help="a folder of images (or files / glob patterns)")
    p.add_argument(
        "--models",
        nargs="+",
        required=True,
        metavar="RUN",
        help="run folders, checkpoints or exported weights, one column each, in this order",
    )
    p.add_argument("--out", default="compare.png", metavar="FILE", help="sheet to write (default compare.png)")
    p.add_argument("--direction", default=PHOTO_TO_ANIME, choices=DIRECTIONS, help="a2b: photos → anime (default)")
    p.add_argument("--size", type=int, metavar="N", help="side of the square crops (default: the first model's)")
    p.add_argument("--limit", type=int, metavar="N", help="use at most the first N inputs (rows)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")


def run(args: argparse.Namespace) -> Path:
    from avatargan import console
    from avatargan.errors import UserError
    from avatargan.transfer import compare

    if args.limit is not None and args.limit < 1:
        raise UserError("--limit must be at least 1")
    out = compare(args.inputs, args.models, args.out, args.direction, args.size, args.limit, args.device)
    console.info(f"wrote the comparison sheet {out}")
    return out

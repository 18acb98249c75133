"""`avatargan generate`: a grid (and optionally one file each) of avatars from random noise."""

from __future__ import annotations

import argparse
from pathlib import Path

from avatargan.commands.options import add_precision_option, add_snapshot_option


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate",
        help="draw avatars from random noise with a trained generator",
        description="Draw avatars with a trained noise → image generator (e.g. DCGAN).",
    )
    p.add_argument(
        "weights",
        metavar="RUN_DIR_OR_WEIGHTS",
        help="a run folder, a checkpoint (.pt), weights (generator.safetensors) or an ONNX/TorchScript export folder",
    )
    p.add_argument("--n", type=int, default=64, help="how many avatars (default 64)")
    p.add_argument("--seed", type=int, default=0, help="noise seed: the same seed gives the same avatars (default 0)")
    p.add_argument("--out", default="grid.png", help="grid image to write (default grid.png)")
    p.add_argument("--nrow", type=int, help="avatars per grid row (default: a square grid)")
    p.add_argument("--save-each", metavar="DIR", help="also write every avatar as its own PNG into DIR")
    p.add_argument(
        "--truncation",
        type=float,
        metavar="T",
        help="redraw noise components beyond ±T: smaller T, more typical avatars (e.g. 1.5; default: no truncation)",
    )
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    add_precision_option(p)
    add_snapshot_option(p)


def run(args: argparse.Namespace) -> Path:
    from avatargan import console, inference
    from avatargan.api import load_noise_model
    from avatargan.errors import UserError
    from avatargan.weights import snapshot_note

    if args.n < 1:
        raise UserError("--n must be at least 1")
    model = load_noise_model(args.weights, args.device, args.precision, args.snapshot)
    console.info(snapshot_note(model.meta))
    images = model.render(model.noise(args.n, args.seed, args.truncation))
    out = inference.write_grid(images, Path(args.out), args.nrow)
    console.info(f"wrote {args.n} avatars to {out}")
    if args.save_each:
        inference.save_each(images, Path(args.save_each))
        console.info(f"wrote each avatar into {args.save_each}/")
    return out

"""`avatargan interpolate`: rows of avatars walking between random noises (the report's "continuous noises")."""

from __future__ import annotations

import argparse
from pathlib import Path

from avatargan.commands.options import add_precision_option, add_snapshot_option


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "interpolate",
        help="avatars along paths between random noises (the report's continuous noises)",
        description="Rows of avatars, each walking from one random noise to another.",
    )
    p.add_argument("weights", metavar="RUN_DIR_OR_WEIGHTS", help="a run folder, a checkpoint or exported weights")
    p.add_argument("--rows", type=int, default=8, help="number of independent walks (default 8)")
    p.add_argument("--steps", type=int, default=10, help="avatars per walk, end points included (default 10)")
    p.add_argument(
        "--mode",
        choices=("slerp", "linear"),
        default="slerp",
        help="slerp: along the sphere where Gaussian noise lives (default); linear: a straight line",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the end points (default 0)")
    p.add_argument("--out", default="interpolation.png", help="strip image to write (default interpolation.png)")
    p.add_argument("--gif", metavar="FILE", help="also write an animated GIF of a closed walk through random noises")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    add_precision_option(p)
    add_snapshot_option(p)


def run(args: argparse.Namespace) -> Path:
    from avatargan import console, inference
    from avatargan.api import load_noise_model
    from avatargan.weights import snapshot_note

    model = load_noise_model(args.weights, args.device, args.precision, args.snapshot)
    console.info(snapshot_note(model.meta))
    latent = model.latent_dim
    z = inference.interpolation_noise(args.rows, args.steps, latent, args.seed, args.mode)
    out = inference.write_grid(model.render(z), Path(args.out), nrow=args.steps)
    console.info(f"wrote {args.rows} walks of {args.steps} steps to {out}")
    if args.gif:
        frames = model.render(inference.walk_noise(6, 16, latent, args.seed))
        console.info(f"wrote {inference.write_gif(frames, Path(args.gif))}")
    return out

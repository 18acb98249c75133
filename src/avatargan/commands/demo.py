"""`avatargan demo` (and `make demo`): a few minutes on the CPU from nothing to a report of a trained DCGAN."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from avatargan.commands.options import add_set_option


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="train a small DCGAN on the built-in faces for a few minutes, then show results",
        description="A few minutes on the CPU: renders built-in anime faces, trains a small DCGAN, and writes a "
        "sample grid, an interpolation strip and GIF, and the run report with its quality block (FID/KID on "
        "train.final_fid_n images, judge coverage and valid faces).",
    )
    p.add_argument("--minutes", type=float, default=9.0, help="total time budget in minutes (default 9)")
    p.add_argument("--out", default="runs", help="folder for the run folder (default runs)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    add_set_option(p, "override a field of the demo recipe (configs/dcgan_demo.yaml)")


def run(args: argparse.Namespace) -> dict[str, Path]:
    """Render built-in faces, train the demo recipe within the time budget, then write grid, strip, GIF, report."""
    from avatargan import config as config_mod
    from avatargan import console, inference
    from avatargan.data.batches import build_datasets
    from avatargan.errors import UserError
    from avatargan.training.loop import Trainer
    from avatargan.weights import family_spec

    start = time.monotonic()
    overrides = [f"train.out_root={args.out}", f"train.device={args.device}", *args.overrides]
    cfg = config_mod.from_dict(config_mod.apply_overrides(config_mod.load_recipe("dcgan_demo"), overrides))
    build_datasets(cfg.data, ("image",))  # render + cache the faces now, so their time counts against the budget
    # minutes kept for the final checkpoint, figures and report, and the quality block (≤ ~40 s on 2 cores)
    finish_reserve = 0.5 + (0.7 if cfg.train.final_fid_n or cfg.train.final_judge_n else 0.0)
    left = args.minutes - (time.monotonic() - start) / 60 - finish_reserve
    if left <= 0.1:
        raise UserError(f"--minutes {args.minutes} leaves no time to train after preparing the data; allow more")
    cfg.train.max_minutes = min(cfg.train.max_minutes or left, left)
    console.info(f"demo: training a small DCGAN for up to {cfg.train.max_minutes:.1f} min on {cfg.data.source}")
    run_dir = Trainer(cfg).run()

    g, meta = inference.load_noise_generator(run_dir, args.device)
    latent = int(family_spec(meta).latent_dim or 0)
    walks = inference.interpolation_noise(8, 10, latent, 0)
    outputs = {
        "grid": inference.write_grid(inference.generate(g, inference.noise(64, latent, 0)), run_dir / "demo_grid.png"),
        "interpolation": inference.write_grid(inference.generate(g, walks), run_dir / "demo_interpolation.png", 10),
        "gif": inference.write_gif(
            inference.generate(g, inference.walk_noise(6, 16, latent, 0)), run_dir / "demo_walk.gif"
        ),
        "report": run_dir / "report.html",
    }
    print(f"\nDemo finished in {(time.monotonic() - start) / 60:.1f} min. Results in {run_dir}:")
    for name, path in outputs.items():
        print(f"  {name:<14} {path}")
    print(f"Next: avatargan generate {run_dir} --n 64 --out grid.png   (or open {outputs['report']})")
    return outputs

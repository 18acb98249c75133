"""The floor of the generation metrics: what a perfect DCGAN would score on the benchmark's protocol.

Held-out built-in faces (people after the training ones, never trained on) are scored as if a generator had drawn
them, against the same n real training faces `dcgan_recipes.py` and the quality block compare with. A generator that
drew the data's distribution exactly would land here, not at 0: FID at small n is biased upwards, and coverage and
judge_fd carry the judge's sampling noise. Read a recipe's scores against this row.

`--degrade` also scores the held-out faces after known damage, to show what each metric reads: pixel noise, a
checkerboard (the pattern a transposed convolution prints), the generator's [1, 2, 1] blur (`model.g_blur`), and a
halving and re-doubling of the resolution. Amplitudes are fractions of the pixel range's half (0.05 ≈ ±6 of 255).

    python benchmarks/metric_floor.py --n 1000
    python benchmarks/metric_floor.py --n 1000 --json out.json
    python benchmarks/metric_floor.py --n 1000 --degrade noise:0.05,checker:0.05,blur,half
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

from avatargan.config import from_dict, load_recipe
from avatargan.data.sources import BuiltinFaces
from avatargan.data.spec import open_source
from avatargan.metrics.base import EvalInputs
from avatargan.metrics.evaluate import compute, real_set_key, source_images
from avatargan.nn.blur import Blur

METRICS = ["fid", "kid", "attr_coverage", "valid_faces", "judge_fd"]
HALF_RANGE = 127.5  # uint8 pixels: an amplitude a of the half range is a · 127.5 levels


def degrade(images: torch.Tensor, name: str) -> torch.Tensor:
    """uint8 images after the damage `name` (noise:A, checker:A, blur, half), rounded back to uint8."""
    kind, _, amount = name.partition(":")
    x = images.double()
    if kind == "noise":
        x = x + float(amount) * HALF_RANGE * torch.randn(x.shape, generator=torch.Generator().manual_seed(0))
    elif kind == "checker":
        h, w = x.shape[-2:]
        i, j = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        x = x + float(amount) * HALF_RANGE * ((i + j) % 2 * 2 - 1)
    elif kind == "blur":
        x = Blur()(x)
    elif kind == "half":
        x = F.interpolate(F.avg_pool2d(x, 2), scale_factor=2, mode="bilinear", align_corners=False)
    else:
        raise SystemExit(f"--degrade: unknown damage {name!r}; use noise:A, checker:A, blur or half")
    return x.round().clamp(0, 255).to(torch.uint8)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=1000, help="held-out and real images scored (default 1000)")
    p.add_argument("--recipe", default="dcgan_demo", help="whose data and image size (default dcgan_demo)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument("--degrade", default="", help="also score damaged copies: noise:A,checker:A,blur,half")
    p.add_argument("--json", type=Path, help="also write the values here")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    data = from_dict(load_recipe(args.recipe)).data
    size = data.image_size
    train = open_source(data.source, data)
    if not isinstance(train, BuiltinFaces):
        sys.exit(f"{args.recipe} trains on {data.source}; the floor needs built-in faces (held-out people)")
    real = source_images(train, size, args.n, data.cache_dir, seed=0)  # the set dcgan_recipes.py scores against
    held_out = BuiltinFaces(train.style, args.n, train.seed, offset=train.count)
    fake = source_images(held_out, size, args.n, data.cache_dir, seed=0)
    key = real_set_key(train, size, len(real), seed=0)  # shares the cached real features
    rows = {}
    for name in ["held-out", *filter(None, args.degrade.split(","))]:
        images = fake if name == "held-out" else degrade(fake, name)
        results = compute(EvalInputs(images, real, key, cache_dir=data.cache_dir), METRICS, verbose=False)
        rows[name] = {k: v for values in results.values() for k, v in values.items() if k != "n"}
        print(name, json.dumps(rows[name]), flush=True)
    flat = rows["held-out"] if len(rows) == 1 else rows
    if args.json:
        args.json.write_text(json.dumps({"recipe": args.recipe, "n": args.n, **flat}, indent=1) + "\n")


if __name__ == "__main__":
    main()

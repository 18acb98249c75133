"""Where a photo → anime generator's movement comes from, beside the true anime face's.

    python benchmarks/movement_parts.py RUN/checkpoints/ckpt-000003000.pt [RUN_DIR ...] [--live] [--n 500]

`movement` (the judge metric) is the mean absolute pixel change from the photo to G(photo), 0..1. This splits it
on the same 500 held-out pairs as `transfer_recipes.py`: by channel of YUV (brightness Y against hue U, V; pixels
in 0..1, the judge's scale) and by place (the middle half of each side — eyes, nose, mouth — against the rest:
hair, jaw, background). The true anime face of each person is split the same way, so a generator that moves less
than the anime face shows *what* it leaves unchanged. One JSON line per generator, then the true anime face's.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score_checkpoints import with_live  # noqa: E402

from avatargan.blocks.face_losses import rgb_to_yuv  # noqa: E402
from avatargan.metrics.evaluate import build_inputs, run_data_config, run_dir_of  # noqa: E402
from avatargan.pixels import from_uint8  # noqa: E402
from avatargan.weights import load_generators  # noqa: E402


def movement_parts(moved: torch.Tensor, photos: torch.Tensor) -> dict[str, float]:
    """Mean |moved − photo| (uint8 N×3×H×W each) in 0..1: over RGB (the judge's `movement`), per YUV channel, and
    over RGB in the centre (middle half of each side) and the border around it."""
    a, b = from_uint8(moved), from_uint8(photos)
    rgb = (a - b).abs() / 2  # [-1, 1] → the judge's 0..1 scale
    yuv = (rgb_to_yuv(a) - rgb_to_yuv(b)).abs()
    size = a.shape[-1]
    centre = torch.zeros(size, size, dtype=torch.bool)
    centre[size // 4 : size - size // 4, size // 4 : size - size // 4] = True
    return {
        "movement": float(rgb.mean()),
        "Y": float(yuv[:, 0].mean()),
        "U": float(yuv[:, 1].mean()),
        "V": float(yuv[:, 2].mean()),
        "centre": float(rgb[..., centre].mean()),
        "border": float(rgb[..., ~centre].mean()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("generators", type=Path, nargs="+", help="checkpoints (.pt) or run folders")
    ap.add_argument("--live", action="store_true", help="also each checkpoint's live generator beside its EMA")
    ap.add_argument("--n", type=int, default=500)
    args = ap.parse_args()
    torch.set_num_threads(1)  # the runs this reads are usually still training beside it
    inputs = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.live:
            jobs = with_live(args.generators, Path(tmp))
        else:
            jobs = [(p.name, p, p) for p in args.generators]
        for _, path, origin in jobs:
            name = f"{origin}" if path == origin else f"{origin} live"  # whole paths: runs share checkpoint names
            generators, meta = load_generators(path, "cpu")
            inputs, _ = build_inputs(generators, meta, run_data_config(run_dir_of(origin)), args.n)
            parts = movement_parts(inputs.fake, inputs.source)
            print(json.dumps({"generator": name, **{k: round(v, 4) for k, v in parts.items()}}), flush=True)
    if inputs is not None and inputs.target is not None:
        parts = movement_parts(inputs.target, inputs.source)
        print(json.dumps({"generator": "true anime face", **{k: round(v, 4) for k, v in parts.items()}}), flush=True)


if __name__ == "__main__":
    main()

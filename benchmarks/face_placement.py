"""Where a DCGAN puts its faces: the spread of their positions against the real faces' spread.

Translation in D's augmentation can leak into G: at ADA's p = 1 every image D sees is shifted, so G is never shown
where real faces sit. This script measures it. Each image (n samples of each run's last weights, and n real training
faces) is matched against the mean real face by normalised correlation at every integer shift of up to ±R pixels; the
best shift is the image's offset. Printed per run: the mean |dy| and |dx| of the offsets, and the share of images
off centre by more than one pixel. A generator that places faces as the data does matches the real row.

    python benchmarks/face_placement.py RUN_DIR [RUN_DIR ...] [--n 1000] [--radius 8] [--json out.json]

No Inception, no judge: seconds per run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
import torch.nn.functional as F

from avatargan.data.spec import open_source
from avatargan.inference import load_noise_generator
from avatargan.metrics.evaluate import noise_images, run_data_config, run_dir_of, source_images


def offsets(images: torch.Tensor, template: torch.Tensor, radius: int) -> torch.Tensor:
    """N×2 (dy, dx): the shift of each uint8 image (N, 3, H, W) that best matches the template (3, H, W), by the
    correlation of their mean-removed pixels; the image is read zero-padded beyond its border."""
    x = images.float() / 127.5 - 1
    x = x - x.mean(dim=(1, 2, 3), keepdim=True)
    t = template - template.mean()
    h, w = x.shape[-2:]
    padded = F.pad(x, [radius] * 4)
    shifts = [(dy, dx) for dy in range(-radius, radius + 1) for dx in range(-radius, radius + 1)]
    scores = torch.stack(
        [
            (padded[:, :, radius + dy : radius + dy + h, radius + dx : radius + dx + w] * t).sum(dim=(1, 2, 3))
            for dy, dx in shifts
        ],
        dim=1,
    )
    return torch.tensor(shifts, dtype=torch.float)[scores.argmax(dim=1)]


def spread(shift: torch.Tensor) -> dict[str, float]:
    return {
        "mean_abs_dy": float(shift[:, 0].abs().mean()),
        "mean_abs_dx": float(shift[:, 1].abs().mean()),
        "off_centre": float((shift.abs() > 1).any(dim=1).float().mean()),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", type=Path, help="DCGAN run folders (or weights files)")
    p.add_argument("--n", type=int, default=1000, help="generated and real images per row (default 1000)")
    p.add_argument("--radius", type=int, default=8, help="largest shift tried, in pixels (default 8: DiffAugment's)")
    p.add_argument("--seed", type=int, default=1, help="noise seed of the samples (default 1)")
    p.add_argument("--json", type=Path, help="also write the values here")
    args = p.parse_args()
    torch.manual_seed(0)
    rows: dict[str, dict[str, float]] = {}
    template: torch.Tensor | None = None
    for run in args.runs:
        g, meta = load_noise_generator(run, "cpu")
        if template is None:  # the first run's data: every run is compared with the same real faces
            data = run_data_config(run_dir_of(run))
            real = source_images(open_source(data.source, data), data.image_size, args.n, data.cache_dir, seed=0)
            template = (real.float() / 127.5 - 1).mean(dim=0)
            rows["real faces"] = spread(offsets(real, template, args.radius))
        fake = noise_images(g.eval(), meta["model"]["latent_dim"], args.n, args.seed, 250)
        rows[str(run)] = spread(offsets(fake, template, args.radius))
    print("| images | mean abs dy | mean abs dx | share off centre by > 1 px |")
    print("|---|---|---|---|")
    for name, v in rows.items():
        print(f"| {name} | {v['mean_abs_dy']:.2f} | {v['mean_abs_dx']:.2f} | {v['off_centre']:.3f} |")
    if args.json:
        args.json.write_text(
            json.dumps({"n": args.n, "radius": args.radius, "seed": args.seed, "rows": rows}, indent=1)
        )


if __name__ == "__main__":
    main()

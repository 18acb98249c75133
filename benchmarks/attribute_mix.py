"""Which attribute classes a DCGAN over- and under-draws: the judge's class shares of its samples beside the real ones.

`attr_coverage` is 1 − the total-variation distance between the generated and the real class shares, averaged over
six attributes; one number per attribute says how far the mix is off, not where. This script prints the shares
themselves (n samples of each run's last weights, n real faces of the run's data, read by the packaged judge), so a
low coverage of, say, eye colour shows as the colours G draws too often and too rarely.

    python benchmarks/attribute_mix.py RUN_DIR [RUN_DIR ...] [--attributes eye_color,eye_shape] [--n 1000]
        [--json out.json] [--grid eyes.png --grid-attribute eye_color]

`--grid` also draws the first run's faces by class: for each class of one attribute, a column of real faces the judge
puts in it beside a column of generated ones (blank where there are fewer), enlarged, so a colour G never draws shows
as an empty column and one it draws badly as faces next to their real counterparts.

Built-in anime faces only (the judge's classes are theirs). Seconds per run, no Inception.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from avatargan.data.builtin.face_params import ATTRIBUTE_CLASSES
from avatargan.data.spec import open_source
from avatargan.inference import load_noise_generator
from avatargan.metrics.evaluate import noise_images, run_data_config, run_dir_of, source_images
from avatargan.metrics.judge import JudgeOutput, judge_images, load_judge
from avatargan.metrics.judge_metrics import IDENTITY_ATTRIBUTES, attribute_histograms, coverage
from avatargan.report.figures import labelled_columns, save_image


def shares(judged: JudgeOutput, real: JudgeOutput) -> dict[str, dict[str, object]]:
    """Each identity attribute's class shares (summing to 1) and its coverage against `real`."""
    hist, cov = attribute_histograms(judged), coverage(judged, real)
    return {
        k: {"shares": [round(float(v), 4) for v in hist[k]], "coverage": round(cov[f"coverage_{k}"], 4)}
        for k in IDENTITY_ATTRIBUTES
    }


def class_columns(
    attribute: str,
    real: torch.Tensor,
    real_judged: JudgeOutput,
    fake: torch.Tensor,
    fake_judged: JudgeOutput,
    per_class: int,
) -> list[tuple[str, torch.Tensor]]:
    """For each class of `attribute`, `per_class` real uint8 images the judge puts in it, then as many generated
    ones: (title, images) columns for `labelled_columns`, padded with white where a class has fewer."""
    columns = []
    for c, name in enumerate(ATTRIBUTE_CLASSES[attribute]):
        for label, images, judged in (("real", real, real_judged), ("G", fake, fake_judged)):
            picked = images[judged.attributes[attribute] == c][:per_class]
            blank = torch.full((per_class - len(picked), *images.shape[1:]), 255, dtype=torch.uint8)
            columns.append((f"{name} {label}", torch.cat([picked, blank])))
    return columns


def print_table(attribute: str, rows: dict[str, dict[str, dict[str, object]]]) -> None:
    classes = ATTRIBUTE_CLASSES[attribute]
    print(f"\n{attribute}: share of each class, and the attribute's coverage against the real faces")
    print("| images | " + " | ".join(classes) + " | coverage |")
    print("|---|" + "---|" * (len(classes) + 1))
    for name, row in rows.items():
        values = row[attribute]
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in values["shares"]) + f" | {values['coverage']:.3f} |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", type=Path, help="DCGAN run folders (or weights files) trained on built-in faces")
    p.add_argument("--attributes", default=",".join(IDENTITY_ATTRIBUTES), help="comma-separated (default: all six)")
    p.add_argument("--n", type=int, default=1000, help="generated and real images per row (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="noise seed of the samples (default 1)")
    p.add_argument("--json", type=Path, help="also write the shares here")
    p.add_argument("--grid", type=Path, help="also draw the first run's faces by class into this PNG")
    p.add_argument("--grid-attribute", default="eye_color", help="the attribute whose classes --grid shows")
    p.add_argument("--grid-rows", type=int, default=6, help="faces per class and side in --grid (default 6)")
    args = p.parse_args()
    attributes = [a.strip() for a in args.attributes.split(",") if a.strip()]
    unknown = sorted(set(attributes) - set(IDENTITY_ATTRIBUTES))
    if unknown:
        p.error(f"unknown attribute(s) {', '.join(unknown)}; choose from {', '.join(IDENTITY_ATTRIBUTES)}")
    if args.grid and args.grid_attribute not in IDENTITY_ATTRIBUTES:
        p.error(f"unknown --grid-attribute {args.grid_attribute}; choose from {', '.join(IDENTITY_ATTRIBUTES)}")
    if args.grid_rows < 1:
        p.error(f"--grid-rows must be at least 1, got {args.grid_rows}")
    judge, _ = load_judge()
    data = run_data_config(run_dir_of(args.runs[0]))
    real = source_images(open_source(data.source, data), data.image_size, args.n, data.cache_dir, seed=0)
    real_judged = judge_images(judge, real)
    rows = {"real faces": shares(real_judged, real_judged)}
    for run in args.runs:
        g, meta = load_noise_generator(run, "cpu")
        fake = noise_images(g.eval(), meta["model"]["latent_dim"], args.n, args.seed, 250)
        fake_judged = judge_images(judge, fake)
        rows[str(run)] = shares(fake_judged, real_judged)
        if args.grid and run == args.runs[0]:
            columns = class_columns(args.grid_attribute, real, real_judged, fake, fake_judged, args.grid_rows)
            print(f"wrote {save_image(labelled_columns(columns, scale=2), args.grid)}")
    for attribute in attributes:
        print_table(attribute, rows)
    if args.json:
        classes = {a: list(ATTRIBUTE_CLASSES[a]) for a in IDENTITY_ATTRIBUTES}
        args.json.write_text(json.dumps({"n": args.n, "seed": args.seed, "classes": classes, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()

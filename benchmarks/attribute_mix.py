"""Which attribute classes a DCGAN over- and under-draws: the judge's class shares of its samples beside the real ones.

`attr_coverage` is 1 − the total-variation distance between the generated and the real class shares, averaged over
six attributes; one number per attribute says how far the mix is off, not where. This script prints the shares
themselves (n samples of each run's last weights, n real faces of the run's data, read by the packaged judge), so a
low coverage of, say, eye colour shows as the colours G draws too often and too rarely.

    python benchmarks/attribute_mix.py RUN_DIR [RUN_DIR ...] [--attributes eye_color,eye_shape] [--n 1000]
        [--json out.json]

Built-in anime faces only (the judge's classes are theirs). Seconds per run, no Inception.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from avatargan.data.builtin.face_params import ATTRIBUTE_CLASSES
from avatargan.data.spec import open_source
from avatargan.inference import load_noise_generator
from avatargan.metrics.evaluate import noise_images, run_data_config, run_dir_of, source_images
from avatargan.metrics.judge import JudgeOutput, judge_images, load_judge
from avatargan.metrics.judge_metrics import IDENTITY_ATTRIBUTES, attribute_histograms, coverage


def shares(judged: JudgeOutput, real: JudgeOutput) -> dict[str, dict[str, object]]:
    """Each identity attribute's class shares (summing to 1) and its coverage against `real`."""
    hist, cov = attribute_histograms(judged), coverage(judged, real)
    return {
        k: {"shares": [round(float(v), 4) for v in hist[k]], "coverage": round(cov[f"coverage_{k}"], 4)}
        for k in IDENTITY_ATTRIBUTES
    }


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
    args = p.parse_args()
    attributes = [a.strip() for a in args.attributes.split(",") if a.strip()]
    unknown = sorted(set(attributes) - set(IDENTITY_ATTRIBUTES))
    if unknown:
        p.error(f"unknown attribute(s) {', '.join(unknown)}; choose from {', '.join(IDENTITY_ATTRIBUTES)}")
    judge, _ = load_judge()
    data = run_data_config(run_dir_of(args.runs[0]))
    real = source_images(open_source(data.source, data), data.image_size, args.n, data.cache_dir, seed=0)
    real_judged = judge_images(judge, real)
    rows = {"real faces": shares(real_judged, real_judged)}
    for run in args.runs:
        g, meta = load_noise_generator(run, "cpu")
        fake = noise_images(g.eval(), meta["model"]["latent_dim"], args.n, args.seed, 250)
        rows[str(run)] = shares(judge_images(judge, fake), real_judged)
    for attribute in attributes:
        print_table(attribute, rows)
    if args.json:
        classes = {a: list(ATTRIBUTE_CLASSES[a]) for a in IDENTITY_ATTRIBUTES}
        args.json.write_text(json.dumps({"n": args.n, "seed": args.seed, "classes": classes, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()

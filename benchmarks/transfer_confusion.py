"""Which attributes a photo → anime run loses, and to what: per attribute, the judge's class of G(photo) against
the person's true class on the built-in benchmark's held-out pairs, as confusion counts, beside the same for the
photo itself and the true anime face. `transfer_scores.py` gives the share kept per attribute; this says where the
rest goes (black hair read as brown? a fringe drawn open?), which is what a loss aimed at it needs to know.

    python benchmarks/transfer_confusion.py RUN_OR_CHECKPOINT [--n 500] [--attributes hair_color,fringe]

The data config (built-in count, image size) is the run's own `config.yaml`, so the pairs are those
`transfer_recipes.py` scored.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from avatargan.config import from_dict, load_yaml
from avatargan.data.builtin.face_params import ATTRIBUTE_CLASSES
from avatargan.metrics.evaluate import build_inputs
from avatargan.metrics.judge import ATTRIBUTE_HEADS, judge_images, load_judge
from avatargan.metrics.judge_metrics import IDENTITY_ATTRIBUTES
from avatargan.weights import load_generators


def run_folder(path: Path) -> Path:
    """The run folder of a run folder or of a checkpoint inside its checkpoints/."""
    return path if path.is_dir() else path.parent.parent


def confusion(truth: torch.Tensor, judged: torch.Tensor, classes: int) -> torch.Tensor:
    """classes×classes counts: row = true class, column = the judge's class."""
    return torch.bincount(truth * classes + judged, minlength=classes * classes).reshape(classes, classes)


def table(name: str, counts: dict[str, torch.Tensor]) -> str:
    """Markdown: one row per true class — how often each image set keeps it, and its commonest wrong reading."""
    labels = ATTRIBUTE_CLASSES[name]
    head = "| true " + name + " | n | " + " | ".join(f"{k}: kept, commonest wrong" for k in counts) + " |"
    lines = [head, "|" + "---|" * (2 + len(counts))]
    for i, label in enumerate(labels):
        n = int(next(iter(counts.values()))[i].sum())
        cells = []
        for c in counts.values():
            row = c[i].clone()
            kept = float(row[i]) / max(n, 1)
            row[i] = -1
            j = int(row.argmax())
            cells.append(f"{kept:.2f}, {labels[j]} {float(row[j]) / max(n, 1):.2f}")
        lines.append(f"| {label} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path, help="a run folder or one of its checkpoints (.pt)")
    ap.add_argument("--n", type=int, default=500, help="held-out pairs (default 500, as transfer_recipes.py)")
    ap.add_argument("--attributes", default=",".join(IDENTITY_ATTRIBUTES), help="comma-separated attribute names")
    args = ap.parse_args()
    cfg = from_dict(load_yaml(run_folder(args.run) / "config.yaml"))
    generators, meta = load_generators(args.run, "cpu")
    inputs, protocol = build_inputs(generators, meta, cfg.data, args.n)
    if inputs.target_labels is None:
        raise SystemExit(f"{args.run}: its data are not the built-in photo/anime pairs: no truth to compare with")
    judge = load_judge()[0]
    judged = {
        "G(photo)": judge_images(judge, inputs.fake),
        "photo": judge_images(judge, inputs.source),
        "true anime": judge_images(judge, inputs.target),
    }
    print(f"# {args.run}: {protocol}\n")
    for name in args.attributes.split(","):
        truth = inputs.target_labels[:, list(ATTRIBUTE_HEADS).index(name)]
        classes = len(ATTRIBUTE_CLASSES[name])
        counts = {k: confusion(truth, out.attributes[name], classes) for k, out in judged.items()}
        kept = {k: float(c.diagonal().sum()) / len(truth) for k, c in counts.items()}
        print(f"## {name} (kept: " + ", ".join(f"{k} {v:.3f}" for k, v in kept.items()) + ")\n")
        print(table(name, counts) + "\n")


if __name__ == "__main__":
    main()

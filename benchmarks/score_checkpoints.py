"""Judge scores of a photo → anime run's checkpoints, of the mean of their generator weights, and of the live
generator beside its EMA.

    python benchmarks/score_checkpoints.py RUN/checkpoints/ckpt-000004000.pt ... [--average K] [--live]

Each checkpoint is scored as `transfer_recipes.py` scores a run's last weights (transfer_scores.score_run: the
judge on the 500 held-out photo → anime pairs; the EMA generator where the run keeps one); with `--average K`, also
the generator whose weights are the mean of the last K checkpoints given (a crude stand-in for an EMA of the
weights: instance norm has no statistics to recompute); with `--live`, also each checkpoint's live generator where
it holds an EMA. The EMA never feeds back into training, so a run with `train.ema_kimg` set trains exactly as one
without: its live generator *is* the no-EMA arm of the same seed, and `--live` gives a paired comparison from one
run. One JSON line per scored generator.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import transfer_scores  # noqa: E402

from avatargan.config import from_dict, load_yaml  # noqa: E402
from avatargan.training.checkpoint import load_checkpoint  # noqa: E402


def averaged(paths: list[Path], out: Path) -> Path:
    """The last of `paths` with its (live) generator weights replaced by the mean over all of them, and no EMA: a
    checkpoint's EMA would otherwise be what loads, and the mean would go unscored."""
    payloads = [load_checkpoint(p) for p in paths]
    last = payloads[-1]
    prefix = last["generator_prefixes"]["a2b"]
    for key, value in last["model"].items():
        if key.startswith(prefix) and value.is_floating_point():
            last["model"][key] = sum(p["model"][key] for p in payloads) / len(payloads)
    last["ema"] = None
    torch.save(last, out)
    return out


def live(path: Path, out: Path) -> Path | None:
    """`path` without its EMA (so it loads the live generator), or None where it has none."""
    payload = load_checkpoint(path)
    if payload.get("ema") is None:
        return None
    payload["ema"] = None
    torch.save(payload, out)
    return out


def with_live(paths: list[Path], tmp: Path) -> list[tuple[str, Path, Path]]:
    """(name, file to load, the checkpoint it came from) for each of `paths`, then for each one's live generator
    where it holds an EMA (a copy without it, written under `tmp`)."""
    jobs = [(p.name, p, p) for p in paths]
    copies = [(f"{p.name} live", live(p, tmp / f"live-{i}.pt"), p) for i, p in enumerate(paths)]
    return jobs + [(name, copy, origin) for name, copy, origin in copies if copy is not None]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoints", type=Path, nargs="+")
    ap.add_argument("--average", type=int, default=0, help="also score the mean weights of the last K checkpoints")
    ap.add_argument("--live", action="store_true", help="also score each checkpoint's live generator beside its EMA")
    ap.add_argument("--n", type=int, default=500)
    args = ap.parse_args()
    cfg = from_dict(load_yaml(args.checkpoints[0].parent.parent / "config.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        if args.live:
            jobs = [(name, path) for name, path, _ in with_live(args.checkpoints, Path(tmp))]
        else:
            jobs = [(p.name, p) for p in args.checkpoints]
        if args.average:
            chosen = args.checkpoints[-args.average :]
            jobs.append((f"mean of {', '.join(p.stem for p in chosen)}", averaged(chosen, Path(tmp) / "mean.pt")))
        for name, path in jobs:
            scores = transfer_scores.score_run(path, cfg, args.n)
            print(json.dumps({"generator": name, **{k: round(v, 4) for k, v in scores.items()}}), flush=True)


if __name__ == "__main__":
    main()

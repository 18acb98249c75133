"""Is the data path the bottleneck? Data-only throughput, and DCGAN training with and without the image cache.

1. Images/s of reading batches alone: avatargan's cached uint8 array (one fancy-index read per batch, converted
   to floats), avatargan with `data.cache: false` (PIL decoding every time), and the reference ImageFolder
   DataLoader (2 workers). Compared with training speed, any of them far above it cannot be the bottleneck.
2. DCGAN training images/s with `data.cache` on vs off (alternating repeats): equal speeds show that on this
   machine the network, not the data, sets the pace.

    python benchmarks/data_path.py [--repeats 3] [--steps 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_data import image_folder_loader, write_faces  # noqa: E402
from train_speed import make_trainer, run_ours  # noqa: E402

from avatargan import console  # noqa: E402
from avatargan.config import DataConfig  # noqa: E402
from avatargan.data.batches import BatchStream, build_datasets  # noqa: E402
from avatargan.training.loop import to_float  # noqa: E402


def read_speed(batches, batch_size: int, count: int) -> float:
    it = iter(batches)
    next(it)  # start-up (workers, first mapping) is not throughput
    t = time.perf_counter()
    for _ in range(count):
        next(it)
    return batch_size * count / (time.perf_counter() - t)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--images", type=int, default=1024)
    p.add_argument("--work", default=None)
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="avatargan-data-"))
    os.environ["AVATARGAN_CACHE"] = str(work / "cache")
    console.QUIET = True
    files = write_faces(work / "files" / "anime", args.images)
    bs, n = 128, max(1, args.images // 128 - 2)
    out: dict = {"batch_size": bs}
    for cache in (True, False):
        cfg = DataConfig(source=str(files), image_size=64, cache=cache)
        stream = BatchStream(build_datasets(cfg, ("image",)), bs, seed=0)
        batches = ({k: to_float(v, "cpu") for k, v in b.items()} for b in stream.epoch(0))
        out[f"read_ours_{'cached' if cache else 'decoding'}_img_s"] = read_speed(batches, bs, n)
    loader = image_folder_loader(files, 64, bs, workers=2)
    out["read_reference_imagefolder_img_s"] = read_speed(loader, bs, n)
    for k, v in out.items():
        print(f"{k}: {v:.0f}" if isinstance(v, float) else f"{k}: {v}", flush=True)

    trainers = {c: make_trainer("dcgan_paper", {"source": str(files), "cache": c}, work) for c in (True, False)}
    for t in trainers.values():
        run_ours(t, 1)  # warm-up
    speeds: dict[bool, list[float]] = {True: [], False: []}
    for r in range(args.repeats):
        for c in (True, False) if r % 2 == 0 else (False, True):
            speeds[c].append(bs * args.steps / run_ours(trainers[c], args.steps))
    out["train_cached_img_s"] = statistics.median(speeds[True])
    out["train_decoding_img_s"] = statistics.median(speeds[False])
    print(
        f"DCGAN training: cached {out['train_cached_img_s']:.2f} img/s, decoding every batch "
        f"{out['train_decoding_img_s']:.2f} img/s",
        flush=True,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()

"""Probe (one-off, forty-fifth session): does a mixture of a run's kept EMA snapshots (each draws an equal share
of 1,000 samples) cover more attributes than each alone? Each checkpoint's EMA generator gets batch-norm statistics
recomputed over 8 noise batches; judge coverage only (n = 1,000, noise seed 1).

    python probe_snapshot_mixture.py RUN_DIR
"""

import sys
from pathlib import Path

import torch

from avatargan.blocks.ema import recompute_bn
from avatargan.config import from_dict
from avatargan.data.spec import open_source
from avatargan.inference import generate, load_noise_generator, noise
from avatargan.metrics.evaluate import run_data_config, source_images
from avatargan.metrics.judge import judge_images, load_judge
from avatargan.metrics.judge_metrics import coverage
from avatargan.models.dcgan import DCGAN
from avatargan.pixels import to_uint8
from avatargan.training.checkpoint import list_checkpoints, load_checkpoint

torch.set_num_threads(2)
run = Path(sys.argv[1])
judge, _ = load_judge()
data = run_data_config(run)
real = source_images(open_source(data.source, data), data.image_size, 1000, data.cache_dir, seed=0)
rj = judge_images(judge, real)
gens = []
for ck in list_checkpoints(run / "checkpoints"):
    p = load_checkpoint(ck)
    cfg = from_dict(p["config"])
    g = DCGAN(cfg.model, cfg.data.image_size).G
    ema = p["ema"].get("generator")
    if isinstance(ema, dict):
        g.load_state_dict(ema)
    gen = torch.Generator().manual_seed(123)
    recompute_bn(g, [torch.randn(64, cfg.model.latent_dim, generator=gen) for _ in range(8)])
    gens.append((ck.stem, g.eval()))
best, _ = load_noise_generator(run / "generator-best.safetensors", "cpu")
gens.append(("best", best.eval()))
last, meta = load_noise_generator(run, "cpu")
gens.append(("last", last.eval()))


def cov(imgs):
    c = coverage(judge_images(judge, imgs), rj)
    return c["attr_coverage"]


imgs = {}
for name, g in gens:
    imgs[name] = to_uint8(generate(g, noise(1000, meta["model"]["latent_dim"], 1), 250))
    print(name, round(cov(imgs[name]), 3))
names = [n for n, _ in gens if n != "last"]
k = len(names)
mix = torch.cat([imgs[n][i::k] for i, n in enumerate(names)])[:1000]
print("mixture of", names, round(cov(mix), 3))

"""Probe (one-off, forty-sixth session): how much of the coverage spread is measurement? Judge coverage (n = 1,000)
of three other seeded subsets of the real images against the reference subset (seed 0), then of each run's last
weights at six noise seeds (1–6) against the same reference.

    python probe_coverage_noise.py RUN_DIR [RUN_DIR ...]
"""

import sys
from pathlib import Path

import torch

from avatargan.data.spec import open_source
from avatargan.inference import generate, load_noise_generator, noise
from avatargan.metrics.evaluate import run_data_config, run_dir_of, source_images
from avatargan.metrics.judge import judge_images, load_judge
from avatargan.metrics.judge_metrics import coverage
from avatargan.pixels import to_uint8

torch.set_num_threads(2)
judge, _ = load_judge()
data = run_data_config(run_dir_of(Path(sys.argv[1])))
source = open_source(data.source, data)
reference = judge_images(judge, source_images(source, data.image_size, 1000, data.cache_dir, seed=0))


def score(images: torch.Tensor) -> float:
    return coverage(judge_images(judge, images), reference)["attr_coverage"]


for seed in (1, 2, 3):
    print(f"real subset {seed}: {score(source_images(source, data.image_size, 1000, data.cache_dir, seed=seed)):.4f}")
for run in sys.argv[1:]:
    g, meta = load_noise_generator(run, "cpu")
    g.eval()
    latent = meta["model"]["latent_dim"]
    values = torch.tensor([score(to_uint8(generate(g, noise(1000, latent, seed), 250))) for seed in range(1, 7)])
    print(run, [round(float(v), 3) for v in values], f"mean {values.mean():.4f} sd {values.std():.4f}", flush=True)

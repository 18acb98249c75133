"""Probe (one-off, forty-fifth session): is G's softness what the judge misreads? Judge coverage (n = 1,000, noise
seed 1) of each run's samples as drawn, after an unsharp mask x + a(x − blur(x)) at a = 0.5, 1, 2, and after the
[1, 2, 1] blur itself.

    python probe_sharpening.py RUN_DIR [RUN_DIR ...]
"""

import sys
from pathlib import Path

import torch

from avatargan.data.spec import open_source
from avatargan.inference import generate, load_noise_generator, noise
from avatargan.metrics.evaluate import run_data_config, run_dir_of, source_images
from avatargan.metrics.judge import judge_images, load_judge
from avatargan.metrics.judge_metrics import IDENTITY_ATTRIBUTES, coverage
from avatargan.nn.blur import Blur
from avatargan.pixels import from_uint8, to_uint8

torch.set_num_threads(2)
judge, _ = load_judge()
data = run_data_config(run_dir_of(Path(sys.argv[1])))
real = source_images(open_source(data.source, data), data.image_size, 1000, data.cache_dir, seed=0)
rj = judge_images(judge, real)
blur = Blur()  # the [1, 2, 1] / 4 low-pass of model.g_blur and metric_floor.py's "blur" damage


def show(name, imgs):
    c = coverage(judge_images(judge, imgs), rj)
    print(
        f"{name:28s}",
        f"{c['attr_coverage']:.3f}",
        " ".join(f"{c['coverage_' + a]:.3f}" for a in IDENTITY_ATTRIBUTES),
        flush=True,
    )


show("real", real)
for run in sys.argv[1:]:
    g, meta = load_noise_generator(run, "cpu")
    g.eval()
    x = from_uint8(to_uint8(generate(g, noise(1000, meta["model"]["latent_dim"], 1), 250)))
    show(Path(run).parts[-3] + " G", to_uint8(x))
    for a in [0.5, 1.0, 2.0]:
        show(f"  unsharp {a}", to_uint8((x + a * (x - blur(x))).clamp(-1, 1)))
    show("  blur", to_uint8(blur(x)))

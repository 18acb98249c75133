"""Probe (one-off, forty-fifth session): does G tie its attributes together? Mutual information (nats) between
the judge's classes of every pair of attributes, on 2,000 real faces and 2,000 samples of a run (noise seed 1), and
G's joint table of hair and eye colour (per mille).

    python probe_attribute_dependence.py RUN_DIR
"""

import sys
from pathlib import Path

import torch

from avatargan.data.builtin.face_params import ATTRIBUTE_CLASSES
from avatargan.data.spec import open_source
from avatargan.inference import generate, load_noise_generator, noise
from avatargan.metrics.evaluate import run_data_config, run_dir_of, source_images
from avatargan.metrics.judge import judge_images, load_judge
from avatargan.metrics.judge_metrics import IDENTITY_ATTRIBUTES
from avatargan.pixels import to_uint8

torch.set_num_threads(2)
judge, _ = load_judge()
data = run_data_config(run_dir_of(Path(sys.argv[1])))
real = source_images(open_source(data.source, data), data.image_size, 2000, data.cache_dir, seed=0)


def mi(j, a, b):
    x, y = j.attributes[a], j.attributes[b]
    na, nb = int(x.max()) + 1, int(y.max()) + 1
    t = torch.zeros(na, nb)
    t.index_put_((x, y), torch.ones(len(x)), accumulate=True)
    t /= t.sum()
    px, py = t.sum(1, keepdim=True), t.sum(0, keepdim=True)
    m = (t * (t / (px * py)).log()).nan_to_num().sum()
    return float(m), t


rj = judge_images(judge, real)
g, meta = load_noise_generator(sys.argv[1], "cpu")
g.eval()
fj = judge_images(judge, to_uint8(generate(g, noise(2000, meta["model"]["latent_dim"], 1), 250)))
A = IDENTITY_ATTRIBUTES
for i, a in enumerate(A):
    for b in A[i + 1 :]:
        print(f"{a:11s} {b:11s} MI real {mi(rj, a, b)[0]:.3f} G {mi(fj, a, b)[0]:.3f}")
m, t = mi(fj, "hair_color", "eye_color")
print("G hair x eye (rows hair):", ATTRIBUTE_CLASSES["eye_color"])
for r, h in zip(t, ATTRIBUTE_CLASSES["hair_color"], strict=True):
    print(f"{h:8s}", " ".join(f"{v * 1000:4.0f}" for v in r))

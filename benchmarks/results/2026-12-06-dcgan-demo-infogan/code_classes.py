"""What each class of a DCGAN's first InfoGAN code draws: for each attribute, the mutual information (bits) between
the code's class and the judge's class of the face, then each code class's most frequent judge class and its share.

    python code_classes.py RUN_DIR [IMAGES_PER_CLASS]     # noise seed 5; the code's entry drawn inside each class
"""

import sys

import torch

from avatargan.data.builtin.face_params import ATTRIBUTE_CLASSES
from avatargan.inference import load_noise_generator
from avatargan.metrics.judge import judge_images, load_judge
from avatargan.metrics.judge_metrics import IDENTITY_ATTRIBUTES

run = sys.argv[1]
per = int(sys.argv[2]) if len(sys.argv) > 2 else 200
g, meta = load_noise_generator(run, "cpu")
g.eval()
K = meta["model"]["info_classes"]
judge, _ = load_judge()
gen = torch.Generator().manual_seed(5)
joint = {a: torch.zeros(K, len(ATTRIBUTE_CLASSES[a])) for a in IDENTITY_ATTRIBUTES}
for k in range(K):  # the first code's entry, drawn uniformly inside class k's quantiles
    z = torch.randn(per, meta["model"]["latent_dim"], generator=gen)
    u = (k + torch.rand(per, generator=gen)) / K
    z[:, 0] = torch.special.ndtri(u.double()).float()
    with torch.no_grad():
        imgs = torch.cat([g(z[i : i + 100]) for i in range(0, per, 100)])
    out = judge_images(judge, imgs)
    for a in IDENTITY_ATTRIBUTES:
        joint[a][k] += torch.bincount(out.attributes[a], minlength=len(ATTRIBUTE_CLASSES[a])).float()
for a in IDENTITY_ATTRIBUTES:
    p = joint[a] / joint[a].sum()
    pk, pa = p.sum(1, keepdim=True), p.sum(0, keepdim=True)
    mi = (p * (p / (pk * pa)).clamp_min(1e-12).log2()).nan_to_num().sum()
    tops = [ATTRIBUTE_CLASSES[a][int(r.argmax())] + f" {float(r.max() / r.sum()):.2f}" for r in joint[a]]
    print(f"{a:12s} MI {float(mi):.3f} bits | " + " | ".join(tops))

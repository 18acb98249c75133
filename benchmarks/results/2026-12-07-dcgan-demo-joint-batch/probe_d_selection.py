"""Probe (one-off, forty-fifth session): does selecting G's samples by D's verdict (discriminator rejection
sampling's idea, Azadi et al. 2019) raise coverage? Draws POOL samples from the run's EMA generator, scores them with
the last checkpoint's D (plain, and averaged over 4 augmented views at the run's last ADA p), and scores 1,000 of them
picked by importance resampling (weights exp(t · logit), t = 0.5 and 1) and by the top logits, against 1,000 random
ones, on the benchmark's protocol (FID/KID, coverage, valid faces, judge_fd; n = 1,000).

    python probe_d_selection.py RUN_DIR [POOL] [OUT.json]
"""

import json
import sys
from pathlib import Path

import torch

from avatargan.blocks.augment import for_d
from avatargan.config import from_dict
from avatargan.data.spec import open_source
from avatargan.inference import generate, load_noise_generator, noise
from avatargan.metrics.base import EvalInputs
from avatargan.metrics.evaluate import compute, real_set_key, source_images
from avatargan.models.dcgan import DCGAN
from avatargan.pixels import from_uint8, to_uint8
from avatargan.training.checkpoint import list_checkpoints, load_checkpoint

torch.set_num_threads(2)
run = Path(sys.argv[1])
pool = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
ck = load_checkpoint(list_checkpoints(run / "checkpoints")[-1])
cfg = from_dict(ck["config"])
m = DCGAN(cfg.model, cfg.data.image_size)
m.load_state_dict(ck["model"], strict=False)
if m.ada:
    m.load_extra_state(ck["extra"])
m.eval()
g, meta = load_noise_generator(run, "cpu")
g.eval()
z = noise(pool, meta["model"]["latent_dim"], 1)
with torch.inference_mode():
    x = generate(g, z, 250)
    fake = to_uint8(x)
    xf = from_uint8(fake)
    plain = torch.cat([m.D(xf[i : i + 250]).flatten() for i in range(0, pool, 250)])
    torch.manual_seed(0)
    aug = torch.stack(
        [
            torch.cat([m.D(for_d(m.cfg, xf[i : i + 250], m.augment_p)).flatten() for i in range(0, pool, 250)])
            for _ in range(4)
        ]
    ).mean(0)
data = cfg.data
src = open_source(data.source, data)
real = source_images(src, data.image_size, 1000, data.cache_dir, seed=0)
with torch.inference_mode():
    xr = from_uint8(real)
    rplain = torch.cat([m.D(xr[i : i + 250]).flatten() for i in range(0, 1000, 250)])
print(
    f"logits fake plain mean {plain.mean():.2f} sd {plain.std():.2f}; real plain mean {rplain.mean():.2f} "
    f"sd {rplain.std():.2f}; fake aug {aug.mean():.2f}",
    flush=True,
)
key = real_set_key(src, data.image_size, len(real), seed=0)
METRICS = ["fid", "kid", "attr_coverage", "valid_faces", "judge_fd"]


def score(idx, name):
    r = compute(EvalInputs(fake[idx], real, key, cache_dir=data.cache_dir), METRICS, verbose=False)
    flat = {k: v for vals in r.values() for k, v in vals.items() if k != "n"}
    print(name, json.dumps({k: round(v, 4) for k, v in flat.items()}), flush=True)
    return flat


out = {}
out["random"] = score(torch.arange(1000), "random")
gen = torch.Generator().manual_seed(0)
for sname, s in [("plain", plain), ("aug", aug)]:
    for t in [0.5, 1.0]:
        w = torch.exp(t * (s - s.max()))
        idx = torch.multinomial(w, 1000, replacement=False, generator=gen)
        out[f"{sname}-t{t}"] = score(idx, f"{sname}-t{t}")
    out[f"{sname}-top"] = score(torch.topk(s, 1000).indices, f"{sname}-top")
if len(sys.argv) > 3:
    Path(sys.argv[3]).write_text(json.dumps(out, indent=1) + "\n")

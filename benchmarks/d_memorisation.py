"""Does a DCGAN's discriminator memorise its training faces? D's scores on training, held-out and generated faces.

Adaptive augmentation (ADA) assumes that D wins by memorising its training set; then its scores on faces it trained
on rise above its scores on faces it never saw. This script measures that for a checkpoint: D (in training mode, as
it runs in a training step, on batches of 32 of one kind) scores n training faces, n held-out built-in faces (the
people after the training ones) and n samples of the checkpoint's generator, each clean and augmented as D saw them
at that step (the policy at the checkpoint's p: ADA's, or model.augment_p). Printed: the mean logit and the mean
sign of the logits (ADA's r_t) per set. Training and held-out rows alike: D does not memorise.

    python benchmarks/d_memorisation.py RUN/checkpoints/ckpt-000009000.pt [...] [--n 1000] [--json out.json]

Built-in anime faces only (held-out faces need the generator of the data set). Seconds per checkpoint.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from avatargan.data.spec import open_source
from avatargan.errors import UserError
from avatargan.metrics.evaluate import held_out_builtin, noise_images, source_images
from avatargan.nn import diff_augment
from avatargan.pixels import from_uint8
from avatargan.training.checkpoint import load_checkpoint, restore_model

BATCH = 32  # the demo's batch: D's batch norm sees batches of one kind, as in a training step


@torch.no_grad()
def scores(d: torch.nn.Module, images: torch.Tensor, policy: tuple[str, ...], p: float, shift: float) -> torch.Tensor:
    out = []
    for i in range(0, len(images), BATCH):
        x = from_uint8(images[i : i + BATCH])
        if p > 0:
            x = diff_augment.augment(x, policy, p, shift)
        out.append(d(x).float().flatten())
    return torch.cat(out)


def measure(checkpoint: Path, n: int) -> dict[str, dict[str, float]]:
    state = load_checkpoint(checkpoint)
    cfg, model = restore_model(state)
    if cfg.model.family != "dcgan":
        raise UserError(f"{checkpoint}: a {cfg.model.family} checkpoint; this script reads DCGAN ones")
    held_out = held_out_builtin(cfg.data.source, cfg.data, n)
    if held_out is None:
        raise UserError(f"{checkpoint}: trained on {cfg.data.source}; held-out faces exist for built-in data only")
    train = open_source(cfg.data.source, cfg.data)
    sets = {
        "training faces": source_images(train, cfg.data.image_size, n, cfg.data.cache_dir, seed=0),
        "held-out faces": source_images(held_out, cfg.data.image_size, n, cfg.data.cache_dir, seed=0),
        "generated": noise_images(model.G.eval(), cfg.model.latent_dim, n, 1, 250),
    }
    ada = (state.get("extra") or {}).get("ada")
    p = float(ada["p"]) if ada else cfg.model.augment_p
    policy = diff_augment.parse_policy(cfg.model.augment)
    model.D.train()
    torch.manual_seed(0)
    rows = {}
    for name, images in sets.items():
        for label, prob in (("clean", 0.0), (f"augmented, p {p:.2f}", p if policy else 0.0)):
            s = scores(model.D, images, policy, prob, cfg.model.augment_shift)
            rows[f"{name}, {label}"] = {"mean_logit": float(s.mean()), "mean_sign": float(s.sign().mean())}
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoints", nargs="+", type=Path, help="DCGAN training checkpoints (ckpt-*.pt)")
    p.add_argument("--n", type=int, default=1000, help="images per set (default 1000)")
    p.add_argument("--json", type=Path, help="also write the values here")
    args = p.parse_args()
    torch.set_num_threads(1)
    results = {str(c): measure(c, args.n) for c in args.checkpoints}
    for name, rows in results.items():
        print(f"\n{name}\n\n| images | D's mean logit | mean sign (ADA's r_t) |\n|---|---|---|")
        for label, v in rows.items():
            print(f"| {label} | {v['mean_logit']:+.2f} | {v['mean_sign']:+.2f} |")
    if args.json:
        args.json.write_text(json.dumps({"n": args.n, "results": results}, indent=1))


if __name__ == "__main__":
    main()

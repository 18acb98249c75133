"""What D's features hold: a `model.d_recon` run's D rebuilds held-out real faces from its last hidden 4×4 map.

For each checkpoint: D (training mode, batches of 16 as in a step) reads n held-out built-in faces (the people after
the training ones; clean, no augmentation), its decoder rebuilds them at half size. Printed: the mean L1 error over
the whole image and inside the eye box (`model.region_box`'s default), and the same for the images' mean colour (a
decoder that draws every face as the average face). With `--grid`, real faces (area-averaged to the decoder's size)
above their reconstructions.

    python probe_d_reconstruction.py RUN/checkpoints/ckpt-000009600.pt [--n 512] [--grid out.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from avatargan.blocks.face_region import crop_region
from avatargan.errors import UserError
from avatargan.inference import write_grid
from avatargan.metrics.evaluate import held_out_builtin, source_images
from avatargan.models.dcgan import DCGANConfig
from avatargan.nn.d_decoder import reconstruction_target
from avatargan.pixels import from_uint8
from avatargan.training.checkpoint import load_checkpoint, restore_model

BATCH = 16  # the demo's batch


@torch.no_grad()
def rebuild(checkpoint: Path, n: int) -> tuple[torch.Tensor, torch.Tensor, tuple[float, ...]]:
    cfg, model = restore_model(load_checkpoint(checkpoint))
    if cfg.model.family != "dcgan" or not cfg.model.d_recon:
        raise UserError(f"{checkpoint}: not a DCGAN run with model.d_recon; its D has no decoder")
    held_out = held_out_builtin(cfg.data.source, cfg.data, n)
    if held_out is None:
        raise UserError(f"{checkpoint}: trained on {cfg.data.source}; held-out faces exist for built-in data only")
    images = from_uint8(source_images(held_out, cfg.data.image_size, n, cfg.data.cache_dir, seed=0))
    model.D.train()
    decoder = model.D.decoder
    rebuilt = torch.cat([decoder(model.D.outputs(images[i : i + BATCH]).features) for i in range(0, n, BATCH)])
    target = reconstruction_target(images, decoder.out_size)
    mean_face = target.mean(dim=0, keepdim=True).expand_as(target)
    box = DCGANConfig.region_box
    errors = tuple(
        float((crop(a) - crop(target)).abs().mean())
        for a in (rebuilt, mean_face)
        for crop in (lambda x: x, lambda x: crop_region(x, box))
    )
    return target, rebuilt, errors


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoints", nargs="+", type=Path, help="DCGAN checkpoints of a model.d_recon run (ckpt-*.pt)")
    p.add_argument("--n", type=int, default=512, help="held-out faces (default 512)")
    p.add_argument("--grid", type=Path, help="write 8 real faces above their reconstructions (last checkpoint)")
    args = p.parse_args()
    print("| checkpoint | L1, image | L1, eye box | the mean face's L1, image | its L1, eye box |")
    print("|---|---|---|---|---|")
    for path in args.checkpoints:
        target, rebuilt, errors = rebuild(path, args.n)
        print(f"| {path.parents[2].name}/{path.name} | " + " | ".join(f"{e:.3f}" for e in errors) + " |")
    if args.grid:
        write_grid(torch.cat([target[:8], rebuilt[:8]]), args.grid, nrow=8)


if __name__ == "__main__":
    main()

"""Packing for D (Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial networks").

D sees one image at a time, so a generator that draws a few faces well and never draws the rest (our demo's missing
gold eyes, spiky hair and pointed chins) costs it nothing per image. A packed D sees `pack` images of the same
kind (all real or all generated) stacked along the channels as one input and gives one logit for the pack. Packs of
generated images that lack variety differ from packs of real ones in a way D can see, and the paper proves the
penalty on a dropped mode grows with the pack size. The only change to D is its first convolution's input width
(3 × pack); every later layer runs on N / pack inputs, so D's cost per image falls.

Images k·pack … k·pack + pack − 1 form pack k (the loader shuffles, so neighbours are unrelated faces). A batch
the pack size does not divide (a folder's last, smaller batch) leaves its last N mod pack images out of D's view;
a batch smaller than one pack repeats its images to fill it, so D always has an input. On our demo recipe (P = 2,
three seeds) it lost FID and coverage at equal minutes (benchmarks/results/2026-12-06-dcgan-demo-pacgan-selfmod/), so
it is off by default.
"""

from __future__ import annotations

import torch


def pack_images(images: torch.Tensor, pack: int) -> torch.Tensor:
    """(N, C, H, W) → (N // pack, C · pack, H, W): each group of `pack` neighbouring images as one input."""
    if pack == 1:
        return images
    n, c, h, w = images.shape
    if n < pack:  # too few for one pack: repeat them (only a tiny last batch meets this)
        images = images.repeat((pack + n - 1) // n, 1, 1, 1)
        n = images.shape[0]
    kept = n - n % pack
    return images[:kept].reshape(kept // pack, c * pack, h, w)

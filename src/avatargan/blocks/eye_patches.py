"""Crops around the eyes for CartoonGAN's eye discriminator (`model.lambda_eye_gan`; ours, after the local
discriminators of APDrawingGAN, Yi et al., CVPR 2019, which judge each facial part apart from the whole face).

Why the eyes: on cartoongan_quick the judge reads the person's eye colour in 0.18 of the G(photo) faces and the eye
shape in 0.25. Blending the true anime face's eyes into G(photo) lifts them to 0.71 and 0.68, and the attribute
preservation from 0.52 to 0.69; the rest of G's face is not what holds it back (benchmarks/RESULTS.md, ninth
session). At 64 px each eye is a few pixels of the whole-face D's input.

Real crops come from the anime images at their own key points; fake ones from G(photo) at the photo's eyes mapped
into the anime frame, where the content loss and the eye terms ask G to draw them. The right eye is mirrored, so D
sees every eye the same way round.

Measured (cartoongan_quick, 562 steps, two seeds): G draws large anime eyes (valid faces 1.000, judge_fd 496
against 884, key point error 3.24 against 4.15), but not the person's: eye colour and shape are read no more often,
and attribute preservation falls (0.446 against 0.477). Off by default. At a quarter weight on top of the colour
terms it keeps more (3,000 steps, two seeds: 0.553 / 0.530 against 0.523 / 0.493), and `cartoongan_faces` uses it so.

The eye cycle (`model.lambda_eye_cycle`; ours, CycleGAN's cycle applied to the eyes alone) asks for the missing
half: a small decoder rebuilds each photo eye crop from G(photo)'s eye crop at the mapped place, so the eyes G draws
must carry what the photo's eyes show (colour, shape), whatever style the eye D or the whole-face D pushes them to.
Measured (with the eye D at 1, weight 10, 562 steps, two seeds): it does not; eye colour 0.15 and eye shape 0.29 as
with the eye D alone, attribute preservation 0.416 against 0.446. Off by default.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from avatargan.blocks.face_losses import masked_mean


def crop_pixels(side: float, image_size: int) -> int:
    """The side in pixels of an eye crop of `side` (a fraction of the image side)."""
    return max(1, round(side * image_size))


def eye_crops(images: torch.Tensor, eyes: torch.Tensor, side: float) -> torch.Tensor:
    """(2B)×C×P×P: a square of `side` (fraction of the image width) around each eye of `eyes` (B×2×2, x and y in
    pixels: image-left eye, image-right eye), image i's left eye at row 2i, its right eye, mirrored, at 2i + 1;
    P = `crop_pixels(side, W)`. Bilinear sampling, so gradients reach the images; the border repeats outside."""
    b, c, h, w = images.shape
    p = crop_pixels(side, w)
    centres = eyes.to(images.dtype) / eyes.new_tensor([w, h]).to(images.dtype) * 2 - 1  # align_corners=False frame
    theta = images.new_zeros(b, 2, 2, 3)
    theta[..., 0, 0] = side * images.new_tensor([1.0, -1.0])  # the right eye mirrored
    theta[..., 1, 1] = side * w / h  # square in pixels
    theta[..., :, 2] = centres
    grid = F.affine_grid(theta.view(2 * b, 2, 3), [2 * b, c, p, p], align_corners=False)
    return F.grid_sample(
        images.repeat_interleave(2, dim=0), grid, mode="bilinear", padding_mode="border", align_corners=False
    )


def eye_decoder(channels: int) -> nn.Module:
    """The eye cycle's decoder: three 3×3 convolutions at the crop's resolution (no down-sampling, so any crop size
    works), from G(photo)'s eye crop to the photo's, in [-1, 1]. Small on purpose: the information must be in G's
    eyes, not recovered by a strong decoder from the crop's surroundings."""
    return nn.Sequential(
        nn.Conv2d(3, channels, 3, padding=1, padding_mode="replicate"),
        nn.LeakyReLU(0.2),
        nn.Conv2d(channels, channels, 3, padding=1, padding_mode="replicate"),
        nn.LeakyReLU(0.2),
        nn.Conv2d(channels, 3, 3, padding=1, padding_mode="replicate"),
        nn.Tanh(),
    )


def eye_cycle_loss(
    decoder: nn.Module,
    fake: torch.Tensor,
    photo: torch.Tensor,
    eyes_photo: torch.Tensor,
    eyes_fake: torch.Tensor,
    valid: torch.Tensor,
    side: float,
) -> torch.Tensor:
    """L1 between `decoder` of G(photo)'s eye crops (at `eyes_fake`, the photo's eyes mapped into the anime frame)
    and the photo's eye crops (at `eyes_photo`; the target, so detached), averaged over the valid eyes (B×2)."""
    rebuilt = decoder(eye_crops(fake, eyes_fake, side))
    target = eye_crops(photo.detach(), eyes_photo, side)
    return masked_mean((rebuilt.float() - target.float()).abs().mean(dim=(1, 2, 3)), valid.flatten())

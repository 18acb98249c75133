"""Differentiable augmentation of a discriminator's inputs as a config mixin every family can take (DiffAugment,
`avatargan.nn.diff_augment`): the fields, and the view of real or generated images that D gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import torch

from avatargan.config_checks import Pattern, Probability, Range
from avatargan.nn import diff_augment
from avatargan.nn.diff_augment import POLICY_REGEX


@dataclass
class AugmentOptions:
    # DiffAugment of D's inputs, real and generated, in D's and G's steps: color,translation,cutout ("" = none)
    augment: Annotated[str, Pattern(POLICY_REGEX, "color, translation, cutout separated by commas, or none")] = ""
    augment_p: Probability = 1.0  # chance each operation is applied to an image (DiffAugment: 1)
    # translation's largest shift as a fraction of the side (DiffAugment: 1/8); smaller keeps more face geometry
    augment_shift: Annotated[float, Range(0, 0.5)] = diff_augment.TRANSLATION_RATIO


def for_d(cfg: AugmentOptions, images: torch.Tensor, p: float | None = None) -> torch.Tensor:
    """What a discriminator sees of `images` (real or generated): augmented by the config's policy with a fresh
    draw per call, with probability `p` (default `cfg.augment_p`); the images themselves without a policy."""
    policy = diff_augment.parse_policy(cfg.augment)
    return diff_augment.augment(images, policy, cfg.augment_p if p is None else p, cfg.augment_shift)

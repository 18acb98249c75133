"""Every family's discriminators see augmented images, real and generated alike, when `model.augment` is set."""

from __future__ import annotations

import pytest
import torch

from avatargan.models.cartoongan import CartoonGAN, CartoonGANConfig
from avatargan.models.cyclegan import CycleGAN, CycleGANConfig
from avatargan.models.dcgan import DCGAN, DCGANConfig

TINY = {
    "dcgan": (DCGAN, DCGANConfig, {"latent_dim": 8, "g_channels": 4, "d_channels": 4}, "image"),
    "cyclegan": (CycleGAN, CycleGANConfig, {"g_channels": 4, "g_blocks": 1, "d_channels": 4, "d_down": 2}, "ab"),
    "cartoongan": (
        CartoonGAN,
        CartoonGANConfig,
        {"g_channels": 4, "g_blocks": 1, "d_channels": 4, "content_weights": "random", "init_epochs": 0},
        "abe",
    ),
}


def _seen_by_discriminators(family: str, augment: str) -> list[torch.Tensor]:
    cls, config, sizes, domains = TINY[family]
    torch.manual_seed(0)
    model = cls(config(**sizes, augment=augment), image_size=16)
    model.on_epoch_start(0)
    seen: list[torch.Tensor] = []
    for d in (m for name, m in model.named_children() if name.startswith("D")):
        d.register_forward_pre_hook(lambda module, args: seen.append(args[0].detach()))
    names = ["image"] if domains == "image" else list(domains)
    model.train_step({k: torch.rand(4, 3, 16, 16) * 0.5 + 0.25 for k in names}, step=0)  # no black pixels
    return seen


@pytest.mark.filterwarnings("ignore:content backbone")
@pytest.mark.parametrize("family", list(TINY))
def test_cutout_reaches_every_discriminator_input_and_none_is_untouched(family: str) -> None:
    plain, augmented = _seen_by_discriminators(family, ""), _seen_by_discriminators(family, "cutout")
    assert len(plain) == len(augmented) >= 3  # real and generated in D's step, generated in G's step

    def black(x: torch.Tensor) -> float:  # share of pixels zero in every channel
        return float((x == 0).all(1).float().mean())

    assert all(black(x) == 0 for x in plain)
    assert all(0.15 < black(x) < 0.35 for x in augmented)  # a half-side square: about a quarter of each image

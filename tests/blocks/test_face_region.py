"""The fixed face region of DCGAN's region discriminator: the right pixels, gradients through, bad boxes refused."""

from __future__ import annotations

import pytest
import torch

from avatargan.blocks.face_region import check_region, crop_region, region_pixels
from avatargan.errors import ConfigError


def test_the_default_eye_strip_covers_both_built_in_eyes_at_64_px() -> None:
    from avatargan.models.dcgan import DCGANConfig

    top, left, bottom, right = region_pixels(DCGANConfig().region_box, 64)
    assert (top, left, bottom, right) == (20, 12, 44, 52)
    # built-in eye centres: y 31.8, x 24.4 and 39.7 (± 1.6 px over 2,000 faces; blocks/face_region.py)
    assert top + 6 < 31.8 < bottom - 6 and left + 6 < 24.4 and 39.7 < right - 6


def test_crop_takes_the_box_of_every_image_and_passes_gradients_back() -> None:
    images = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).reshape(2, 3, 8, 8).requires_grad_(True)
    crop = crop_region(images, (0.25, 0.5, 0.75, 1.0))
    assert torch.equal(crop, images[:, :, 2:6, 4:8])
    crop.sum().backward()
    inside = torch.zeros(8, 8)
    inside[2:6, 4:8] = 1
    assert torch.equal(images.grad, inside.expand(2, 3, 8, 8))  # one inside the box, zero outside


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ((0.2, 0.2, 0.8), "has 3 numbers"),
        ((0.6, 0.1, 0.4, 0.9), "is empty"),  # top below bottom
        ((0.45, 0.1, 0.55, 0.9), "needs at least 16×16"),  # 6 px tall at 64 px
    ],
)
def test_boxes_that_do_not_fit_are_refused_with_the_option_named(box: tuple, message: str) -> None:
    with pytest.raises(ConfigError, match="model.region_box") as err:
        check_region(box, 64, smallest=16)
    assert message in str(err.value)


def test_a_small_box_passes_while_the_region_d_is_off() -> None:
    check_region((0.45, 0.1, 0.55, 0.9), 64, smallest=None)
    with pytest.raises(ConfigError, match="is empty"):
        check_region((0.55, 0.1, 0.45, 0.9), 64, smallest=None)

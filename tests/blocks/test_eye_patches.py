"""The eye crops (eye discriminator, eye cycle): centred on each eye, the right eye mirrored, square in pixels,
differentiable; the eye cycle's L1 between rebuilt and photo eye crops."""

from __future__ import annotations

import pytest
import torch

from avatargan.blocks.eye_patches import crop_pixels, eye_crops, eye_cycle_loss


def _ramp(size: int = 32) -> torch.Tensor:
    """1×3×H×W: channel 0 is x (the pixel's column), 1 is y, 2 is 1 — so a crop shows where it was taken."""
    ys, xs = torch.meshgrid(
        torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32), indexing="ij"
    )
    return torch.stack([xs, ys, torch.ones_like(xs)])[None]


def test_each_crop_is_centred_on_its_eye_and_spans_its_side() -> None:
    image, side = _ramp(32), 0.25  # 8-px crops
    eyes = torch.tensor([[[10.0, 12.0], [22.0, 13.0]]])  # pixel coordinates: pixel (col i) covers [i, i + 1)
    crops = eye_crops(image, eyes, side)
    assert crops.shape == (2, 3, 8, 8) and crop_pixels(side, 32) == 8
    left, right = crops[0], crops[1]
    # the left eye's crop samples the pixel centres 6.5 .. 13.5 (where the ramp holds 6 .. 13) and rows 8 .. 15
    assert torch.allclose(left[0, 0], torch.arange(6.0, 14.0), atol=1e-4)
    assert torch.allclose(left[1, :, 0], torch.arange(8.0, 16.0), atol=1e-4)
    # the right eye is mirrored: its columns run from the outer corner (right) to the inner one
    assert torch.allclose(right[0, 0], torch.arange(25.0, 17.0, -1.0), atol=1e-4)
    assert torch.allclose(right[1, :, 0], torch.arange(9.0, 17.0), atol=1e-4)


def test_a_mirrored_face_gives_the_same_crops() -> None:
    torch.manual_seed(0)
    image = torch.rand(1, 3, 32, 32)
    eyes = torch.tensor([[[10.0, 12.0], [22.0, 12.0]]])
    mirrored_eyes = torch.tensor([[[32 - 22.0, 12.0], [32 - 10.0, 12.0]]])
    crops = eye_crops(image, eyes, 0.25)
    flipped = eye_crops(image.flip(-1), mirrored_eyes, 0.25)
    # the mirror image's left eye is the face's right eye, mirrored — which is how the crop of the right eye shows it
    assert torch.allclose(flipped[0], crops[1], atol=1e-5) and torch.allclose(flipped[1], crops[0], atol=1e-5)


def test_rows_follow_images_and_gradients_reach_only_the_cropped_pixels() -> None:
    images = torch.zeros(2, 3, 32, 32, requires_grad=True)
    eyes = torch.tensor([[[8.0, 8.0], [24.0, 8.0]], [[8.0, 24.0], [24.0, 24.0]]])
    crops = eye_crops(images, eyes, 0.25)
    assert crops.shape == (4, 3, 8, 8)
    crops[2].sum().backward()  # image 1's left eye
    grad = images.grad.abs().sum(dim=1)
    assert grad[0].sum() == 0  # nothing from image 0
    assert grad[1, 20:28, 4:12].sum() > 0 and grad[1, :, 16:].sum() == 0 and grad[1, :16].sum() == 0


@pytest.mark.parametrize("size", [16, 64, 256])
def test_crop_side_scales_with_the_image(size: int) -> None:
    assert crop_pixels(0.25, size) == size // 4


def test_the_eye_cycle_costs_nothing_for_kept_eyes_and_the_mean_l1_over_valid_eyes_for_changed_ones() -> None:
    torch.manual_seed(0)
    photo = torch.rand(2, 3, 32, 32) * 2 - 1
    eyes_photo = torch.tensor([[[10.0, 12.0], [22.0, 12.0]], [[9.0, 14.0], [21.0, 14.0]]])
    eyes_fake = eyes_photo + torch.tensor([2.0, 1.0])  # G draws each eye 2 px right, 1 px lower
    valid = torch.ones(2, 2)
    identity = torch.nn.Identity()
    # G(photo) = the photo shifted by the same (2, 1): its eye crops at the mapped places are the photo's own
    fake = torch.roll(photo, shifts=(1, 2), dims=(2, 3))
    kept = eye_cycle_loss(identity, fake, photo, eyes_photo, eyes_fake, valid, 0.25)
    assert float(kept) == pytest.approx(0, abs=1e-6)
    # unshifted, the crops differ by the shift: the loss is their mean L1
    other = photo.clone().requires_grad_(True)
    expected = (eye_crops(photo, eyes_fake, 0.25) - eye_crops(photo, eyes_photo, 0.25)).abs().mean()
    loss = eye_cycle_loss(identity, other, photo, eyes_photo, eyes_fake, valid, 0.25)
    assert float(loss.detach()) == pytest.approx(float(expected), rel=1e-5) and float(loss.detach()) > 0.1
    # gradients reach G(photo) (the rebuilt side), never the photo (the target)
    loss.backward()
    assert other.grad is not None and other.grad.abs().sum() > 0
    # an invalid eye does not count: spoil image 1's left eye region in G(photo) and mark it invalid
    spoilt = fake.detach().clone()
    spoilt[1, :, 11:20, 7:16] = 5.0
    mask = torch.tensor([[1.0, 1.0], [0.0, 1.0]])
    assert float(eye_cycle_loss(identity, spoilt, photo, eyes_photo, eyes_fake, mask, 0.25)) == pytest.approx(
        0, abs=1e-6
    )
    assert float(eye_cycle_loss(identity, spoilt, photo, eyes_photo, eyes_fake, valid, 0.25)) > 1.0

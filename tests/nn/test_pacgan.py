"""PacGAN's packing: which images share a pack, odd batches, and DCGAN's packed discriminator."""

from __future__ import annotations

import torch

from avatargan.nn.discriminators import DCGANDiscriminator
from avatargan.nn.pacgan import pack_images


def test_neighbouring_images_are_stacked_along_the_channels_in_order() -> None:
    images = torch.randn(6, 3, 4, 4)
    packed = pack_images(images, 3)
    assert packed.shape == (2, 9, 4, 4)
    for k in range(2):
        for i in range(3):  # pack k's channels 3i … 3i + 2 are image 3k + i, untouched
            assert torch.equal(packed[k, 3 * i : 3 * i + 3], images[3 * k + i])


def test_pack_one_is_the_identity() -> None:
    images = torch.randn(5, 3, 4, 4)
    assert pack_images(images, 1) is images


def test_a_batch_the_pack_does_not_divide_leaves_its_last_images_out() -> None:
    images = torch.randn(7, 3, 2, 2)
    packed = pack_images(images, 2)
    assert packed.shape == (3, 6, 2, 2)
    assert torch.equal(packed[2, 3:], images[5])  # image 6 is the one left out


def test_a_batch_smaller_than_a_pack_repeats_its_images_to_fill_one() -> None:
    images = torch.randn(2, 3, 2, 2)
    packed = pack_images(images, 4)
    assert packed.shape == (1, 12, 2, 2)
    assert torch.equal(packed[0, 6:9], images[0]) and torch.equal(packed[0, 9:], images[1])


def test_a_packed_d_gives_one_logit_per_pack_from_its_own_images_only() -> None:
    torch.manual_seed(0)
    d = DCGANDiscriminator(16, 4, 1, pack=2).eval()  # eval: batch norm would otherwise mix the packs
    assert d.net[0].in_channels == 6
    x = torch.randn(4, 3, 16, 16, requires_grad=True)
    logits = d(x)
    assert logits.shape == (2,)
    logits[0].backward()
    per_image = x.grad.abs().sum(dim=(1, 2, 3))
    assert (per_image[:2] > 0).all() and (per_image[2:] == 0).all()
    # the pack's logit is what the unpacked layers make of the stacked images
    assert torch.allclose(d(x[:2].detach()), d.net(x[:2].detach().reshape(1, 6, 16, 16)).flatten())

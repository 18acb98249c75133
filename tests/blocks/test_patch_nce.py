"""PatchNCE: the cross-entropy's positives are the same places, the photo's side takes no gradient, and a map that
keeps every place scores better than one that moves them."""

from __future__ import annotations

import math

import pytest
import torch

from avatargan.blocks.patch_nce import PatchNCE, patch_nce_loss
from avatargan.nn.resnet_generator import ResnetGenerator


def test_the_positive_is_the_key_at_the_same_place() -> None:
    places = torch.eye(2)[None]  # one image, two places with orthogonal unit vectors
    # query = key: each row's logits are (1, 0) / tau with the 1 on the target → CE = log(1 + e^-1) at tau 1
    assert float(patch_nce_loss(places, places, tau=1.0)) == pytest.approx(math.log(1 + math.exp(-1)))
    # keys swapped: the target now holds the 0 → log(1 + e^1)
    assert float(patch_nce_loss(places, places.flip(1), tau=1.0)) == pytest.approx(math.log(1 + math.exp(1)))
    # a lower temperature sharpens: matching places cost less
    assert float(patch_nce_loss(places, places, tau=0.1)) < float(patch_nce_loss(places, places, tau=1.0))


def test_gradients_reach_the_fake_side_and_the_heads_but_not_the_photo_side() -> None:
    torch.manual_seed(0)
    nce = PatchNCE([3, 5], patches=8)
    photo = [torch.randn(2, 3, 4, 4, requires_grad=True), torch.randn(2, 5, 2, 2, requires_grad=True)]
    fake = [torch.randn(2, 3, 4, 4, requires_grad=True), torch.randn(2, 5, 2, 2, requires_grad=True)]
    nce(photo, fake).backward()
    assert all(f.grad is not None and f.grad.abs().sum() > 0 for f in fake)
    assert all(p.grad is None for p in photo)
    assert all(p.grad is not None for p in nce.parameters())
    with pytest.raises(ValueError, match="2 heads"):
        nce(photo[:1], fake[:1])


def test_a_map_that_keeps_every_place_scores_better_than_one_that_mirrors_them() -> None:
    torch.manual_seed(0)
    g = ResnetGenerator(4, 2, 2, style="cartoongan")
    nce = PatchNCE(g.tap_channels, patches=32)
    y, x = torch.meshgrid(torch.linspace(-1, 1, 16), torch.linspace(-1, 1, 16), indexing="ij")
    photo = torch.stack([x, y * x, (3 * x).sin()])[None].repeat(2, 1, 1, 1)  # no left-right symmetry
    with torch.no_grad():
        taps = g.encode(photo)
        kept = float(nce(taps, g.encode(photo)))
        mirrored = float(nce(taps, g.encode(photo.flip(3))))
    assert kept < mirrored


def test_the_generator_taps_the_input_stem_down_stages_and_middle_block() -> None:
    g = ResnetGenerator(4, 2, 4, style="cartoongan")
    assert g.tap_channels == [3, 4, 8, 16, 16]
    x = torch.randn(1, 3, 16, 16)
    taps = g.encode(x)
    assert [t.shape[1:] for t in taps] == [(3, 16, 16), (4, 16, 16), (8, 8, 8), (16, 4, 4), (16, 4, 4)]
    assert torch.equal(taps[0], x)
    assert torch.allclose(taps[-1], g.net[: g.taps[-1] + 1](x))  # the last tap: after the second of four blocks
    assert isinstance(g.net[g.taps[-1]], type(g.net[g.taps[-1] - 1]))  # both residual blocks
    assert ResnetGenerator(4, 1, 0).tap_channels == [3, 4, 8]  # no residual blocks: no middle tap
    one_block = ResnetGenerator(4, 1, 1)
    assert one_block.tap_channels == [3, 4, 8, 8] and len(one_block.encode(torch.randn(1, 3, 8, 8))) == 4

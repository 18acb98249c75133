"""InfoGAN's categorical codes: equally likely classes cut from the noise, the one-hot G sees, and D's code head."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from avatargan.blocks.losses import code_recovery
from avatargan.nn.discriminators import DCGANDiscriminator
from avatargan.nn.generators import DCGANGenerator
from avatargan.nn.info_codes import CategoricalCodes, class_edges


def test_the_edges_are_the_normal_quantiles_and_make_equally_likely_classes() -> None:
    assert torch.allclose(class_edges(4), torch.tensor([-0.6744898, 0.0, 0.6744898]), atol=1e-6)
    z = torch.randn(200_000, 1, generator=torch.Generator().manual_seed(0))
    shares = torch.bincount(CategoricalCodes(1, 5).classes_of(z)[:, 0], minlength=5) / len(z)
    assert torch.allclose(shares, torch.full((5,), 0.2), atol=0.004)


def test_a_code_needs_two_classes() -> None:
    with pytest.raises(ValueError, match="at least 2 classes"):
        class_edges(1)


def test_classes_count_the_edges_an_entry_reaches() -> None:
    codes = CategoricalCodes(2, 4)  # edges −0.674, 0, 0.674
    z = torch.tensor([[-1.0, 0.0, 7.0], [-0.5, 2.0, 7.0], [0.1, -3.0, 7.0]])
    assert codes.classes_of(z).tolist() == [[0, 2], [1, 3], [2, 0]]  # an entry on an edge is in the class above


def test_g_sees_one_hot_classes_in_place_of_the_code_entries() -> None:
    codes = CategoricalCodes(2, 4)
    z = torch.randn(6, 5)
    x = codes(z)
    assert x.shape == (6, 2 * 4 + 3) and codes.added_inputs == 6
    want = F.one_hot(codes.classes_of(z), 4).float().flatten(1)
    assert torch.equal(x[:, :8], want)
    assert torch.equal(x[:, 8:], z[:, 2:])  # the rest of the noise, untouched


def test_g_with_codes_draws_the_same_face_for_any_entry_inside_a_class() -> None:
    torch.manual_seed(0)
    g = DCGANGenerator(6, 16, 4, 1, info_codes=(1, 3)).eval()  # eval: batch norm's running statistics
    assert g.net[0].in_channels == 6 - 1 + 3
    assert not any("edges" in k for k in g.state_dict())  # constants, not checkpoint keys
    z = torch.randn(1, 6).repeat(3, 1)
    z[:, 0] = torch.tensor([0.1, 0.3, 2.0])  # classes 1, 1, 2 (edges ±0.431); the other entries the same
    images = g(z)
    assert torch.equal(images[0], images[1])
    assert (images[2] - images[0]).abs().max() > 1e-3  # another class: another face


def test_g_refuses_more_codes_than_noise_entries() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        DCGANGenerator(4, 16, 4, 1, info_codes=(5, 2))


def test_d_gives_its_logits_and_one_guess_per_code_class_from_one_pass() -> None:
    torch.manual_seed(0)
    d = DCGANDiscriminator(16, 4, 1, code_logits=2 * 3).eval()
    x = torch.randn(5, 3, 16, 16)
    logits, q, _ = d.outputs(x)
    assert torch.equal(logits, d(x)) and q.shape == (5, 6)
    assert torch.equal(q, d.q_head(d.net[:-1](x)).flatten(1))
    assert DCGANDiscriminator(16, 4, 1).outputs(x).codes is None  # no head: no guesses
    with pytest.raises(ValueError, match="one guess per image"):
        DCGANDiscriminator(16, 4, 1, pack=2, code_logits=4)


def test_code_recovery_is_the_cross_entropy_of_each_codes_guess() -> None:
    # one image, two codes of two classes: code 0 guesses (0, ln 3) and is class 1; code 1 guesses (0, 0), class 0
    logits = torch.tensor([[0.0, math.log(3.0), 0.0, 0.0]])
    want = (-math.log(0.75) + math.log(2.0)) / 2
    assert code_recovery(logits, torch.tensor([[1, 0]])) == pytest.approx(want, rel=1e-6)
    swapped = (-math.log(0.25) + math.log(2.0)) / 2  # the other class for code 0: a worse guess costs more
    assert code_recovery(logits, torch.tensor([[0, 0]])) == pytest.approx(swapped, rel=1e-6)

"""The adversarial losses as tables: each kind's D and G loss on known logits, so a flipped sign or a swapped
target changes a value the table pins (the logits are asymmetric: no loss is the same under x → −x)."""

from __future__ import annotations

import math

import pytest
import torch

from avatargan.blocks import losses

REAL = [2.0, -1.0]  # D's logits on real images: one right, one wrong
FAKE = [0.5, -3.0]  # D's logits on generated images


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


# kind → (D loss, G loss) written out from the definitions: BCE with logits, least squares, hinge
EXPECTED = {
    # D: −log σ(real) − log(1 − σ(fake)) = softplus(−real) + softplus(fake); G: −log σ(fake) = softplus(−fake)
    "bce": (mean([softplus(-r) for r in REAL]) + mean([softplus(f) for f in FAKE]), mean([softplus(-f) for f in FAKE])),
    # D: (real − 1)² + fake²; G: (fake − 1)²
    "lsgan": (mean([(r - 1) ** 2 for r in REAL]) + mean([f**2 for f in FAKE]), mean([(f - 1) ** 2 for f in FAKE])),
    # D: max(0, 1 − real) + max(0, 1 + fake); G: −fake
    "hinge": (mean([max(0, 1 - r) for r in REAL]) + mean([max(0, 1 + f) for f in FAKE]), -mean(FAKE)),
}
# the same numbers typed out, so a wrong formula above cannot agree with a wrong loss below
TYPED = {"bce": (1.2314, 1.7613), "lsgan": (7.125, 8.125), "hinge": (1.75, 1.25)}


@pytest.mark.parametrize("kind", losses.ADVERSARIAL_LOSSES)
def test_d_and_g_losses_on_known_logits(kind: str) -> None:
    real, fake = torch.tensor(REAL), torch.tensor(FAKE)
    d_expected, g_expected = EXPECTED[kind]
    assert float(losses.d_loss(kind, real, fake)) == pytest.approx(d_expected, abs=1e-5)
    assert float(losses.g_loss(kind, fake)) == pytest.approx(g_expected, abs=1e-5)
    assert (round(d_expected, 4), round(g_expected, 4)) == TYPED[kind]


@pytest.mark.parametrize("kind", losses.ADVERSARIAL_LOSSES)
def test_a_confident_right_d_has_a_lower_loss_and_g_wants_fakes_scored_real(kind: str) -> None:
    right = losses.d_loss(kind, torch.tensor([3.0]), torch.tensor([-3.0]))
    wrong = losses.d_loss(kind, torch.tensor([-3.0]), torch.tensor([3.0]))
    assert right < wrong
    assert losses.g_loss(kind, torch.tensor([3.0])) < losses.g_loss(kind, torch.tensor([-3.0]))


@pytest.mark.parametrize("kind", losses.ADVERSARIAL_LOSSES)
def test_per_item_losses_average_each_score_map_and_agree_with_the_whole_batch_losses(kind: str) -> None:
    # two items, each a 1×2 score map: item 0 holds REAL's logits, item 1 FAKE's
    maps = torch.tensor([REAL, FAKE]).view(2, 1, 1, 2)
    d_expected, g_expected = EXPECTED[kind]
    real_item0, fake_item1 = losses.per_item(kind, maps, "real")[0], losses.per_item(kind, maps, "fake")[1]
    assert float(real_item0 + fake_item1) == pytest.approx(d_expected, abs=1e-5)
    assert float(losses.per_item(kind, maps, "g")[1]) == pytest.approx(g_expected, abs=1e-5)
    assert losses.per_item(kind, maps, "real").shape == (2,)


def test_several_fakes_each_add_a_fake_term_and_d_without_real() -> None:
    real, fake = torch.tensor(REAL), torch.tensor(FAKE)
    one = losses.d_loss("hinge", real, fake)
    two = losses.d_loss("hinge", real, [fake, fake])
    assert float(two - one) == pytest.approx(mean([max(0, 1 + f) for f in FAKE]))
    assert float(losses.d_loss("lsgan", None, fake)) == pytest.approx(mean([f**2 for f in FAKE]))


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # one-sided label smoothing at target t = 0.9: D's real term is BCE against t, G's and the fake term unchanged
        ("bce", mean([0.9 * softplus(-r) + 0.1 * softplus(r) for r in REAL]) + mean([softplus(f) for f in FAKE])),
        ("lsgan", mean([(r - 0.9) ** 2 for r in REAL]) + mean([f**2 for f in FAKE])),
    ],
)
def test_label_smoothing_moves_only_the_real_target(kind: str, expected: float) -> None:
    real, fake = torch.tensor(REAL), torch.tensor(FAKE)
    assert float(losses.d_loss(kind, real, fake, real_target=0.9)) == pytest.approx(expected, abs=1e-5)
    typed = {"bce": 1.2814, "lsgan": 7.035}  # the same values worked out by hand
    assert round(expected, 4) == typed[kind]
    # a smoothed D is no longer rewarded for ever larger real logits: its real term is least at the target
    # (logit ln 9 ≈ 2.197 for BCE, score 0.9 for least squares), not at the largest score
    scores = [0.0, 0.9, 2.1972, 4.0, 8.0]
    real_terms = [float(losses.d_loss(kind, torch.tensor([v]), [], real_target=0.9)) for v in scores]
    assert real_terms.index(min(real_terms)) == (2 if kind == "bce" else 1)
    with pytest.raises(ValueError, match="hinge"):
        losses.d_loss("hinge", real, fake, real_target=0.9)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="wgan"):
        losses.g_loss("wgan", torch.zeros(1))


def test_r1_is_zero_where_d_is_flat_and_the_squared_gradient_norm_elsewhere() -> None:
    real = torch.randn(4, 3, 2, 2, requires_grad=True)
    flat = real.sum(dim=(1, 2, 3)) * 0 + 5.0  # D's score does not change with the image
    assert float(losses.gradient_penalty(flat, real)) == 0.0
    w = torch.randn(3, 2, 2, requires_grad=True)  # D's weights
    linear = (real * w).sum(dim=(1, 2, 3))  # ∇ₓD = w for every image
    penalty = losses.gradient_penalty(linear, real)
    assert float(penalty.detach()) == pytest.approx(float(w.detach().square().sum()), rel=1e-5)
    penalty.backward()  # the graph is kept: the penalty trains D's weights (d|w|²/dw = 2w)
    assert torch.allclose(w.grad, 2 * w.detach())


def test_mode_seeking_is_the_noise_distance_over_the_image_distance_and_pushes_images_apart() -> None:
    noise = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [1.0, 3.0]])  # pairs (0, 2) and (1, 3): |dz| 1, 1
    images = torch.tensor([[0.0], [0.0], [0.5], [0.25]], requires_grad=True)  # |dx| 0.5 and 0.25
    term = losses.mode_seeking(noise, images, eps=0.0)
    assert float(term.detach()) == pytest.approx((1 / 0.5 + 1 / 0.25) / 2)
    (grad,) = torch.autograd.grad(term, images)
    stepped = images.detach() - 0.01 * grad  # a descent step moves each pair further apart
    assert float((stepped[2] - stepped[0]).abs()) > 0.5 and float((stepped[3] - stepped[1]).abs()) > 0.25
    assert float(losses.mode_seeking(noise, torch.zeros(4, 1))) > 1e4  # one face for every noise: large


def test_feature_matching_is_the_squared_distance_of_batch_means_and_pulls_fakes_towards_the_real_mean() -> None:
    real = torch.tensor([[[[1.0]], [[4.0]]], [[[3.0]], [[0.0]]]])  # (N=2, C=2, 1, 1): mean (2, 2)
    fake = torch.tensor([[[[0.0]], [[1.0]]], [[[2.0]], [[1.0]]]], requires_grad=True)  # mean (1, 1)
    term = losses.feature_matching(real, fake)
    assert float(term.detach()) == pytest.approx(((2 - 1) ** 2 + (2 - 1) ** 2) / 2)
    # the batch means, not the images one by one: swapping real images between places changes nothing
    assert float(losses.feature_matching(real.flip(0), fake.detach())) == pytest.approx(float(term.detach()))
    (grad,) = torch.autograd.grad(term, fake)
    stepped = fake.detach() - 0.1 * grad  # a descent step moves the fakes' mean towards the real one (up)
    assert (stepped.mean(0) > fake.detach().mean(0)).all()
    assert float(losses.feature_matching(real, real)) == 0.0


@pytest.mark.parametrize("kind", losses.ADVERSARIAL_LOSSES)
def test_top_k_g_loss_averages_the_items_d_scores_most_real(kind: str) -> None:
    scores = torch.tensor([[-3.0], [0.5], [2.0], [-1.0]])  # D calls items 2 and 1 the most real
    per = losses.per_item(kind, scores, "g")
    assert float(losses.top_k_g_loss(kind, scores, 2)) == pytest.approx(float((per[2] + per[1]) / 2))
    assert float(losses.top_k_g_loss(kind, scores, 4)) == pytest.approx(float(losses.g_loss(kind, scores)))
    bce_kept = (softplus(-2.0) + softplus(-0.5)) / 2  # typed out: the two highest logits' −log σ
    if kind == "bce":
        assert float(losses.top_k_g_loss(kind, scores, 2)) == pytest.approx(bce_kept, rel=1e-5)
    wanted = torch.tensor([[-3.0], [0.5], [2.0], [-1.0]], requires_grad=True)
    losses.top_k_g_loss(kind, wanted, 2).backward()
    assert wanted.grad[0] == 0 and wanted.grad[3] == 0  # the rejected items teach nothing


# RpGAN on the pairs (REAL[i], FAKE[i]): D −log σ(real − fake) = softplus(fake − real), G softplus(real − fake)
PAIRS = list(zip(REAL, FAKE, strict=True))
RPGAN = (mean([softplus(f - r) for r, f in PAIRS]), mean([softplus(r - f) for r, f in PAIRS]))


def test_rpgan_scores_the_pairs_differences_on_known_logits() -> None:
    real, fake = torch.tensor(REAL), torch.tensor(FAKE)
    assert (round(RPGAN[0], 4), round(RPGAN[1], 4)) == (0.1642, 1.9142)  # typed out
    assert float(losses.paired_d_loss("rpgan", real, fake)) == pytest.approx(RPGAN[0], abs=1e-5)
    assert float(losses.paired_g_loss("rpgan", real, fake)) == pytest.approx(RPGAN[1], abs=1e-5)
    # only differences count: shifting every score leaves both losses as they are
    assert float(losses.paired_d_loss("rpgan", real + 7, fake + 7)) == pytest.approx(RPGAN[0], abs=1e-5)
    # pairing, not averages: the same scores paired the other way give another loss
    assert float(losses.paired_d_loss("rpgan", real, fake.flip(0))) != pytest.approx(RPGAN[0], abs=1e-3)


def test_rpgan_g_pushes_its_scores_up_and_learns_nothing_through_the_real_ones() -> None:
    real, fake = torch.tensor(REAL, requires_grad=True), torch.tensor(FAKE, requires_grad=True)
    losses.paired_g_loss("rpgan", real.detach(), fake).backward()
    assert (fake.grad < 0).all()  # descending the loss raises D's scores of G's images
    d_real, d_fake = torch.tensor(REAL, requires_grad=True), torch.tensor(FAKE, requires_grad=True)
    losses.paired_d_loss("rpgan", d_real, d_fake).backward()
    assert (d_real.grad < 0).all() and (d_fake.grad > 0).all()  # D raises real scores and lowers fake ones


def test_paired_losses_are_the_plain_ones_for_the_other_kinds_and_rpgan_refuses_what_it_cannot_do() -> None:
    real, fake = torch.tensor(REAL), torch.tensor(FAKE)
    for kind in losses.ADVERSARIAL_LOSSES:
        assert float(losses.paired_d_loss(kind, real, fake)) == pytest.approx(EXPECTED[kind][0], abs=1e-5)
        assert float(losses.paired_g_loss(kind, None, fake)) == pytest.approx(EXPECTED[kind][1], abs=1e-5)
    with pytest.raises(ValueError, match="smooth"):
        losses.paired_d_loss("rpgan", real, fake, real_target=0.9)
    with pytest.raises(ValueError, match="one to one"):
        losses.paired_d_loss("rpgan", real, torch.zeros(3))
    with pytest.raises(ValueError, match="real images"):
        losses.paired_g_loss("rpgan", None, fake)


def test_top_k_with_rpgan_keeps_the_pairs_whose_fake_d_scores_highest() -> None:
    fake = torch.tensor([[-3.0], [0.5], [2.0], [-1.0]])  # D calls items 2 and 1 the most real
    real = torch.tensor([[1.0], [0.0], [4.0], [-2.0]])
    kept = (softplus(4.0 - 2.0) + softplus(0.0 - 0.5)) / 2
    assert float(losses.top_k_g_loss("rpgan", fake, 2, real)) == pytest.approx(kept, rel=1e-5)


def test_top_k_keep_halves_from_the_whole_batch_down_to_its_floor() -> None:
    assert losses.top_k_keep(16, 0, 0.5, 50) == 16
    assert losses.top_k_keep(16, 50_000, 0.25, 50) == 8  # one half-life
    assert losses.top_k_keep(16, 100_000, 0.25, 50) == 4
    assert losses.top_k_keep(16, 10**7, 0.5, 50) == 8  # never below the floor
    assert losses.top_k_keep(2, 10**7, 0.1, 50) == 1  # and never none


def test_consistency_is_the_mean_squared_difference_and_pulls_both_scores_together() -> None:
    scores = torch.tensor([1.0, 2.0], requires_grad=True)  # D on its view of two images
    augmented = torch.tensor([0.0, 4.0], requires_grad=True)  # D on fresh augmentations of them
    term = losses.consistency(scores, augmented)
    assert float(term.detach()) == pytest.approx((1.0**2 + 2.0**2) / 2)
    grad_scores, grad_augmented = torch.autograd.grad(term, (scores, augmented))
    assert grad_scores.tolist() == pytest.approx([1.0, -2.0])  # d/ds (s − a)² / 2 = s − a
    assert grad_augmented.tolist() == pytest.approx([-1.0, 2.0])  # descent moves each towards the other
    assert float(losses.consistency(scores.detach(), scores.detach())) == 0.0

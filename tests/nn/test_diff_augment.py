"""DiffAugment: differentiable, the same parameters on several batches when asked, identity at p = 0."""

from __future__ import annotations

import pytest
import torch

from avatargan.nn import diff_augment as da
from avatargan.nn.generators import DCGANGenerator

ALL = ("color", "translation", "cutout")


def papers_color(x: torch.Tensor, color: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """The paper's colour steps one after another: brightness, saturation, contrast (each image where `on`)."""
    on, brightness, saturation, contrast = (t.to(x.dtype) if t.is_floating_point() else t for t in color)
    y = x + brightness
    y = (y - y.mean(dim=1, keepdim=True)) * saturation + y.mean(dim=1, keepdim=True)
    y = (y - y.mean(dim=(1, 2, 3), keepdim=True)) * contrast + y.mean(dim=(1, 2, 3), keepdim=True)
    return torch.where(on, y, x)


def papers_translation(x: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """The paper's translation: advanced indexing into the batch padded by one zero pixel (autograd's backward)."""
    n, c, h, w = x.shape
    rows = (torch.arange(h)[None, :] + shift[:, :1] + 1).clamp(0, h + 1)
    cols = (torch.arange(w)[None, :] + shift[:, 1:] + 1).clamp(0, w + 1)
    return torch.nn.functional.pad(x, [1, 1, 1, 1])[
        torch.arange(n)[:, None, None, None],
        torch.arange(c)[None, :, None, None],
        rows[:, None, :, None],
        cols[:, None, None, :],
    ]


def test_policy_parsing() -> None:
    assert da.parse_policy("color, translation,cutout") == ALL
    assert da.parse_policy("") == () and da.parse_policy("none") == ()
    with pytest.raises(ValueError, match="rotate"):
        da.parse_policy("color,rotate")


@pytest.mark.parametrize("policy", [(op,) for op in ALL] + [ALL])
def test_p_zero_is_exactly_the_identity_and_p_one_changes_every_image(policy: tuple[str, ...]) -> None:
    torch.manual_seed(0)
    x = torch.rand(6, 3, 16, 16) * 2 - 1
    assert torch.equal(da.apply(x, da.draw(policy, 6, 16, 16, 0.0, x.device)), x)
    y = da.apply(x, da.draw(policy, 6, 16, 16, 1.0, x.device))
    assert y.shape == x.shape
    changed = (y != x).flatten(1).any(1)
    assert changed.float().mean() > 0.5  # (a translation can draw a zero shift for an image)


def test_the_same_parameters_apply_to_a_real_and_a_fake_batch() -> None:
    torch.manual_seed(1)
    real, fake = torch.rand(4, 3, 16, 16), torch.rand(4, 3, 16, 16)
    params = da.draw(("translation", "cutout"), 4, 16, 16, 1.0, real.device)
    a, b = da.apply(real, params), da.apply(fake, params)
    assert torch.equal(a == 0, b == 0)  # the same cut squares and the same padded border, image by image
    ones = da.apply(torch.ones(4, 3, 16, 16), params)
    assert torch.equal(ones == 0, a == 0)
    # translation moves pixels: image i of the result is image i shifted by params.shift[i]
    dy, dx = params.shift[0].tolist()
    shifted = da.apply(real, da.AugmentParams(shift=params.shift))
    assert torch.equal(shifted[0, :, 4:12, 4:12], real[0, :, 4 + dy : 12 + dy, 4 + dx : 12 + dx])


def test_color_is_the_papers_three_steps() -> None:
    """The folded affine map equals brightness, then saturation, then contrast, as the paper's code applies them."""
    torch.manual_seed(4)
    x = torch.rand(8, 3, 6, 6, dtype=torch.float64) * 2 - 1
    params = da.draw(("color",), 8, 6, 6, 0.5, x.device)
    on = params.color[0]
    expected = papers_color(x, params.color)
    assert 0 < int(on.sum()) < 8  # both kinds of image are checked
    assert torch.allclose(da.apply(x, params), expected, atol=1e-12)
    assert torch.equal(da.apply(x, params)[~on.flatten()], x[~on.flatten()])  # skipped images bit-exact


def test_translation_gradient_is_the_opposite_shift() -> None:
    """The shift's own backward (the opposite shift) equals autograd's through a plain gather, also for shifts that
    move the whole image out of the frame, and passes gradcheck."""
    torch.manual_seed(5)
    x = torch.rand(5, 2, 6, 7, dtype=torch.float64, requires_grad=True)
    shift = torch.tensor([[0, 0], [1, -2], [-3, 3], [6, 0], [-2, -7]])
    weights = torch.rand(5, 2, 6, 7, dtype=torch.float64)
    (got,) = torch.autograd.grad((da.apply(x, da.AugmentParams(shift=shift)) * weights).sum(), x)
    reference = papers_translation(x, shift)
    (expected,) = torch.autograd.grad((reference * weights).sum(), x)
    assert torch.equal(da.apply(x, da.AugmentParams(shift=shift)), reference)
    assert torch.allclose(got, expected, atol=0)
    assert torch.autograd.gradcheck(lambda t: da.apply(t, da.AugmentParams(shift=shift)), (x,))


@pytest.mark.parametrize("policy", [("color",), ("cutout",), ALL])
def test_the_written_out_backward_matches_autograd_of_the_papers_steps(policy: tuple[str, ...]) -> None:
    """The hand-written backward of colour + translation + cutout equals autograd's through the paper's steps done one
    after another (brightness, saturation, contrast, gather of the padded image, zeroed square), and passes gradcheck;
    half the images skip each operation."""
    torch.manual_seed(6)
    x = torch.rand(6, 3, 7, 8, dtype=torch.float64, requires_grad=True)
    params = da.draw(policy, 6, 7, 8, 0.5, x.device)
    weights = torch.rand(6, 3, 7, 8, dtype=torch.float64)

    def papers(t: torch.Tensor) -> torch.Tensor:
        if params.color is not None:
            t = papers_color(t, params.color)
        if params.shift is not None:
            t = papers_translation(t, params.shift)
        return t if params.cut is None else t * ~params.cut[:, None]

    (got,) = torch.autograd.grad((da.apply(x, params) * weights).sum(), x)
    (expected,) = torch.autograd.grad((papers(x) * weights).sum(), x)
    assert torch.allclose(da.apply(x, params), papers(x), atol=1e-12)
    assert torch.allclose(got, expected, atol=1e-12)
    assert torch.autograd.gradcheck(lambda t: da.apply(t, params), (x,))


def test_bf16_channels_last_images_come_back_alike_with_their_gradient() -> None:
    """The demo's generated images are bf16 in channels_last: the view D gets keeps both, and so does the gradient."""
    torch.manual_seed(7)
    x = torch.rand(4, 3, 8, 8).bfloat16().contiguous(memory_format=torch.channels_last).requires_grad_(True)
    params = da.draw(ALL, 4, 8, 8, 1.0, x.device)
    y = da.apply(x, params)
    assert y.dtype == torch.bfloat16 and y.is_contiguous(memory_format=torch.channels_last)
    assert torch.allclose(y.float(), da.apply(x.detach().float().contiguous(), params), atol=0.05)
    y.float().square().sum().backward()
    assert x.grad is not None and x.grad.dtype == torch.bfloat16
    assert x.grad.is_contiguous(memory_format=torch.channels_last)


def test_gradients_reach_the_generator_through_every_operation() -> None:
    torch.manual_seed(2)
    g = DCGANGenerator(latent_dim=8, image_size=16, base_channels=4)
    images = g(torch.randn(4, 8))
    score = da.augment(images, ALL, 1.0).square().sum()  # a stand-in for D
    score.backward()
    grads = [p.grad for p in g.parameters()]
    assert all(gr is not None for gr in grads) and sum(float(gr.abs().sum()) for gr in grads) > 0


def test_each_operation_applies_with_probability_p() -> None:
    torch.manual_seed(3)
    x = torch.rand(2000, 3, 8, 8) + 0.5  # no zeros: a cut pixel is visible
    params = da.draw(("cutout",), 2000, 8, 8, 0.3, x.device)
    share = float((da.apply(x, params) == 0).flatten(1).any(1).float().mean())
    assert share == pytest.approx(0.3, abs=0.04)


@pytest.mark.parametrize(("shift", "largest"), [(0.125, 8), (1 / 16, 4), (0.0, 0)])
def test_translation_moves_by_at_most_the_asked_share_of_the_side(shift: float, largest: int) -> None:
    """The largest shift drawn is `shift` × side in whole pixels, reached in both directions (64 px, 4,000 draws)."""
    torch.manual_seed(4)
    drawn = da.draw(("translation",), 4000, 64, 64, 1.0, torch.device("cpu"), shift).shift
    assert int(drawn.max()) == largest and int(drawn.min()) == -largest

"""The generator's fixed low-pass: its values, its zero at the 2-pixel period, its dtype and its gradient."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from avatargan.nn.blur import Blur, replicate_border


def _reference(x: torch.Tensor) -> torch.Tensor:
    """The 3×3 depthwise convolution with [1, 2, 1]ᵀ[1, 2, 1] / 16 over a replicated border, written out."""
    taps = torch.tensor([1.0, 2.0, 1.0], dtype=torch.float64)
    kernel = (taps[:, None] * taps[None, :] / 16).expand(x.shape[1], 1, 3, 3)
    return F.conv2d(F.pad(x.double(), (1, 1, 1, 1), mode="replicate"), kernel, groups=x.shape[1])


def test_blur_is_the_binomial_filter_over_a_replicated_border() -> None:
    x = torch.randn(2, 5, 7, 9, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    torch.testing.assert_close(Blur()(x), _reference(x))
    assert replicate_border(x).shape == (2, 5, 9, 11)
    torch.testing.assert_close(replicate_border(x), F.pad(x, (1, 1, 1, 1), mode="replicate"))


def test_blur_erases_the_two_pixel_period_and_keeps_constants() -> None:
    i, j = torch.meshgrid(torch.arange(8), torch.arange(8), indexing="ij")
    for pattern in ((i + j) % 2, i % 2, j % 2):  # checkerboard, horizontal and vertical stripes
        out = Blur()(pattern.float()[None, None] * 2 - 1)
        assert out[..., 1:-1, 1:-1].abs().max() < 1e-6  # the border sees a replicated edge, not the pattern
    flat = torch.full((1, 3, 6, 6), 0.7)
    torch.testing.assert_close(Blur()(flat), flat)


def test_blur_keeps_bf16_under_cpu_autocast_and_passes_gradients() -> None:
    x = torch.randn(1, 2, 6, 6, requires_grad=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = Blur()(torch.nn.functional.conv2d(x, torch.randn(2, 2, 1, 1)))
    assert y.dtype == torch.bfloat16
    y.float().sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    # The filter's weights sum to one, so the sum of a blurred image's gradient equals the unblurred one's.
    z = torch.randn(1, 1, 5, 5, requires_grad=True)
    Blur()(z).sum().backward()
    torch.testing.assert_close(z.grad.sum(), torch.tensor(25.0))

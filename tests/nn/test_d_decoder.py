"""FastGAN's self-supervised D: the decoder's shapes, its target (the real image area-averaged) and where D keeps it."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from avatargan.nn.d_decoder import ReconstructionDecoder, reconstruction_target
from avatargan.nn.discriminators import DCGANDiscriminator


def test_rebuilds_an_image_at_its_size_from_a_4x4_map() -> None:
    decoder = ReconstructionDecoder(32, 16, "batch", width=8)
    out = decoder(torch.randn(3, 32, 4, 4))
    assert out.shape == (3, 3, 16, 16) and out.abs().max() < 1
    ups = [m for m in decoder.modules() if isinstance(m, torch.nn.Upsample)]
    assert len(ups) == 2  # 4 → 8 → 16


def test_target_is_the_mean_of_each_block_and_carries_no_gradient() -> None:
    images = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).reshape(2, 3, 8, 8).requires_grad_(True)
    target = reconstruction_target(images, 4)
    by_hand = images.detach().reshape(2, 3, 4, 2, 4, 2).mean(dim=(3, 5))
    assert torch.equal(target, by_hand) and not target.requires_grad
    assert torch.equal(reconstruction_target(images, 8), images.detach())


def test_loss_is_the_mean_absolute_error_to_that_target() -> None:
    torch.manual_seed(0)
    decoder = ReconstructionDecoder(16, 8, "none", width=8)
    features, images = torch.randn(2, 16, 4, 4), torch.rand(2, 3, 16, 16) * 2 - 1
    rebuilt = decoder(features)
    by_hand = (rebuilt - images.reshape(2, 3, 8, 2, 8, 2).mean(dim=(3, 5))).abs().mean()
    torch.testing.assert_close(decoder.loss(features, images), by_hand)
    assert decoder.loss(features, F.interpolate(rebuilt.detach(), scale_factor=2.0)) < 1e-6  # its own image: 0


def test_refuses_sizes_it_cannot_reach() -> None:
    for size in (4, 12):
        with pytest.raises(ValueError, match="power of two"):
            ReconstructionDecoder(16, size)


def test_d_keeps_a_decoder_only_when_asked_and_reads_its_last_hidden_map() -> None:
    plain = DCGANDiscriminator(16, 4)
    with_decoder = DCGANDiscriminator(16, 4, recon_size=8)
    assert plain.decoder is None
    assert {k for k in with_decoder.state_dict() if not k.startswith("decoder.")} == set(plain.state_dict())
    features = with_decoder.outputs(torch.randn(2, 3, 16, 16)).features
    assert features.shape == (2, 8, 4, 4)  # 4 channels at 8 px, 8 at 4 px
    assert with_decoder.decoder(features).shape == (2, 3, 8, 8)
    with pytest.raises(ValueError, match="packed"):
        DCGANDiscriminator(16, 4, pack=2, recon_size=8)


def test_spectral_d_spectral_norms_the_decoders_convolutions() -> None:
    decoder = DCGANDiscriminator(16, 4, norm="spectral", recon_size=8).decoder
    convs = [m for m in decoder.modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs and all(hasattr(m, "parametrizations") for m in convs)

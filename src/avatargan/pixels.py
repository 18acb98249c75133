"""Pixel ranges, converted one way everywhere: uint8 images (0..255) ↔ the networks' floats in [-1, 1]."""

from __future__ import annotations

import torch


def from_uint8(images: torch.Tensor) -> torch.Tensor:
    """uint8 images (0..255) → floats in [-1, 1]."""
    x = images.float()
    # `.float()` made a new tensor from uint8: scale it in place (no second copy on the training hot path)
    return x.div_(127.5).sub_(1.0) if x is not images else x.div(127.5).sub(1.0)


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """Floats in [-1, 1] → uint8, rounded as a saved PNG would be (so generated and real image sets match)."""
    return images.float().add(1).mul(127.5).round().clamp(0, 255).to(torch.uint8)

"""Pixel ranges, converted one way everywhere: uint8 images (0..255) ↔ the networks' floats in [-1, 1]; a decoded
RGB image → the uint8 tensor layout every reader uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:  # only a type here: importing pixels does not load PIL
    from PIL import Image


def image_to_uint8(img: Image.Image) -> torch.Tensor:
    """An RGB image → uint8 3×H×W (a copy: PIL's buffer is read-only)."""
    return torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1)


def from_uint8(images: torch.Tensor) -> torch.Tensor:
    """uint8 images (0..255) → floats in [-1, 1]."""
    x = images.float()
    # `.float()` made a new tensor from uint8: scale it in place (no second copy on the training hot path)
    return x.div_(127.5).sub_(1.0) if x is not images else x.div(127.5).sub(1.0)


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """Floats in [-1, 1] → uint8, rounded as a saved PNG would be (so generated and real image sets match)."""
    return images.float().add(1).mul(127.5).round().clamp(0, 255).to(torch.uint8)

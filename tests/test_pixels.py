"""uint8 ↔ [-1, 1]: exact round trip, PNG-style rounding, and no caller's tensor changed in place; a PIL image → uint8
3×H×W."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from avatargan.pixels import from_uint8, image_to_uint8, to_uint8


def test_round_trip_is_exact_and_ends_at_the_range() -> None:
    images = torch.arange(256, dtype=torch.uint8).view(1, 1, 16, 16)
    x = from_uint8(images)
    assert x.dtype == torch.float32 and x.min() == -1 and x.max() == 1
    assert torch.equal(to_uint8(x), images)


def test_to_uint8_rounds_and_clamps() -> None:
    x = torch.tensor([-2.0, -1.0, 0.0, 1.0, 3.0, 1 / 127.5 * 0.6 - 1])
    assert to_uint8(x).tolist() == [0, 0, 128, 255, 255, 1]  # 0 → 127.5 → 128 (round half to even), 0.6 → 1


def test_from_uint8_leaves_a_float_input_unchanged() -> None:
    x = torch.full((2, 3), 255.0)
    assert torch.equal(from_uint8(x), torch.ones(2, 3)) and torch.equal(x, torch.full((2, 3), 255.0))


def test_image_to_uint8_is_channels_first_with_the_images_values_and_writable() -> None:
    arr = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)  # H=2, W=3, RGB
    x = image_to_uint8(Image.fromarray(arr))
    assert x.dtype == torch.uint8 and x.shape == (3, 2, 3)
    assert x[:, 1, 2].tolist() == arr[1, 2].tolist() and x[2, 0, 1] == arr[0, 1, 2]
    x.zero_()  # its own memory, not PIL's read-only buffer

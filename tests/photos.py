"""Real photos for the face tests, from registry packages with a clear licence: scikit-image's astronaut (Eileen
Collins, NASA, public domain), and group photos made by pasting her face several times onto a plain background."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

# her head with a margin (dlib finds the face at about x 175-266, y 76-167 of the 512×512 photo)
HEAD = (130, 30, 310, 230)


def astronaut() -> Image.Image:
    data = pytest.importorskip("skimage.data", reason="scikit-image (the dev extra) ships the astronaut photo")
    return Image.fromarray(data.astronaut())


def group_photo(faces: int, background: tuple[int, int, int] = (96, 120, 144)) -> Image.Image:
    """`faces` copies of the astronaut's head side by side on a plain background (a "group photo" of known size)."""
    head = astronaut().crop(HEAD)
    canvas = Image.new("RGB", (faces * (head.width + 20) + 20, head.height + 40), background)
    for i in range(faces):
        canvas.paste(head, (20 + i * (head.width + 20), 20))
    return canvas


def blank_photo(size: tuple[int, int] = (90, 70)) -> Image.Image:
    """A photo with no face in it: a smooth colour gradient."""
    x = np.linspace(0, 255, size[0], dtype=np.float32)[None, :, None]
    y = np.linspace(0, 255, size[1], dtype=np.float32)[:, None, None]
    return Image.fromarray(np.broadcast_to((x + y) / 2, (size[1], size[0], 3)).astype(np.uint8))

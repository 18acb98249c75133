"""`--size native`: any image size through a generator that needs multiples of 2**g_down, padded and cropped back,
and tiled with blended overlaps beyond the tile size."""

from __future__ import annotations

import pytest
import torch
from PIL import Image
from tiny_models import tiny_weights

from avatargan.any_size import convert_any_size, convert_image, convert_padded, tile_starts
from avatargan.transfer import load_transfer_generator


def _pointwise(seen: list[tuple[int, int]], step: int):
    """A stand-in generator that acts on each pixel alone, so tiles must blend back to exactly the untiled result;
    it records the sizes it was given and refuses any the real generator could not keep."""

    def run(x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        assert h % step == 0 and w % step == 0, (h, w)
        seen.append((h, w))
        return torch.tanh(2 * x - 0.3)

    return run


@pytest.mark.parametrize(("length", "tile", "overlap"), [(100, 100, 8), (100, 40, 8), (257, 64, 16), (65, 64, 32)])
def test_tiles_cover_the_side_and_overlap(length: int, tile: int, overlap: int) -> None:
    starts = tile_starts(length, tile, overlap)
    assert starts[0] == 0 and starts[-1] + min(tile, length) == length
    assert all(b - a <= tile - overlap for a, b in zip(starts, starts[1:], strict=False))


def test_padding_and_tiling_give_the_untiled_result_at_the_input_size() -> None:
    image = torch.rand(3, 150, 230) * 2 - 1
    seen: list[tuple[int, int]] = []
    whole = convert_padded(_pointwise(seen, 4), image[None], 4)[0]
    assert whole.shape == image.shape and seen == [(152, 232)]
    seen.clear()
    tiled = convert_any_size(_pointwise(seen, 4), image, step=4, tile=64, overlap=16)
    assert tiled.shape == image.shape
    assert len(seen) == 3 * 5 and max(max(s) for s in seen) <= 64  # bounded: never more than one tile at once
    assert torch.allclose(tiled, torch.tanh(2 * image - 0.3), atol=1e-5)


def test_a_real_generator_keeps_any_size(tmp_path) -> None:
    generator, meta = load_transfer_generator(tiny_weights(tmp_path / "m", "cyclegan"), device="cpu")

    def run(x: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return generator(x)

    img = Image.new("RGB", (53, 37), (200, 120, 40))
    for tile in (1024, 32):  # whole, then in tiles
        out = convert_image(run, img, step=4, tile=tile)
        assert out.size == (53, 37) and out.mode == "RGB"

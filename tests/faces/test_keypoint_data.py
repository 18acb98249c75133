"""Key points travel with their images: maps decode to the points, and BatchStream pairs them with the images."""

from __future__ import annotations

import numpy as np
import torch
from conftest import Numbers

from avatargan.data.batches import BatchStream
from avatargan.data.sources import BuiltinFaces
from avatargan.faces.keypoint_data import KeypointMaps, canonical_order, decode_keypoints, source_keypoints


def test_maps_decode_back_to_the_keypoints() -> None:
    kp = source_keypoints(BuiltinFaces("photo", 4, seed=0), 48)
    maps = KeypointMaps(kp, 48, paired_with="a").batch(np.arange(4))
    assert maps.shape == (4, 6, 48, 48) and maps.dtype == torch.uint8
    decoded, valid = decode_keypoints(maps.float() / 127.5 - 1)  # as the trainer hands them over
    assert valid.all()
    assert torch.allclose(decoded, torch.from_numpy(kp), atol=0.15)


def test_flipped_maps_give_canonical_left_right() -> None:
    kp = source_keypoints(BuiltinFaces("anime", 2, seed=0), 32)
    maps = KeypointMaps(kp, 32, paired_with="a").batch(np.arange(2)).float() / 127.5 - 1
    decoded, _ = decode_keypoints(maps.flip(3))
    mirrored = torch.from_numpy(kp).clone()
    mirrored[..., 0] = 32 - mirrored[..., 0]
    expect = mirrored[:, [1, 0, 2, 4, 3, 5]]  # after a flip the right eye is the image-left one
    assert torch.allclose(canonical_order(decoded), expect, atol=0.15)


def test_batch_stream_gives_a_paired_dataset_its_partners_indices() -> None:
    kp = np.full((10, 6, 2), 8.0, dtype=np.float32)
    kp[:, 0, 0] = np.arange(10) + 2.5  # the left eye's x tells the image index (away from the border)
    maps = KeypointMaps(kp, 16, paired_with="a")
    plain = BatchStream({"a": Numbers(10), "b": Numbers(7)}, 3, seed=5)
    stream = BatchStream({"a": Numbers(10), "b": Numbers(7), "a_keypoints": maps}, 3, seed=5)
    for with_maps, without in zip(stream.epoch(1), plain.epoch(1), strict=True):
        assert torch.equal(with_maps["a"], without["a"]) and torch.equal(with_maps["b"], without["b"])  # unchanged
        ids = with_maps["a"][:, 0, 0, 0].float()
        decoded, _ = decode_keypoints(with_maps["a_keypoints"].float() / 127.5 - 1)
        assert torch.allclose(decoded[:, 0, 0] - 2.5, ids, atol=0.2)

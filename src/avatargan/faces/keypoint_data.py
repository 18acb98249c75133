"""Key points travelling with training images: a companion dataset of key point maps, paired with an image domain.

A model that wants each image's key points (the landmark losses) asks for "keypoints" in its declaration
(`GANModel.spec`), and the trainer adds (`avatargan.data.derived`) a `KeypointMaps` dataset named e.g. "a_keypoints"
with `paired_with = "a"`; `BatchStream` gives a paired dataset the very indices of its partner, so
batch["a_keypoints"][i] belongs to batch["a"][i]. The maps are images (one narrow Gaussian peak per key point,
uint8, K×H×W), so the trainer's device transfer and random flips treat them exactly as the images they go with;
`decode_keypoints` turns them back into coordinates (soft-argmax), and a flip needs no special case (after a flip
the "left eye" map marks the eye now on the right: the losses sort eyes and mouth corners by x, see
`canonical_order`).

Key points come from the renderer for the built-in domains and from `landmarks.jsonl` for prepared folders.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from avatargan.data.builtin.face_params import sample_face_params
from avatargan.data.builtin.keypoints import KEYPOINT_NAMES, keypoint_array
from avatargan.data.sources import BuiltinFaces, FolderSource
from avatargan.data.spec import open_domains
from avatargan.errors import DataError
from avatargan.faces import landmarks_file

PEAK_SIGMA = 1.0  # pixels: narrow enough that soft-argmax recovers the point to a fraction of a pixel
#: index pairs (image-left, image-right) of KEYPOINT_NAMES
LR_PAIRS = ((0, 1), (3, 4))


def source_keypoints(source, size: int, limit: int | None = None) -> np.ndarray | None:
    """N×6×2 key points (pixels of a `size` image) of the images of `source` (the first `limit` if given), or None
    when it has none."""
    if isinstance(source, BuiltinFaces):
        return np.stack(
            [
                keypoint_array(sample_face_params(source.offset + i, source.seed), source.style, size)
                for i in range(min(len(source), limit or len(source)))
            ]
        ).astype(np.float32)
    if isinstance(source, FolderSource) and landmarks_file.find_landmarks_file(source.root):
        return landmarks_file.folder_keypoints(source.root, source.files[:limit], size)
    return None


def render_maps(kp: np.ndarray, size: int) -> np.ndarray:
    """K×size×size uint8 maps, one Gaussian peak (σ = PEAK_SIGMA px, 255 at the point) per key point."""
    centres = np.arange(size, dtype=np.float32) + 0.5
    gx = np.exp(-((centres[None, :] - kp[:, :1]) ** 2) / (2 * PEAK_SIGMA**2))  # K×W
    gy = np.exp(-((centres[None, :] - kp[:, 1:]) ** 2) / (2 * PEAK_SIGMA**2))  # K×H
    return np.round(255.0 * gy[:, :, None] * gx[:, None, :]).astype(np.uint8)


class KeypointMaps(Dataset):
    """Key point maps of a domain's images, drawn on demand from an N×K×2 array (nothing cached on disk)."""

    def __init__(self, keypoints: np.ndarray, size: int, paired_with: str) -> None:
        self.keypoints, self.size, self.paired_with = np.asarray(keypoints, dtype=np.float32), int(size), paired_with

    def __len__(self) -> int:
        return len(self.keypoints)

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.from_numpy(render_maps(self.keypoints[index], self.size))

    def batch(self, indices: np.ndarray) -> torch.Tensor:
        return torch.stack([self[int(i)] for i in indices])


def keypoint_datasets(data_cfg, datasets: dict[str, Dataset], domains: tuple[str, ...]) -> dict[str, Dataset]:
    """`{domain}_keypoints` companions for those of `domains` whose data has key points (built-in or prepared)."""
    out: dict[str, Dataset] = {}
    sources = open_domains(data_cfg, domains)
    for d in domains:
        kp = source_keypoints(sources[d], data_cfg.image_size)
        if kp is None:
            continue
        if len(kp) != len(datasets[d]):
            raise DataError(
                f"{sources[d].name}: {len(kp)} key point records but {len(datasets[d])} readable images; "
                "remove the unreadable files or prepare the folder again"
            )
        out[f"{d}_keypoints"] = KeypointMaps(kp, data_cfg.image_size, paired_with=d)
    return out


def decode_keypoints(maps: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(B×K×2 key points in pixels, B×K validity) from maps as the trainer hands them (floats in [-1, 1])."""
    w = ((maps.float() + 1.0) * 0.5).clamp_min(0.0)
    w = torch.where(w > 0.02, w, torch.zeros_like(w))  # drop uint8 rounding noise of far tails
    b, k, h, wd = w.shape
    total = w.sum(dim=(2, 3))
    xs = torch.arange(wd, device=w.device, dtype=w.dtype) + 0.5
    ys = torch.arange(h, device=w.device, dtype=w.dtype) + 0.5
    x = (w.sum(2) * xs).sum(-1) / total.clamp_min(1e-6)
    y = (w.sum(3) * ys).sum(-1) / total.clamp_min(1e-6)
    return torch.stack([x, y], dim=-1), total > 0.5


def canonical_order(kp: torch.Tensor) -> torch.Tensor:
    """Key points with each left/right pair swapped where needed so that "left" is the one with the smaller x."""
    kp = kp.clone()
    for left, right in LR_PAIRS:
        swap = (kp[:, left, 0] > kp[:, right, 0])[:, None]
        a, b = kp[:, left].clone(), kp[:, right].clone()
        kp[:, left], kp[:, right] = torch.where(swap, b, a), torch.where(swap, a, b)
    return kp


assert len(KEYPOINT_NAMES) == 6

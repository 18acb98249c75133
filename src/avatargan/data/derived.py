"""Data the trainer derives from the loaded domains, as a family's declaration asks (`FamilySpec.derived`).

A family never opens data itself: it names what its batches need beyond its domains, and the trainer builds it
here once, after loading the data, and adds it to every batch under its key.

* "edges" → batch key "e": CartoonGAN's edge-promoted set, the anime images (domain b) with the pixels near their
  edges blurred (`edge_promote`), computed once per data set and size and cached next to the data cache.
* "keypoints" → "a_keypoints", "b_keypoints": key point maps of the images of each domain whose data has key points
  (built-in faces, folders made by `avatargan prepare`), for the face losses; the photos (domain a) must have them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import numpy as np
from torch.utils.data import Dataset

from avatargan import console
from avatargan.config import DataConfig
from avatargan.data.batches import ArrayImages
from avatargan.data.cache import cache_root
from avatargan.data.edge_promote import edge_promote_dataset
from avatargan.data.spec import open_domains
from avatargan.errors import ConfigError
from avatargan.faces.keypoint_data import keypoint_datasets

#: the batch key of the edge-promoted images
EDGES_KEY = "e"


def derived_datasets(
    names: Iterable[str], data: DataConfig, datasets: dict[str, Dataset], domains: tuple[str, ...]
) -> dict[str, Dataset]:
    """The derived datasets `names` asks for (see the module docstring), keyed as batches carry them."""
    names = set(names)
    unknown = names - {"edges", "keypoints"}
    if unknown:
        raise ValueError(f"unknown derived data {sorted(unknown)}; known: edges, keypoints")
    out: dict[str, Dataset] = {}
    if "edges" in names:
        out[EDGES_KEY] = edge_promoted(data, datasets["b"])
    if "keypoints" in names:
        out |= face_keypoint_datasets(data, datasets, domains)
    return out


def edge_promoted(data: DataConfig, anime: Dataset) -> ArrayImages:
    """The edge-smoothed copy E of the anime images, computed once per data set and size and cached on disk."""
    source = open_domains(data, ("b",))["b"]
    fingerprint = f"{source.fingerprint()}|{len(anime)}"
    key = hashlib.sha1(f"{fingerprint}|{data.image_size}".encode()).hexdigest()[:12]
    path = cache_root(data.cache_dir) / "edges" / f"{source.name}-{data.image_size}px-{key}.npy"
    if not path.is_file():
        console.info(f"edge-promoting {len(anime)} anime images once (cached in {path.parent})")
    edge_promote_dataset(_hwc_images(anime), len(anime), data.image_size, path, fingerprint)
    return ArrayImages(str(path))


def _hwc_images(dataset: Dataset, chunk: int = 256) -> Iterator[np.ndarray]:
    """The images of a uint8 dataset as H×W×3 arrays, read a chunk at a time (one read per chunk)."""
    for start in range(0, len(dataset), chunk):
        yield from dataset.batch(np.arange(start, min(start + chunk, len(dataset)))).permute(0, 2, 3, 1).numpy()


def face_keypoint_datasets(data: DataConfig, datasets: dict[str, Dataset], domains: tuple[str, ...]) -> dict:
    """Key point map companions of `domains` (see `faces.keypoint_data`); the photos (a) must have key points."""
    out = keypoint_datasets(data, datasets, ("a",))  # the photos first: without them the loss cannot work
    if "a_keypoints" not in out:
        raise ConfigError(
            "the face landmark loss needs key points for domain A (photos): use builtin:photo-faces or a folder "
            "made by `avatargan prepare photos SRC --out DIR` (it holds landmarks.jsonl), or set "
            "model.landmark_gain=0 and model.lambda_landmark_reg=0"
        )
    return out | keypoint_datasets(data, datasets, tuple(d for d in domains if d != "a"))

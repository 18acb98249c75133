"""Datasets of uint8 images and a deterministic, resumable stream of batches over them.

Every dataset yields uint8 tensors (3×H×W); the trainer moves whole batches to the device and converts them to
floats in [-1, 1] there. The order of epoch `e` is a permutation drawn from (seed, e), so a run resumed at
batch `k` of epoch `e` sees exactly the batches an uninterrupted run would have seen.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from avatargan import console
from avatargan.config import DataConfig
from avatargan.data.cache import cached_images
from avatargan.data.sources import IMAGE_ERRORS, ImageSource
from avatargan.data.spec import open_domains, open_test_domains
from avatargan.pixels import image_to_uint8


class ArrayImages(Dataset):
    """Images from a cached `.npy` array (N×H×W×3 uint8), memory-mapped lazily in each process."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._arr: np.ndarray | None = None
        self._len = int(np.load(path, mmap_mode="r").shape[0])

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_arr": None}

    @property
    def array(self) -> np.ndarray:
        if self._arr is None:
            self._arr = np.load(self.path, mmap_mode="r")
        return self._arr

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index: int) -> torch.Tensor:
        return torch.from_numpy(np.array(self.array[index])).permute(2, 0, 1)  # a copy: the memmap is read-only

    def batch(self, indices: np.ndarray) -> torch.Tensor:
        """A whole batch with one fancy-index read (much faster than per-item reads)."""
        return torch.from_numpy(np.ascontiguousarray(self.array[indices])).permute(0, 3, 1, 2)


class SourceImages(Dataset):
    """Images decoded on the fly (for `data.cache: false`); an unreadable file is reported once and replaced by
    the next readable one, so a long run never stops for one broken file."""

    def __init__(self, source: ImageSource, size: int) -> None:
        self.source, self.size = source, size
        self._reported: set[int] = set()

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: int) -> torch.Tensor:
        for offset in range(len(self.source)):
            i = (index + offset) % len(self.source)
            try:
                img = self.source.load(i, self.size)
            except IMAGE_ERRORS as exc:
                if i not in self._reported:
                    self._reported.add(i)
                    console.warn(f"skipping unreadable image {self.source.describe(i)} ({type(exc).__name__}: {exc})")
                continue
            return image_to_uint8(img)
        raise RuntimeError(f"no readable image in {self.source.name}")

    def batch(self, indices: np.ndarray) -> torch.Tensor:
        return torch.stack([self[int(i)] for i in indices])


def build_datasets(cfg: DataConfig, domains: tuple[str, ...], split: str = "train") -> dict[str, Dataset]:
    """One dataset per model domain, cached on disk unless `data.cache` is off."""
    sources = open_domains(cfg, domains, split)
    if not cfg.cache:
        return {d: SourceImages(s, cfg.image_size) for d, s in sources.items()}
    return {d: ArrayImages(str(cached_images(s, cfg.image_size, cfg.cache_dir))) for d, s in sources.items()}


def build_test_datasets(cfg: DataConfig, domains: tuple[str, ...]) -> dict[str, Dataset]:
    """Held-out images per domain where the data has a test split (see `open_test_domains`), cached."""
    sources = open_test_domains(cfg, domains)
    return {
        d: ArrayImages(str(cached_images(s, cfg.image_size, cfg.cache_dir, processes=1))) for d, s in sources.items()
    }


def first_images(dataset: Dataset, count: int) -> torch.Tensor:
    """The first `count` images (fewer if the set is smaller): fixed examples for progress sheets."""
    return dataset.batch(np.arange(min(count, len(dataset))))


class _Batches(Dataset):
    """Adapter that lets a DataLoader's workers read whole batches by batch number."""

    def __init__(self, dataset: Dataset, batches: list[np.ndarray]) -> None:
        self.dataset, self.batches = dataset, batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, i: int) -> torch.Tensor:
        return self.dataset.batch(self.batches[i])


class BatchStream:
    """Batches of every domain in a deterministic order: epoch `e` of domain `d` uses a permutation from
    (seed, e, d). Domains of different sizes are sampled independently (unpaired); an epoch is as long as the
    largest domain. With several processes (rank/world) each takes its own slice of every global batch. A dataset
    with a `paired_with` attribute naming another domain (e.g. key point maps of domain "a") is not sampled on its
    own: it gets its partner's indices, so item i of both belongs to the same image."""

    def __init__(
        self,
        datasets: dict[str, Dataset],
        batch_size: int,
        seed: int,
        workers: int = 0,
        pin_memory: bool = False,
        rank: int = 0,
        world_size: int = 1,
    ) -> None:
        self.datasets, self.batch_size, self.seed = datasets, batch_size, seed
        self.workers, self.pin_memory, self.rank, self.world_size = workers, pin_memory, rank, world_size
        global_batch = batch_size * world_size
        largest = max(len(ds) for ds in datasets.values())
        self.steps_per_epoch = largest // global_batch
        if self.steps_per_epoch == 0:
            smallest = min(len(ds) for ds in datasets.values())
            raise ValueError(
                f"the data set has {smallest} images, fewer than one batch of {global_batch}; "
                "lower --batch-size or add images"
            )

    def _order(self, domain_index: int, size: int, epoch: int) -> np.ndarray:
        need = self.steps_per_epoch * self.batch_size * self.world_size
        rng = np.random.default_rng([self.seed, epoch, domain_index])
        parts, have = [], 0
        while have < need:  # a smaller domain is reshuffled and repeated to fill the epoch
            parts.append(rng.permutation(size))
            have += size
        return np.concatenate(parts)[:need]

    def epoch(self, epoch: int, start_batch: int = 0) -> Iterator[dict[str, torch.Tensor]]:
        """Batches `start_batch`… of `epoch`, each a dict domain → uint8 tensor (B×3×H×W)."""
        per_domain = {}
        for d_index, (name, ds) in enumerate(self.datasets.items()):
            if getattr(ds, "paired_with", None):  # companion data (key point maps): its partner's indices, below
                continue
            order = self._order(d_index, len(ds), epoch).reshape(self.steps_per_epoch, self.world_size, self.batch_size)
            per_domain[name] = [order[b, self.rank] for b in range(start_batch, self.steps_per_epoch)]
        for name, ds in self.datasets.items():
            if getattr(ds, "paired_with", None):
                per_domain[name] = per_domain[ds.paired_with]
        per_domain = {name: per_domain[name] for name in self.datasets}  # batches keep the datasets' order
        if self.workers == 0:
            for b in range(self.steps_per_epoch - start_batch):
                yield {name: self.datasets[name].batch(batches[b]) for name, batches in per_domain.items()}
            return
        loaders = {
            name: iter(
                DataLoader(
                    _Batches(self.datasets[name], batches),
                    batch_size=None,
                    shuffle=False,
                    num_workers=self.workers,
                    pin_memory=self.pin_memory,
                    prefetch_factor=4,
                    persistent_workers=False,
                    # its own generator: creating a loader must not draw from the global RNG,
                    # or a resumed run would diverge from an uninterrupted one
                    generator=torch.Generator().manual_seed(self.seed + epoch),
                )
            )
            for name, batches in per_domain.items()
        }
        for _ in range(self.steps_per_epoch - start_batch):
            yield {name: next(it) for name, it in loaders.items()}

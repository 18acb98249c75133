"""The reference repositories' data path, and image files for it to read.

The DCGAN/CycleGAN reference code trains from a folder of image files through a torchvision `ImageFolder` and a
`DataLoader` with worker processes, decoding and resizing every image with PIL in every epoch. `write_faces`
renders the project's built-in faces to JPEG files once, so both sides of a benchmark read the same files: the
reference decodes them every epoch, avatargan caches them once (`data/cache.py`) and reads uint8 batches.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from avatargan.data.builtin.faces import render_face

FILE_SIZE = 96  # pixels of the JPEG files (the Kaggle anime-face set is about this size); both sides resize


def write_faces(folder: Path, count: int, style: str = "anime", seed: int = 0) -> Path:
    """`count` rendered faces as `folder/<style>/NNNNN.jpg` (an ImageFolder layout); reused when present."""
    target = folder / style
    if target.is_dir() and len(list(target.glob("*.jpg"))) >= count:
        return folder
    target.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        render_face(i, seed, style, FILE_SIZE).save(target / f"{i:05d}.jpg", quality=95)
    return folder


def image_folder_loader(root: Path, image_size: int, batch_size: int, workers: int = 2) -> DataLoader:
    """The PyTorch DCGAN example's loader: ImageFolder + Resize + CenterCrop + ToTensor + Normalize, shuffled."""
    tf = transforms.Compose(
        [
            transforms.Resize(image_size),
            transforms.CenterCrop(image_size),
            transforms.ToTensor(),
            transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
        ]
    )
    return DataLoader(
        datasets.ImageFolder(str(root), transform=tf),
        batch_size=batch_size,
        shuffle=True,
        num_workers=workers,
        drop_last=True,
    )


class Batches:
    """Endless batches of images from a loader, starting a new epoch (new workers, new decoding) when one ends, copied
    to `device` as the reference scripts do (`.to(device)`, no pinned memory)."""

    def __init__(self, loader: DataLoader, device: torch.device | str = "cpu") -> None:
        self.loader, self.it, self.device = loader, iter(loader), torch.device(device)

    def next(self) -> torch.Tensor:
        try:
            images = next(self.it)[0]
        except StopIteration:
            self.it = iter(self.loader)
            images = next(self.it)[0]
        return images.to(self.device)

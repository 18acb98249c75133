"""CartoonGAN edge promoting: build the negative set E by blurring the edges of the anime images.

Cartoon images have crisp edges; E holds the same images with their edges smoothed, and the discriminator learns
to call them fake, so the generator is pushed toward sharp edges (Chen et al., CartoonGAN, CVPR 2018, sec. 3.3).

The reference settings below are for 256-px images. At other sizes the dilation and blur kernels scale with the
image side (`scaled_kernels`), so the blurred band covers the same share of a face at 64 px as at 256 px; the
Canny thresholds do not scale (see `scaled_kernels`). Explicit kernel sizes override the scaling.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from avatargan.io_utils import atomic_path, atomic_write_text

# Defaults of the CartoonGAN reference re-implementations (the authors released no training code):
# znxlwm/pytorch-CartoonGAN edge_promoting.py and taki0112/CartoonGAN-Tensorflow edge_smooth.py both use
# Canny(gray, 100, 200), dilation with a 5x5 box, and a 5x5 Gaussian with sigma 0 (OpenCV derives it: 1.1).
CANNY_LOW = 100
CANNY_HIGH = 200
DILATE_KERNEL = 5
BLUR_KERNEL = 5
REFERENCE_SIZE = 256  # the image side those kernels were chosen for
MIN_BLUR_KERNEL = 3  # a 1×1 Gaussian is the identity: E would be the anime images themselves, called fake
CACHE_FORMAT = 2  # bump when the algorithm changes so that old caches are rebuilt (2: kernels scale with the size)
PROGRESS_MIN = 200  # show a progress bar from this many images on


def _odd(width: float) -> int:
    """The odd integer nearest to `width` (ties go up), at least 1."""
    return 2 * int(max(width, 0.0) / 2) + 1


def scaled_kernels(size: int) -> tuple[int, int]:
    """(dilation, blur) kernel sides for `size`-px images: the reference 5 × 5 scaled by size / 256, odd.

    The band of blurred pixels is the Canny edge dilated by the box kernel, so its width in pixels is the kernel
    side; Canny lines are one pixel thin at any size and their length grows with the side, so a kernel side
    proportional to the image side keeps the band's share of the image constant (256 px: 5, 128: 3, 64: 1). The
    blur kernel scales the same way but stays at least 3, because a 1×1 Gaussian changes nothing. The Canny
    thresholds are left alone: they apply to the Sobel response, which for a step edge (a cartoon outline, crisp or
    one pixel anti-aliased) is the same at any resolution; only smooth shading gets steeper per pixel in a smaller
    image, and raising the thresholds to compensate would drop real outlines of moderate contrast.
    """
    scale = size / REFERENCE_SIZE
    return _odd(DILATE_KERNEL * scale), max(MIN_BLUR_KERNEL, _odd(BLUR_KERNEL * scale))


def edge_promote(
    img: np.ndarray,
    *,
    canny_low: int = CANNY_LOW,
    canny_high: int = CANNY_HIGH,
    dilate_kernel: int | None = None,
    blur_kernel: int | None = None,
) -> np.ndarray:
    """Gaussian-blur the pixels near edges of an H x W x 3 uint8 RGB image; all other pixels are left untouched.

    Kernel sides left as None are scaled to the image's shorter side (`scaled_kernels`; at 256 px they are the
    reference 5 × 5); given, they are used as they are.
    The references write each blurred value into a uint8 array (truncating); ``cv2.GaussianBlur`` rounds, so values
    may differ from theirs by 1. Both pad by reflection (``np.pad(mode='reflect')`` == OpenCV's default border).
    """
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an H x W x 3 uint8 image, got shape {img.shape} and dtype {img.dtype}")
    scaled_dilate, scaled_blur = scaled_kernels(min(img.shape[:2]))
    dilate_kernel = scaled_dilate if dilate_kernel is None else dilate_kernel
    blur_kernel = scaled_blur if blur_kernel is None else blur_kernel
    for name, k in (("dilate_kernel", dilate_kernel), ("blur_kernel", blur_kernel)):
        if k < 1 or k % 2 == 0:
            raise ValueError(f"{name} must be a positive odd integer, got {k}")
    img = np.ascontiguousarray(img)
    edges = cv2.Canny(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), canny_low, canny_high)
    near_edges = cv2.dilate(edges, np.ones((dilate_kernel, dilate_kernel), np.uint8)) != 0
    blurred = cv2.GaussianBlur(img, (blur_kernel, blur_kernel), 0)
    out = img.copy()
    out[near_edges] = blurred[near_edges]
    return out


def _sidecar(cache_path: Path) -> Path:
    return cache_path.with_name(cache_path.name + ".json")


def _cache_is_valid(cache_path: Path, meta: dict) -> bool:
    try:
        if json.loads(_sidecar(cache_path).read_text()) != meta:
            return False
        arr = np.load(cache_path, mmap_mode="r")
    except (OSError, ValueError):
        return False
    return arr.dtype == np.uint8 and arr.shape == (meta["count"], meta["size"], meta["size"], 3)


def edge_promote_dataset(
    images: Callable[[int], np.ndarray] | Iterable[np.ndarray],
    count: int,
    size: int,
    cache_path: str | os.PathLike[str],
    fingerprint: str,
    *,
    canny_low: int = CANNY_LOW,
    canny_high: int = CANNY_HIGH,
    dilate_kernel: int | None = None,
    blur_kernel: int | None = None,
) -> np.memmap:
    """Edge-promote ``count`` size x size RGB uint8 images once and cache them as one N x size x size x 3 ``.npy``.

    ``images`` is either a function giving the i-th image or an iterable of them. ``fingerprint`` identifies the
    source images (e.g. a hash of file names and mtimes, chosen by the caller): the cache is reused when it, the
    count, the size and the parameters all match its JSON sidecar (``<cache_path>.json``), and rebuilt otherwise.
    Kernel sides left as None are scaled to `size` (`scaled_kernels`); the sidecar records the sides used.
    Returns a read-only memory map of the cache.
    """
    cache_path = Path(cache_path)
    scaled_dilate, scaled_blur = scaled_kernels(size)
    params = {
        "canny_low": canny_low,
        "canny_high": canny_high,
        "dilate_kernel": scaled_dilate if dilate_kernel is None else dilate_kernel,
        "blur_kernel": scaled_blur if blur_kernel is None else blur_kernel,
    }
    meta = {"format": CACHE_FORMAT, "count": count, "size": size, "fingerprint": fingerprint, "params": params}
    if _cache_is_valid(cache_path, meta):
        return np.load(cache_path, mmap_mode="r")

    cache_path.parent.mkdir(parents=True, exist_ok=True)
    # Drop the old sidecar first: if we are interrupted after replacing the .npy, no sidecar can vouch for it.
    _sidecar(cache_path).unlink(missing_ok=True)
    source = (images(i) for i in range(count)) if callable(images) else iter(images)
    with atomic_path(cache_path) as tmp:  # a crash or a bad image leaves no half-written cache behind
        # Written through a memory map so that a large dataset never has to fit in RAM at once.
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(count, size, size, 3))
        done = 0
        for i, img in enumerate(
            tqdm(source, total=count, desc="edge promoting", unit="img", disable=count < PROGRESS_MIN)
        ):
            if i >= count:
                raise ValueError(f"got more than count={count} images")
            if img.shape != (size, size, 3):
                raise ValueError(f"image {i} has shape {img.shape}, expected {(size, size, 3)}")
            out[i] = edge_promote(img, **params)
            done += 1
        if done != count:
            raise ValueError(f"got {done} images, expected count={count}")
        out.flush()
        del out
    atomic_write_text(_sidecar(cache_path), json.dumps(meta, indent=1))
    return np.load(cache_path, mmap_mode="r")

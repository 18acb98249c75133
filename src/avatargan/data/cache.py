"""Decode and resize a source once into a uint8 array on disk (N×H×W×3, memory-mapped when read).

Training then reads batches straight from the array: no JPEG decoding or resizing per epoch, and an unreadable
file is met once, reported by name, and left out of the array. The array is keyed by the source's fingerprint and
the size, so a changed folder or another resolution gets its own cache; it is written to a temporary file and
renamed, so an interrupted build never leaves a half cache that looks complete; a cache cut short later (a full
disk while copying it, a sync tool) no longer matches the image count its sidecar records and is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from avatargan import console
from avatargan.data.sources import IMAGE_ERRORS, ImageSource
from avatargan.errors import DataError
from avatargan.io_utils import atomic_path, atomic_write_text, reported_write

CACHE_VERSION = 2  # 2: transparent pixels on the background colour (1 left them black)
_CHUNK = 256
_worker_source: ImageSource | None = None


def cache_root(cache_dir: str | None) -> Path:
    root = cache_dir or os.environ.get("AVATARGAN_CACHE") or Path.home() / ".cache" / "avatargan"
    return Path(root).expanduser()


def _init_worker(source: ImageSource) -> None:
    global _worker_source
    _worker_source = source


def _load_chunk(indices: list[int], size: int, source: ImageSource | None = None) -> list[tuple[int, object]]:
    """Decode images; each result is (index, uint8 array) or (index, error text)."""
    src = source or _worker_source
    out: list[tuple[int, object]] = []
    for i in indices:
        try:
            out.append((i, np.asarray(src.load(i, size), dtype=np.uint8)))
        except IMAGE_ERRORS as exc:
            out.append((i, f"{type(exc).__name__}: {exc}"))
    return out


def report_unreadable(bad: list[tuple[str, str]]) -> None:
    """One warning naming every unreadable file (the first 20, then a count)."""
    if not bad:
        return
    lines = [f"  {path} ({reason})" for path, reason in bad[:20]]
    if len(bad) > 20:
        lines.append(f"  ... and {len(bad) - 20} more")
    console.warn(f"skipped {len(bad)} unreadable image file(s); fix or remove them:\n" + "\n".join(lines))


def cached_images(source: ImageSource, size: int, cache_dir: str | None = None, processes: int | None = None) -> Path:
    """Path of the `.npy` cache of `source` at `size`, building it first if needed."""
    key = hashlib.sha1(f"{source.fingerprint()}|{size}|{CACHE_VERSION}".encode()).hexdigest()[:12]
    folder = cache_root(cache_dir) / "images"
    npy, meta_path = folder / f"{source.name}-{size}px-{key}.npy", folder / f"{source.name}-{size}px-{key}.json"
    if npy.is_file() and meta_path.is_file():
        meta = _read_meta(meta_path)
        if _intact(npy, meta, size):
            report_unreadable([tuple(b) for b in meta.get("unreadable", [])])
            return npy
        console.warn(
            f"the data cache {npy} is truncated or corrupt (it should hold {meta.get('count', '?')} images of "
            f"{size}px); rebuilding it"
        )
    with reported_write(f"the data cache in {folder} (data.cache_dir, or $AVATARGAN_CACHE)"):
        _build(source, size, npy, meta_path, processes)
    return npy


def _read_meta(meta_path: Path) -> dict:
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _intact(npy: Path, meta: dict, size: int) -> bool:
    """Whether the cache array opens and holds the image count its sidecar recorded (a copy cut short by a full
    disk, a sync tool or a crash of the file system does not)."""
    try:
        arr = np.load(npy, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return False
    return arr.dtype == np.uint8 and arr.shape == (meta.get("count"), size, size, 3)


def _build(source: ImageSource, size: int, npy: Path, meta_path: Path, processes: int | None) -> None:
    """Decode every image of `source` into `npy` (unreadable ones left out) and write its sidecar `meta_path`."""
    n = len(source)
    processes = processes if processes is not None else min(os.cpu_count() or 1, 4)
    chunks = [list(range(s, min(s + _CHUNK, n))) for s in range(0, n, _CHUNK)]
    bad: list[tuple[str, str]] = []
    good = np.zeros(n, dtype=bool)
    bar = console.progress(n, f"caching {source.name} at {size}px", unit="img")
    with atomic_path(npy) as tmp:
        arr = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(n, size, size, 3))

        def store(results: list[tuple[int, object]]) -> None:
            for i, value in results:
                if isinstance(value, np.ndarray):
                    arr[i], good[i] = value, True
                else:
                    bad.append((source.describe(i), str(value)))
            bar.update(len(results))

        if processes > 1 and n > _CHUNK:
            with ProcessPoolExecutor(processes, initializer=_init_worker, initargs=(source,)) as pool:
                for results in pool.map(_load_chunk, chunks, [size] * len(chunks)):
                    store(results)
        else:
            for chunk in chunks:
                store(_load_chunk(chunk, size, source))
        bar.close()
        arr.flush()
        kept = int(good.sum())
        if kept == 0:
            report_unreadable(bad)
            raise DataError(
                f"none of the {n} files in {source.describe(0).rsplit('/', 1)[0]} could be read as an "
                "image; check that they are JPEG/PNG/WebP/BMP files"
            )
        if kept < n:  # leave the unreadable ones out, keeping the order of the rest
            compact = np.lib.format.open_memmap(str(tmp) + ".c", mode="w+", dtype=np.uint8, shape=(kept, size, size, 3))
            compact[:] = arr[good]
            compact.flush()
            del arr, compact
            os.replace(str(tmp) + ".c", tmp)
        else:
            del arr
    report_unreadable(bad)
    atomic_write_text(
        meta_path,
        json.dumps(
            {"source": source.name, "size": size, "count": kept, "unreadable": bad, "version": CACHE_VERSION}, indent=1
        ),
    )

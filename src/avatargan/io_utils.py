"""Atomic file writes: write a temporary file beside the target, flush it to disk, then rename over the target.

A crash or Ctrl-C in the middle therefore never leaves a half-written checkpoint, config or report behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to `target`; on success it replaces `target` atomically."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # fsync so the rename never points at data still in the page cache
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write(target: str | Path, write: Callable[[IO[bytes]], None]) -> None:
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        write(fh)


def atomic_write_text(target: str | Path, text: str) -> None:
    atomic_write(target, lambda fh: fh.write(text.encode("utf-8")))


def atomic_write_bytes(target: str | Path, data: bytes) -> None:
    atomic_write(target, lambda fh: fh.write(data))

"""Atomic file writes: write a temporary file beside the target, flush it to disk, then rename over the target.

A crash or Ctrl-C in the middle therefore never leaves a half-written checkpoint, config or report behind, and a
write the file system refuses (a full disk, a read-only folder) leaves the previous file as it was;
`reported_write` turns that refusal into one clear StorageError.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from avatargan.errors import StorageError


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


@contextlib.contextmanager
def reported_write(what: str) -> Iterator[None]:
    """Turn a refused write inside the block (ENOSPC, EROFS, EDQUOT, EACCES...) into a StorageError naming `what`.
    torch.save reports its file's OSError as a RuntimeError whose context is that OSError; both are recognised."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        cause = exc if isinstance(exc, OSError) else exc.__context__
        if not isinstance(cause, OSError):
            raise
        where = f" ({cause.filename})" if cause.filename and str(cause.filename) not in what else ""
        raise StorageError(f"could not write {what}{where}: {cause.strerror or cause}") from None

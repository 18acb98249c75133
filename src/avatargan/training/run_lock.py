"""One training per run folder: an exclusive `flock` on `<run>/.lock`, held while the run trains.

The operating system drops the lock when its process ends, however it ends (a crash, SIGKILL, a lost node), so a
lock is never left stuck; the file itself stays and only names the last holder (host and pid) for the message.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import IO

from avatargan.errors import UserError
from avatargan.io_utils import reported_write

try:
    import fcntl
except ImportError:  # Windows: no advisory locks in the standard library; training there is not locked
    fcntl = None

LOCK_FILE = ".lock"


class RunLocked(UserError):
    """Another process is training in the same run folder."""


class RunLock:
    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / LOCK_FILE
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise RunLocked naming the holder."""
        if fcntl is None:
            return
        with reported_write("the run folder's lock file"):
            fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (kept open while the lock is held)
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise RunLocked(
                f"{self.path.parent} is being trained by {holder}; two trainings in one run folder would overwrite "
                "each other's checkpoints. Wait for it to end (or stop it), or train in another folder"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

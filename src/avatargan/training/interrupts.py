"""Stop requests at step boundaries: SIGINT (Ctrl-C), SIGTERM (schedulers, `timeout`, torchrun) and SIGUSR1
(SLURM's warning before its time limit) only set a flag while training runs.

The trainer reads the flag after each whole step (G and D both updated), writes a checkpoint there and exits with
`128 + signal number` (130 for Ctrl-C, 143 for SIGTERM, 138 for SIGUSR1), so a resumed run continues exactly. A
second signal means "now": it raises `ForcedStop` at once, wherever the process is; nothing is written, and the
newest checkpoint on disk stays the last whole one (checkpoints are written atomically).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGUSR1)
REASONS = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM", signal.SIGUSR1: "SIGUSR1"}


def exit_code(signum: int) -> int:
    """The shell's convention for a process ended by a signal: 128 + its number."""
    return 128 + int(signum)


class ForcedStop(KeyboardInterrupt):
    """A second stop signal: leave at once, without a checkpoint. A KeyboardInterrupt, so nothing catches it by
    accident."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"{REASONS.get(signum, signum)} again: stopped at once, no checkpoint written")
        self.exit_code = exit_code(signum)


class StopRequests:
    """While entered, the stop signals set `signum` instead of ending the process; a second one raises
    ForcedStop. Outside the main thread (where Python cannot install handlers) it does nothing."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None:
            raise ForcedStop(signum)
        self.signum = signum

    def __enter__(self) -> StopRequests:
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                previous = signal.signal(sig, self._handle)
                self._previous[sig] = signal.SIG_DFL if previous is None else previous  # None: set outside Python
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    def describe(self) -> str:
        return REASONS.get(self.signum, str(self.signum)) if self.signum is not None else "nothing"

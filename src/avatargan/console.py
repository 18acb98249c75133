"""Messages for the person at the terminal: written through tqdm so they never garble a progress bar."""

from __future__ import annotations

import sys

from tqdm import tqdm

QUIET = False  # tests and library callers may silence info messages; warnings always show


def info(message: str) -> None:
    if not QUIET:
        tqdm.write(message, file=sys.stderr)


def warn(message: str) -> None:
    tqdm.write(f"warning: {message}", file=sys.stderr)


def progress(total: int | None, desc: str, unit: str = "it", **kwargs) -> tqdm:
    """A progress bar on stderr; hidden when output is not a terminal-friendly stream and QUIET is set."""
    return tqdm(
        total=total, desc=desc, unit=unit, dynamic_ncols=True, disable=QUIET, file=sys.stderr, smoothing=0.05, **kwargs
    )

"""Per-step statistics: one JSON line per logged step in `stats.jsonl`, mirrored to TensorBoard events."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from avatargan.io_utils import atomic_write_text

STATS_FILE = "stats.jsonl"


def read_stats(run_dir: Path) -> list[dict[str, Any]]:
    return read_jsonl(Path(run_dir) / STATS_FILE)


def training_seconds(rows: list[dict[str, Any]]) -> tuple[float, bool]:
    """How long a run has trained, from its stats rows, and whether that is exact. Each row since the `seconds`
    field exists holds its logging window's seconds; their sum leaves out the pauses between a stop and its resume.
    Rows of older runs lack it: then the span of their clock times (pauses included), marked as not exact."""
    if rows and all("seconds" in r for r in rows):
        return float(sum(r["seconds"] for r in rows)), True
    clocked = [r["time"] for r in rows if "time" in r]
    return (clocked[-1] - clocked[0] if len(clocked) > 1 else 0.0), False


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The lines of a JSON-lines file; a line cut short by a crash is skipped (the rest of the file is good)."""
    if not Path(path).is_file():
        return []
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def truncate_jsonl(path: Path, step: int) -> None:
    """Drop lines logged after `step` (the resumed checkpoint), so a resumed run appends without duplicates."""
    if Path(path).is_file():
        rows = [r for r in read_jsonl(path) if (r.get("step") or 0) <= step]
        atomic_write_text(Path(path), "".join(json.dumps(r) + "\n" for r in rows))


def truncate_stats(run_dir: Path, step: int) -> None:
    truncate_jsonl(Path(run_dir) / STATS_FILE, step)


class StatsLogger:
    """Appends to stats.jsonl (flushed per line, so a crash loses nothing logged) and TensorBoard."""

    def __init__(self, run_dir: Path, start_step: int = 0, tensorboard: bool = True) -> None:
        self.file = open(Path(run_dir) / STATS_FILE, "a", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self.tb = None
        if tensorboard:
            from torch.utils.tensorboard import SummaryWriter

            # purge_step hides events logged after the checkpoint we resumed from
            self.tb = SummaryWriter(str(Path(run_dir) / "tensorboard"), purge_step=start_step or None)

    def log(self, step: int, values: dict[str, float]) -> None:
        clean = {k: (round(v, 6) if isinstance(v, float) and math.isfinite(v) else v) for k, v in values.items()}
        self.file.write(json.dumps({"step": step, **clean}) + "\n")
        self.file.flush()
        if self.tb is not None:
            for key, value in values.items():
                if isinstance(value, int | float) and key not in ("epoch", "time", "seconds"):
                    self.tb.add_scalar(key, value, step)

    def close(self) -> None:
        self.file.close()
        if self.tb is not None:
            self.tb.close()

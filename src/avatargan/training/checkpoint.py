"""Training checkpoints that resume exactly, are written atomically, and load with `weights_only=True`.

A checkpoint is a dict of tensors and plain values only (no pickled code): networks, optimizers, EMA, the family's
extra state (image pools...), RNG states, step/epoch/batch position, the run config and a format version. Files are
`checkpoints/ckpt-<step>.pt`; the last K are kept. A truncated or corrupt file is refused with a message naming it,
and resuming a run folder then falls back to the newest checkpoint that does load.
"""

from __future__ import annotations

import pickle
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from avatargan import console
from avatargan.config import RunConfig, from_dict
from avatargan.errors import CheckpointError
from avatargan.io_utils import atomic_write
from avatargan.models import model_class

#: 2: no "schedulers" entry (learning rates are a function of the epoch, set by the families); a format-1
#: checkpoint (avatargan before the families declared their kind) loads as it is: nothing read from it changed
FORMAT_VERSION = 2
_NAME = re.compile(r"ckpt-(\d+)\.pt$")


def rng_state() -> dict[str, Any]:
    """Every global RNG a training step may touch, as tensors and plain values."""
    np_state = np.random.get_state()
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "numpy": {
            "keys": torch.from_numpy(np_state[1].astype(np.int64)),
            "pos": int(np_state[2]),
            "has_gauss": int(np_state[3]),
            "cached_gaussian": float(np_state[4]),
        },
        "python": [random.getstate()[0], list(random.getstate()[1])],
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    n = state["numpy"]
    np.random.set_state(
        ("MT19937", n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["cached_gaussian"])
    )
    version, internal = state["python"]
    random.setstate((version, tuple(internal), None))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def checkpoint_path(folder: Path, step: int) -> Path:
    return folder / f"ckpt-{step:09d}.pt"


def list_checkpoints(folder: Path) -> list[Path]:
    """Checkpoints in a folder, oldest first (by step)."""
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _NAME.search(p.name))]
    return [p for _, p in sorted(found)]


def save_checkpoint(folder: Path, step: int, payload: dict[str, Any], keep: int) -> Path:
    """Write `payload` atomically as the checkpoint of `step`, then delete all but the newest `keep`."""
    payload = {"format_version": FORMAT_VERSION, "step": step, **payload}
    path = checkpoint_path(folder, step)
    atomic_write(path, lambda fh: torch.save(payload, fh))
    for old in list_checkpoints(folder)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return path


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load a checkpoint safely (tensors and plain values only) or raise a CheckpointError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, ValueError, pickle.UnpicklingError, zipfile.BadZipFile) as exc:
        raise CheckpointError(
            f"checkpoint {path} is unreadable (truncated or corrupt: {str(exc).splitlines()[0]}); "
            "delete it and resume from an earlier one in the same folder"
        ) from None
    if not isinstance(payload, dict) or "format_version" not in payload or "model" not in payload:
        raise CheckpointError(f"{path} is not an avatargan training checkpoint")
    if payload["format_version"] > FORMAT_VERSION:
        raise CheckpointError(
            f"checkpoint {path} has format {payload['format_version']}, newer than this avatargan "
            f"reads ({FORMAT_VERSION}); upgrade avatargan"
        )
    return payload


def latest_checkpoint(folder: Path) -> tuple[Path, dict[str, Any]]:
    """The newest checkpoint in `folder` that loads; unreadable newer ones are reported by name and skipped."""
    candidates = list_checkpoints(folder)
    for path in reversed(candidates):
        try:
            return path, load_checkpoint(path)
        except CheckpointError as exc:
            console.warn(f"{exc}; trying the previous checkpoint")
    if candidates:
        raise CheckpointError(f"no usable checkpoint in {folder}: all {len(candidates)} are unreadable")
    raise CheckpointError(f"no checkpoint in {folder}; nothing to resume (was the run stopped before its first one?)")


def restore_model(payload: dict[str, Any]) -> tuple[RunConfig, nn.Module]:
    """A loaded checkpoint's run config and its training model (every network, the live weights; no optimizers), for
    tools that look inside a run (a discriminator's scores, its decoder) rather than resume it."""
    cfg = from_dict(payload["config"])
    model = model_class(cfg.model.family)(cfg.model, cfg.data.image_size)
    model.load_state_dict(payload["model"])
    return cfg, model

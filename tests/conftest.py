"""Shared fixtures: every test gets its own data cache and quiet console; tiny configs keep the suite fast on CPU."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import Dataset

from avatargan import config as config_mod
from avatargan import console

if TYPE_CHECKING:
    from avatargan.training.loop import Trainer

# Tiny test shapes gain nothing from several threads, and on a shared 2-core machine extra threads thrash.
torch.set_num_threads(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `cuda` run where a CUDA GPU is (benchmarks/gpu_check.sh runs them) and skip elsewhere."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATARGAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(console, "QUIET", True)


def tiny_config(tmp_path: Path, **sections: dict) -> config_mod.RunConfig:
    """A DCGAN small enough to train a step in milliseconds: 16×16 images, 4–8 channels, 64 built-in faces."""
    values = {
        "model": {"family": "dcgan", "latent_dim": 8, "g_channels": 4, "d_channels": 4},
        "data": {"source": "builtin:anime-faces", "image_size": 16, "builtin_count": 64},
        "train": {
            "batch_size": 8,
            "steps": 6,
            "log_every": 2,
            "sample_every": 3,
            "checkpoint_every": 3,
            "sample_count": 8,
            "out_root": str(tmp_path / "runs"),
            "device": "cpu",
            # fp32 pinned: `auto` picks bf16 on some CPUs and fp32 on others, and tests must not depend on which
            "precision": "fp32",
            # the final quality block runs Inception for seconds per run: its own tests turn it on
            "final_fid_n": 0,
            "final_judge_n": 0,
        },
    }
    return config_mod.from_dict(config_mod.merge(values, sections))


def straight_and_resumed(tmp_path: Path, sections: dict, stop_after: int) -> tuple[Path, Path]:
    """The run folders of `tiny_config(**sections)` trained straight through (under tmp_path/a) and trained again,
    stopped after `stop_after` steps and resumed to the end (under tmp_path/b): for resume-is-exact tests."""
    from avatargan.training.loop import train  # here, as Trainer above: importing conftest stays light

    straight = train(tiny_config(tmp_path / "a", **sections))
    first = tiny_config(tmp_path / "b", **sections)
    first.train.steps = stop_after
    run_dir = train(first)
    return straight, train(tiny_config(tmp_path / "b", **sections), run_dir=run_dir, resume=True)


def write_images(folder: Path, count: int, size: tuple[int, int] = (20, 24), seed: int = 0) -> list[Path]:
    """Random RGB PNGs in `folder` (and one sub-folder, to check recursion)."""
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        sub = folder / ("nested" if i % 2 else "")
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"img{i:03d}.png"
        Image.fromarray(rng.integers(0, 255, (*size, 3), dtype=np.uint8)).save(path)
        paths.append(path)
    return paths


class Numbers(Dataset):
    """A dataset whose image i is filled with the value i, so batches reveal which indices they hold."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def batch(self, indices: np.ndarray) -> torch.Tensor:
        return torch.tensor(indices, dtype=torch.uint8)[:, None, None, None].expand(-1, 3, 2, 2).clone()


def signal_between_d_and_g(trainer: Trainer, monkeypatch: pytest.MonkeyPatch, at_step: int, *signums: int) -> None:
    """Deliver `signums` right after D's update of step `at_step` (counted from 0), before G's."""
    real_optimize = trainer.model.optimize
    state = {"step": 0}

    def optimize(loss, optimizer, retain_graph=False):
        real_optimize(loss, optimizer, retain_graph)
        if optimizer is trainer.model.optimizers()["d"] and state["step"] == at_step:
            for signum in signums:
                signal.raise_signal(signum)
        if optimizer is trainer.model.optimizers()["g"]:
            state["step"] += 1

    monkeypatch.setattr(trainer.model, "optimize", optimize)

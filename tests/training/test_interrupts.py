"""Stop signals land between steps: the checkpoint holds whole steps, so a resumed run is bit-identical."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from conftest import signal_between_d_and_g, tiny_config

from avatargan.training.checkpoint import latest_checkpoint, list_checkpoints
from avatargan.training.interrupts import ForcedStop
from avatargan.training.loop import Trainer, TrainingInterrupted, train


def assert_identical(a, b, where: str) -> None:
    """Nested checkpoint values equal bit for bit."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_identical(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_identical(x, y, f"{where}[{i}]")
    elif isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    else:
        assert a == b, where


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGUSR1])
def test_a_signal_mid_step_checkpoints_the_whole_step_and_resume_is_bit_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    sections = {"train": {"steps": 11, "checkpoint_every": 100, "ema_decay": 0.9}}
    straight = train(tiny_config(tmp_path / "a", **sections))

    trainer = Trainer(tiny_config(tmp_path / "b", **sections))
    signal_between_d_and_g(trainer, monkeypatch, 4, signum)
    handler_before = signal.getsignal(signum)
    with pytest.raises(TrainingInterrupted, match="--resume") as caught:
        trainer.run()
    assert caught.value.exit_code == 128 + signum
    assert signal.getsignal(signum) == handler_before  # the previous handler is back after the run
    _, payload = latest_checkpoint(trainer.run_dir / "checkpoints")
    assert payload["step"] == 5  # the step the signal landed in was finished: G's update too

    resumed = train(tiny_config(tmp_path / "b", **sections), run_dir=trainer.run_dir, resume=True)
    a = latest_checkpoint(straight / "checkpoints")[1]
    b = latest_checkpoint(resumed / "checkpoints")[1]
    assert a["step"] == b["step"] == 11
    for name in ("model", "ema", "optimizers", "rng"):
        assert_identical(a[name], b[name], name)


def test_a_second_signal_stops_at_once_and_keeps_the_last_whole_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trainer = Trainer(tiny_config(tmp_path, train={"steps": 50, "checkpoint_every": 3}))
    signal_between_d_and_g(trainer, monkeypatch, 4, signal.SIGINT, signal.SIGINT)
    with pytest.raises(ForcedStop) as caught:
        trainer.run()
    assert caught.value.exit_code == 130
    folder = trainer.run_dir / "checkpoints"
    assert [p.name for p in list_checkpoints(folder)] == ["ckpt-000000003.pt"]  # no half step written over it
    assert latest_checkpoint(folder)[1]["step"] == 3
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_sigterm_to_the_command_checkpoints_prints_the_resume_command_and_exits_143(tmp_path: Path) -> None:
    env = {**os.environ, "AVATARGAN_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[2] / "src"), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "avatargan", "train", "dcgan", "--steps", "100000", "--image-size", "16"]
    command += ["--batch-size", "8", "--device", "cpu", "--out", str(tmp_path / "runs"), "--no-compile"]
    for item in ("model.latent_dim=8", "model.g_channels=4", "model.d_channels=4", "data.builtin_count=64"):
        command += ["--set", item]
    command += ["--set", "train.log_every=1", "--set", "train.sample_every=100000", "--set", "train.threads=1"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list((tmp_path / "runs").glob("*/stats.jsonl")) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "avatargan train dcgan --resume" in err
    (run_dir,) = (tmp_path / "runs").iterdir()
    step = latest_checkpoint(run_dir / "checkpoints")[1]["step"]
    assert 1 <= step < 100000

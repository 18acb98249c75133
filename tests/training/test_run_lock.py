"""One training per run folder: a second one is refused by name; a killed holder leaves no stuck lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tiny_config

from avatargan.training.loop import Trainer
from avatargan.training.run_lock import RunLock, RunLocked


def test_a_second_training_in_the_same_folder_is_refused_until_the_first_ends(tmp_path: Path) -> None:
    first = Trainer(tiny_config(tmp_path))
    with pytest.raises(RunLocked, match=rf"{first.run_dir.name} is being trained by pid {os.getpid()}"):
        Trainer(tiny_config(tmp_path), run_dir=first.run_dir, resume=False)
    first.run()  # the lock goes with the run's end
    assert Trainer(tiny_config(tmp_path), run_dir=first.run_dir, resume=True).pos.step == 6


def test_a_killed_holder_leaves_no_stuck_lock(tmp_path: Path) -> None:
    src = str(Path(__file__).parents[2] / "src")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from avatargan.training.run_lock import RunLock; "
            "lock = RunLock(sys.argv[1]); lock.acquire(); print('locked', flush=True); time.sleep(60)",
            str(tmp_path),
        ],
        env={**os.environ, "PYTHONPATH": src},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunLocked, match=f"pid {holder.pid}"):
            RunLock(tmp_path).acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        holder.kill()
    lock = RunLock(tmp_path)
    lock.acquire()  # the OS dropped the dead process's lock
    lock.release()

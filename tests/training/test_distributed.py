"""Two processes on the CPU (gloo) train one model: identical weights on both ranks, one run folder, resumable."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.multiprocessing as mp
from conftest import tiny_config

from avatargan import console
from avatargan.training import distributed
from avatargan.training.checkpoint import latest_checkpoint
from avatargan.training.loop import Trainer, train


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, tmp: str) -> None:
    os.environ.update(
        RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port)
    )
    os.environ["AVATARGAN_CACHE"] = str(Path(tmp) / "cache")
    console.QUIET = True
    torch.set_num_threads(1)  # two processes share the test machine's cores
    # LeCam on: its averages are a cross-process statistic like the gradients, and must agree on both ranks too
    cfg = tiny_config(Path(tmp), model={"lecam": 0.1}, train={"steps": 4, "checkpoint_every": 2, "sample_every": 100})
    trainer = Trainer(cfg)
    try:
        trainer.run()
        state = {
            "model": trainer.model.state_dict(),
            "run_dir": str(trainer.run_dir),
            "lecam": trainer.model.lecam.state_dict(),
        }
        torch.save(state, Path(tmp) / f"rank{rank}.pt")
    finally:
        distributed.teardown(trainer.dist)


def test_two_processes_end_identical_and_write_one_run_folder(tmp_path: Path) -> None:
    mp.spawn(_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    r0, r1 = (torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    assert r0["run_dir"] == r1["run_dir"]
    assert r0["lecam"] == r1["lecam"] and r0["lecam"]["alpha_real"] is not None
    for k, v in r0["model"].items():
        assert torch.equal(v, r1["model"][k]), k
    runs = list((tmp_path / "runs").iterdir())
    assert [p.name for p in runs] == ["00000-dcgan-anime-faces"]
    ckpt_path, payload = latest_checkpoint(runs[0] / "checkpoints")
    assert payload["step"] == 4 and payload["world_size"] == 2
    for k, v in r0["model"].items():  # rank 0's checkpoint is the weights both ranks hold
        assert torch.equal(v, payload["model"][k]), k

    # the run continues in one process: the position counts global batches, so no batch is skipped or repeated
    resumed = train(
        tiny_config(tmp_path, model={"lecam": 0.1}, train={"steps": 6, "checkpoint_every": 2}),
        run_dir=runs[0],
        resume=True,
    )
    _, payload = latest_checkpoint(resumed / "checkpoints")
    assert payload["step"] == 6 and payload["world_size"] == 1 and payload["batch_in_epoch"] == 6


def test_the_global_batch_must_split_evenly() -> None:
    d = distributed.Dist(rank=0, world_size=3)
    assert distributed.local_batch_size(12, d) == 4
    with pytest.raises(ValueError, match="multiple of 3"):
        distributed.local_batch_size(8, d)


def test_torchrun_restarts_a_group_whose_worker_was_killed_and_it_resumes(tmp_path: Path) -> None:
    # 2 gloo processes under torchrun --max-restarts 1; rank 1 is SIGKILLed in step 6 of the first try. torchrun
    # stops the group and starts it again; `--resume auto` continues from the step-4 checkpoint to step 8.
    run = tmp_path / "run"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    command += ["--max-restarts", "1", "--monitor-interval", "0.5", str(Path(__file__).parent / "killed_worker.py")]
    command += ["train", "dcgan", "--run-dir", str(run), "--resume", "auto", "--steps", "8", "--image-size", "16"]
    command += ["--batch-size", "8", "--device", "cpu", "--no-compile"]
    for item in ("model.latent_dim=8", "model.g_channels=4", "model.d_channels=4", "data.builtin_count=64"):
        command += ["--set", item]
    command += ["--set", "train.log_every=1", "--set", "train.checkpoint_every=2", "--set", "train.threads=1"]
    command += ["--set", "train.final_fid_n=0", "--set", "train.final_judge_n=0"]  # no quality block: not its test
    env = {**os.environ, "AVATARGAN_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[2] / "src"), env.get("PYTHONPATH", "")])
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "resuming" in done.stderr  # the restarted group continued the run
    _, payload = latest_checkpoint(run / "checkpoints")
    assert payload["step"] == 8 and payload["world_size"] == 2
    steps = [json.loads(line)["step"] for line in (run / "stats.jsonl").read_text().splitlines()]
    assert steps == list(range(1, 9))  # continuous: the lines of the lost step 5 were dropped on resume

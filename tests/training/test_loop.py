"""The trainer: a short run writes the whole run folder; resuming matches an uninterrupted run exactly."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
import torch
from conftest import signal_between_d_and_g, straight_and_resumed, tiny_config

from avatargan import console
from avatargan.training.checkpoint import latest_checkpoint, restore_model
from avatargan.training.loop import Trainer, TrainingInterrupted, train
from avatargan.weights import load_generators


def test_short_run_trains_and_writes_the_run_folder(tmp_path: Path) -> None:
    cfg = tiny_config(tmp_path)
    trainer = Trainer(cfg)
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    run_dir = trainer.run()
    assert run_dir.name == "00000-dcgan-anime-faces"
    after = trainer.model.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before if after[k].is_floating_point())
    for name in ("config.yaml", "stats.jsonl", "report.html", "generator.safetensors", "generator.json"):
        assert (run_dir / name).is_file(), name
    assert list((run_dir / "tensorboard").iterdir())
    assert (run_dir / "samples" / "samples-step000000003.png").is_file()
    rows = [json.loads(line) for line in (run_dir / "stats.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [2, 4, 6] and all(
        "loss_g" in r and "img_per_s" in r and r["seconds"] > 0 for r in rows
    )
    generators, meta = load_generators(run_dir)
    assert meta["model"]["family"] == "dcgan"
    assert generators["generator"](torch.randn(2, 8)).shape == (2, 3, 16, 16)
    assert Trainer(cfg).run_dir.name == "00001-dcgan-anime-faces"  # runs are numbered


def test_the_model_is_placed_before_its_optimizers_are_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from avatargan.models.base import GANModel
    from avatargan.training import distributed

    order: list[str] = []
    real_prepare, real_build = distributed.prepare_model, GANModel.build_optimizers
    monkeypatch.setattr(distributed, "prepare_model", lambda *a: order.append("placed") or real_prepare(*a))
    monkeypatch.setattr(GANModel, "build_optimizers", lambda self: order.append("optimizers") or real_build(self))
    trainer = Trainer(tiny_config(tmp_path, train={"channels_last": True}))
    try:
        assert order == ["placed", "optimizers"]
        assert trainer.model.updates is trainer.updates  # optimize() goes through the run's precision and processes
        params = {id(p) for p in trainer.model.parameters()}
        groups = [g for o in trainer.model.optimizers().values() for g in o.param_groups]
        assert all(id(p) in params for g in groups for p in g["params"])
    finally:
        trainer.lock.release()


def _weights(run_dir: Path) -> dict[str, torch.Tensor]:
    return latest_checkpoint(run_dir / "checkpoints")[1]["model"]


@pytest.mark.parametrize("ema", [0.0, 0.9])
def test_resume_matches_an_uninterrupted_run(tmp_path: Path, ema: float) -> None:
    # 64 images / batch 8 = 8 steps per epoch: 11 steps cross an epoch boundary, the stop at 5 is mid-epoch.
    sections = {"train": {"steps": 11, "checkpoint_every": 5, "ema_decay": ema}}
    straight, resumed = straight_and_resumed(tmp_path, sections, stop_after=5)

    a, b = _weights(straight), _weights(resumed)
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    steps = [json.loads(x)["step"] for x in (resumed / "stats.jsonl").read_text().splitlines()]
    assert steps == sorted(set(steps))  # the resumed run appended without duplicates


def test_the_ramp_down_lowers_every_rate_over_the_last_steps_and_a_stop_in_it_resumes_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sections = {
        "model": {"lr": 1e-3, "lr_d": 5e-4},
        "train": {"steps": 10, "checkpoint_every": 100, "log_every": 1, "lr_ramp_down": 0.5},
    }
    straight = train(tiny_config(tmp_path / "a", **sections))
    rows = [json.loads(x) for x in (straight / "stats.jsonl").read_text().splitlines()]
    # the step counted from 0 as k trains at (1 - k/10) / 0.5 once k/10 passes 0.5: the last at 0.2, never at 0
    assert [r["lr_factor"] for r in rows] == pytest.approx([1.0] * 6 + [0.8, 0.6, 0.4, 0.2])
    groups = latest_checkpoint(straight / "checkpoints")[1]["optimizers"]
    assert groups["g"]["param_groups"][0]["lr"] == pytest.approx(1e-3 * 0.2)
    assert groups["d"]["param_groups"][0]["lr"] == pytest.approx(5e-4 * 0.2)

    trainer = Trainer(tiny_config(tmp_path / "b", **sections))
    signal_between_d_and_g(trainer, monkeypatch, 7, signal.SIGTERM)  # a stop within the ramp
    with pytest.raises(TrainingInterrupted):
        trainer.run()
    resumed = train(tiny_config(tmp_path / "b", **sections), run_dir=trainer.run_dir, resume=True)
    a, b = _weights(straight), _weights(resumed)
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_under_a_time_budget_the_ramp_follows_the_clock_when_it_is_further_along(tmp_path: Path) -> None:
    trainer = Trainer(tiny_config(tmp_path, model={"lr": 1e-3}, train={"steps": 1000, "lr_ramp_down": 0.5}))
    try:
        now = time.monotonic()
        # 3 of 4 minutes gone at step 10 of 1,000: 75 % through, halfway down the ramp of the last 50 %
        factor = trainer.ramp_rates(10, started=now - 180, deadline=now + 60)
        assert factor == pytest.approx(0.5, abs=1e-3)
        assert trainer.model.optimizers()["g"].param_groups[0]["lr"] == pytest.approx(5e-4, rel=1e-2)
        # no deadline: the steps alone, 10 of 1,000, before the ramp
        assert trainer.ramp_rates(10, started=now, deadline=None) == 1.0
        assert trainer.model.optimizers()["g"].param_groups[0]["lr"] == 1e-3
    finally:
        trainer.lock.release()


def test_a_checkpoint_of_the_previous_format_resumes_exactly_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    from avatargan.errors import CheckpointError
    from avatargan.training import checkpoint

    sections = {"train": {"steps": 6, "checkpoint_every": 3}}
    straight = train(tiny_config(tmp_path / "a", **sections))
    first = tiny_config(tmp_path / "b", **sections)
    first.train.steps = 3
    run_dir = train(first)
    path, payload = latest_checkpoint(run_dir / "checkpoints")
    # as avatargan wrote it before format 2: format_version 1 and an (always empty) "schedulers" entry
    torch.save({**payload, "format_version": 1, "schedulers": {}}, path)
    resumed = train(tiny_config(tmp_path / "b", **sections), run_dir=run_dir, resume=True)
    a, b = _weights(straight), _weights(resumed)
    assert all(torch.equal(a[k], b[k]) for k in a)

    newer = {**latest_checkpoint(resumed / "checkpoints")[1], "format_version": checkpoint.FORMAT_VERSION + 1}
    torch.save(newer, tmp_path / "newer.pt")
    with pytest.raises(CheckpointError, match=r"format 3, newer than this avatargan reads \(2\)"):
        checkpoint.load_checkpoint(tmp_path / "newer.pt")


def test_time_budget_stops_cleanly_and_the_bar_ends_at_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bars = []
    real_progress = console.progress

    def keep(*args, **kwargs):
        bars.append(real_progress(*args, **kwargs))
        return bars[-1]

    monkeypatch.setattr(console, "progress", keep)
    monkeypatch.setattr(console, "QUIET", False)  # the budget's message is read below
    # log_every beyond the run: the bar's end must follow the budget from the first steps, not from a log line
    run_dir = train(tiny_config(tmp_path, train={"steps": 10_000, "max_minutes": 1 / 900, "log_every": 5_000}))
    assert (run_dir / "report.html").is_file()
    stopped = latest_checkpoint(run_dir / "checkpoints")[1]["step"]
    assert stopped < 10_000
    # the bar's end is the step the time budget reaches (estimated from the speed), not the 10,000 steps
    assert bars[0].total < 10_000
    # the budget is named as the user would write it, not as the float the demo computes
    assert f"time budget of 0.00111 min reached at step {stopped}" in capsys.readouterr().err


def test_steps_within_budget_extrapolates_the_rate_so_far_and_never_passes_the_plan() -> None:
    from avatargan.training.loop import steps_within_budget

    # 10 steps in 5 s, 30 s left: 60 more steps at that rate
    assert steps_within_budget(step=110, done=10, elapsed=5.0, left=30.0, cap=10_000) == 170
    assert steps_within_budget(step=110, done=10, elapsed=5.0, left=30.0, cap=150) == 150
    assert steps_within_budget(step=110, done=10, elapsed=5.0, left=-2.0, cap=10_000) == 110  # budget spent


def test_a_loss_that_starts_mid_window_is_averaged_over_its_own_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CartoonGAN adds its adversarial losses when the content-only phase ends, in the middle of a log window
    from avatargan.models.dcgan import DCGAN

    plain = DCGAN.train_step

    def late_key(self, batch, step):
        out = plain(self, batch, step)
        if step >= 1:
            out["loss_late"] = torch.tensor(2.0)
        return out

    monkeypatch.setattr(DCGAN, "train_step", late_key)
    run_dir = train(tiny_config(tmp_path, train={"steps": 4, "log_every": 4}))
    row = json.loads((run_dir / "stats.jsonl").read_text().splitlines()[0])
    assert row["step"] == 4 and row["loss_late"] == pytest.approx(2.0)  # not 2.0 × 3/4


def test_a_full_disk_during_a_checkpoint_keeps_the_previous_one_and_ends_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from avatargan.errors import StorageError
    from avatargan.training import checkpoint

    real_atomic_write, calls = checkpoint.atomic_write, {"n": 0}

    class FullDisk:  # the file system accepts a few writes, then reports ENOSPC, as a filling disk does
        def __init__(self, fh) -> None:
            self.fh, self.left = fh, 2

        def write(self, data) -> int:
            self.left -= 1
            if self.left < 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.fh.write(data)

        def __getattr__(self, name):
            return getattr(self.fh, name)

    def second_fails(target, write):
        calls["n"] += 1
        if calls["n"] == 1:
            return real_atomic_write(target, write)
        return real_atomic_write(target, lambda fh: write(FullDisk(fh)))

    monkeypatch.setattr(checkpoint, "atomic_write", second_fails)
    cfg = tiny_config(tmp_path, train={"steps": 9})
    with pytest.raises(StorageError, match=r"checkpoint of step 6: No space left on device.*--resume"):
        train(cfg)
    (run_dir,) = (tmp_path / "runs").iterdir()
    folder = run_dir / "checkpoints"
    assert latest_checkpoint(folder)[1]["step"] == 3  # the previous checkpoint loads
    assert [p.name for p in folder.iterdir()] == ["ckpt-000000003.pt"]  # no temporary file left behind


def test_restore_model_rebuilds_the_run_s_networks_from_its_checkpoint(tmp_path: Path) -> None:
    """Every network of the training model (D too, which generator weights leave out) with the checkpoint's weights."""
    run_dir = train(tiny_config(tmp_path, train={"steps": 2, "log_every": 2}))
    _, state = latest_checkpoint(run_dir / "checkpoints")
    cfg, model = restore_model(state)
    assert cfg.model.family == "dcgan" and cfg.data.image_size == state["config"]["data"]["image_size"]
    restored = model.state_dict()
    assert set(restored) == set(state["model"]) and any(k.startswith("D.") for k in restored)
    assert all(torch.equal(restored[k], v) for k, v in state["model"].items())

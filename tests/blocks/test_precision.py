"""Precision options: bf16/fp16 autocast steps train, fp16 scaler state is checkpointed, fp32 is plain, and the
precision `auto` chose is written where users look (config.yaml, environment.json, the report)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import yaml
from conftest import straight_and_resumed, tiny_config

from avatargan import hardware
from avatargan.blocks.precision import Updates
from avatargan.training.checkpoint import latest_checkpoint
from avatargan.training.loop import Trainer, train


@pytest.mark.parametrize("precision", ["bf16", pytest.param("fp16", marks=pytest.mark.cuda)])
def test_mixed_precision_runs_train_and_checkpoint(tmp_path: Path, precision: str) -> None:
    device = "cuda" if precision == "fp16" else "cpu"
    train_cfg = {"steps": 2, "precision": precision, "checkpoint_every": 2, "device": device}
    trainer = Trainer(tiny_config(tmp_path, train=train_cfg))
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    run_dir = trainer.run()
    after = trainer.model.state_dict()
    assert all(v.dtype == before[k].dtype for k, v in after.items())  # weights stay fp32 (autocast only)
    assert any(not torch.equal(before[k], after[k]) for k in before if after[k].is_floating_point())
    scalers = latest_checkpoint(run_dir / "checkpoints")[1]["scalers"]
    assert sorted(scalers) == (["d", "g"] if precision == "fp16" else [])


def test_optimize_matches_plain_backward_and_step_in_fp32() -> None:
    torch.manual_seed(0)
    nets = [torch.nn.Linear(4, 1) for _ in range(2)]
    nets[1].load_state_dict(nets[0].state_dict())
    opts = [torch.optim.Adam(n.parameters(), lr=0.1) for n in nets]
    x = torch.randn(8, 4)
    loss = nets[0](x).square().mean()
    loss.backward()
    opts[0].step()
    Updates("fp32", "cpu", {"g": opts[1]}).optimize(nets[1](x).square().mean(), opts[1])
    assert torch.equal(nets[0].weight, nets[1].weight)


def test_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="fp32, bf16, fp16"):
        Updates("fp8")


def test_fp16_scaler_state_is_kept_per_optimizer_and_restored() -> None:
    torch.manual_seed(0)
    net = torch.nn.Linear(4, 1)
    opts = {"g": torch.optim.SGD(net.parameters(), lr=0.1)}
    updates = Updates("fp16", "cpu", opts)  # the scaler maths runs on the CPU; training in fp16 needs CUDA
    updates.optimize(net(torch.randn(8, 4)).square().mean(), opts["g"])
    state = updates.state_dict()
    assert list(state) == ["g"] and state["g"]["scale"] == 65536.0
    restored = Updates("fp16", "cpu", opts)
    restored.load_state_dict(state)
    assert restored.state_dict()["g"]["scale"] == state["g"]["scale"]


def test_auto_writes_its_choice_and_reason_where_users_look(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(hardware, "cpu_flags", lambda: {"avx2", "amx_bf16"})
    hardware.cpu_native_bf16.cache_clear()
    try:
        run_dir = train(tiny_config(tmp_path, train={"steps": 2, "precision": "auto"}))
    finally:
        hardware.cpu_native_bf16.cache_clear()
    text = (run_dir / "config.yaml").read_text()
    assert "  precision: bf16  # auto: CPU has AMX-BF16" in text
    assert yaml.safe_load(text)["train"]["precision"] == "bf16"  # a resume keeps training in bf16
    env = json.loads((run_dir / "environment.json").read_text())
    assert env["precision"].startswith("bf16 (auto") and env["device"] == "cpu" and env["cpu"]
    assert "bf16 (auto: CPU has AMX-BF16)" in (run_dir / "report.html").read_text()


def test_resume_in_bf16_matches_an_uninterrupted_run_bit_for_bit(tmp_path: Path) -> None:
    sections = {"train": {"steps": 7, "checkpoint_every": 4, "precision": "bf16"}}
    straight, resumed = straight_and_resumed(tmp_path, sections, stop_after=4)
    a = latest_checkpoint(straight / "checkpoints")[1]["model"]
    b = latest_checkpoint(resumed / "checkpoints")[1]["model"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.cuda
def test_auto_on_a_real_gpu_trains_in_its_native_precision(tmp_path: Path) -> None:
    cfg = tiny_config(tmp_path, train={"steps": 3, "precision": "auto", "device": "cuda", "compile": False})
    run_dir = train(cfg)
    expected = "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    assert yaml.safe_load((run_dir / "config.yaml").read_text())["train"]["precision"] == expected
    weights = latest_checkpoint(run_dir / "checkpoints")[1]["model"]
    assert all(torch.isfinite(v).all() for v in weights.values() if v.is_floating_point())


@pytest.mark.parametrize(
    "norm, precision, device, amx, expected",
    [
        (torch.nn.BatchNorm2d, "fp32", "cpu", False, True),
        (torch.nn.BatchNorm2d, "bf16", "cpu", False, True),
        (torch.nn.BatchNorm2d, "bf16", "cuda", False, True),
        (torch.nn.InstanceNorm2d, "fp32", "cpu", True, False),  # instance norm's NHWC copies cost more than they save
        (torch.nn.InstanceNorm2d, "bf16", "cpu", True, True),  # ... except under bf16 with AMX (measured 1.08-1.13x)
        (torch.nn.InstanceNorm2d, "bf16", "cpu", False, False),  # AVX512-BF16 only: measured 0.81-1.00x
        (torch.nn.InstanceNorm2d, "bf16", "cuda", True, False),  # not measured on GPUs yet: NCHW
    ],
)
def test_channels_last_follows_the_measured_rule(
    monkeypatch, norm, precision: str, device: str, amx: bool, expected: bool
) -> None:
    from avatargan.blocks import precision as precision_mod

    monkeypatch.setattr(precision_mod, "cpu_amx_bf16", lambda: amx)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), norm(4))
    assert precision_mod.channels_last_pays(net, precision, device) is expected


def test_avx512_is_read_from_the_cpu_flags(monkeypatch) -> None:
    from avatargan import hardware

    for flags, expected in [({"avx2", "avx512f", "avx512bw"}, True), ({"avx2", "fma"}, False), (None, False)]:
        hardware.cpu_avx512.cache_clear()
        monkeypatch.setattr(hardware, "cpu_flags", lambda flags=flags: flags)
        assert hardware.cpu_avx512() is expected
    hardware.cpu_avx512.cache_clear()


def test_amx_is_read_from_the_cpu_flags(monkeypatch) -> None:
    from avatargan import hardware

    for flags, expected in [({"avx512_bf16", "amx_bf16"}, True), ({"avx512_bf16"}, False), (None, False)]:
        hardware.cpu_amx_bf16.cache_clear()
        monkeypatch.setattr(hardware, "cpu_flags", lambda flags=flags: flags)
        assert hardware.cpu_amx_bf16() is expected
    hardware.cpu_amx_bf16.cache_clear()


@pytest.mark.parametrize(
    "norm, precision, device, steps, avx512, expected",
    [
        (torch.nn.InstanceNorm2d, "fp32", "cpu", 5000, True, True),  # measured: CycleGAN 1.51x, CartoonGAN 1.29x
        (torch.nn.InstanceNorm2d, "fp32", "cpu", 5000, False, False),  # AVX2 only: compiled 0.90x eager
        (torch.nn.InstanceNorm2d, "fp32", "cpu", 500, True, False),  # too short to win back the compile time
        (torch.nn.InstanceNorm2d, "bf16", "cpu", 5000, True, False),  # measured 0.99-1.12x with AVX512-BF16
        (torch.nn.InstanceNorm2d, "fp32", "cuda", 5000, True, False),  # nor on GPUs
        (torch.nn.BatchNorm2d, "fp32", "cpu", 5000, True, False),  # nor for batch-norm models
    ],
)
def test_compile_auto_follows_the_measured_rule(
    monkeypatch, norm, precision: str, device: str, steps: int, avx512: bool, expected: bool
) -> None:
    from avatargan.blocks import precision as precision_mod

    monkeypatch.setattr(precision_mod, "cxx_compiler", lambda: "/usr/bin/g++")
    monkeypatch.setattr(precision_mod, "cpu_amx_bf16", lambda: False)
    monkeypatch.setattr(precision_mod, "cpu_avx512", lambda: avx512)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), norm(4))
    decided, why = precision_mod.compile_pays(net, precision, device, steps)
    assert decided is expected and why


@pytest.mark.parametrize(
    "norm, steps, minutes, expected",
    [
        (torch.nn.InstanceNorm2d, 5000, None, True),  # measured with AMX: CycleGAN 1.42x, CartoonGAN 1.15x
        (torch.nn.InstanceNorm2d, 500, None, False),  # too short to win back the compile time
        (torch.nn.InstanceNorm2d, 10_000_000, 8.0, False),  # CartoonGAN's 1.15x breaks even at ~8 minutes
        (torch.nn.InstanceNorm2d, 10_000_000, 12.0, True),
        (torch.nn.BatchNorm2d, 5000, None, False),  # DCGAN: 1.05x
    ],
)
def test_compile_auto_in_bf16_on_a_cpu_with_amx(monkeypatch, norm, steps: int, minutes, expected: bool) -> None:
    from avatargan.blocks import precision as precision_mod

    monkeypatch.setattr(precision_mod, "cxx_compiler", lambda: "/usr/bin/g++")
    monkeypatch.setattr(precision_mod, "cpu_amx_bf16", lambda: True)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), norm(4))
    decided, why = precision_mod.compile_pays(net, "bf16", "cpu", steps, budget_minutes=minutes)
    assert decided is expected
    assert ("AMX" in why) is (norm is torch.nn.InstanceNorm2d and expected)


@pytest.mark.parametrize("minutes, expected", [(2.0, False), (12.0, True)])
def test_compile_auto_under_a_time_budget_follows_the_budget(monkeypatch, minutes: float, expected: bool) -> None:
    from avatargan.blocks import precision as precision_mod

    monkeypatch.setattr(precision_mod, "cxx_compiler", lambda: "/usr/bin/g++")
    monkeypatch.setattr(precision_mod, "cpu_avx512", lambda: True)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.InstanceNorm2d(4))
    # --minutes runs plan epochs × steps per epoch (millions): the budget, not that, says whether compiling pays
    decided, why = precision_mod.compile_pays(net, "fp32", "cpu", 10_000_000, budget_minutes=minutes)
    assert decided is expected and f"{minutes:g}-minute budget" in why


def test_compile_auto_stays_eager_without_a_cxx_compiler(monkeypatch) -> None:
    from avatargan.blocks import precision as precision_mod

    monkeypatch.setenv("CXX", "no-such-compiler-here")
    monkeypatch.setattr(precision_mod, "cpu_avx512", lambda: True)  # the compiler is what must decide here
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.InstanceNorm2d(4))
    decided, why = precision_mod.compile_pays(net, "fp32", "cpu", 5000)
    assert decided is False and "C++ compiler" in why


def test_compile_choice_and_reason_land_in_config_yaml(tmp_path: Path) -> None:
    run_dir = train(tiny_config(tmp_path, train={"steps": 2, "compile": "auto"}))
    text = (run_dir / "config.yaml").read_text()
    assert "  compile: false  # auto: batch-norm model" in text  # the tiny config is a DCGAN
    assert yaml.safe_load(text)["train"]["compile"] is False  # a resume keeps the choice
    assert json.loads((run_dir / "environment.json").read_text())["compile"].startswith("off (auto:")

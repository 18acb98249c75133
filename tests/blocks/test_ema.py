"""EMA of generator weights: warm-up, half-life in images, its own batch-norm statistics, and state round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from conftest import tiny_config
from torch import nn

from avatargan.blocks.ema import EMA, batch_norms, decay_as_kimg, half_life_decay, recompute_bn
from avatargan.cli import main
from avatargan.training.loop import BN_SEED_OFFSET, Trainer


def test_warm_up_then_the_configured_decay() -> None:
    ema = EMA({"g": nn.Linear(2, 2)}, decay=0.999)
    assert ema.current_decay() == pytest.approx(0.1)  # (1 + 0) / (10 + 0): early averages follow the live net
    ema.updates = 100_000
    assert ema.current_decay() == 0.999


def test_average_moves_towards_the_live_weights_and_round_trips() -> None:
    live = nn.Linear(2, 2)
    ema = EMA({"g": live}, decay=0.5)
    with torch.no_grad():
        live.weight.add_(1.0)
    before = ema.shadow["g"].weight.clone()
    ema.update({"g": live})
    after = ema.shadow["g"].weight
    assert torch.allclose(after, before + 0.9)  # first update: decay 0.1, so 90 % of the way to the live weights
    copy = EMA({"g": nn.Linear(2, 2)}, decay=0.5)
    copy.load_state_dict(ema.state_dict())
    assert copy.updates == 1 and torch.equal(copy.shadow["g"].weight, after)


def test_a_half_life_in_images_does_not_depend_on_the_batch_size() -> None:
    # after 3,200 images the old average's share is the same at batch 32 (100 steps) and 64 (50 steps) ...
    small, large = half_life_decay(32, 1.6, 10**9, 0.0), half_life_decay(64, 1.6, 10**9, 0.0)
    assert small**100 == pytest.approx(large**50) == pytest.approx(0.25)  # two half-lives of 1,600 images
    # ... the ramp-up caps the half-life at 5 % of the images seen, and the old decay converts by the stated rule
    assert half_life_decay(32, 1.6, 3200, 0.05) == pytest.approx(0.5 ** (32 / 160))
    assert decay_as_kimg(half_life_decay(32, 4.4, 10**9, 0.0), 32) == pytest.approx(4.4)
    ema = EMA({"g": nn.Linear(2, 2)}, ema_kimg=1.6, rampup=0.05, batch_size=32)
    assert ema.current_decay() == pytest.approx(0.5 ** (32 / (32 * 0.05)))  # first step: ramped right down


def _bn_net() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))


def test_recompute_bn_is_the_plain_average_over_the_batches_and_restores_the_mode() -> None:
    net = _bn_net().eval()
    batches = [torch.randn(16, 3) + i for i in range(3)]
    recompute_bn(net, batches)
    bn = net[1]
    with torch.no_grad():
        outs = [net[0](x) for x in batches]
    assert torch.allclose(bn.running_mean, torch.stack([o.mean(0) for o in outs]).mean(0), atol=1e-6)
    assert torch.allclose(bn.running_var, torch.stack([o.var(0) for o in outs]).mean(0), atol=1e-5)
    assert not net.training and bn.momentum == 0.1


def test_copying_statistics_is_the_old_behaviour_and_recomputing_is_the_new() -> None:
    live = _bn_net()
    live(torch.randn(8, 3) * 5)  # the live network's running statistics move
    old, new = EMA({"g": live}, 0.9, bn_batches=0), EMA({"g": live}, 0.9, bn_batches=2)
    old.update({"g": live})
    new.update({"g": live})
    assert torch.equal(old.shadow["g"][1].running_mean, live[1].running_mean)
    new.refresh_bn(lambda name, i: torch.randn(8, 3, generator=torch.Generator().manual_seed(i)))
    assert not torch.equal(new.shadow["g"][1].running_mean, live[1].running_mean)
    assert new.bn_fresh and int(new.shadow["g"][1].num_batches_tracked) == 2


def test_the_trained_ema_generator_has_its_own_recomputed_statistics(tmp_path: Path) -> None:
    trainer = Trainer(tiny_config(tmp_path, train={"steps": 4, "ema_kimg": 0.01, "ema_bn_batches": 2}))
    trainer.run()
    live, shadow = trainer.model.G, trainer.ema.shadow["generator"]
    live_bn, ema_bn = batch_norms(live), batch_norms(shadow)
    pairs = zip(live_bn, ema_bn, strict=True)
    assert ema_bn and any(not torch.allclose(a.running_mean, b.running_mean) for a, b in pairs)
    expected = {k: v.clone() for k, v in shadow.state_dict().items()}
    noise = [trainer.model.seeded_noise(8, trainer.cfg.train.seed + BN_SEED_OFFSET + i) for i in range(2)]
    recompute_bn(shadow, noise)  # the same inputs again: the statistics the trainer left are exactly these
    for k, v in shadow.state_dict().items():
        assert torch.equal(v, expected[k]), k


def test_ema_kimg_and_ema_decay_together_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    argv = ["train", "dcgan", "--out", str(tmp_path), "--set", "train.ema_decay=0.99", "--set", "train.ema_kimg=5"]
    assert main(argv) == 2
    assert "train.ema_kimg and train.ema_decay both set the EMA horizon" in capsys.readouterr().err


def test_a_run_of_the_previous_version_resumes(tmp_path: Path) -> None:
    # the previous version's run: ema_decay, a config.yaml and checkpoint without the new fields and keys
    run = Trainer(tiny_config(tmp_path, train={"steps": 3, "ema_decay": 0.99})).run()
    new_fields = ("ema_kimg", "ema_rampup", "ema_bn_batches", "quality_every", "quality_n", "final_fid_n")
    text = "\n".join(
        line
        for line in (run / "config.yaml").read_text().splitlines()
        if line.strip().split(":")[0] not in (*new_fields, "final_judge_n")
    )
    (run / "config.yaml").write_text(text + "\n")
    path = run / "checkpoints" / "ckpt-000000003.pt"
    payload = torch.load(path, weights_only=True)
    del payload["quality"]
    for name in new_fields:
        payload["config"]["train"].pop(name)
    torch.save(payload, path)
    argv = ["train", "dcgan", "--resume", str(run), "--steps", "5", "--set", "train.final_judge_n=0"]
    argv += ["--set", "train.final_fid_n=0"]
    assert main(argv) == 0
    assert torch.load(run / "checkpoints" / "ckpt-000000005.pt", weights_only=True)["ema"]["__updates__"] == 5

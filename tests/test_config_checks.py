"""Every config field refuses a bad value with one `error:` line naming it, exit status 2, before any data work."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from avatargan.cli import main
from avatargan.config import DataConfig, TrainConfig
from avatargan.models import model_class

# A bad value for each field; "{file}" becomes a regular file, so a folder path inside it cannot be created.
DATA_BAD = {
    "source": "/no/such/folder",
    "source_a": "/no/such/folder",
    "source_b": "/no/such/folder",
    "image_size": "4",
    "builtin_count": "0",
    "builtin_seed": "-1",
    "cache": "maybe",
    "cache_dir": "{file}/cache",
    "workers": "-1",
    "hflip": "sometimes",
    "background": "not-a-colour",
}
TRAIN_BAD = {
    "batch_size": "0",
    "epochs": "-1",
    "steps": "2.5",
    "max_minutes": "0",
    "seed": "-1",
    "device": "gpu",
    "threads": "0",
    "precision": "fp8",
    "channels_last": "maybe",
    "compile": "maybe",
    "ema_kimg": "0",
    "ema_rampup": "-0.1",
    "lr_ramp_down": "1.5",
    "ema_decay": "1.0",
    "ema_bn_batches": "-1",
    "log_every": "0",
    "sample_every": "0",
    "checkpoint_every": "0",
    "eval_every": "-1",
    "eval_metrics": "fid,nope",
    "eval_n": "0",
    "quality_every": "-5",
    "quality_n": "0",
    "quality_tolerance": "1",
    "final_fid_n": "-1",
    "final_judge_n": "x",
    "keep_checkpoints": "-1",
    "sample_count": "0",
    "out_root": "{file}/runs",
}
MODEL_BAD = {  # by field name, for every family that has the field
    "latent_dim": "0",
    "g_channels": "0",
    "d_channels": "-4",
    "extra_layers": "-1",
    "extra_layer_reading": "sideways",
    "g_norm": "group",
    "g_upsample": "bilinear",
    "g_blur": "gaussian",
    "g_full_res": "-1",
    "d_full_res": "-1",
    "g_attention": "12",  # not one of G's map sizes
    "g_excite": "4",  # G's first map, which does the gating
    "d_attention": "64",  # the image itself, not one of D's maps
    "g_self_modulation": "-1",
    "d_norm": "batchnorm",
    "d_minibatch_std": "-2",
    "d_pack": "0",
    "d_joint_batch": "maybe",
    "d_recon": "-1",
    "info_codes": "-1",
    "info_classes": "0",
    "info_weight": "-1",
    "real_label": "0",
    "norm": "spectral",  # the ResNet generator's convolutions are plain: spectral would silently mean none
    "loss": "wgan",
    "lr": "-1e-4",
    "lr_d": "0",
    "beta1": "1.5",
    "beta2": "nan",
    "augment": "color,rotate",
    "augment_p": "1.5",
    "augment_shift": "0.75",
    "ada": "maybe",
    "ada_target": "1",
    "ada_kimg": "0",
    "ada_p_max": "0",
    "mode_seeking": "-1",
    "feature_matching": "-0.5",
    "topk_keep": "0",
    "topk_kimg": "0",
    "r1_gamma": "-1",
    "r2_gamma": "-0.1",
    "r1_every": "0",
    "lecam": "-1",
    "bcr": "-0.5",
    "region_d": "-1",
    "region_box": "0.3,0.2,0.7",  # three numbers: a box needs four
    "feature_d": "-1",
    "feature_d_weights": "/no/such/weights.pt",
    "g_down": "9",  # more halvings than the image has pixels
    "g_blocks": "-1",
    "d_down": "0",
    "lambda_identity": "-5",
    "lambda_gan": "x",
    "lambda_cycle": "-1",
    "pool_size": "-1",
    "lr_schedule": "cosine",
    "lr_milestones": "[ten]",
    "lr_gamma": "0",
    "lr_decay_start": "-1",
    "lr_decay_end": "-1",
    "content_backbone": "resnet50",
    "content_weights": "/no/such/weights.pt",
    "content_weight": "-1",
    "content_size": "4",
    "content_layer": "middle",
    "style_weight": "-0.5",
    "init_epochs": "-1",
    "init_steps": "-3",
    "landmark_gain": "-1",
    "landmark_radius": "0",
    "lambda_landmark_reg": "-1",
    "lambda_gray": "-1",
    "lambda_color": "-1",
    "lambda_chroma": "-1",
    "chroma_channels": "rgb",
    "chroma_cells": "0",
    "lambda_eye_color": "-1",
    "lambda_eye_yuv": "-0.5",
    "eye_y_gain": "0",
    "eye_color_channels": "rgb",
    "lambda_eye_gan": "-1",
    "lambda_eye_cycle": "-1",
    "eye_crop": "0.9",
    "lambda_nce": "-1",
    "nce_patches": "0",
}
# where the message names the value rather than the field: the data source and weights file (a missing path is
# reported as the option the user typed, e.g. `--data /no/such/folder`)
NAMED_BY_VALUE = {"data.source", "data.source_a", "data.source_b", "model.content_weights"}
FAMILIES = ("dcgan", "cyclegan", "cartoongan")
SMALL = ["--set", "data.builtin_count=16", "--set", "data.image_size=32", "--set", "train.batch_size=8"]


def _rows() -> list[tuple[str, str, str]]:
    rows = [("dcgan", f"train.{k}", v) for k, v in TRAIN_BAD.items()]
    rows += [("cyclegan" if k in ("source_a", "source_b") else "dcgan", f"data.{k}", v) for k, v in DATA_BAD.items()]
    for family in FAMILIES:
        fields = [f.name for f in dataclasses.fields(model_class(family).Config) if f.name != "family"]
        rows += [(family, f"model.{name}", MODEL_BAD[name]) for name in fields]
    return rows


def test_the_table_covers_every_field() -> None:
    for cls, table in ((DataConfig, DATA_BAD), (TrainConfig, TRAIN_BAD)):
        assert {f.name for f in dataclasses.fields(cls)} == set(table), cls.__name__
    for family in FAMILIES:  # model.family is the command's MODEL argument (an unknown one: tests/test_cli.py)
        missing = {f.name for f in dataclasses.fields(model_class(family).Config)} - set(MODEL_BAD) - {"family"}
        assert not missing, family


@pytest.mark.parametrize(("family", "field", "bad"), _rows(), ids=lambda v: v if "." in v else None)
def test_a_bad_value_is_one_line_naming_it_and_exit_2(
    family: str, field: str, bad: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "file").write_text("not a folder")
    bad = bad.format(file=tmp_path / "file")
    argv = ["train", family, "--out", str(tmp_path / "runs"), *SMALL, "--set", f"{field}={bad}"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert (bad if field in NAMED_BY_VALUE else field) in errors[0]
    if field not in NAMED_BY_VALUE:  # refused while the config was built: no data was cached, no run folder made
        assert not (Path(os.environ["AVATARGAN_CACHE"])).exists()
        assert not (tmp_path / "runs").exists()


def test_batch_size_zero_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["train", "dcgan", "--batch-size", "0", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "error: train.batch_size: 0 is not allowed; use a number at least 1"


def test_a_decay_window_must_end_after_it_starts(capsys: pytest.CaptureFixture) -> None:
    argv = ["train", "cyclegan", "--set", "model.lr_schedule=linear", "--set", "model.lr_decay_end=100"]
    assert main(argv) == 2
    assert "model.lr_decay_end: 100 must be after model.lr_decay_start (100)" in capsys.readouterr().err


def test_adaptive_augmentation_needs_a_policy(capsys: pytest.CaptureFixture) -> None:
    assert main(["train", "dcgan", "--set", "model.ada=true"]) == 2
    assert "model.ada: adaptive augmentation needs a policy" in capsys.readouterr().err

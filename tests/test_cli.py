"""The command line: every subcommand writes its files, and user mistakes end in one clear error (exit 2)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import tiny_config

from avatargan.cli import main
from avatargan.training.checkpoint import latest_checkpoint
from avatargan.training.loop import train


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return train(tiny_config(tmp_path))


# runs that are not about the final quality block skip it (it runs Inception for tens of seconds on a CPU)
NO_QUALITY_BLOCK = ["--set", "train.final_fid_n=0", "--set", "train.final_judge_n=0"]


def test_generate_grid_and_each(run_dir: Path, tmp_path: Path) -> None:
    assert (
        main(
            [
                "generate",
                str(run_dir),
                "--n",
                "6",
                "--out",
                str(tmp_path / "g.png"),
                "--save-each",
                str(tmp_path / "each"),
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    assert (tmp_path / "g.png").is_file() and len(list((tmp_path / "each").glob("*.png"))) == 6
    weights = run_dir / "generator.safetensors"
    assert main(["generate", str(weights), "--n", "2", "--out", str(tmp_path / "w.png")]) == 0


def test_same_seed_same_avatars(run_dir: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        main(["generate", str(run_dir), "--n", "4", "--seed", "5", "--out", str(tmp_path / f"{name}.png")])
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_interpolate_strip_and_gif(run_dir: Path, tmp_path: Path) -> None:
    from PIL import Image

    assert (
        main(
            [
                "interpolate",
                str(run_dir),
                "--rows",
                "2",
                "--steps",
                "5",
                "--out",
                str(tmp_path / "s.png"),
                "--gif",
                str(tmp_path / "w.gif"),
            ]
        )
        == 0
    )
    strip = Image.open(tmp_path / "s.png")
    assert strip.size == (5 * 18 + 2, 2 * 18 + 2)  # 16-px images with 2-px padding
    gif = Image.open(tmp_path / "w.gif")
    durations = []
    for i in range(gif.n_frames):  # Pillow merges identical frames and adds up their durations
        gif.seek(i)
        durations.append(gif.info["duration"])
    assert sum(durations) == 6 * 16 * 60  # a closed walk through 6 noises, 16 frames per leg, 60 ms per frame


def test_report_command(run_dir: Path) -> None:
    (run_dir / "report.html").unlink()
    assert main(["report", str(run_dir)]) == 0
    page = (run_dir / "report.html").read_text()
    assert "Loss curves" in page and "data:image/png;base64" in page and "family: dcgan" in page


def test_train_command_with_flags_and_resume(tmp_path: Path) -> None:
    common = [
        "--data",
        "builtin:anime-faces",
        "--image-size",
        "16",
        "--batch-size",
        "8",
        "--device",
        "cpu",
        "--set",
        "data.builtin_count=32",
        "--set",
        "model.g_channels=4",
        "--set",
        "model.d_channels=4",
        "--set",
        "train.log_every=1",
        *NO_QUALITY_BLOCK,
    ]
    assert main(["train", "dcgan", "--steps", "2", "--out", str(tmp_path / "r"), *common]) == 0
    run = tmp_path / "r" / "00000-dcgan-anime-faces"
    assert "batch_size: 8" in (run / "config.yaml").read_text()
    assert main(["train", "dcgan", "--resume", str(run), "--steps", "3"]) == 0
    assert len((run / "stats.jsonl").read_text().splitlines()) == 3


def test_resume_auto_starts_then_continues_the_same_run_folder(tmp_path: Path, capsys) -> None:
    run = tmp_path / "job" / "run"
    command = ["train", "dcgan", "--run-dir", str(run), "--resume", "auto", "--image-size", "16", "--batch-size", "8"]
    command += ["--device", "cpu", "--set", "data.builtin_count=32", "--set", "model.g_channels=4"]
    command += ["--set", "model.d_channels=4", "--set", "train.log_every=1", "--set", "train.checkpoint_every=2"]
    command += NO_QUALITY_BLOCK
    assert main([*command, "--steps", "3"]) == 0  # nothing there yet: a fresh run in that folder
    assert latest_checkpoint(run / "checkpoints")[1]["step"] == 3
    assert main([*command, "--steps", "5"]) == 0  # the same command again (a requeued job): it continues
    assert latest_checkpoint(run / "checkpoints")[1]["step"] == 5
    assert [json.loads(line)["step"] for line in (run / "stats.jsonl").read_text().splitlines()] == [1, 2, 3, 4, 5]
    assert list(run.parent.iterdir()) == [run]  # no numbered folder was made beside it
    capsys.readouterr()
    assert main(["train", "dcgan", "--run-dir", str(run)]) == 2  # a plain --run-dir never overwrites a run
    assert "--resume auto" in capsys.readouterr().err
    assert main(["train", "dcgan", "--resume", "auto"]) == 2
    assert "needs --run-dir" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "dcgan", "--data", "/no/such/folder"], "no such folder"),
        (["train", "nope"], "unknown model"),
        (["train", "dcgan", "--set", "train.batch_size=x"], "not a valid int"),
        (["train", "dcgan", "--resume", "/no/run"], "not a run folder"),
        (["generate", "/no/weights.safetensors"], "does not exist"),
        (["report", "/no/run"], "not a run folder"),
    ],
)
def test_user_mistakes_are_one_clear_error(argv: list[str], message: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_corrupt_weights_are_refused(run_dir: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes((run_dir / "generator.safetensors").read_bytes()[:100])
    (tmp_path / "bad.json").write_text((run_dir / "generator.json").read_text())
    assert main(["generate", str(bad)]) == 2
    assert "unreadable" in capsys.readouterr().err


def test_demo_with_a_tiny_budget(tmp_path: Path) -> None:
    overrides = [
        "data.builtin_count=32",
        "data.image_size=16",
        "train.batch_size=8",
        "model.g_channels=4",
        "model.d_channels=4",
        "train.steps=3",
        "train.final_fid_n=0",  # the quality block's judge part (its FID/KID: tests/metrics/test_quality_block.py)
        "train.final_judge_n=32",
    ]
    argv = ["demo", "--minutes", "2", "--out", str(tmp_path / "runs"), "--device", "cpu"]
    assert main(argv + [a for o in overrides for a in ("--set", o)]) == 0
    run = next((tmp_path / "runs").iterdir())
    for name in ("demo_grid.png", "demo_interpolation.png", "demo_walk.gif", "report.html", "quality-final.json"):
        assert (run / name).is_file(), name
    block = json.loads((run / "quality-final.json").read_text())
    assert set(block["metrics"]) == {"attr_coverage", "valid_faces", "judge_fd"}
    assert block["metrics"]["valid_faces"]["n"] == 32
    page = (run / "report.html").read_text()
    assert "Quality of the final generator (step 3)" in page and "valid faces" in page


def _train_help(capsys) -> str:
    """What `avatargan train --help` prints."""
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    return capsys.readouterr().out


def test_help_explains_every_option(capsys) -> None:
    text = _train_help(capsys)
    for option in (
        "--data",
        "--steps",
        "--epochs",
        "--batch-size",
        "--image-size",
        "--seed",
        "--device",
        "--config",
        "--set",
        "--resume",
        "--minutes",
    ):
        assert option in text


def test_help_names_the_generators_layout_fields(capsys) -> None:
    """Each DCGAN generator field beyond the report's layout is named in `train --help` as model.<field>=."""
    text = _train_help(capsys)
    fields = (
        "g_upsample",
        "g_blur",
        "g_full_res",
        "g_self_modulation",
        "g_attention",
        "g_excite",
        "info_codes",
        "info_classes",
        "info_weight",
    )
    assert [f for f in fields if f"model.{f}=" not in text] == []


def test_help_names_the_discriminators_options_beyond_the_report(capsys) -> None:
    text = _train_help(capsys)
    assert [
        f
        for f in ("real_label", "d_minibatch_std", "d_pack", "d_full_res", "d_attention", "d_joint_batch", "d_recon")
        if f"model.{f}=" not in text
    ] == []


def test_help_names_every_augmentation_field(capsys) -> None:
    """Each DiffAugment / ADA / R1 / LeCam field a recipe can set is named in `train --help` as model.<field>."""
    from avatargan.blocks.augment import AugmentOptions

    text = _train_help(capsys)
    fields = [f.name for f in dataclasses.fields(AugmentOptions)] + [
        "ada",
        "ada_target",
        "ada_kimg",
        "ada_p_max",
        "r1_gamma",
        "r2_gamma",
        "lecam",
        "bcr",
        "mode_seeking",
        "feature_matching",
        "topk_keep",
        "topk_kimg",
        "region_d",
        "region_box",
        "feature_d",
        "feature_d_weights",
    ]
    missing = [name for name in fields if f"model.{name}=" not in text and f"model.{name} " not in text]
    assert not missing, missing


def test_every_command_keeps_freed_memory(run_dir: Path, tmp_path: Path, monkeypatch) -> None:
    import avatargan.runtime as runtime

    calls: list[bool] = []
    monkeypatch.setattr(runtime, "keep_freed_memory", lambda: calls.append(True) or True)
    assert main(["report", str(run_dir)]) == 0
    assert calls == [True]

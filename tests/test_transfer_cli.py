"""`avatargan transfer` and `avatargan compare` write their files; `train cartoongan` maps the content-backbone
flags; mistakes end in one clear error (exit 2)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from avatargan.cli import main
from avatargan.errors import UserError
from avatargan.models import model_class
from avatargan.weights import save_generators

TINY = {
    "dcgan": {"latent_dim": 8, "g_channels": 4, "d_channels": 4},
    "cyclegan": {"g_channels": 4, "g_blocks": 1},
    "cartoongan": {"g_channels": 4, "g_blocks": 1},
}


def _weights(folder: Path, family: str) -> Path:
    """Untrained tiny generators exported like a finished run's (transfer does not care how good they are)."""
    cls = model_class(family)
    cfg = cls.Config(**TINY[family])
    torch.manual_seed(0)
    save_generators(cls.build_generators(cfg, 16), {"model": asdict(cfg), "image_size": 16}, folder)
    return folder


def _photos(folder: Path, count: int, size: tuple[int, int] = (40, 30)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        paths.append(folder / f"p{i}.png")
        Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(paths[-1])
    return paths


def test_transfer_writes_one_image_per_input_and_a_sheet(tmp_path: Path) -> None:
    model = _weights(tmp_path / "cyclegan", "cyclegan")
    photos = _photos(tmp_path / "in", 3)
    _photos(tmp_path / "more" / "sub", 1)
    (tmp_path / "more" / "notes.txt").write_text("not an image")
    args = ["transfer", str(model), str(photos[0]), str(tmp_path / "in" / "p[12].png"), str(tmp_path / "more")]
    assert main([*args, "--out", str(tmp_path / "out"), "--sheet", str(tmp_path / "sheet.png"), "--size", "24"]) == 0
    outputs = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert outputs == ["p0-2.png", "p0.png", "p1.png", "p2.png"]  # the second p0.png does not overwrite the first
    with Image.open(tmp_path / "out" / "p1.png") as img:
        assert img.size == (24, 24)  # 40×30 centre-cropped, not stretched
    with Image.open(tmp_path / "sheet.png") as sheet:
        assert sheet.width > 2 * 24 and sheet.height > 4 * 24  # input and output columns, one row per input
    back = ["transfer", str(model / "generator.safetensors"), str(tmp_path / "in"), "--direction", "b2a"]
    assert main([*back, "--out", str(tmp_path / "back")]) == 0
    assert len(list((tmp_path / "back").glob("*.png"))) == 3


def test_compare_puts_one_titled_column_per_model(tmp_path: Path) -> None:
    models = [_weights(tmp_path / f, f) for f in ("cyclegan", "cartoongan")]
    _photos(tmp_path / "in", 2)
    out = tmp_path / "compare.png"
    assert main(["compare", str(tmp_path / "in"), "--models", *map(str, models), "--out", str(out)]) == 0
    with Image.open(out) as sheet:
        tile = 128 + 2  # 16-px images are enlarged ×8 on sheets, plus padding
        assert sheet.width == 3 * tile + 2  # origin, CycleGAN, CartoonGAN
        assert sheet.height > 2 * tile


@pytest.mark.parametrize(
    ("family", "extra", "message"),
    [
        ("dcgan", [], "avatargan generate"),
        ("cartoongan", ["--direction", "b2a"], "only converts a2b"),
        ("cyclegan", ["--size", "18"], "multiple of 4"),
    ],
)
def test_transfer_mistakes_are_clear_errors(tmp_path: Path, capsys, family: str, extra: list[str], message: str):
    model = _weights(tmp_path / family, family)
    photos = _photos(tmp_path / "in", 1)
    assert main(["transfer", str(model), str(photos[0]), "--out", str(tmp_path / "out"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err


def test_missing_inputs_are_named(tmp_path: Path, capsys) -> None:
    model = _weights(tmp_path / "cyclegan", "cyclegan")
    assert main(["transfer", str(model), str(tmp_path / "nope.jpg"), "--out", str(tmp_path / "out")]) == 2
    assert "nope.jpg does not exist" in capsys.readouterr().err
    assert main(["transfer", str(model), str(tmp_path / "*.jpg"), "--out", str(tmp_path / "out")]) == 2
    assert "matches no files" in capsys.readouterr().err


def test_train_cartoongan_stops_cleanly_without_content_weights(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "lite0.pth"
    code = main(
        [
            "train",
            "cartoongan",
            "--content-backbone",
            "efficientnet-lite0",
            "--content-weights",
            str(missing),
            "--out",
            str(tmp_path / "runs"),
            "--device",
            "cpu",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "content backbone efficientnet-lite0" in err and str(missing) in err and "does not exist" in err
    assert not list((tmp_path / "runs").glob("*"))  # stopped before any run folder or data cache was made


def test_train_flags_reach_the_config(tmp_path: Path) -> None:
    from avatargan.cli import build_parser
    from avatargan.commands.train import resolve_config
    from avatargan.config import save_yaml
    from avatargan.report.html import write_report

    def config(*argv: str):
        return resolve_config(build_parser().parse_args(["train", *argv]))[0]

    cfg = config("cartoongan", "--content-backbone", "efficientnet-lite0", "--content-weights", "random")
    assert (cfg.model.content_backbone, cfg.model.content_weights) == ("efficientnet-lite0", "random")
    save_yaml(cfg, tmp_path / "run" / "config.yaml")  # random features are named in the run's report
    assert "<th>content_weights</th><td>random</td>" in write_report(tmp_path / "run").read_text()
    assert config("cartoongan").model.content_weights == "pretrained"  # the recipe names its weights explicitly
    # --data replaces the recipe's built-in domains with a trainA/ trainB/ layout, unless --data-a/-b are given too
    cfg = config("cyclegan", "--data", str(tmp_path))
    assert (cfg.data.source, cfg.data.source_a, cfg.data.source_b) == (str(tmp_path), None, None)
    cfg = config("cyclegan", "--data", str(tmp_path), "--data-b", "builtin:anime-faces")
    assert (cfg.data.source_a, cfg.data.source_b) == (None, "builtin:anime-faces")


def _face_photos(folder: Path) -> dict[str, Path]:
    """A one-face photo (the astronaut, public domain), a two-face group photo and a photo without a face."""
    from photos import astronaut, blank_photo, group_photo

    folder.mkdir(parents=True, exist_ok=True)
    images = {"astronaut": astronaut(), "pair": group_photo(2), "blank": blank_photo((90, 70))}
    paths = {}
    for name, img in images.items():
        paths[name] = folder / f"{name}.png"
        img.save(paths[name])
    return paths


def test_transfer_faces_pastes_back_at_the_photo_size_and_names_photos_without_a_face(tmp_path: Path, capsys):
    pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
    model = _weights(tmp_path / "cyclegan", "cyclegan")
    photos = _face_photos(tmp_path / "in")
    args = ["transfer", str(model), *map(str, photos.values()), "--faces", "--device", "cpu"]
    assert main([*args, "--out", str(tmp_path / "out"), "--sheet", str(tmp_path / "sheet.png")]) == 0
    warning = capsys.readouterr().err
    assert "no face found in 1 photo(s), converted whole" in warning and str(photos["blank"]) in warning
    for name, path in photos.items():
        with Image.open(path) as src, Image.open(tmp_path / "out" / f"{name}.png") as out:
            assert out.size == src.size
            changed = (np.asarray(out) != np.asarray(src)).any(-1)
            assert changed.any()
            if name != "blank":  # faces only: the photo's corners are untouched
                assert not changed[:10, :10].any() and not changed[-10:, -10:].any()
    assert (tmp_path / "sheet.png").is_file()
    assert main([*args[:-3], "--faces", "only", "--out", str(tmp_path / "only")]) == 0
    assert sorted(p.name for p in (tmp_path / "only").iterdir()) == ["astronaut.png", "pair.png"]
    assert "skipped (--faces only)" in capsys.readouterr().err


def test_transfer_face_crops_come_with_an_index(tmp_path: Path) -> None:
    pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
    model = _weights(tmp_path / "cyclegan", "cyclegan")
    photos = _face_photos(tmp_path / "in")
    out = tmp_path / "crops"
    argv = ["transfer", str(model), str(photos["pair"]), str(photos["astronaut"]), "--faces", "crops"]
    assert main([*argv, "--size", "24", "--out", str(out)]) == 0
    index = [json.loads(line) for line in (out / "faces.jsonl").read_text().splitlines()]
    # two pasted heads, and the astronaut's face (her badge scores under --min-score and is not a face)
    assert [(r["file"], r["face"]) for r in index] == [
        ("pair_face0.png", 0),
        ("pair_face1.png", 1),
        ("astronaut_face0.png", 0),
    ]
    assert [Path(r["source"]).name for r in index] == ["pair.png", "pair.png", "astronaut.png"]
    for r in index:
        with Image.open(out / r["file"]) as crop:
            assert crop.size == (24, 24)
        x0, y0, x1, y1 = r["box"]
        assert x1 - x0 > 50 and y1 - y0 > 50


def test_transfer_native_size_keeps_every_input_size(tmp_path: Path) -> None:
    model = _weights(tmp_path / "cyclegan", "cyclegan")
    photos = _photos(tmp_path / "in", 2, size=(53, 37))
    out = tmp_path / "out"
    argv = ["transfer", str(model), str(tmp_path / "in"), "--size", "native", "--tile", "64", "--out", str(out)]
    assert main(argv) == 0
    for p in photos:
        with Image.open(out / p.name) as img:
            assert img.size == (53, 37)


def test_api_faces_match_the_cli(tmp_path: Path) -> None:
    pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
    import avatargan

    model = _weights(tmp_path / "cyclegan", "cyclegan")
    photos = _face_photos(tmp_path / "in")
    assert main(["transfer", str(model), str(photos["pair"]), "--faces", "--out", str(tmp_path / "out")]) == 0
    api = avatargan.load(model, device="cpu")
    (pasted,) = api.transfer(photos["pair"], faces=True)
    with Image.open(tmp_path / "out" / "pair.png") as cli:
        assert np.array_equal(np.asarray(pasted), np.asarray(cli))
    result = api.convert_photo(Image.open(photos["pair"]), size=32, paste=False)
    assert result.image is None and len(result.faces) == 2 and result.faces[0].avatar.size == (32, 32)
    (native,) = api.transfer(photos["blank"], size="native")
    assert native.size == (90, 70)
    with pytest.raises(UserError, match="multiple of 4"):
        api.transfer(photos["pair"], size=18)

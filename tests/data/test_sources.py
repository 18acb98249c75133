"""Image sources and the on-disk cache: folders, zips, corrupt files and missing or empty inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import write_images
from PIL import Image

from avatargan.config import DataConfig
from avatargan.data.batches import build_datasets
from avatargan.data.cache import cached_images
from avatargan.data.sources import FolderSource, ZipSource, fit_square
from avatargan.data.spec import open_domains, open_source
from avatargan.errors import DataError


def test_folder_is_searched_recursively_and_images_are_squared(tmp_path: Path) -> None:
    write_images(tmp_path / "imgs", 5)
    (tmp_path / "imgs" / "notes.txt").write_text("not an image")
    src = open_source(str(tmp_path / "imgs"), DataConfig())
    assert isinstance(src, FolderSource) and len(src) == 5
    img = src.load(0, 16)
    assert img.size == (16, 16) and img.mode == "RGB"


def test_zip_of_images(tmp_path: Path) -> None:
    paths = write_images(tmp_path / "imgs", 3)
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        for p in paths:
            zf.write(p, p.name)
    src = open_source(str(tmp_path / "a.zip"), DataConfig())
    assert isinstance(src, ZipSource) and len(src) == 3
    assert src.load(2, 8).size == (8, 8)


def test_fit_square_keeps_aspect_by_centre_crop() -> None:
    from PIL import Image

    wide = np.zeros((10, 30, 3), np.uint8)
    wide[:, 10:20] = 255  # white centre third
    out = np.asarray(fit_square(Image.fromarray(wide), 10))
    assert out.shape == (10, 10, 3) and out.min() > 200  # only the centre survives


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing", "does not exist|no such folder"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "no images found"),
    ],
)
def test_missing_or_empty_folder_is_a_clear_error(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(DataError, match=message):
        open_source(str(make(tmp_path)), DataConfig())


def test_corrupt_files_are_reported_by_name_and_skipped(tmp_path: Path, capsys) -> None:
    write_images(tmp_path / "imgs", 4)
    (tmp_path / "imgs" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    src = FolderSource(tmp_path / "imgs")
    path = cached_images(src, 8, str(tmp_path / "cache"), processes=1)
    assert np.load(path).shape == (4, 8, 8, 3)
    assert "broken.png" in capsys.readouterr().err


def test_all_corrupt_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "imgs").mkdir()
    for i in range(2):
        (tmp_path / "imgs" / f"x{i}.jpg").write_bytes(b"nope")
    with pytest.raises(DataError, match="could be read"):
        cached_images(FolderSource(tmp_path / "imgs"), 8, str(tmp_path / "cache"), processes=1)


def test_cache_is_reused_and_rebuilt_when_the_folder_changes(tmp_path: Path) -> None:
    write_images(tmp_path / "imgs", 3)
    first = cached_images(FolderSource(tmp_path / "imgs"), 8, str(tmp_path / "c"), processes=1)
    mtime = first.stat().st_mtime_ns
    assert cached_images(FolderSource(tmp_path / "imgs"), 8, str(tmp_path / "c"), processes=1) == first
    assert first.stat().st_mtime_ns == mtime
    write_images(tmp_path / "imgs" / "more", 1, seed=5)
    second = cached_images(FolderSource(tmp_path / "imgs"), 8, str(tmp_path / "c"), processes=1)
    assert second != first and np.load(second).shape[0] == 4


def test_uncached_dataset_skips_a_broken_file(tmp_path: Path) -> None:
    write_images(tmp_path / "imgs", 2)
    (tmp_path / "imgs" / "a_broken.png").write_bytes(b"junk")
    ds = build_datasets(DataConfig(source=str(tmp_path / "imgs"), image_size=8, cache=False), ("image",))["image"]
    assert ds[0].shape == (3, 8, 8)  # index 0 is the broken file: the next readable image stands in


def test_two_domain_layout_and_explicit_domains(tmp_path: Path) -> None:
    write_images(tmp_path / "set" / "trainA", 2)
    write_images(tmp_path / "set" / "trainB", 3)
    doms = open_domains(DataConfig(source=str(tmp_path / "set")), ("a", "b"))
    assert (len(doms["a"]), len(doms["b"])) == (2, 3)
    doms = open_domains(
        DataConfig(source_a="builtin:photo-faces", source_b=str(tmp_path / "set" / "trainB"), builtin_count=5),
        ("a", "b"),
    )
    assert (len(doms["a"]), len(doms["b"])) == (5, 3)
    with pytest.raises(DataError, match="trainA"):
        open_domains(DataConfig(source=str(tmp_path)), ("a", "b"))


def _sprite(path: Path, kind: str) -> None:
    """A red square on a transparent background: RGBA, or a palette image with a transparent colour."""
    rgba = np.zeros((16, 16, 4), dtype=np.uint8)  # transparent black around it
    rgba[4:12, 4:12] = (255, 0, 0, 255)
    img = Image.fromarray(rgba)
    if kind == "palette":
        img = Image.fromarray(rgba[..., :3]).convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
        img.info["transparency"] = img.getpixel((0, 0))
    img.save(path)


@pytest.mark.parametrize("kind", ["rgba", "palette"])
@pytest.mark.parametrize("background", [None, "#0000ff"])
def test_transparent_sprites_are_cached_on_the_background_colour(
    tmp_path: Path, kind: str, background: str | None
) -> None:
    (tmp_path / "sprites").mkdir()
    _sprite(tmp_path / "sprites" / "hero.png", kind)
    cfg = DataConfig(source=str(tmp_path / "sprites"), image_size=16, cache_dir=str(tmp_path / "cache"))
    if background:
        cfg.background = background
    image = build_datasets(cfg, ("image",))["image"][0].permute(1, 2, 0).numpy()
    assert tuple(image[0, 0]) == ((0, 0, 255) if background else (255, 255, 255))  # not black
    assert tuple(image[8, 8]) == (255, 0, 0)

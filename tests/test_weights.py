"""generator.json carries the family's declaration (format 2); files of format 1, written before it did, still load
with the declaration rebuilt from the family; files of a newer format are refused, naming both versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny_models import tiny_weights

from avatargan.api import NoiseModel, TransferModel, load
from avatargan.errors import CheckpointError
from avatargan.weights import META_FILE, WEIGHTS_VERSION, family_spec, load_generators


def _as_format_1(folder: Path) -> None:
    """Rewrite a folder's generator.json as the previous version wrote it: no declaration, format 1."""
    meta = json.loads((folder / META_FILE).read_text())
    del meta["family_spec"]
    meta["format_version"] = 1
    (folder / META_FILE).write_text(json.dumps(meta))


@pytest.mark.parametrize("family", ["dcgan", "cyclegan"])
def test_the_declaration_is_written(tmp_path: Path, family: str) -> None:
    folder = tiny_weights(tmp_path / family, family)
    meta = json.loads((folder / META_FILE).read_text())
    assert meta["format_version"] == WEIGHTS_VERSION == 2
    assert meta["family_spec"]["kind"] == ("noise" if family == "dcgan" else "transfer")
    assert meta["family_spec"] == family_spec({"model": meta["model"], "image_size": 16}).to_json()


@pytest.mark.parametrize("family", ["dcgan", "cyclegan", "cartoongan"])
def test_format_1_weights_load_with_the_declaration_rebuilt(tmp_path: Path, family: str) -> None:
    folder = tiny_weights(tmp_path / family, family)
    new = family_spec(load_generators(folder)[1])
    _as_format_1(folder)
    generators, meta = load_generators(folder)
    assert family_spec(meta) == new and set(generators) == set(new.generators)
    model = load(folder, device="cpu", precision="fp32")
    assert isinstance(model, NoiseModel if family == "dcgan" else TransferModel)
    if family == "dcgan":
        assert model.latent_dim == 8 and len(model.generate(2, seed=0)) == 2


def test_a_newer_format_is_refused_with_both_versions(tmp_path: Path) -> None:
    folder = tiny_weights(tmp_path / "w")
    meta = json.loads((folder / META_FILE).read_text())
    (folder / META_FILE).write_text(json.dumps({**meta, "format_version": WEIGHTS_VERSION + 1}))
    with pytest.raises(CheckpointError, match=r"generator format 3, newer than this avatargan reads \(2\)"):
        load_generators(folder)

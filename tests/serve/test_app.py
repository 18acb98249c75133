"""The demo page is built from the loaded models, and `avatargan serve` fails clearly before it starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_models import tiny_weights

from avatargan.cli import main
from avatargan.errors import UserError
from avatargan.serve import app
from avatargan.serve.catalog import load_catalog

pytest.importorskip("gradio", reason="the web extra (gradio) is not installed")


def test_the_page_has_its_three_tabs(tmp_path: Path) -> None:
    catalog = load_catalog([tiny_weights(tmp_path / "dcgan"), tiny_weights(tmp_path / "cg", "cyclegan")], "cpu")
    config = app.build_app(catalog).get_config_file()
    labels = {c.get("props", {}).get("label") for c in config["components"]}
    assert {"Generate", "Photo → anime", "Compare"} <= labels
    apis = {d.get("api_name") for d in config["dependencies"]}
    assert {"generate", "convert", "compare"} <= apis


def test_missing_gradio_and_bad_paths_are_one_clear_error(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    assert main(["serve", "/no/such/run"]) == 2
    assert "/no/such/run" in capsys.readouterr().err
    monkeypatch.setattr(app, "gr", None)
    with pytest.raises(UserError, match=r"avatargan\[web\]"):
        app.build_app(load_catalog([], "cpu"))

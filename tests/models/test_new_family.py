"""A family in one file: the example of ARCHITECTURE.md, run as it is written, registers, trains with `avatargan
train` and its run loads through the API as what it declares (no other file names it)."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from avatargan import cli
from avatargan.api import NoiseModel, load
from avatargan.registry import MODELS

ARCHITECTURE = Path(__file__).resolve().parents[2] / "ARCHITECTURE.md"


@pytest.fixture
def tinygan(monkeypatch: pytest.MonkeyPatch) -> Iterator[type]:
    text = ARCHITECTURE.read_text()
    section = text[text.index("## Adding a family in one file") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    module = types.ModuleType("avatargan.models.tinygan")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # as an import would: type hints resolve in it
    exec(compile(code, str(ARCHITECTURE), "exec"), module.__dict__)  # noqa: S102  (the documented example)
    try:
        yield module.TinyGAN
    finally:
        MODELS._items.pop("tinygan", None)


def test_the_documented_family_trains_and_loads(tinygan: type, tmp_path: Path) -> None:
    sets = {
        "model.latent_dim": 8,
        "data.image_size": 16,
        "data.builtin_count": 16,
        "train.batch_size": 8,
        "train.steps": 2,
        "train.device": "cpu",
        "train.precision": "fp32",
        "train.final_fid_n": 0,
        "train.final_judge_n": 0,
        "train.out_root": tmp_path / "runs",
    }
    # `avatargan train tinygan`: no recipe of its own, so the family's defaults plus the overrides
    assert cli.main(["train", "tinygan", *(x for k, v in sets.items() for x in ("--set", f"{k}={v}"))]) == 0
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert run_dir.name.startswith("00000-tinygan-")
    model = load(run_dir, device="cpu", precision="fp32")
    assert isinstance(model, NoiseModel) and model.latent_dim == 8
    assert model.meta["family_spec"] == {"kind": "noise", "generators": ["generator"], "latent_dim": 8}
    assert len(model.generate(3, seed=0)) == 3

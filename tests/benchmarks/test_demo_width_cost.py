"""The demo step-cost benchmark's `--arm` parsing: a name, then model FIELD=VALUE overrides that the config types."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import demo_width_cost  # noqa: E402

from avatargan import config as config_mod  # noqa: E402


def test_an_arm_is_its_name_then_its_overrides_typed_by_the_config() -> None:
    assert demo_width_cost.parse_arm("bcr 0.1 bcr=0.1") == ("bcr 0.1", {"bcr": "0.1"})
    name, fields = demo_width_cost.parse_arm("wide G g_channels=32 augment=color,cutout ada=false")
    assert name == "wide G"
    values = config_mod.load_recipe("dcgan_demo")
    model = config_mod.from_dict({**values, "model": {**values["model"], **fields}}).model  # as fresh_model builds it
    assert (model.g_channels, model.augment, model.ada) == (32, "color,cutout", False)


@pytest.mark.parametrize("text", ["bcr=0.1", "no overrides", ""])
def test_an_arm_without_a_name_or_overrides_is_refused(text: str) -> None:
    with pytest.raises(SystemExit, match="--arm"):
        demo_width_cost.parse_arm(text)


def test_batch_size_is_the_training_batch_not_a_model_field() -> None:
    name, fields = demo_width_cost.parse_arm("batch 16 batch_size=16 g_full_res=8")
    assert (name, demo_width_cost.batch_of(fields)) == ("batch 16", 16)
    assert demo_width_cost.batch_of({"g_full_res": "8"}) is None
    for bad in ("0", "-4", "sixteen", "1.5"):
        with pytest.raises(SystemExit, match="batch_size"):
            demo_width_cost.batch_of({"batch_size": bad})

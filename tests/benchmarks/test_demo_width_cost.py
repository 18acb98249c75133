"""The demo step-cost benchmark's `--arm` parsing: a name, then model FIELD=VALUE overrides read as YAML."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import demo_width_cost  # noqa: E402


def test_an_arm_is_its_name_then_its_overrides_with_yaml_values() -> None:
    assert demo_width_cost.parse_arm("bcr 0.1 bcr=0.1") == ("bcr 0.1", {"bcr": 0.1})
    name, fields = demo_width_cost.parse_arm("wide G g_channels=32 augment=color,cutout ada=false")
    assert name == "wide G" and fields == {"g_channels": 32, "augment": "color,cutout", "ada": False}


@pytest.mark.parametrize("text", ["bcr=0.1", "no overrides", ""])
def test_an_arm_without_a_name_or_overrides_is_refused(text: str) -> None:
    with pytest.raises(SystemExit, match="--arm"):
        demo_width_cost.parse_arm(text)

"""The speed references train avatargan's networks with the reference repositories' layers."""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from torch import nn

from avatargan.nn.reflection_pad import ReflectionPad2d
from avatargan.nn.resnet_generator import ResnetGenerator

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from reference_transfer import reference_copy  # noqa: E402


def test_the_speed_references_train_with_pytorchs_pad() -> None:
    g = ResnetGenerator(channels=4, n_down=1, n_blocks=1)
    ref = reference_copy(g)
    pads = [m for m in ref.modules() if isinstance(m, nn.ReflectionPad2d)]
    assert len(pads) == 4 and all(type(m) is nn.ReflectionPad2d for m in pads)
    assert sum(type(m) is ReflectionPad2d for m in g.modules()) == 4  # the original is untouched
    x = torch.randn(1, 3, 8, 8)
    assert torch.equal(ref(x), g(x))

"""`benchmarks/norm_act_compile.py`: which norm → activation pairs become compiled regions, the rest left alone."""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import norm_act_compile  # noqa: E402


def test_only_batch_norms_followed_by_a_leaky_relu_are_fused_and_the_indices_stay() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.LeakyReLU(0.2),
        nn.Conv2d(4, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),  # another activation: left alone
        nn.LeakyReLU(0.2),  # not after a norm: left alone
    )
    keys = set(net.state_dict())
    assert norm_act_compile.compile_norm_act(net) == 1
    assert isinstance(net[2], nn.Identity) and isinstance(net[4], nn.BatchNorm2d) and isinstance(net[6], nn.LeakyReLU)
    # the compiled region wraps the same norm: its parameters are the network's, under a wrapper's prefix
    assert net[1]._orig_mod[0].weight is dict(net.named_parameters())["1._orig_mod.0.weight"]
    assert len(net.state_dict()) == len(keys)

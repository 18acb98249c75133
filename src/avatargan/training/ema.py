"""Exponential moving average of generator weights (Karras et al.): smoother samples than the live generator.

The decay warms up as min(decay, (1 + n) / (10 + n)) after n updates (as TensorFlow's ExponentialMovingAverage
with num_updates does): without it a short run's average would still be mostly the random initial weights.
"""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn

_UPDATES_KEY = "__updates__"  # beside the per-generator state dicts, so checkpoints keep {name: state_dict}


class EMA:
    def __init__(self, modules: dict[str, nn.Module], decay: float) -> None:
        self.decay = decay
        self.updates = 0
        self.shadow = {name: copy.deepcopy(m).eval().requires_grad_(False) for name, m in modules.items()}

    def current_decay(self) -> float:
        return min(self.decay, (1 + self.updates) / (10 + self.updates))

    @torch.no_grad()
    def update(self, modules: dict[str, nn.Module]) -> None:
        weight = 1.0 - self.current_decay()
        self.updates += 1
        for name, live in modules.items():
            shadow = self.shadow[name]
            ema_params = list(shadow.parameters())
            live_params = [p.detach() for p in live.parameters()]
            torch._foreach_lerp_(ema_params, live_params, weight)
            for b_ema, b in zip(shadow.buffers(), live.buffers(), strict=True):  # BN statistics follow the live net
                b_ema.copy_(b)

    def state_dict(self) -> dict[str, Any]:
        return {**{name: m.state_dict() for name, m in self.shadow.items()}, _UPDATES_KEY: self.updates}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.updates = int(state.get(_UPDATES_KEY, 0))
        for name, m in self.shadow.items():
            m.load_state_dict(state[name])

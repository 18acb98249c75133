"""Exponential moving average of generator weights (Karras et al.): smoother samples than the live generator."""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn


class EMA:
    def __init__(self, modules: dict[str, nn.Module], decay: float) -> None:
        self.decay = decay
        self.shadow = {name: copy.deepcopy(m).eval().requires_grad_(False) for name, m in modules.items()}

    @torch.no_grad()
    def update(self, modules: dict[str, nn.Module]) -> None:
        for name, live in modules.items():
            shadow = self.shadow[name]
            ema_params = [p for p in shadow.parameters()]
            live_params = [p.detach() for p in live.parameters()]
            torch._foreach_lerp_(ema_params, live_params, 1.0 - self.decay)
            for b_ema, b in zip(shadow.buffers(), live.buffers(), strict=True):  # BN statistics follow the live net
                b_ema.copy_(b)

    def state_dict(self) -> dict[str, Any]:
        return {name: m.state_dict() for name, m in self.shadow.items()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for name, m in self.shadow.items():
            m.load_state_dict(state[name])

"""Exponential moving average of generator weights (Karras et al.): smoother samples than the live generator.

The horizon is set one of two ways:
  * `train.ema_kimg` (preferred): a half-life in thousands of images, as StyleGAN2-ADA's `ema_kimg`. The per-step
    decay is 0.5 ** (batch_size / (1000 · ema_kimg)), so the horizon does not change with the batch size; with
    `train.ema_rampup` r the half-life is at most r × the images seen so far, so early averages follow the live
    network instead of dragging its random start along.
  * `train.ema_decay` (older recipes): a fixed per-step decay, warmed up as min(decay, (1 + n) / (10 + n)) after n
    updates (TensorFlow's ExponentialMovingAverage with num_updates). It equals a half-life of
    batch_size · ln 0.5 / ln(decay) images, which is how to convert an old recipe to `ema_kimg`.

Batch-norm statistics. Averaged weights need their own running means and variances: the live network's belong to
different weights. With `bn_batches` > 0 the averaged generator's statistics are recomputed before it is used
(samples, metrics, export), as `torch.optim.swa_utils.update_bn` does: reset, then a cumulative average over a few
batches of the generator's own inputs in training mode, from a fixed seed (so the result depends on the weights
only). With `bn_batches` = 0 the statistics are copied from the live network at every update (the old behaviour).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

_UPDATES_KEY = "__updates__"  # beside the per-generator state dicts, so checkpoints keep {name: state_dict}

#: (generator name, batch index) → a batch of that generator's inputs, drawn from a fixed seed
InputBatches = Callable[[str, int], torch.Tensor]


def batch_norms(module: nn.Module) -> list[nn.modules.batchnorm._BatchNorm]:
    """The batch-norm layers that keep running statistics."""
    return [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats]


@torch.no_grad()
def recompute_bn(module: nn.Module, batches: list[torch.Tensor] | Any) -> None:
    """Running statistics of `module`'s batch norms as the plain average over `batches` (update_bn's method):
    momentum None makes BatchNorm keep a cumulative average; every other buffer and the mode are restored."""
    norms = batch_norms(module)
    if not norms:
        return
    momenta = [bn.momentum for bn in norms]
    was_training = module.training
    for bn in norms:
        bn.reset_running_stats()
        bn.momentum = None
    module.train()
    for x in batches:
        module(x)
    for bn, momentum in zip(norms, momenta, strict=True):
        bn.momentum = momentum
    module.train(was_training)


def half_life_decay(batch_size: int, ema_kimg: float, images_seen: int, rampup: float) -> float:
    """StyleGAN2-ADA's per-step decay for a half-life of `ema_kimg` thousand images (capped by the ramp-up)."""
    half_life = ema_kimg * 1000
    if rampup > 0:
        half_life = min(half_life, images_seen * rampup)
    return 0.5 ** (batch_size / max(half_life, 1e-8))


def decay_as_kimg(decay: float, batch_size: int) -> float:
    """The half-life (thousands of images) of a per-step decay at a batch size: the rule to convert an old recipe."""
    return batch_size * math.log(0.5) / math.log(decay) / 1000


class EMA:
    def __init__(
        self,
        modules: dict[str, nn.Module],
        decay: float = 0.0,
        *,
        ema_kimg: float | None = None,
        rampup: float = 0.0,
        batch_size: int = 1,
        bn_batches: int = 0,
    ) -> None:
        self.decay, self.ema_kimg, self.rampup, self.batch_size = decay, ema_kimg, rampup, batch_size
        self.bn_batches = bn_batches
        self.updates = 0
        self.shadow = {name: copy.deepcopy(m).eval().requires_grad_(False) for name, m in modules.items()}
        self.bn_fresh = False  # whether the shadow's statistics were recomputed since its last update

    def current_decay(self) -> float:
        if self.ema_kimg is not None:
            images_seen = (self.updates + 1) * self.batch_size  # the images of the step being averaged in, too
            return half_life_decay(self.batch_size, self.ema_kimg, images_seen, self.rampup)
        return min(self.decay, (1 + self.updates) / (10 + self.updates))

    @torch.no_grad()
    def update(self, modules: dict[str, nn.Module]) -> None:
        weight = 1.0 - self.current_decay()
        self.updates += 1
        self.bn_fresh = False
        for name, live in modules.items():
            shadow = self.shadow[name]
            ema_params = list(shadow.parameters())
            live_params = [p.detach() for p in live.parameters()]
            torch._foreach_lerp_(ema_params, live_params, weight)
            if not self.bn_batches:  # the old behaviour: statistics of the live network
                for b_ema, b in zip(shadow.buffers(), live.buffers(), strict=True):
                    b_ema.copy_(b)

    def refresh_bn(self, inputs: InputBatches) -> None:
        """Recompute the averaged generators' batch-norm statistics (once per update; no-op without batch norm)."""
        if not self.bn_batches or self.bn_fresh:
            return
        for name, g in self.shadow.items():
            if batch_norms(g):
                recompute_bn(g, (inputs(name, i) for i in range(self.bn_batches)))
        self.bn_fresh = True

    def state_dict(self) -> dict[str, Any]:
        return {**{name: m.state_dict() for name, m in self.shadow.items()}, _UPDATES_KEY: self.updates}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.updates = int(state.get(_UPDATES_KEY, 0))
        for name, m in self.shadow.items():
            m.load_state_dict(state[name])
        self.bn_fresh = False

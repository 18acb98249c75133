"""Non-finite guard: notices a NaN or infinite loss without a host sync per step, so it never reaches a checkpoint.

Every step, `watch` folds each loss into a device tensor that remembers the first step at which that loss was not
finite (a few tiny device operations, no read-back). The trainer reads it only where it reads the host anyway or
must be sure: at the log cadence, before every checkpoint and before exporting weights. Before a checkpoint the
weights themselves are checked too (a finite loss can still come with an overflowed update).
"""

from __future__ import annotations

import torch
from torch import nn

from avatargan.errors import UserError


class NonFiniteLoss(UserError):
    """Training produced NaN/Inf; nothing after the last good checkpoint was written."""


class FiniteGuard:
    def __init__(self) -> None:
        self._first_bad: dict[str, torch.Tensor] = {}  # loss name → first bad step (-1: none yet), on the device

    def watch(self, losses: dict[str, torch.Tensor], step: int) -> None:
        """Remember `step` for every loss that is not finite in it (device operations only)."""
        for name, value in losses.items():
            bad = ~torch.isfinite(value).all()
            first = self._first_bad.get(name)
            if first is None:
                first = torch.full((), -1, dtype=torch.int64, device=value.device)
            self._first_bad[name] = torch.where(bad & (first < 0), step, first)

    def first_problem(self) -> tuple[str, int] | None:
        """(loss name, step) of the earliest non-finite loss seen, or None; reads the device once."""
        if not self._first_bad:
            return None
        names = list(self._first_bad)
        steps = torch.stack([self._first_bad[n] for n in names]).tolist()
        bad = [(step, name) for name, step in zip(names, steps, strict=True) if step >= 0]
        if not bad:
            return None
        step, name = min(bad)
        return name, step


def non_finite_weights(model: nn.Module) -> str | None:
    """The name of the first parameter or buffer holding NaN/Inf, or None (one read-back for all of them)."""
    tensors = [(n, t) for n, t in model.state_dict().items() if t.is_floating_point()]
    if not tensors:
        return None
    finite = torch.stack([torch.isfinite(t).all() for _, t in tensors]).cpu().tolist()
    return next((n for (n, _), ok in zip(tensors, finite, strict=True) if not ok), None)

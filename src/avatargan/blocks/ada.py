"""Adaptive augmentation strength (StyleGAN2-ADA, Karras et al. 2020): p follows the discriminator's overfitting.

The heuristic r_t = E[sign(D(real))] is 0 when D cannot tell real images from generated ones and 1 when it is
sure of every real image, which on a small data set means it has memorised them. Every `interval` steps p moves
by ± (images seen in those steps) / (1000 · `kimg`) towards keeping r_t at `target` (0.6 in the paper): up when
r_t is above, down when below, within [0, `p_max`]. The paper's p_max is 1; a lower cap keeps some images
unaugmented, so G is still shown where real faces sit. On dcgan_demo, at p = 1 G drew its faces closer to the centre
than the real ones sit; a cap of 0.6 gave back that spread and lost ADA's FID gain
(benchmarks/results/2026-12-03-dcgan-demo-ada-cap).
With several processes the statistic is summed over all of them, so every process holds the same p. The state (p and
the statistic of a partly done interval) goes into checkpoints, so a resumed run adjusts exactly as an uninterrupted
one.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.distributed as dist

from avatargan.runtime import process_group_running

INTERVAL = 4  # steps between adjustments (the paper's)


class AdaptiveP:
    def __init__(
        self, target: float = 0.6, kimg: float = 500.0, interval: int = INTERVAL, p: float = 0.0, p_max: float = 1.0
    ) -> None:
        self.target, self.kimg, self.interval, self.p, self.p_max = target, kimg, interval, p, p_max
        self.last_rt: float | None = None  # r_t of the last finished interval (for logs)
        self._reset()

    def _reset(self) -> None:
        self.sign_sum: torch.Tensor | float = 0.0  # summed on the device: no host sync until an adjustment
        self.outputs, self.images, self.steps = 0, 0, 0

    def observe(self, real_logits: torch.Tensor, images: int) -> None:
        """D's outputs on a batch of `images` real (augmented) images; adjusts p every `interval` calls."""
        self.sign_sum = self.sign_sum + real_logits.detach().float().sign().sum()
        self.outputs += real_logits.numel()
        self.images += images
        self.steps += 1
        if self.steps >= self.interval:
            self._adjust()

    def _adjust(self) -> None:
        total = torch.as_tensor(self.sign_sum, dtype=torch.float64)
        stats = torch.stack([total.cpu(), torch.tensor(float(self.outputs)), torch.tensor(float(self.images))])
        if process_group_running():
            device = self.sign_sum.device if isinstance(self.sign_sum, torch.Tensor) else torch.device("cpu")
            stats = stats.to(device)
            dist.all_reduce(stats)  # every process then adjusts by the same amount
            stats = stats.cpu()
        rt = float(stats[0] / max(float(stats[1]), 1.0))
        step = float(stats[2]) / (self.kimg * 1000)
        self.p = min(max(self.p + (step if rt > self.target else -step if rt < self.target else 0.0), 0.0), self.p_max)
        self.last_rt = rt
        self._reset()

    def state_dict(self) -> dict[str, Any]:
        return {
            "p": self.p,
            "sign_sum": float(self.sign_sum),
            "outputs": self.outputs,
            "images": self.images,
            "steps": self.steps,
            "last_rt": self.last_rt,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.p = float(state["p"])
        self.sign_sum = float(state["sign_sum"])
        self.outputs, self.images, self.steps = int(state["outputs"]), int(state["images"]), int(state["steps"])
        self.last_rt = state.get("last_rt")

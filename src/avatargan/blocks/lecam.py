"""LeCam regularisation of the discriminator (Tseng et al., CVPR 2021, "Regularizing GANs under limited data").

D's outputs on real images are pulled towards a moving average of its outputs on generated ones, and its outputs on
generated images towards a moving average of its outputs on real ones:
R = E[relu(D(x) − α_fake)²] + E[relu(α_real − D(G(z)))²], α_* exponential moving averages (decay 0.99) of the batch
means of D's real and fake outputs. The relu form is the one of the authors' code: only outputs that are more
confident than the other side's average are pulled back. With it, the paper shows, the GAN minimises a LeCam
(triangular) divergence, which it argues is more robust than the Jensen-Shannon one when the data set is small; it
combines with differentiable augmentation (the paper's best results use both). Measured on the demo recipe:
benchmarks/results/2026-12-05-dcgan-demo-lecam/ (no FID gain there; off by default).

The averages stay on D's device (no host sync per step) and go into checkpoints, so a resumed run regularises exactly
as an uninterrupted one. With several processes the batch means are averaged over all of them first (as ADA sums
its statistic), so every process holds the same averages and rank 0's checkpoint resumes each of them exactly.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F

from avatargan.runtime import process_group_running, world_size

DECAY = 0.99  # the authors' decay of both averages


class LeCam:
    def __init__(self, decay: float = DECAY) -> None:
        self.decay = decay
        self.alpha_real: torch.Tensor | None = None  # None until the first batch: it starts at that batch's mean
        self.alpha_fake: torch.Tensor | None = None

    def penalty(self, real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
        """R for D's outputs (logits of any shape) on a real and a generated batch; updates the averages first, with
        this batch's outputs (detached), as the authors' code does."""
        real, fake = real_scores.float(), fake_scores.float()
        means = torch.stack([real.detach().mean(), fake.detach().mean()])
        if process_group_running():
            # its own collective, as ada.py's: training.distributed.average sits in a layer above blocks
            dist.all_reduce(means)  # on the device: no host sync
            means = means / world_size()
        self.alpha_real = self._update(self.alpha_real, means[0])
        self.alpha_fake = self._update(self.alpha_fake, means[1])
        return F.relu(real - self.alpha_fake).square().mean() + F.relu(self.alpha_real - fake).square().mean()

    def _update(self, average: torch.Tensor | None, value: torch.Tensor) -> torch.Tensor:
        if average is None:
            return value
        return self.decay * average.to(value.device) + (1 - self.decay) * value

    def state_dict(self) -> dict[str, Any]:
        return {"alpha_real": _as_number(self.alpha_real), "alpha_fake": _as_number(self.alpha_fake)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.alpha_real, self.alpha_fake = _as_tensor(state["alpha_real"]), _as_tensor(state["alpha_fake"])


# Checkpoints hold plain numbers: float() of a float32 value and torch.tensor() of it again are exact, so resume is
# bit-exact.
def _as_number(average: torch.Tensor | None) -> float | None:
    return None if average is None else float(average)


def _as_tensor(value: float | None) -> torch.Tensor | None:
    return None if value is None else torch.tensor(float(value))

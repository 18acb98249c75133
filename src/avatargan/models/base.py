"""The contract between a model family and the trainer (see DESIGN.md, "The model contract").

A family builds its networks and optimizers, performs its own G and D updates in `train_step`, and says which
images to draw for progress grids. The trainer owns everything else: device, data, cadence, EMA, checkpoints, logs,
figures. Families register by name in `avatargan.registry.MODELS`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import nn

from avatargan.config import ModelConfig


class GANModel(nn.Module):
    """Base class of every family; subclasses set the class attributes and implement the abstract methods."""

    Config: ClassVar[type[ModelConfig]] = ModelConfig
    #: names of the image domains a batch holds: ("image",) for noise → image, ("a", "b") for two-domain transfer
    domains: ClassVar[tuple[str, ...]] = ("image",)

    def __init__(self, cfg: ModelConfig, image_size: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.image_size = image_size

    # -- training ------------------------------------------------------------------------------------------------
    def train_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        """One update of every network on `batch` (domain name → images in [-1, 1]); returns detached losses."""
        raise NotImplementedError

    def on_epoch_start(self, epoch: int) -> None:
        """Hook for epoch-based schedules (learning-rate steps, an initialisation phase)."""

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        raise NotImplementedError

    def schedulers(self) -> dict[str, Any]:
        return {}

    def extra_state(self) -> dict[str, Any]:
        """State outside networks/optimizers that a checkpoint must carry (e.g. an image pool); tensors only."""
        return {}

    def load_extra_state(self, state: dict[str, Any]) -> None:
        """Restore what `extra_state` returned."""

    # -- sampling and export -------------------------------------------------------------------------------------
    def generators(self) -> dict[str, nn.Module]:
        """The networks that make images: exported as weights, tracked by EMA, used for samples."""
        raise NotImplementedError

    @classmethod
    def build_generators(cls, cfg: ModelConfig, image_size: int) -> dict[str, nn.Module]:
        """Fresh generators with the same architecture, to load exported weights without the training parts."""
        raise NotImplementedError

    def make_fixed(self, examples: dict[str, torch.Tensor], count: int, seed: int) -> dict[str, torch.Tensor]:
        """Fixed inputs for the progress grids: noise from `seed`, or the given example images per domain."""
        raise NotImplementedError

    @torch.no_grad()
    def sample(self, fixed: dict[str, torch.Tensor], generators: dict[str, nn.Module]) -> dict[str, torch.Tensor]:
        """Images for progress grids (name → N×3×H×W in [-1, 1]) made by `generators` from `fixed` inputs."""
        raise NotImplementedError

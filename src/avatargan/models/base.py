"""The contract between a model family and the trainer (see DESIGN.md, "The model contract").

A family builds its networks and optimizers, performs its own G and D updates in `train_step`, and says which
images to draw for progress grids. The trainer owns everything else: device, data, cadence, EMA, checkpoints, logs,
figures. Families register by name in `avatargan.registry.MODELS`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import torch
from torch import nn
from torch.utils.data import Dataset

from avatargan.config import DataConfig, ModelConfig, check_fields
from avatargan.errors import ConfigError
from avatargan.training.precision import Updates

#: what `sample` returns per sheet: an image batch (drawn as a grid), or titled columns of equal-length batches
#: (drawn as a sheet whose row i shows image i of every column, e.g. A → G(A) → F(G(A)) triplets)
SampleSheet = torch.Tensor | dict[str, torch.Tensor]


class GANModel(nn.Module):
    """Base class of every family; subclasses set the class attributes and implement the abstract methods."""

    Config: ClassVar[type[ModelConfig]] = ModelConfig
    #: names of the image domains a batch holds: ("image",) for noise → image, ("a", "b") for two-domain transfer
    domains: ClassVar[tuple[str, ...]] = ("image",)

    def __init__(self, cfg: ModelConfig, image_size: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.image_size = image_size

    @classmethod
    def check_config(cls, cfg: ModelConfig, image_size: int) -> None:
        """Every field's declared rule (choices, ranges), then a family's rules across fields (override and call
        super): a ConfigError naming the field. Run by `config.from_dict` before any data work, and by __init__."""
        check_fields(cfg, "model")

    # -- data ----------------------------------------------------------------------------------------------------
    @classmethod
    def derived_datasets(cls, cfg: ModelConfig, data: DataConfig, datasets: dict[str, Dataset]) -> dict[str, Dataset]:
        """Extra domains a family computes from the loaded ones (CartoonGAN: edge-smoothed anime images), as
        uint8 image datasets like those of `avatargan.data.batches`. The trainer calls this once after loading the
        data and adds the returned domains to every batch under their names, sampled like any other domain. What
        is expensive to compute should be cached next to the data cache (`avatargan.data.cache.cache_root`)."""
        return {}

    # -- training ------------------------------------------------------------------------------------------------
    def train_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        """One update of every network on `batch` (domain name → images in [-1, 1]); returns detached losses.

        Update each optimizer with `self.optimize(loss, optimizer)`, never `loss.backward()` + `optimizer.step()`:
        the trainer runs `train_step` under autocast (`--precision`) and `optimize` adds what the run needs around
        the backward pass (fp16 loss scaling, gradient averaging over processes). Return losses detached and
        un-`.item()`-ed: the trainer sums them on the device and reads them only when it logs."""
        raise NotImplementedError

    def optimize(self, loss: torch.Tensor, optimizer: torch.optim.Optimizer, retain_graph: bool = False) -> None:
        """zero_grad (to None) → backward → step of `optimizer` on `loss`, the way the trainer's precision and
        process count require (see `avatargan.training.precision.Updates`); plain fp32 when used outside it."""
        updates = self.__dict__.get("_updates") or Updates()  # outside a trainer: plain fp32, one process
        updates.optimize(loss, optimizer, retain_graph)

    def use_updates(self, updates: Updates) -> None:
        """Called by the trainer: route `optimize` through `updates` (an `avatargan.training.precision.Updates`)."""
        self.__dict__["_updates"] = updates

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

    def generator_inputs(
        self, name: str, n: int, seed: int, images: Callable[[str, int, int], torch.Tensor]
    ) -> torch.Tensor:
        """`n` inputs of generator `name`, drawn from `seed` on the networks' device: what the trainer feeds the
        averaged (EMA) generators to recompute their batch-norm statistics. `images(domain, n, seed)` gives random
        training images of a domain (in [-1, 1], on the device) for image → image generators. This default serves
        the transfer families, whose generators are named `<source>2<target>` (a2b reads domain a's images)."""
        return images(name.split("2")[0], n, seed)

    def make_fixed(self, examples: dict[str, torch.Tensor], count: int, seed: int) -> dict[str, torch.Tensor]:
        """Fixed inputs for the progress grids: noise from `seed`, or the given example images per domain."""
        raise NotImplementedError

    @torch.no_grad()
    def sample(self, fixed: dict[str, torch.Tensor], generators: dict[str, nn.Module]) -> dict[str, SampleSheet]:
        """Sample sheets made by `generators` from `fixed` inputs: sheet name → images (N×3×H×W in [-1, 1]) or
        titled columns of images (column title → N×3×H×W; by convention inputs first, then the outputs)."""
        raise NotImplementedError

    def progress_images(self, samples: dict[str, SampleSheet]) -> torch.Tensor:
        """The images the run report's progression figure follows across training: the first sheet's images, or
        for a titled sheet its second column (the first model output after the inputs)."""
        first = next(iter(samples.values()))
        if isinstance(first, dict):
            columns = list(first.values())
            return columns[1] if len(columns) > 1 else columns[0]
        return first


def check_image_size(image_size: int, down: int, name: str, smallest: int = 1) -> None:
    """`image_size` must halve `down` times without remainder and leave at least `smallest` pixels (a ConfigError
    naming the model option otherwise), so a network never fails later with a shape error."""
    step = 2**down
    if image_size % step or image_size // step < smallest:
        raise ConfigError(
            f"data.image_size {image_size} does not fit model.{name}={down}: use a multiple of {step} "
            f"of at least {step * smallest}, or fewer down-sampling steps"
        )


@contextlib.contextmanager
def eval_mode(*modules: nn.Module) -> Iterator[None]:
    """Run `modules` in eval mode for a while (sampling), then restore each one's own mode."""
    modes = [m.training for m in modules]
    for m in modules:
        m.eval()
    try:
        yield
    finally:
        for m, mode in zip(modules, modes, strict=True):
            m.train(mode)

"""The contract between a model family and the trainer (ARCHITECTURE.md at the project root, "The family contract").

A family declares what it is (`kind`, `spec`: its generators and their inputs, the derived data it needs), builds
its networks, says how to build its optimizers, performs its own G and D updates in `train_step`, and says which
images to draw for progress grids. The trainer owns everything else: device, data, cadence, EMA, checkpoints, logs,
figures. Families register by name in `avatargan.registry.MODELS`.

Order of construction (as nanoGPT and Lightning do it): the trainer builds the model (networks only), places it
(device, memory layout, synchronised batch norm), then calls `build_optimizers`, so the optimizers hold the
parameters as they will be trained; then it compiles the networks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

import torch
from torch import nn

from avatargan.blocks.precision import Updates
from avatargan.config import ModelConfig, check_fields
from avatargan.errors import ConfigError, UserError
from avatargan.models.spec import KIND_DOMAINS, FamilySpec, Kind
from avatargan.nn import content_backbone as backbones

#: what `sample` returns per sheet: an image batch (drawn as a grid), or titled columns of equal-length batches
#: (drawn as a sheet whose row i shows image i of every column, e.g. A → G(A) → F(G(A)) triplets)
SampleSheet = torch.Tensor | dict[str, torch.Tensor]


class GANModel(nn.Module):
    """Base class of every family; subclasses set the class attributes and implement the abstract methods."""

    Config: ClassVar[type[ModelConfig]] = ModelConfig
    #: what the family is: "noise" (noise → image) or "transfer" (image → image); see `avatargan.models.spec`
    kind: ClassVar[Kind] = "noise"
    #: names of the image domains a batch holds, set from `kind`: ("image",) for noise, ("a", "b") for transfer
    domains: ClassVar[tuple[str, ...]] = KIND_DOMAINS["noise"]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.domains = KIND_DOMAINS[cls.kind]

    def __init__(self, cfg: ModelConfig, image_size: int) -> None:
        super().__init__()
        self.cfg = cfg
        self.image_size = image_size
        #: how `optimize` turns a loss into an update; the trainer sets its own (precision, processes)
        self.updates = Updates()
        #: frozen networks the family uses but never trains or saves (CartoonGAN's content backbone): outside the
        #: module tree, so out of state_dict() and checkpoints, yet moved with the model (see `_apply`)
        self.frozen: dict[str, nn.Module] = {}
        self._optimizers: dict[str, torch.optim.Optimizer] | None = None

    @classmethod
    def check_config(cls, cfg: ModelConfig, image_size: int) -> None:
        """Every field's declared rule (choices, ranges), then a family's rules across fields (override and call
        super): a ConfigError naming the field. Run by `config.from_dict` before any data work, and by __init__."""
        check_fields(cfg, "model")

    @classmethod
    def spec(cls, cfg: ModelConfig) -> FamilySpec:
        """The family's declaration for `cfg`: its kind, generators and their inputs, the derived data it needs
        (`avatargan.models.spec.FamilySpec`). Written into generator.json; consumers read it from there."""
        raise NotImplementedError

    # -- training ------------------------------------------------------------------------------------------------
    def train_step(self, batch: dict[str, torch.Tensor], step: int) -> dict[str, torch.Tensor]:
        """One update of every network on `batch` (domain name → images in [-1, 1], plus the derived data of
        `spec`) at global step `step` (counted from 0; DCGAN's lazy R1 runs on every k-th); returns detached losses.

        Update each optimizer with `self.optimize(loss, optimizer)`, never `loss.backward()` + `optimizer.step()`:
        the trainer runs `train_step` under autocast (`--precision`) and `optimize` adds what the run needs around
        the backward pass (fp16 loss scaling, gradient averaging over processes). Return losses detached and
        un-`.item()`-ed: the trainer sums them on the device and reads them only when it logs."""
        raise NotImplementedError

    def optimize(self, loss: torch.Tensor, optimizer: torch.optim.Optimizer, retain_graph: bool = False) -> None:
        """zero_grad (to None) → backward → step of `optimizer` on `loss`, the way the trainer's precision and
        process count require (`self.updates`, see `avatargan.blocks.precision.Updates`); plain fp32 outside it."""
        self.updates.optimize(loss, optimizer, retain_graph)

    def on_epoch_start(self, epoch: int) -> None:
        """Hook for epoch-based schedules (learning-rate steps, an initialisation phase)."""

    def configure_optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """New optimizers over the networks' parameters as they are now, by name (checkpoints use the names)."""
        raise NotImplementedError

    def build_optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """Build the optimizers (`configure_optimizers`): the trainer calls this once the model is placed."""
        self._optimizers = self.configure_optimizers()
        return self._optimizers

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """The built optimizers; outside a trainer (tests, benchmarks) they are built on first use."""
        return self._optimizers if self._optimizers is not None else self.build_optimizers()

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

    def _apply(self, fn: Callable[..., Any], recurse: bool = True) -> GANModel:
        # `.to()`, `.cuda()`, `.float()`... go through `_apply`: the frozen networks follow the model (as
        # torchmetrics moves its states), so no step has to move them lazily
        super()._apply(fn, recurse)
        for net in self.frozen.values():
            net._apply(fn, recurse)
        return self


#: devices where PyTorch has a fused Adam kernel (one pass over all of an optimizer's tensors)
FUSED_ADAM_DEVICES = ("cpu", "cuda")


def adam(params: Iterable[nn.Parameter], lr: float, betas: tuple[float, float]) -> torch.optim.Adam:
    """Adam, fused where the parameters' device has the kernel: the same update (equal to float rounding), and on
    the CPU an optimizer step 3.4-3.9× faster than PyTorch's default per-tensor loop (`benchmarks/adam_step.py`),
    though the whole training step gains only 0-2 %, within the noise (benchmarks/RESULTS.md, fourteenth
    session). A run resumed from a checkpoint keeps the kind of Adam it was saved with."""
    params = list(params)
    fused = bool(params) and all(p.device.type in FUSED_ADAM_DEVICES for p in params)
    return torch.optim.Adam(params, lr=lr, betas=betas, fused=fused or None)


def adam_g_and_d(cfg: Any, g_params: Iterable[nn.Parameter], d_params: Iterable[nn.Parameter]) -> dict[str, Any]:
    """The optimizers every family builds: Adam for G at `cfg.lr`, for D at `cfg.lr_d` (or `cfg.lr`), both with
    betas (`cfg.beta1`, `cfg.beta2`); named "g" and "d" (the names checkpoints use)."""
    betas = (cfg.beta1, cfg.beta2)
    return {"g": adam(g_params, cfg.lr, betas), "d": adam(d_params, cfg.lr_d or cfg.lr, betas)}


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


def load_frozen_backbone(name: str, weights: str, layer: backbones.ContentLayer, who: str) -> backbones.ContentBackbone:
    """The frozen ImageNet network `name` with the config's `weights` word (pretrained | PATH to a state_dict |
    random); missing weights become a UserError that starts with `who`, the option that asked for them."""
    try:
        return backbones.load_content_backbone(name, None if weights == backbones.PRETRAINED else weights, layer)
    except backbones.MissingWeightsError as exc:
        raise UserError(f"{who}: {exc}") from None

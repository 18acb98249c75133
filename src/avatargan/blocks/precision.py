"""How a model family's losses become parameter updates: precision, gradient scaling, multi-process averaging.

The trainer builds one `Updates` object per run and hands it to the model (`GANModel.updates`). Families
never call `loss.backward()` / `optimizer.step()` themselves; they call `self.optimize(loss, optimizer)`, which
lands in `Updates.optimize`:

* zero the optimizer's gradients (`set_to_none`, cheaper than writing zeros),
* back-propagate outside autocast (the forward ran under it; the backward follows the forward's dtypes anyway),
  with the loss scaled by that optimizer's own `GradScaler` when the precision is fp16,
* average the gradients over the processes of a multi-process run (one flat all-reduce per update),
* step (through the scaler for fp16, which skips the step when a gradient overflowed).

`autocast()` is the context the trainer wraps around `train_step` and `sample`: bf16/fp16 autocast on the run's
device, a no-op for fp32. One scaler per optimizer (not one shared) because each family updates its optimizers in
separate backward passes; each scaler's state is saved with the checkpoint under its optimizer's name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from avatargan.hardware import cpu_amx_bf16, cpu_avx512

PRECISIONS = ("fp32", "bf16", "fp16")
_DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}

#: averages an optimizer's gradients over the processes of a run (see `avatargan.training.distributed`)
GradSync = Callable[[list[torch.Tensor]], None]


class Updates:
    """Autocast context and `optimize` for one run; fp32 on one process is plain backward + step."""

    def __init__(
        self,
        precision: str = "fp32",
        device: torch.device | str = "cpu",
        optimizers: dict[str, torch.optim.Optimizer] | None = None,
        grad_sync: GradSync | None = None,
    ) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        self.precision, self.device_type = precision, torch.device(device).type
        self.dtype = _DTYPES[precision]
        self.grad_sync = grad_sync
        self._names = {id(opt): name for name, opt in (optimizers or {}).items()}
        self.scalers: dict[str, torch.amp.GradScaler] = {}

    def autocast(self) -> contextlib.AbstractContextManager:
        if self.precision == "fp32":
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=self.dtype)

    def _scaler(self, optimizer: torch.optim.Optimizer) -> torch.amp.GradScaler:
        name = self._names.get(id(optimizer), str(id(optimizer)))
        if name not in self.scalers:
            self.scalers[name] = torch.amp.GradScaler(self.device_type)
        return self.scalers[name]

    def optimize(self, loss: torch.Tensor, optimizer: torch.optim.Optimizer, retain_graph: bool = False) -> None:
        """zero_grad → backward → (average over processes) → step, with fp16 loss scaling."""
        optimizer.zero_grad(set_to_none=True)
        scaler = self._scaler(optimizer) if self.precision == "fp16" else None
        with torch.autocast(self.device_type, enabled=False):
            (scaler.scale(loss) if scaler else loss).backward(retain_graph=retain_graph)
        if self.grad_sync is not None:
            grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
            self.grad_sync(grads)
        if scaler:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()

    def state_dict(self) -> dict[str, Any]:
        return {name: s.state_dict() for name, s in self.scalers.items()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for name, s in state.items():
            scaler = torch.amp.GradScaler(self.device_type)
            scaler.load_state_dict(s)
            self.scalers[name] = scaler


def channels_last_pays(model: nn.Module, precision: str = "fp32", device: torch.device | str = "cpu") -> bool:
    """Whether the NHWC layout speeds `model`'s training step up, as measured (benchmarks/layout_choice.py,
    benchmarks/RESULTS.md): always for convolutions with batch norm or none (DCGAN: 1.02× in fp32, 1.45× in bf16 on a
    2-vCPU Xeon with AMX-BF16; 1.30× and 1.07× on a 2-vCPU EPYC with AVX512-BF16). With instance norm, which PyTorch
    computes as batch norm over a reshaped N·C-channel tensor and so copies NHWC tensors back and forth, only in bf16
    on a CPU with AMX-BF16, where the faster NHWC AMX convolutions outweigh the copies (CycleGAN 1.08×, CartoonGAN
    1.13×). Elsewhere NCHW: in fp32 (0.89-1.02×), in bf16 on a CPU with AVX512-BF16 only (CycleGAN 0.81-0.84×,
    CartoonGAN 0.93-1.00×), and on GPUs until measured there (benchmarks/gpu_check.sh)."""
    if not has_instance_norm(model):
        return True
    return precision == "bf16" and torch.device(device).type == "cpu" and cpu_amx_bf16()


def has_instance_norm(model: nn.Module) -> bool:
    return any(isinstance(m, nn.InstanceNorm1d | nn.InstanceNorm2d | nn.InstanceNorm3d) for m in model.modules())


#: planned steps from which `compile: auto` compiles: its one-off cost (~1.5-2 min on 2 CPU cores) is then a small
#: share of the run (CycleGAN at ~0.5 s per eager step: 2,000 steps ≈ 17 min, a third of which compiling saves)
COMPILE_MIN_STEPS = 2000
#: shortest `--minutes` budget for which `compile: auto` compiles: with ~1.5 min of compiling and 1.3-1.5x faster
#: steps after it, compiled and eager runs reach the same step at ~5 min (1.4 × (T − 1.5) = T → T ≈ 5.3)
COMPILE_MIN_MINUTES = 6.0
#: the same in bf16 on a CPU with AMX-BF16, where CartoonGAN gains least (1.15x after ~1 min of compiling: it breaks
#: even at ~8 min; CycleGAN, 1.42x, at ~4 min)
COMPILE_MIN_MINUTES_AMX_BF16 = 10.0


def cxx_compiler() -> str | None:
    """The C++ compiler torch.compile's CPU backend would build its kernels with, if one is on this machine."""
    wanted = os.environ.get("CXX")
    candidates = [wanted] if wanted else ["g++", "c++", "clang++"]
    return next((path for path in map(shutil.which, candidates) if path), None)


def compile_pays(
    model: nn.Module,
    precision: str,
    device: torch.device | str,
    planned_steps: int,
    budget_minutes: float | None = None,
) -> tuple[bool, str]:
    """What `train.compile: auto` decides, and why (for the console and config.yaml), as measured
    (benchmarks/RESULTS.md, "torch.compile by measurement"): inductor fuses instance norm, ReLU and the residual adds
    that eager runs as separate passes over memory, so compiled instance-norm models train faster
    * in fp32 on a CPU with AVX-512 (a 2-vCPU Ice Lake Xeon without native bf16: CycleGAN 1.51×, CartoonGAN 1.29×
      against the reference, where eager is 1.03× and 1.00×, after ~1.5 min of compiling) — not on an AVX2-only CPU
      (a 2-vCPU EPYC, fortieth session: compiled steps 0.90× and 0.84× the eager ones, against the reference
      0.98× and 0.89× where eager is 1.04× and 1.19×);
    * in bf16 on a CPU with AMX-BF16 (a 2-vCPU Xeon: CycleGAN 1.42×, CartoonGAN 1.15× over the eager channels_last
      step, after 60-70 s), where the AMX convolutions are fast enough that the passes around them dominate;
    but not enough to win the compiling back in bf16 on a CPU with AVX512-BF16 only (a 2-vCPU EPYC: CycleGAN 1.12×,
    CartoonGAN 0.99× after 80-90 s), nor for batch-norm models (DCGAN 1.05× in bf16 with AMX). On GPUs it is not
    measured yet, so auto leaves the networks eager there; `--compile` forces it anywhere. Under a wall-clock budget
    (`--minutes`) the budget decides how long the run is, not the planned steps."""
    dev = torch.device(device).type
    if dev != "cpu":
        return False, f"not measured to pay on {dev} in {precision} (benchmarks/gpu_check.sh, train_speed.py --compile)"
    if not has_instance_norm(model):
        return False, "batch-norm model: measured 1.00-1.05x compiled, too little for ~1 min of compiling"
    if precision == "fp32":
        if not cpu_avx512():
            return False, "fp32 on a CPU without AVX-512: measured 0.84-0.90x eager once compiled (AVX2 EPYC)"
        gain, min_minutes = "1.3-1.5x (AVX-512)", COMPILE_MIN_MINUTES
    elif precision == "bf16" and cpu_amx_bf16():
        gain, min_minutes = "1.15-1.4x (AMX-BF16)", COMPILE_MIN_MINUTES_AMX_BF16
    else:
        return False, f"{precision} on a CPU without AMX: measured 0.99-1.12x compiled (AVX512-BF16), too little"
    if budget_minutes is not None and budget_minutes < min_minutes:
        return False, f"a {budget_minutes:g}-minute budget: too short to win back ~1-1.5 min of compiling"
    if planned_steps < COMPILE_MIN_STEPS:
        return False, f"{planned_steps} planned steps: too short to win back ~1-1.5 min of compiling"
    if cxx_compiler() is None:
        return False, "no C++ compiler (g++, c++, clang++ or $CXX) for torch.compile's CPU kernels"
    length = f"a {budget_minutes:g}-minute budget" if budget_minutes is not None else f"{planned_steps} steps"
    return True, f"instance-norm model in {precision} on the CPU, {length}: {gain} faster once compiled"


def resolve_compile(
    setting: bool | str,
    model: nn.Module,
    precision: str,
    device: torch.device | str,
    planned_steps: int,
    budget_minutes: float | None = None,
) -> tuple[bool, str]:
    """`train.compile` (auto, true or false) → whether to compile, and why (for the console and config.yaml)."""
    if setting == "auto":
        decided, reason = compile_pays(model, precision, device, planned_steps, budget_minutes)
        return decided, f"auto: {reason}"
    return (True, "forced by train.compile") if setting is True else (False, "off (train.compile: false)")

"""Several processes (torchrun) training one model: process group, sharding rules, gradient and state averaging.

`torchrun --nproc_per_node N -m avatargan train ...` starts N copies of the command with RANK / WORLD_SIZE /
LOCAL_RANK / MASTER_ADDR in their environment; `setup()` joins them into one process group (NCCL on GPUs, gloo on
CPUs). How a run is split:

* `train.batch_size` is the *global* batch: each process takes its own `batch_size / N` slice of every global batch
  (`BatchStream(rank=, world_size=)`). The global batches, their order and the step count do not depend on N, so
  a checkpoint's position (epoch, batch within the epoch) means the same images for any N, and a run may be
  resumed with a different number of processes: it continues with the next global batch. What differs with N is
  only how each batch is cut (with per-process batch norm, the statistics of each slice; see below).
* Gradients are averaged over the processes inside `GANModel.optimize` (one flat all-reduce per update), which is
  what DistributedDataParallel's reducer does. The DDP wrapper itself is not used: a GAN step calls D several times
  per backward (real, fake) and freezes D during G's update, which DDP's reducer rejects unless it searches for
  unused parameters every step; averaging in `optimize` has neither problem and no per-family code.
* Batch norm: on GPUs batch-norm layers become `SyncBatchNorm` (statistics over the global batch). PyTorch's
  SyncBatchNorm runs on GPUs only, so on CPUs each process normalises its slice and the running statistics are
  averaged after every step, keeping every process's buffers identical.
* Every process starts from rank 0's weights (broadcast); each draws its own noise (its torch RNG is re-seeded
  from (seed, rank, step) — rank 0 keeps the checkpointed RNG, so a single-process resume stays exact).
* Only rank 0 writes: it creates the run folder and broadcasts the path; logs, samples, checkpoints, exported
  weights and the report are rank 0's. A multi-machine run needs `train.out_root` on a shared file system for
  `--resume` (every process reads the checkpoint).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import torch
import torch.distributed as dist
from torch import nn
from torch._utils import _flatten_dense_tensors, _unflatten_dense_tensors

T = TypeVar("T")


@dataclass(frozen=True)
class Dist:
    """This process's place in the run; `Dist()` is a single-process run."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    owns_group: bool = False  # this process created the process group, so it destroys it at the end

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def launched_world_size() -> int:
    """The process count torchrun (or a test) put in the environment; 1 when started normally."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def setup(device: torch.device) -> Dist:
    """Join the process group described by the environment (no-op for one process); returns this process's place."""
    world = launched_world_size()
    if world <= 1:
        return Dist()
    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    owns = not dist.is_initialized()
    if owns:
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend, rank=rank, world_size=world, store=_attempt_store(rank, world))
    return Dist(rank, world, local_rank, owns)


def _attempt_store(rank: int, world: int) -> dist.Store:
    """The rendezvous store of MASTER_ADDR:MASTER_PORT, with keys of this torchrun attempt only. After a restart
    (`--max-restarts`) the agent's store may still hold the previous group's addresses; a process that read one
    waited on a dead peer. The restart count (TORCHELASTIC_RESTART_COUNT) in the prefix keeps the groups apart."""
    agent_store = os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"
    store = dist.TCPStore(
        os.environ.get("MASTER_ADDR", "127.0.0.1"),
        int(os.environ["MASTER_PORT"]),
        world,
        is_master=rank == 0 and not agent_store,
    )
    return dist.PrefixStore(f"avatargan/attempt{os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')}", store)


def process_device(device: torch.device, d: Dist) -> torch.device:
    """One GPU per process: `cuda` becomes `cuda:<local rank>` (and is made current); CPUs are shared."""
    if d.enabled and device.type == "cuda" and device.index is None:
        device = torch.device("cuda", d.local_rank)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    return device


def teardown(d: Dist) -> None:
    if d.owns_group and dist.is_initialized():
        dist.destroy_process_group()


def barrier(d: Dist) -> None:
    if d.enabled:
        dist.barrier()


@contextlib.contextmanager
def main_first(d: Dist) -> Iterator[None]:
    """Rank 0 runs the block first (e.g. building the data cache), then the others (which find it built)."""
    if not d.is_main:
        barrier(d)
    yield
    if d.is_main:
        barrier(d)


def from_main(d: Dist, make: Callable[[], T]) -> T:
    """`make()` on rank 0, its (picklable) result on every rank: e.g. the run folder rank 0 created."""
    if not d.enabled:
        return make()
    box = [make() if d.is_main else None]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def max_over_ranks(value: int, device: torch.device, d: Dist) -> int:
    """The largest of every process's `value` (e.g. a stop signal's number, 0 for none), so that all processes
    take the same decision at the same step. One tiny all-reduce; a plain return for one process."""
    if not d.enabled:
        return value
    t = torch.tensor([value], dtype=torch.int64, device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return int(t.item())


def local_batch_size(batch_size: int, d: Dist) -> int:
    """Each process's slice of the global batch; the global batch must split evenly."""
    if batch_size % d.world_size:
        raise ValueError(
            f"train.batch_size ({batch_size}) is the global batch and must divide evenly over "
            f"{d.world_size} processes; use a multiple of {d.world_size}"
        )
    return batch_size // d.world_size


def prepare_model(model: nn.Module, device: torch.device, d: Dist) -> nn.Module:
    """Synchronised batch norm where PyTorch supports it (GPUs), and rank 0's weights on every process."""
    if not d.enabled:
        return model
    if device.type == "cuda":
        convert_sync_batchnorm(model)
    broadcast_state(model)
    return model


def convert_sync_batchnorm(model: nn.Module) -> None:
    """Swap every BatchNorm layer inside `model`'s children in place (state dict keys stay the same)."""
    for name, child in list(model.named_children()):
        setattr(model, name, nn.SyncBatchNorm.convert_sync_batchnorm(child))


def broadcast_state(model: nn.Module) -> None:
    """Rank 0's parameters and buffers to every process."""
    with torch.no_grad():
        for t in [*model.parameters(), *model.buffers()]:
            dist.broadcast(t.data, src=0)


def average(tensors: list[torch.Tensor], world_size: int) -> None:
    """In-place mean over the processes, as one flat all-reduce (far fewer messages than one per tensor)."""
    if not tensors:
        return
    flat = _flatten_dense_tensors(tensors)
    dist.all_reduce(flat)
    flat.div_(world_size)
    for t, synced in zip(tensors, _unflatten_dense_tensors(flat, tensors), strict=True):
        t.copy_(synced)


def grad_averager(d: Dist) -> Callable[[list[torch.Tensor]], None] | None:
    """The gradient hook for `precision.Updates` (None for one process)."""
    return (lambda grads: average(grads, d.world_size)) if d.enabled else None


def sync_buffers(model: nn.Module, d: Dist) -> None:
    """Average floating-point buffers (batch-norm running statistics) where SyncBatchNorm could not be used."""
    if d.enabled:
        with torch.no_grad():
            average([b for b in model.buffers() if b.is_floating_point()], d.world_size)


def needs_buffer_sync(model: nn.Module, device: torch.device, d: Dist) -> bool:
    return (
        d.enabled
        and device.type != "cuda"
        and any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
    )


def reseed(seed: int, step: int, d: Dist) -> None:
    """Give every process but rank 0 its own noise stream, reproducible from (seed, rank, step)."""
    if d.enabled and not d.is_main:
        torch.manual_seed((seed * 1_000_003 + d.rank * 7_919 + step) % 2**63)

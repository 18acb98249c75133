"""Where does bf16 change a DCGAN update? Per-layer gradients of one step in fp32 and under bf16 autocast, compared.

    python benchmarks/precision_gradients.py runs/00000-dcgan-anime-faces [--batch 32] [--repeats 4]

Loads the run's latest checkpoint, draws real images of its data and noise, and computes D's and G's gradients
for the same batch twice: in fp32 and under the bf16 autocast the trainer uses (weights fp32, backward outside
autocast, as `blocks/precision.Updates` does). Prints per layer the cosine between the two gradients and the ratio of
their norms, and the same for the batch-norm statistics each forward would fold into the running averages. A cosine
far below 1 or a norm ratio far from 1 in some layer points at where bf16 training drifts from fp32 (the parity gap
in RESULTS.md). Numerics only: bf16 emulated on a CPU without native bf16 gives the same numbers, only slower.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import torch
import torch.nn.functional as F

from avatargan.blocks import losses
from avatargan.data.batches import build_datasets
from avatargan.training.checkpoint import latest_checkpoint, restore_model
from avatargan.training.loop import to_float


def grads(model, real: torch.Tensor, z: torch.Tensor, bf16: bool) -> dict[str, torch.Tensor]:
    """Gradients of D's loss (D's parameters) and G's loss (G's parameters) for one batch; BN running stats kept."""
    model = copy.deepcopy(model)  # the forward passes update BN running statistics: keep the caller's intact
    ctx = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else torch.autocast("cpu", enabled=False)
    kind = model.cfg.loss
    with ctx:
        fake = model.G(z)
        loss_d = losses.d_loss(kind, model.D(real), model.D(fake.detach()))
    loss_d.float().backward()
    out = {f"D.{n}": p.grad.detach().clone() for n, p in model.D.named_parameters() if p.grad is not None}
    model.D.zero_grad(set_to_none=True)
    model.D.requires_grad_(False)
    with ctx:
        loss_g = losses.g_loss(kind, model.D(fake))
    loss_g.float().backward()
    out |= {f"G.{n}": p.grad.detach().clone() for n, p in model.G.named_parameters() if p.grad is not None}
    out |= {f"{name}.running_mean(Δ)": buf.detach().clone() for name, buf in running_means(model).items()}
    return out


def running_means(model) -> dict[str, torch.Tensor]:
    return {n: m.running_mean for n, m in model.named_modules() if isinstance(m, torch.nn.BatchNorm2d)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run", help="a DCGAN run folder with checkpoints")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--repeats", type=int, default=4, help="batches averaged (the cosine per layer is a mean)")
    args = p.parse_args()
    _, state = latest_checkpoint(Path(args.run) / "checkpoints")
    cfg, model = restore_model(state)
    model.train()
    data = build_datasets(cfg.data, ("image",))["image"]
    gen = torch.Generator().manual_seed(0)
    stats: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.repeats):
        idx = torch.randint(len(data), (args.batch,), generator=gen)
        real = to_float(data.batch(idx.sort().values.numpy()), torch.device("cpu"))
        z = model.noise(args.batch, generator=gen)
        a, b = grads(model, real, z, bf16=False), grads(model, real, z, bf16=True)
        for key in a:
            x, y = a[key].flatten().double(), b[key].flatten().double()
            cos = F.cosine_similarity(x, y, dim=0).item()
            ratio = (y.norm() / x.norm().clamp_min(1e-30)).item()
            stats.setdefault(key, []).append((cos, ratio))
    print(f"{args.run}: step {state.get('step')}, batch {args.batch}, {args.repeats} batches; fp32 vs bf16 autocast")
    print(f"{'tensor':<48} {'cosine':>8} {'|bf16|/|fp32|':>14}")
    for key, values in stats.items():
        cos = sum(v[0] for v in values) / len(values)
        ratio = sum(v[1] for v in values) / len(values)
        flag = "  <--" if cos < 0.99 or abs(ratio - 1) > 0.05 else ""
        print(f"{key:<48} {cos:8.4f} {ratio:14.4f}{flag}")


if __name__ == "__main__":
    main()

"""Two ways to do CycleGAN's fp32 training step with fewer, larger convolution calls, timed against the step as it
is (forty-first session, AVX2-only EPYC, where the step runs the same oneDNN kernels as the reference's).

* ``batched``: G(A→B) draws fake B and the identity image of B in one call on [A; B] (and F likewise), each D scores
  its real and pooled images in one call — exact for instance norm, which normalises each image alone.
* ``cl_out``: G's last 7×7 convolution (32 → 3 channels: 23 GFLOP/s in NCHW here) runs in channels_last, its
  output turned back to NCHW.

Kept as the run that decided (neither was adopted); the shapes are `train_speed.py`'s (128 px, batch 4).

    python benchmarks/results/2026-12-06-cpu-avx2-transfer/transfer_step_variants.py --repeats 6 --steps 2
"""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from layout_choice import variant  # noqa: E402
from paired_timing import print_rates, time_arms  # noqa: E402

from avatargan.blocks import losses  # noqa: E402
from avatargan.blocks.augment import for_d  # noqa: E402
from avatargan.blocks.face_losses import weighted_l1  # noqa: E402


class ChannelsLastConv2d(nn.Conv2d):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.contiguous(memory_format=torch.channels_last)).contiguous()


def channels_last_output(model: nn.Module) -> None:
    for g in (model.G_a2b, model.G_b2a):
        old = g.net[-2]
        new = ChannelsLastConv2d(old.in_channels, old.out_channels, old.kernel_size)
        new.load_state_dict(old.state_dict())
        g.net[-2] = new


def batched_step(self, batch: dict[str, torch.Tensor], step: int) -> None:
    """CycleGAN.train_step's losses (no face terms), with the paired G and D calls merged."""
    cfg, kind = self.cfg, self.cfg.loss
    real_a, real_b = batch["a"], batch["b"]
    opt, n_a, n_b = self.optimizers(), len(batch["a"]), len(batch["b"])
    fake_b, idt_b = self.G_a2b(torch.cat([real_a, real_b])).split([n_a, n_b])
    fake_a, idt_a = self.G_b2a(torch.cat([real_b, real_a])).split([n_b, n_a])
    rec_a, rec_b = self.G_b2a(fake_b), self.G_a2b(fake_a)
    self.D_a.requires_grad_(False)
    self.D_b.requires_grad_(False)
    loss_g = (
        cfg.lambda_identity * (weighted_l1(idt_b, real_b, None) + weighted_l1(idt_a, real_a, None))
        + cfg.lambda_gan
        * (losses.g_loss(kind, self.D_b(for_d(cfg, fake_b))) + losses.g_loss(kind, self.D_a(for_d(cfg, fake_a))))
        + cfg.lambda_cycle * (weighted_l1(rec_a, real_a, None) + weighted_l1(rec_b, real_b, None))
    )
    self.optimize(loss_g, opt["g"])
    self.D_a.requires_grad_(True)
    self.D_b.requires_grad_(True)
    loss_d = 0
    for d, pool, real, fake in ((self.D_a, self.pool_a, real_a, fake_a), (self.D_b, self.pool_b, real_b, fake_b)):
        pooled = pool.query(fake)
        scores = d(torch.cat([for_d(cfg, real), for_d(cfg, pooled)]))
        loss_d = loss_d + 0.5 * losses.d_loss(kind, *scores.split([len(real), len(pooled)]))
    self.optimize(loss_d, opt["d"])


def batched(model: nn.Module) -> None:
    model.train_step = types.MethodType(batched_step, model)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=6)
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    prepares = {
        "as it is": None,
        "cl_out": channels_last_output,
        "batched": batched,
        "batched + cl_out": lambda m: (batched(m), channels_last_output(m)),
    }
    arms = {name: variant("cyclegan", "fp32", False, False, prepare=prep)[0] for name, prep in prepares.items()}
    print_rates(time_arms(arms, args.repeats, args.steps, warmup=2), "as it is")


if __name__ == "__main__":
    main()

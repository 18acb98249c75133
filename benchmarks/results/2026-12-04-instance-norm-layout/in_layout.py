"""Would a layout-keeping instance norm let CycleGAN train in channels_last? A prototype, measured once (issue 12).

PyTorch's instance norm runs as batch norm on a (1, N·C, H, W) view, which needs NCHW: in channels_last it copies
its input and output, which is why the trainer keeps the transfer models in NCHW (`layout_choice.py`). This file
writes instance norm from reductions and element-wise operations that keep any layout, with its backward by hand
(checked by `gradcheck` and against PyTorch's norm before timing), swaps it into the model's networks and times the
bf16 training step at `layout_choice.py`'s shape in NCHW and channels_last, with PyTorch's norm and with this one,
paired.

    python benchmarks/results/2026-12-04-instance-norm-layout/in_layout.py [--model cyclegan] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from layout_choice import variant  # noqa: E402
from paired_timing import print_rates, time_arms  # noqa: E402


class _InstanceNorm(torch.autograd.Function):
    """Affine instance norm whose every operation keeps the input's memory layout; statistics in fp32 (or wider)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, eps: float) -> torch.Tensor:
        ct = torch.promote_types(x.dtype, torch.float32)
        xf = x.to(ct)
        mean = xf.mean((2, 3), keepdim=True)
        var = (xf * xf).mean((2, 3), keepdim=True) - mean * mean
        rstd = (var.clamp_min(0) + eps).rsqrt()
        scale = rstd * w.to(ct).view(1, -1, 1, 1)
        shift = b.to(ct).view(1, -1, 1, 1) - mean * scale
        ctx.save_for_backward(x, mean, rstd, w)
        return torch.addcmul(shift, xf, scale).to(x.dtype)

    @staticmethod
    def backward(ctx, g: torch.Tensor):
        x, mean, rstd, w = ctx.saved_tensors
        ct = torch.promote_types(x.dtype, torch.float32)
        gf, xhat = g.to(ct), (x.to(ct) - mean) * rstd
        gy = gf * w.to(ct).view(1, -1, 1, 1)
        # d/dx of (x - mean) * rstd over each (image, channel) plane: the plane means of gy and of gy·x̂ come out
        gx = (gy - gy.mean((2, 3), keepdim=True) - xhat * (gy * xhat).mean((2, 3), keepdim=True)) * rstd
        gw, gb = (gf * xhat).sum((0, 2, 3)), gf.sum((0, 2, 3))
        return gx.to(x.dtype), gw.to(w.dtype), gb.to(w.dtype), None


class LayoutInstanceNorm(nn.Module):
    """Stands in for an affine `nn.InstanceNorm2d`, sharing its parameters."""

    def __init__(self, src: nn.InstanceNorm2d) -> None:
        super().__init__()
        self.weight, self.bias, self.eps = src.weight, src.bias, src.eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _InstanceNorm.apply(x, self.weight, self.bias, self.eps)


def swap_instance_norms(module: nn.Module) -> None:
    for name, child in module.named_children():
        if isinstance(child, nn.InstanceNorm2d):
            setattr(module, name, LayoutInstanceNorm(child))
        else:
            swap_instance_norms(child)


def check() -> None:
    torch.manual_seed(0)
    ref = nn.InstanceNorm2d(8, affine=True)
    nn.init.normal_(ref.weight)
    nn.init.normal_(ref.bias)
    x = torch.randn(2, 8, 6, 6, dtype=torch.double, requires_grad=True)
    w, b = (p.detach().double().requires_grad_() for p in (ref.weight, ref.bias))
    assert torch.autograd.gradcheck(lambda x, w, b: _InstanceNorm.apply(x, w, b, 1e-5), (x, w, b))
    xs = torch.randn(2, 8, 6, 6)
    assert torch.allclose(LayoutInstanceNorm(ref)(xs), ref(xs), atol=1e-5)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="cyclegan", choices=["cyclegan", "cartoongan"])
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    check()
    arms = {}
    for channels_last in (False, True):
        for ours in (False, True):
            step, _ = variant(args.model, "bf16", channels_last, False, prepare=swap_instance_norms if ours else None)
            step()
            step()
            layout, norm = "channels_last" if channels_last else "NCHW", "layout-keeping" if ours else "PyTorch"
            arms[f"{layout} {norm} norm"] = step
    print(f"{torch.get_num_threads()} threads, load {os.getloadavg()[0]:.2f}")
    print_rates(time_arms(arms, args.repeats, 2, warmup=1), "NCHW PyTorch norm")


if __name__ == "__main__":
    main()

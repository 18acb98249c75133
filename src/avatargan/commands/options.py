"""Options several subcommands share, declared once so their spelling and help stay alike."""

from __future__ import annotations

import argparse

PRECISION_HELP = (
    "arithmetic of the networks (autocast). auto (default): bf16 where the hardware computes it natively (CUDA GPUs "
    "with bf16; CPUs with AMX-BF16 or AVX512-BF16, read from /proc/cpuinfo; Arm BF16), else fp32; it says what it "
    "chose and why. fp32 | bf16 | fp16 force a choice: bf16 on a CPU without native support warns (slow), fp16 "
    "needs a CUDA GPU (it adds a gradient scaler)"
)


def add_precision_option(p: argparse.ArgumentParser, extra: str = "", default: str | None = "auto") -> None:
    """The `--precision auto|fp32|bf16|fp16` option (see `avatargan.hardware.resolve_precision`)."""
    p.add_argument(
        "--precision", choices=("auto", "fp32", "bf16", "fp16"), default=default, help=PRECISION_HELP + extra
    )


def add_snapshot_option(p: argparse.ArgumentParser) -> None:
    """`--weights last|best`: which weights of a run folder to use (stored in `args.snapshot`)."""
    p.add_argument(
        "--weights",
        dest="snapshot",
        choices=("last", "best"),
        default="last",
        help="for a run folder: its last weights (generator.safetensors, default) or the best ones by the run's "
        "quality signal (generator-best.safetensors, kept by train.quality_every; the report names its step). "
        "The command says which it uses",
    )


def add_set_option(p: argparse.ArgumentParser, help: str, metavar: str = "KEY=VALUE") -> None:
    """The repeatable `--set section.field=value` config override (collected in `args.overrides`)."""
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar=metavar, help=help)

"""`avatargan benchmark`: train each model for a fixed time on the built-in faces and measure it with the judge."""

from __future__ import annotations

import argparse

from avatargan.commands.options import add_set_option
from avatargan.metrics.catalog import JUDGE_METRICS, help_text

DEFAULT_BUDGET_MINUTES = 12.0  # three models, plus data rendering and measuring, stay within an hour on 2 CPU cores

EPILOG = f"""metrics:
{help_text()}

Writes <out>/benchmark.md (the table), <out>/benchmark.json and <out>/comparison.png (held-out photos, their true
anime faces and every model's output), and keeps each model's run folder under <out>/runs/. FID/KID can be added
with --metrics (slow on a CPU: the Inception network reads about one image a second there)."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "benchmark",
        help="train each model for a fixed budget on the built-in faces and compare them in one table",
        description="The built-in benchmark: the report's conclusion section, measured. Each model trains from its "
        "packaged recipe on the built-in faces for the same time budget and is scored by the judge network.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--models",
        default="dcgan,cyclegan,cartoongan",
        help="comma-separated rows: a family (its smallest packaged recipe: _quick, else _demo, else _paper) or a "
        "packaged recipe by name, e.g. dcgan_demo,dcgan_modern to compare recipes (default: the three families)",
    )
    p.add_argument(
        "--budget-minutes",
        type=float,
        default=DEFAULT_BUDGET_MINUTES,
        metavar="M",
        help=f"training time per model (default {DEFAULT_BUDGET_MINUTES:g})",
    )
    p.add_argument("--metrics", default=",".join(JUDGE_METRICS), help="metrics to compute (default: the judge's)")
    p.add_argument("--n", type=int, default=500, help="samples per model for the metrics (default 500)")
    p.add_argument("--image-size", type=int, default=64, help="image side for every model (default 64)")
    p.add_argument("--count", type=int, default=4000, help="built-in training faces per domain (default 4000)")
    p.add_argument("--out", default="runs/benchmark", help="output folder (default runs/benchmark)")
    p.add_argument("--seed", type=int, default=0, help="noise and subset seed (default 0)")
    p.add_argument("--device", help="auto (default), cpu, cuda or cuda:N")
    p.add_argument(
        "--no-reference",
        action="store_true",
        help="leave out the two yardstick rows (true anime faces; photos unchanged) computed on the same pairs",
    )
    add_set_option(
        p,
        "override one model's field, e.g. --set cartoongan:model.content_backbone=efficientnet-lite0",
        metavar="MODEL:KEY=VALUE",
    )


def run(args: argparse.Namespace) -> dict:
    from avatargan.errors import UserError
    from avatargan.metrics.base import parse_metric_names
    from avatargan.metrics.benchmark import run_benchmark

    if args.budget_minutes <= 0 or args.n < 2:
        raise UserError("--budget-minutes must be positive and --n at least 2")
    parse_metric_names(args.metrics)
    for item in args.overrides:
        if ":" not in item.split("=", 1)[0]:
            raise UserError(f"--set {item!r}: name the model first, e.g. --set cyclegan:train.batch_size=2")
    return run_benchmark(args)

"""`avatargan report RUN_DIR`: (re)write the run's report.html."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write report.html for a run (loss curves, samples, progression, config)",
        description="(Re)write RUN_DIR/report.html; training writes it at its end too.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR")


def run(args: argparse.Namespace) -> Path:
    from avatargan import console
    from avatargan.errors import UserError
    from avatargan.report.html import write_report

    run_dir = Path(args.run_dir)
    if not (run_dir / "config.yaml").is_file():
        raise UserError(f"{run_dir} is not a run folder (no config.yaml inside)")
    out = write_report(run_dir)
    console.info(f"wrote {out}")
    return out

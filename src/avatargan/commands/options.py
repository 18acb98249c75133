"""Options several subcommands share, declared once so their spelling and help stay alike."""

from __future__ import annotations

import argparse


def add_set_option(p: argparse.ArgumentParser, help: str, metavar: str = "KEY=VALUE") -> None:
    """The repeatable `--set section.field=value` config override (collected in `args.overrides`)."""
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar=metavar, help=help)

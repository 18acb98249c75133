"""The `avatargan` command line: builds the parser from `avatargan.commands` and runs the chosen subcommand.

A user's mistake (a missing folder, a corrupt checkpoint, a bad option value), a refused write (full disk) or a
NaN in training ends with one `error:` line and exit status 2, never a traceback. A stop signal during training
(Ctrl-C, SIGTERM, SIGUSR1) finishes the step, writes a checkpoint and exits with 128 + the signal's number (130,
143, 138); a second one exits at once with the same code, writing nothing.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from avatargan import __version__
from avatargan.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="avatargan", description="Train and use GANs that make anime avatars.")
    parser.add_argument("--version", action="version", version=f"avatargan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"avatargan.commands.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from avatargan.errors import UserError
    from avatargan.runtime import keep_freed_memory
    from avatargan.training.loop import TrainingInterrupted

    # every command repeats the same allocations batch after batch: `evaluate` at n = 500 ran 1.27x faster with
    # freed memory kept, 19 million page faults fewer (benchmarks/RESULTS.md, nineteenth session)
    keep_freed_memory()
    try:
        importlib.import_module(f"avatargan.commands.{args.command}").run(args)
    except TrainingInterrupted as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # before training's handlers are set, or a second stop signal (ForcedStop)
        print(f"interrupted{': ' + str(exc) if str(exc) else ''}", file=sys.stderr)
        return getattr(exc, "exit_code", 130)
    return 0


if __name__ == "__main__":
    sys.exit(main())

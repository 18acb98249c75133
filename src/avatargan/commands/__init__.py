"""Subcommands of `avatargan`, one module each: `add_parser(subparsers)` declares its options (imports stay light,
so `--help` is fast) and `run(args)` does the work, importing the heavy parts only then."""

#: in the order `avatargan --help` lists them
COMMANDS = (
    "prepare",
    "train",
    "generate",
    "interpolate",
    "transfer",
    "compare",
    "evaluate",
    "benchmark",
    "report",
    "demo",
    "export",
    "serve",
)

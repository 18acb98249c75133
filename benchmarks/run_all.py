"""`make bench`: every benchmark in turn, results as JSON beside the printed tables (see benchmarks/README.md).

python benchmarks/run_all.py [--quick]     # --quick: fewer repeats and files, to check that everything runs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import data_path  # noqa: E402
import train_speed  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--out", default=str(HERE / "results"), help="folder for the JSON results")
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    small = ["--repeats", "1", "--steps", "1", "--images", "384"] if args.quick else []
    train_speed.main([*small, "--json", str(out / "train_speed.json")])  # equal settings (fp32 on both sides)
    train_speed.main([*small, "--settings", "defaults", "--json", str(out / "train_speed_defaults.json")])
    data_path.main([*small, "--json", str(out / "data_path.json")])


if __name__ == "__main__":
    main()

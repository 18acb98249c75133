"""Export generators for deployment: safetensors weights, ONNX (dynamic batch axis) or TorchScript, JSON beside.

An export is a folder: the model file(s) and `generator.json`. The JSON is the one `weights.py` writes for
safetensors (model family, model config, image size, source) plus, for ONNX and TorchScript, `format`, the file of
each generator and its input (`z`: batch × latent for noise models, `image`: batch × 3 × H × W in [-1, 1] for
transfer models, as the family's declaration `family_spec` says). Only generators are exported: no
discriminator, optimizer or training state.

ONNX goes through torch's `torch.export`-based exporter (the maintained one since torch 2.9; it needs `onnxscript`),
TorchScript through `torch.jit.trace`: both generators are plain feed-forward networks without data-dependent control
flow, so a trace is exact.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from avatargan.errors import CheckpointError, UserError
from avatargan.io_utils import atomic_write_text
from avatargan.weights import (
    META_FILE,
    WEIGHTS_FILE,
    WEIGHTS_VERSION,
    check_format,
    family_spec,
    load_generators,
    save_generators,
)

FORMATS = ("safetensors", "onnx", "torchscript")
#: file name suffix of each graph format (TorchScript archives are zip files that `torch.jit.load` reads)
SUFFIXES = {"onnx": ".onnx", "torchscript": ".torchscript.pt"}
#: the extra that brings the ONNX exporter and runtime
EXPORT_EXTRA = "pip install 'avatargan[export]'"


def input_spec(meta: dict[str, Any]) -> dict[str, Any]:
    """Name and shape of a generator's input ("batch" is the dynamic axis), from the family's declaration."""
    spec = family_spec(meta)
    shape = spec.input_shape(int(meta["image_size"]))
    if spec.kind == "noise":
        return {"name": "z", "shape": shape}
    return {"name": "image", "shape": shape, "range": [-1, 1]}


def example_input(meta: dict[str, Any], batch: int = 2) -> torch.Tensor:
    shape = input_spec(meta)["shape"]
    return torch.randn(batch, *shape[1:], generator=torch.Generator().manual_seed(0))


def _check_folder(out: Path, fmt: str) -> None:
    """Refuse to mix two formats in one folder: their `generator.json` would overwrite each other."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; exports are written into a folder")
    meta_path = out / META_FILE
    if meta_path.is_file():
        existing = json.loads(meta_path.read_text()).get("format", "safetensors")
        if existing != fmt:
            raise UserError(f"{out} already holds an export in {existing} format; choose another --out folder")


def _export_onnx(g: nn.Module, example: torch.Tensor, input_name: str, target: Path) -> None:
    try:
        import onnxscript  # noqa: F401  (the exporter imports it lazily; fail here with the fix instead)
    except ImportError:
        raise UserError(f"ONNX export needs the onnx and onnxscript packages: {EXPORT_EXTRA}") from None
    batch = torch.export.Dim("batch", min=1, max=65536)
    program = torch.onnx.export(
        g,
        (example,),
        input_names=[input_name],
        output_names=["output"],
        dynamic_shapes=({0: batch},),
        dynamo=True,
        external_data=False,
        verbose=False,
    )
    program.save(str(target))


def _export_torchscript(g: nn.Module, example: torch.Tensor, target: Path) -> None:
    with warnings.catch_warnings():  # torch >= 2.10 marks torch.jit deprecated; the format is still widely deployed
        warnings.simplefilter("ignore", FutureWarning)
        traced = torch.jit.trace(g, (example,), check_trace=True)
        torch.jit.save(traced, str(target))


def export(source: str | Path, fmt: str, out: str | Path) -> Path:
    """Export the generator(s) of a run folder, checkpoint or weights into folder `out`; returns the JSON's path."""
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    out = Path(out).expanduser()
    _check_folder(out, fmt)
    generators, meta = load_generators(source, "cpu")
    base = {
        "model": meta["model"],
        "family_spec": family_spec(meta).to_json(),
        "image_size": meta["image_size"],
        "source": str(meta.get("source", source)),
    }
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "safetensors":
        save_generators(generators, base, out)
        return out / META_FILE
    spec = input_spec(meta)
    files = {}
    for name, g in generators.items():
        g = g.float().eval()
        target = out / f"{name}{SUFFIXES[fmt]}"
        example = example_input(meta)
        if fmt == "onnx":
            _export_onnx(g, example, spec["name"], target)
        else:
            _export_torchscript(g, example, target)
        files[name] = target.name
    description = {
        "format_version": WEIGHTS_VERSION,
        "format": fmt,
        "generators": sorted(generators),
        "files": files,
        "input": spec,
        "output": {"name": "output", "shape": ["batch", 3, meta["image_size"], meta["image_size"]], "range": [-1, 1]},
        **base,
    }
    meta_path = out / META_FILE
    atomic_write_text(meta_path, json.dumps(description, indent=2))
    return meta_path


def read_export(path: str | Path) -> tuple[dict[str, Any], dict[str, Path]] | None:
    """(description, {generator: file}) when `path` is an ONNX or TorchScript export (its folder, its JSON or one
    of its model files); None for anything else (run folders, checkpoints, safetensors), which `weights.py` loads."""
    path = Path(path).expanduser()
    if path.is_dir():
        meta_path = path / META_FILE
    elif path.suffix == ".json":
        meta_path = path
    elif path.name.endswith(tuple(SUFFIXES.values())):
        meta_path = path.parent / META_FILE
        if not meta_path.is_file():
            raise CheckpointError(f"{path} has no {META_FILE} beside it (it says which network the file holds)")
    else:
        return None
    if not meta_path.is_file() or (path.is_dir() and (path / WEIGHTS_FILE).is_file()):
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("format", "safetensors") not in SUFFIXES:
        return None
    check_format(meta, meta_path)
    files = {name: meta_path.parent / file for name, file in meta["files"].items()}
    for file in files.values():
        if not file.is_file():
            raise CheckpointError(f"{meta_path} names {file.name}, which is missing beside it")
    return meta, files

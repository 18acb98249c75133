"""Released generator weights: `generator.safetensors` + `generator.json`, loadable without any training state.

The JSON holds what rebuilds the networks (model family, model config, image size), the family's declaration
(`family_spec`: its kind, generators and their inputs; `avatargan.models.spec`) and where the weights came from;
the safetensors file holds each generator's tensors under `<name>.<parameter>`. Files of format 1 (before the
declaration was written) still load: their declaration is rebuilt from the family and its config.
`load_generators` accepts a run folder (its exported weights, or else its newest usable checkpoint), a checkpoint
file, or the weights files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from avatargan.config import build_dataclass
from avatargan.errors import CheckpointError, UserError
from avatargan.io_utils import atomic_path, atomic_write_text
from avatargan.models import model_class
from avatargan.models.spec import FamilySpec
from avatargan.training.checkpoint import latest_checkpoint, load_checkpoint

WEIGHTS_FILE, META_FILE = "generator.safetensors", "generator.json"
#: the best snapshot by the run's quality signal (train.quality_every), kept beside the last weights
BEST_WEIGHTS_FILE = "generator-best.safetensors"
SNAPSHOTS = {"last": WEIGHTS_FILE, "best": BEST_WEIGHTS_FILE}
#: 2: generator.json carries `family_spec`; 1: it did not (read by rebuilding it, see `family_spec`)
WEIGHTS_VERSION = 2


def save_generators(
    generators: dict[str, nn.Module], meta: dict[str, Any], folder: Path, file: str = WEIGHTS_FILE
) -> Path:
    """Write the generators' tensors into `folder/file` (a .safetensors name) and a JSON description beside it
    (same name, .json; `meta` plus the family's declaration when it lacks one); returns the safetensors path."""
    tensors = {
        f"{name}.{k}": v.detach().cpu().contiguous()
        for name, g in generators.items()
        for k, v in g.state_dict().items()
    }
    target = Path(folder) / file
    with atomic_path(target) as tmp:
        save_file(tensors, str(tmp), metadata={"format": "avatargan-generator", "version": str(WEIGHTS_VERSION)})
    meta = {**meta, "family_spec": meta.get("family_spec") or family_spec(meta).to_json()}
    atomic_write_text(
        target.with_suffix(".json"),
        json.dumps({"format_version": WEIGHTS_VERSION, "generators": sorted(generators), **meta}, indent=2),
    )
    return target


def _build(meta: dict[str, Any]) -> tuple[dict[str, nn.Module], Any]:
    cls, cfg = _family(meta)
    return cls.build_generators(cfg, meta["image_size"]), cfg


def _family(meta: dict[str, Any]) -> tuple[Any, Any]:
    """The family class and model config a description names."""
    cls = model_class(meta["model"]["family"])
    return cls, build_dataclass(cls.Config, meta["model"], "model")


def family_spec(meta: dict[str, Any]) -> FamilySpec:
    """The declaration of the family a description (generator.json, an export's JSON, a checkpoint's meta) is
    for: as written, or, for files of format 1, rebuilt from the family and its config."""
    if "family_spec" in meta:
        return FamilySpec.from_json(meta["family_spec"])
    cls, cfg = _family(meta)
    return cls.spec(cfg)


def check_format(meta: dict[str, Any], path: Path | str) -> None:
    """Refuse a description written by a newer avatargan, naming both format versions."""
    version = int(meta.get("format_version", 1))
    if version > WEIGHTS_VERSION:
        raise CheckpointError(
            f"{path} has generator format {version}, newer than this avatargan reads ({WEIGHTS_VERSION}); "
            "upgrade avatargan"
        )


def _from_checkpoint(path: Path) -> tuple[dict[str, nn.Module], dict[str, Any]]:
    payload = load_checkpoint(path)
    meta = {
        "model": payload["config"]["model"],
        "image_size": payload["config"]["data"]["image_size"],
        "source": f"checkpoint {path} (step {payload['step']})",
    }
    generators, _ = _build(meta)
    meta["family_spec"] = family_spec(meta).to_json()
    use_ema = payload.get("ema") is not None
    for name, g in generators.items():
        if use_ema:
            g.load_state_dict(payload["ema"][name])
        else:
            prefix = payload["generator_prefixes"][name]
            g.load_state_dict({k[len(prefix) :]: v for k, v in payload["model"].items() if k.startswith(prefix)})
    meta["ema"] = use_ema
    return generators, meta


def generator_prefixes(model: nn.Module, generators: dict[str, nn.Module]) -> dict[str, str]:
    """Where each generator sits in the training model's state dict (e.g. "generator" → "G."), for checkpoints."""
    names = {id(m): n for n, m in model.named_modules()}
    return {name: names[id(g)] + "." for name, g in generators.items()}


def snapshot_file(folder: Path, snapshot: str) -> Path | None:
    """The weights of a run folder for `snapshot` ("last" or "best"), or None where the run has none."""
    if snapshot not in SNAPSHOTS:
        raise UserError(f"unknown snapshot {snapshot!r}; use {' or '.join(SNAPSHOTS)}")
    path = Path(folder) / SNAPSHOTS[snapshot]
    if path.is_file():
        return path
    if snapshot == "best":
        raise UserError(
            f"{folder} has no {BEST_WEIGHTS_FILE}: only runs trained with train.quality_every > 0 keep the best "
            "snapshot; use --weights last"
        )
    return None


def snapshot_note(meta: dict[str, Any]) -> str:
    """One line for the commands: which weights they use, and the run's other snapshot when it has a best one."""
    source = Path(str(meta.get("source", "")))
    step = f" of step {meta['step']}" if meta.get("step") is not None else ""
    text = f"using the {meta.get('snapshot', 'given')} weights{step}: {source}"
    best = source.parent / BEST_WEIGHTS_FILE
    if meta.get("snapshot") == "last" and best.is_file():
        try:
            best_step = json.loads(best.with_suffix(".json").read_text()).get("step")
        except (OSError, json.JSONDecodeError):
            best_step = "?"
        text += f" (the run's best snapshot is step {best_step}: --weights best)"
    return text


def load_generators(
    path: str | Path, device: torch.device | str = "cpu", snapshot: str = "last"
) -> tuple[dict[str, nn.Module], dict[str, Any]]:
    """Generators (in eval mode on `device`) and their description, from a run folder, checkpoint or weights.
    For a run folder `snapshot` chooses its last weights (default) or its best ones by the quality signal; the
    description says which (`snapshot`, and `step`)."""
    path = Path(path).expanduser()
    if path.is_dir():
        chosen = snapshot_file(path, snapshot)
        if chosen is not None:
            path = chosen
        elif (path / "checkpoints").is_dir():
            ckpt, _ = latest_checkpoint(path / "checkpoints")
            generators, meta = _from_checkpoint(ckpt)
            return {k: g.to(device).eval() for k, g in generators.items()}, meta
        else:
            raise CheckpointError(
                f"{path} holds neither {WEIGHTS_FILE} nor checkpoints/; pass a run folder, "
                "a checkpoint (.pt) or exported weights (.safetensors)"
            )
    if path.suffix == ".pt":
        generators, meta = _from_checkpoint(path)
        return {k: g.to(device).eval() for k, g in generators.items()}, meta
    if path.suffix == ".json":
        path = path.with_suffix(".safetensors")
    meta_path = path.with_suffix(".json")
    if not path.is_file():
        raise CheckpointError(f"weights file {path} does not exist")
    if not meta_path.is_file():
        raise CheckpointError(f"{path} has no {meta_path.name} beside it (it says which network the weights are for)")
    meta = json.loads(meta_path.read_text())
    check_format(meta, meta_path)
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError) as exc:
        raise CheckpointError(f"weights file {path} is unreadable (truncated or corrupt: {exc})") from None
    generators, _ = _build(meta)
    for name, g in generators.items():
        state = {k[len(name) + 1 :]: v for k, v in tensors.items() if k.startswith(name + ".")}
        try:
            g.load_state_dict(state)
        except RuntimeError as exc:
            raise CheckpointError(
                f"weights in {path} do not match the network described in {meta_path.name}: {str(exc).splitlines()[0]}"
            ) from None
    meta["source"] = str(path)
    meta.setdefault("snapshot", "best" if path.name == BEST_WEIGHTS_FILE else "last")
    meta.setdefault("family_spec", family_spec(meta).to_json())  # format 1: rebuilt from the family
    return {k: g.to(device).eval() for k, g in generators.items()}, meta

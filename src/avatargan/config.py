"""Run configuration: dataclasses are the one source of truth; YAML recipes and dotted `--set` overrides fill them.

A run's config has three parts: `model` (a family's own dataclass, chosen by `model.family`), `data` and `train`.
Values from the command line arrive as strings and are converted to each field's declared type, so
`--set model.lr=3e-4` and `--set train.batch_size=64` behave as users expect; each field also declares what it
allows (a `Literal` of choices, a range or rule with `Annotated`, see `config_checks`), checked as it is built.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml

from avatargan.config_checks import (
    Colour,
    Count,
    Decay,
    Device,
    FolderPath,
    MetricNames,
    PositiveFloat,
    PositiveInt,
    Range,
    check_choice,
    check_run,
    check_value,
)
from avatargan.errors import ConfigError
from avatargan.io_utils import atomic_write_text


@dataclass
class ModelConfig:
    """Base of every model family's config; `family` selects the class in the MODELS registry."""

    family: str = ""


@dataclass
class DataConfig:
    """Where images come from and how they are shaped."""

    source: str = "builtin:anime-faces"  # folder, .zip, builtin:NAME, or a trainA/trainB layout for two domains
    source_a: str | None = None  # two-domain models: domain A (photos); overrides `source`'s trainA
    source_b: str | None = None  # two-domain models: domain B (anime); overrides `source`'s trainB
    image_size: Annotated[int, Range(8)] = 64
    builtin_count: PositiveInt = 20000  # images per built-in domain
    builtin_seed: Count = 0  # which built-in "population" of faces
    cache: bool = True  # decode + resize once into a uint8 array on disk (reused by later runs)
    cache_dir: Annotated[str, FolderPath()] | None = None  # default: $AVATARGAN_CACHE or ~/.cache/avatargan
    workers: Count = 0  # data-loader processes; 0 reads in the training process (best for cached data on few cores)
    hflip: bool = True  # random horizontal flips, done on the device
    background: Annotated[str, Colour()] = "white"  # what transparent pixels (RGBA, sprites) are composited on


@dataclass
class TrainConfig:
    """How long and how a run trains, and how often it logs, samples and checkpoints."""

    batch_size: PositiveInt = 128
    epochs: Count = 100
    steps: Count | None = None  # when set, overrides epochs
    max_minutes: PositiveFloat | None = None  # stop (cleanly, with checkpoint and report) after this wall-clock budget
    seed: Count = 0
    device: Device = "auto"  # auto | cpu | cuda | cuda:N
    threads: PositiveInt | None = None  # CPU threads for torch; default: torch's own choice
    # auto | fp32 | bf16 | fp16 (autocast; fp16 adds a gradient scaler, CUDA only). auto: bf16 where the GPU or CPU
    # computes it natively (AMX-BF16, AVX512-BF16), else fp32; config.yaml then holds the choice (avatargan.hardware)
    precision: Literal["auto", "fp32", "bf16", "fp16"] = "auto"
    # NHWC layout (same maths) where it measured faster: not for instance norm, except in bf16 on a CPU with AMX
    channels_last: bool = True
    # torch.compile the networks: auto = where measured to pay (instance-norm models on the CPU in fp32 with
    # AVX-512, or in bf16 with AMX-BF16; runs of ≥ 2,000 steps or a --minutes budget ≥ 6 / 10; see
    # blocks/precision.py compile_pays); true forces it, false never
    compile: Literal["auto", True, False] = "auto"
    # every learning rate falls linearly to 0 over this last fraction of the run (0 = off): of its steps, or of its
    # max_minutes budget when that is further along (a resumed run's budget starts again); on top of a family's own
    # schedule (blocks/schedule.py ramp_down_factor)
    lr_ramp_down: Annotated[float, Range(0, 1)] = 0.0
    # exponential moving average (EMA) of the generator weights; samples, metrics and exports use it (blocks/ema.py)
    ema_kimg: PositiveFloat | None = None  # EMA half-life in thousands of images (StyleGAN2-ADA), batch-independent
    ema_rampup: Annotated[float, Range(0)] = 0.05  # with ema_kimg: half-life ≤ this × images seen so far (0 = none)
    ema_decay: Decay = 0.0  # older form: a fixed per-step decay (0 = off); half-life = batch·ln 0.5/ln decay images
    ema_bn_batches: Count = 8  # batches of noise that recompute the EMA generator's batch-norm statistics (0 = copy)
    log_every: PositiveInt = 20  # steps between stats.jsonl lines
    sample_every: PositiveInt = 500  # steps between sample grids (plus one at every epoch end)
    checkpoint_every: PositiveInt = 1000  # steps between checkpoints (plus one at the end and on a stop signal)
    eval_every: Count = 0  # steps between evaluations appended to metric-<name>.jsonl (0 = off)
    eval_metrics: Annotated[str, MetricNames()] = "fid,kid"  # comma-separated names, see `avatargan evaluate --help`
    eval_n: PositiveInt = 5000  # generated (and real) images per evaluation
    # the quality signal (built-in data: judge coverage × mean valid-face probability; folders: KID), the best snapshot
    # generator-best.safetensors and the collapse warning (training/quality_guard.py)
    quality_every: Count = 0  # steps between quality checks (0 = off)
    quality_n: PositiveInt = 512  # generated (and real) images per quality check
    # a later check whose signal is within this share of the best so far replaces the best snapshot (the built-in
    # signal does not see sharpness: the strict best had a worse FID than the last weights in 26 of 30 runs)
    quality_tolerance: Annotated[float, Range(0, 1, high_open=True)] = 0.05
    # the quality block that ends a run (report.html and console; metrics/quality_block.py); 0 turns a part off
    final_fid_n: Count = 100  # FID and KID on this many generated and real images (small: biased FID, rough KID)
    final_judge_n: Count = 1000  # built-in data: coverage, valid faces and judge_fd on this many images
    keep_checkpoints: Count = 3  # 0 keeps every checkpoint
    sample_count: PositiveInt = 64  # images in each sample grid
    out_root: Annotated[str, FolderPath()] = "runs"


@dataclass
class RunConfig:
    model: ModelConfig
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)


# ----------------------------------------------------------------------------------------------------------------
# Converting strings and YAML values to declared field types


def _coerce(value: Any, annotation: Any, where: str) -> Any:
    origin = typing.get_origin(annotation)
    if origin is Annotated:  # the type, then the field's rules (config_checks)
        base, *rules = typing.get_args(annotation)
        typed = _coerce(value, base, where)
        check_value(typed, tuple(rules), where)
        return typed
    if origin is Literal:
        return check_choice(value, typing.get_args(annotation), where)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if value is None or (isinstance(value, str) and value.lower() in ("none", "null", "")):
            return None
        return _coerce(value, options[0], where)
    if origin in (tuple, list):
        args = typing.get_args(annotation)
        if isinstance(value, str):
            value = yaml.safe_load(value if value.startswith("[") else f"[{value}]")
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        item_type = args[0] if args else Any
        items = [_coerce(v, item_type, where) for v in value]
        return tuple(items) if origin is tuple else items
    if annotation is Any:
        return value
    try:
        if annotation is bool:
            if isinstance(value, str):
                lowered = value.lower()
                if lowered in ("true", "yes", "1", "on"):
                    return True
                if lowered in ("false", "no", "0", "off"):
                    return False
                raise ValueError(value)
            return bool(value)
        if annotation is int:
            number = float(value) if isinstance(value, str) else value
            if isinstance(number, float) and not number.is_integer():
                raise ValueError(value)  # 2.5 is not an int (and is not silently cut to 2)
            return int(number)
        if annotation is float:
            return float(value)
        if annotation is str:
            return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: {value!r} is not a valid {annotation.__name__}") from None
    return value


def build_dataclass(cls: type, values: dict[str, Any], where: str) -> Any:
    """Make `cls` from a dict, converting types and naming any unknown key with the valid ones."""
    hints = typing.get_type_hints(cls, include_extras=True)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ConfigError(
            f"unknown field(s) {', '.join(where + '.' + u for u in unknown)}; "
            f"valid fields of {where}: {', '.join(sorted(names))}"
        )
    kwargs = {k: _coerce(v, hints[k], f"{where}.{k}") for k, v in values.items()}
    return cls(**kwargs)


def check_fields(obj: Any, where: str) -> None:
    """Apply every field's declared type and rule to a dataclass built in code (not through `build_dataclass`)."""
    hints = typing.get_type_hints(type(obj), include_extras=True)
    for f in dataclasses.fields(obj):
        _coerce(getattr(obj, f.name), hints[f.name], f"{where}.{f.name}")


def to_dict(cfg: Any) -> dict[str, Any]:
    """A dataclass tree as plain YAML/JSON-ready values (tuples become lists)."""

    def plain(v: Any) -> Any:
        if isinstance(v, tuple | list):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v

    return plain(dataclasses.asdict(cfg))


def model_config_class(family: str) -> type[ModelConfig]:
    from avatargan.models import model_class  # late import: models import this module

    return model_class(family).Config


def from_dict(values: dict[str, Any]) -> RunConfig:
    values = dict(values)
    model_values = dict(values.pop("model", None) or {})
    family = model_values.get("family")
    if not family:
        raise ConfigError("the config has no model.family (for example: dcgan)")
    data = build_dataclass(DataConfig, values.pop("data", None) or {}, "data")
    train = build_dataclass(TrainConfig, values.pop("train", None) or {}, "train")
    if values:
        raise ConfigError(
            f"unknown top-level config section(s): {', '.join(sorted(values))}; valid sections: model, data, train"
        )
    model = build_dataclass(model_config_class(family), model_values, "model")
    cfg = RunConfig(model=model, data=data, train=train)
    check_run(cfg)
    return cfg


# ----------------------------------------------------------------------------------------------------------------
# Recipes, files and overrides


def recipe_names() -> list[str]:
    folder = resources.files("avatargan") / "configs"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_recipe(name: str) -> dict[str, Any]:
    """The packaged recipe `configs/<name>.yaml` (e.g. dcgan_paper) as a dict."""
    path = resources.files("avatargan") / "configs" / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"no recipe named {name!r}; packaged recipes: {', '.join(recipe_names())}")
    return yaml.safe_load(path.read_text()) or {}


def load_yaml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    try:
        loaded = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}") from None
    if not isinstance(loaded, dict):
        raise ConfigError(f"config file {path} must hold a mapping with model/data/train sections")
    return loaded


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Recursive dict merge: `update` wins, nested sections merge field by field."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def apply_overrides(values: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply `section.field=value` strings (e.g. `train.batch_size=64`); values stay strings until typed."""
    out = values
    for item in overrides:
        key, sep, raw = item.partition("=")
        parts = key.strip().split(".")
        if not sep or len(parts) != 2 or not all(parts):
            raise ConfigError(
                f"--set {item!r}: expected section.field=value, e.g. train.batch_size=64 or model.lr=2e-4"
            )
        section, name = parts
        out = merge(out, {section: {name: raw.strip()}})
    return out


def save_yaml(cfg: RunConfig, path: Path, notes: dict[str, str] | None = None) -> None:
    """Write the config; `notes` ({"train.precision": "auto: ..."}) become comments after those fields' values."""
    lines = yaml.safe_dump(to_dict(cfg), sort_keys=False).splitlines()
    for key, note in (notes or {}).items():
        section, name = key.split(".")
        start = lines.index(f"{section}:")
        for i in range(start + 1, len(lines)):
            if not lines[i].startswith(" "):
                break  # the next section: the field is not in this one
            if lines[i].startswith(f"  {name}:"):
                lines[i] += f"  # {note}"
                break
    atomic_write_text(path, "\n".join(lines) + "\n")

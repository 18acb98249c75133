"""Evaluate generators: make images, gather the reference images, compute metrics, append them to the run.

Noise → image models are compared with real images of their data (`--real`, default: the run's training data).
Transfer models follow the U-GAT-IT protocol: G(test A) against test B; on the built-in domains photo i and anime i
are the same person, so the transfer metrics with ground truth (key points, attributes, movement) apply too.
Each metric appends one JSON line to `metric-<name>.jsonl` in the run folder; the run report plots them.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from torch import nn

from avatargan import console
from avatargan.config import DataConfig, build_dataclass, to_dict
from avatargan.data.builtin.face_params import attributes, sample_face_params
from avatargan.data.cache import cached_images
from avatargan.data.sources import BuiltinFaces, ImageSource
from avatargan.data.spec import BUILTIN_PREFIX, open_source, open_test_domains
from avatargan.errors import UserError
from avatargan.inference import generate, noise
from avatargan.metrics.base import EvalInputs, Metric, all_metrics, parse_metric_names
from avatargan.metrics.inception import find_weights
from avatargan.metrics.judge import ATTRIBUTE_HEADS
from avatargan.pixels import from_uint8, image_to_uint8, to_uint8
from avatargan.weights import family_spec


def run_dir_of(path: str | Path) -> Path | None:
    """The run folder a weights/checkpoint path belongs to (the folder holding config.yaml), if any."""
    path = Path(path).expanduser().resolve()
    for folder in (path, path.parent, path.parent.parent):
        if (folder / "config.yaml").is_file():
            return folder
    return None


def run_data_config(run_dir: Path | None) -> DataConfig:
    if run_dir is None:
        return DataConfig()
    values = yaml.safe_load((run_dir / "config.yaml").read_text()) or {}
    return build_dataclass(DataConfig, values.get("data") or {}, "data")


# ----------------------------------------------------------------------------------------------------------------
# Images


def source_images(source: ImageSource, size: int, n: int, cache_dir: str | None, seed: int = 0) -> torch.Tensor:
    """Up to `n` images of `source` at `size` as uint8 N×3×H×W: all of them, or a seeded random subset."""
    arr = np.load(cached_images(source, size, cache_dir, processes=1), mmap_mode="r")
    picks = np.arange(len(arr)) if len(arr) <= n else np.sort(np.random.default_rng(seed).permutation(len(arr))[:n])
    return torch.from_numpy(np.ascontiguousarray(arr[picks])).permute(0, 3, 1, 2).contiguous()


def real_set_key(source: ImageSource, size: int, count: int, seed: int = 0) -> str:
    """The cache key of a reference set's features: which source (name and content fingerprint), at what size, how
    many images and which seeded subset (`source_images`), so any caller scoring against the same set reuses them."""
    return f"{source.name}|{source.fingerprint()}|{size}px|{count}|{seed}"


def first_images(source: ImageSource, size: int, n: int) -> torch.Tensor:
    """The first `n` images of `source` at `size` as uint8 N×3×H×W, in order (paired sources stay paired), read
    directly rather than through the cache."""
    return torch.stack([image_to_uint8(source.load(i, size)) for i in range(n)])


def builtin_labels(source: BuiltinFaces) -> torch.Tensor:
    """True attribute classes (judge head order) of every face of a built-in source."""
    rows = []
    for i in range(len(source)):
        attrs = attributes(sample_face_params(source.offset + i, source.seed))
        rows.append([int(attrs[k]) for k in ATTRIBUTE_HEADS])
    return torch.tensor(rows, dtype=torch.long)


def held_out_builtin(spec: str, cfg: DataConfig, n: int) -> BuiltinFaces | None:
    """Built-in faces after the training ones (people the model never saw), or None for other specs."""
    if not spec.startswith(BUILTIN_PREFIX):
        return None
    train = open_source(spec, cfg)
    return BuiltinFaces(train.style, n, train.seed, offset=train.count) if isinstance(train, BuiltinFaces) else None


@torch.inference_mode()
def noise_images(g: nn.Module, latent_dim: int, n: int, seed: int, batch_size: int) -> torch.Tensor:
    return to_uint8(generate(g, noise(n, latent_dim, seed), batch_size))


@torch.inference_mode()
def transfer_images(g: nn.Module, images: torch.Tensor, batch_size: int) -> torch.Tensor:
    device = next(g.parameters()).device
    out = []
    for i in range(0, len(images), batch_size):
        x = from_uint8(images[i : i + batch_size].to(device))
        out.append(to_uint8(g(x).float().cpu()))
    return torch.cat(out)


# ----------------------------------------------------------------------------------------------------------------
# Evaluation


def build_inputs(
    generators: dict[str, nn.Module],
    meta: dict[str, Any],
    data: DataConfig,
    n: int,
    real: str | None = None,
    source: str | None = None,
    seed: int = 0,
    batch_size: int = 64,
) -> tuple[EvalInputs, str]:
    """Generated and reference images for `generators`; returns the inputs and a description of the protocol."""
    size = int(meta["image_size"])
    cfg = replace(data, image_size=size)
    device = next(next(iter(generators.values())).parameters()).device
    common = {"device": device, "batch_size": batch_size, "cache_dir": cfg.cache_dir}
    family = family_spec(meta)
    if family.main_generator not in generators:
        raise UserError(
            f"cannot evaluate a {family.kind} model with generators {sorted(generators)}: "
            f"it needs its {family.main_generator} generator"
        )
    main = generators[family.main_generator]  # noise → image, or photo → anime
    if family.kind == "noise":
        spec = real or cfg.source
        ref = open_source(spec, cfg)
        real_images = source_images(ref, size, n, cfg.cache_dir, seed)
        fake = noise_images(main, int(family.latent_dim or 0), n, seed, batch_size)
        key = real_set_key(ref, size, len(real_images), seed)
        return EvalInputs(fake, real_images, key, **common), f"{n} samples vs {len(real_images)} images of {spec}"
    spec_a = source or cfg.source_a or cfg.source
    spec_b = real or cfg.source_b or cfg.source
    held_a, held_b = held_out_builtin(spec_a, cfg, n), held_out_builtin(spec_b, cfg, n)
    test = open_test_domains(replace(cfg, source_a=spec_a, source_b=spec_b), ("a", "b"))
    src_a = held_a or test.get("a") or open_source(spec_a, cfg)
    src_b = held_b or test.get("b") or open_source(spec_b, cfg)
    images_a = source_images(src_a, size, n, cfg.cache_dir, seed)
    images_b = source_images(src_b, size, n, cfg.cache_dir, seed)
    fake = transfer_images(main, images_a, batch_size)
    key = real_set_key(src_b, size, len(images_b), seed)
    inputs = EvalInputs(fake, images_b, key, source=images_a, **common)
    paired = held_a and held_b and held_a.style == "photo" and held_b.style == "anime" and held_a.seed == held_b.seed
    if paired:  # the same people in both styles: ground truth for the transfer metrics
        inputs.target, inputs.target_labels = images_b, builtin_labels(held_b)
    what = "G(test A) vs test B" + (" (ground-truth pairs)" if paired else "")
    return inputs, f"{what}: {len(images_a)} of {src_a.name} → vs {len(images_b)} of {src_b.name}"


def compute(inputs: EvalInputs, names: list[str], verbose: bool = True) -> dict[str, dict[str, float]]:
    """The chosen metrics' values; metrics whose inputs are missing (e.g. pairs on user data) are skipped.
    `verbose` prints each value as it is computed."""
    known: dict[str, Metric] = all_metrics()
    results: dict[str, dict[str, float]] = {}
    for name in names:
        m = known[name]
        if not m.available(inputs):
            console.warn(f"metric {name} skipped: it needs {' and '.join(m.needs)} images this evaluation lacks")
            continue
        started = time.perf_counter()
        values = m.compute(inputs)
        results[name] = {k: round(float(v), 6) for k, v in values.items()}
        if verbose:
            console.info(f"{name}: {format_values(results[name])} ({time.perf_counter() - started:.0f}s)")
    return results


def format_values(values: dict[str, float]) -> str:
    head = next(iter(values))
    text = f"{values[head]:.4g}"
    if f"{head}_std" in values:
        text += f" ± {values[head + '_std']:.3g}"
    return text


def append_results(run_dir: Path, step: int | None, results: dict[str, dict[str, float]], protocol: str) -> None:
    """One line per metric in `metric-<name>.jsonl` (the StyleGAN2-ADA layout), read by the run report."""
    for name, values in results.items():
        line = {"step": step, "time": time.time(), "protocol": protocol, **values}
        with open(run_dir / f"metric-{name}.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")


def step_of(meta: dict[str, Any]) -> int | None:
    if "step" in meta:
        return int(meta["step"])
    m = re.search(r"step (\d+)", str(meta.get("source", "")))
    return int(m.group(1)) if m else None


def evaluate_generators(
    generators: dict[str, nn.Module],
    meta: dict[str, Any],
    data: DataConfig,
    names: list[str],
    n: int,
    run_dir: Path | None = None,
    step: int | None = None,
    **options: Any,
) -> dict[str, dict[str, float]]:
    """Evaluate, print and (with `run_dir`) append the results to the run's metric files."""
    inception_weights = options.pop("inception_weights", None)
    if any(name in ("fid", "kid") for name in names):  # a missing Inception file fails before minutes of sampling
        find_weights(inception_weights)
        device = next(next(iter(generators.values())).parameters()).device
        if device.type == "cpu" and n > 2000:
            console.warn(
                f"FID/KID of {n} images per side on the CPU reads {2 * n} images with Inception-v3 (a few per "
                "second here, so possibly hours); a GPU, or --n 1000 for a rougher estimate, is much faster"
            )
    inputs, protocol = build_inputs(generators, meta, data, n, **options)
    inputs.inception_weights = inception_weights
    console.info(f"evaluating {', '.join(names)} on {protocol}")
    results = compute(inputs, names)
    if run_dir is not None:
        append_results(run_dir, step, results, protocol)
    return results


def evaluate_in_training(
    generators: dict[str, nn.Module],
    cfg: Any,
    run_dir: Path | None,
    step: int,
    names: list[str] | None = None,
    n: int | None = None,
    memo: dict[str, Any] | None = None,
) -> dict[str, dict[str, float]]:
    """The trainer's hook: evaluate the current generators in eval mode, then restore them. By default the run's
    `train.eval_metrics` on `train.eval_n` images, printed and appended to the run's metric files; with `names`
    and `n` given (the quality signal and block), quietly, and `memo` carries the real side's features from one
    call to the next (generated images change between calls, the real ones do not)."""
    modes = {name: g.training for name, g in generators.items()}
    meta = {"model": to_dict(cfg.model), "image_size": cfg.data.image_size}
    try:
        for g in generators.values():
            g.eval()
        if names is None:
            names = parse_metric_names(cfg.train.eval_metrics)
            return evaluate_generators(generators, meta, cfg.data, names, cfg.train.eval_n, run_dir=run_dir, step=step)
        inputs, _ = build_inputs(generators, meta, cfg.data, n or cfg.train.eval_n, seed=cfg.train.seed)
        if memo is not None:
            inputs.memo.update(memo)
        results = compute(inputs, names, verbose=False)
        if memo is not None:
            memo.update({k: v for k, v in inputs.memo.items() if "fake" not in k})
        return results
    finally:
        for name, g in generators.items():
            g.train(modes[name])

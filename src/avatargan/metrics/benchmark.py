"""The built-in benchmark: train each model for the same time budget on the built-in faces, measure it with the
judge (and optionally FID/KID), and write one table (markdown + JSON) and one comparison sheet.

Every model starts from its smallest packaged recipe (`configs/<model>_quick.yaml`, else `_demo`, else `_paper`;
the family's defaults when it has none) with only what the benchmark must fix overridden: the built-in data (anime
faces for DCGAN; photo → anime faces for the transfer models), the image size, the time budget and the cadence of
samples/checkpoints; `--set MODEL:section.field=value` changes one model's field. A model whose family is not in
this build is reported as missing, and one that fails is reported as failed, never losing the others' results.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from avatargan import config as config_mod
from avatargan import console
from avatargan.config import DataConfig
from avatargan.data.builtin.faces import render_face
from avatargan.errors import UserError
from avatargan.inference import generate, noise
from avatargan.metrics.base import EvalInputs, parse_metric_names
from avatargan.metrics.catalog import JUDGE_METRICS, METRIC_MEANINGS
from avatargan.metrics.evaluate import builtin_labels, compute, evaluate_generators, held_out_builtin, source_images
from avatargan.models import family_names
from avatargan.pixels import from_uint8
from avatargan.report.figures import labelled_columns, save_image
from avatargan.training.loop import Trainer
from avatargan.weights import family_spec, load_generators

DEFAULT_MODELS = ("dcgan", "cyclegan", "cartoongan")
# The smallest packaged recipe of each family first: the budget is minutes, and a paper-size network on a CPU
# would take a few dozen steps in it. The table names the recipe each model used.
RECIPE_PREFERENCE = ("quick", "demo", "paper")
GENERATION_METRICS = ("judge_fd", "attr_coverage", "valid_faces")
SHEET_ROWS = 8


@dataclass
class Entry:
    model: str
    status: str = "ok"  # ok | missing | failed
    note: str = ""  # where the config came from, or why the model is missing / failed
    run_dir: str | None = None
    steps: int | None = None
    minutes: float | None = None
    results: dict[str, dict[str, float]] = field(default_factory=dict)


def benchmark_overrides(model: str, image_size: int, minutes: float, count: int, out_root: Path) -> list[str]:
    """What the benchmark fixes on top of a family's recipe (everything else stays the recipe's)."""
    common = [
        f"data.image_size={image_size}",
        f"data.builtin_count={count}",
        "train.epochs=100000",
        "train.steps=none",
        f"train.max_minutes={minutes}",
        "train.sample_every=1000000",
        "train.checkpoint_every=1000000",
        "train.log_every=10",
        f"train.out_root={out_root}",
    ]
    if model == "dcgan":
        return [*common, "data.source=builtin:anime-faces"]
    return [*common, "data.source_a=builtin:photo-faces", "data.source_b=builtin:anime-faces"]


def family_of(model: str) -> str:
    """A row's family: the name itself (`dcgan`), or the family of the packaged recipe it names (`dcgan_modern`)."""
    if model in config_mod.recipe_names():
        return str(config_mod.load_recipe(model).get("model", {}).get("family", model))
    return model


def resolve(model: str, overrides: list[str]) -> tuple[config_mod.RunConfig, str] | str:
    """The row's benchmark config and where it came from, or why the model is missing. A row is a family (its
    smallest packaged recipe) or a packaged recipe by name, so recipes of one family compare in one table."""
    try:
        families = family_names()
    except Exception as exc:  # a family module that does not import yet is "missing", not a crash
        return f"its model code does not import ({type(exc).__name__}: {exc})"
    family = family_of(model)
    if family not in families:
        return f"no model family {family!r} in this build (available: {', '.join(families)})"
    try:
        return _config(model, overrides)
    except UserError as exc:  # e.g. a recipe naming a field this build's family lacks
        return f"its config does not resolve: {exc}"


def _config(model: str, overrides: list[str]) -> tuple[config_mod.RunConfig, str]:
    recipes = config_mod.recipe_names()
    values, origin = {"model": {"family": model}}, f"{model} defaults (no packaged recipe)"
    for name in (model, *(f"{model}_{suffix}" for suffix in RECIPE_PREFERENCE)):
        if name in recipes:
            values, origin = config_mod.load_recipe(name), f"recipe {name}"
            break
    return config_mod.from_dict(config_mod.apply_overrides(values, overrides)), origin


def run_one(model: str, args: Any, out: Path) -> Entry:
    entry = Entry(model)
    own = [o.split(":", 1)[1] for o in args.overrides if o.startswith(f"{model}:")]
    family = family_of(model)
    overrides = benchmark_overrides(family, args.image_size, args.budget_minutes, args.count, out / "runs") + own
    cfg = resolve(model, overrides)
    if isinstance(cfg, str):
        entry.status, entry.note = "missing", cfg
        console.warn(f"benchmark: {model} is missing: {cfg}")
        return entry
    cfg, entry.note = cfg
    if args.device:
        cfg.train.device = args.device

    started = time.monotonic()
    try:
        trainer = Trainer(cfg)
        run_dir = trainer.run()
        entry.run_dir, entry.steps = str(run_dir), trainer.pos.step
        entry.minutes = round((time.monotonic() - started) / 60, 2)
        generators, meta = load_generators(run_dir, trainer.device)
        names = [n for n in parse_metric_names(args.metrics) if family != "dcgan" or n not in _PAIR_ONLY]
        entry.results = evaluate_generators(
            generators, meta, cfg.data, names, args.n, run_dir=run_dir, step=entry.steps, seed=args.seed
        )
    except (UserError, RuntimeError, ValueError, OSError) as exc:  # one model's failure must not lose the others
        entry.status, entry.note = "failed", f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        console.warn(f"benchmark: {model} failed: {entry.note}")
    return entry


_PAIR_ONLY = ("keypoint_error", "attr_preservation", "movement")


def headline(values: dict[str, float]) -> str:
    key = next(iter(values))
    text = f"{values[key]:.3f}"
    return text + (f" ± {values[key + '_std']:.3f}" if f"{key}_std" in values else "")


def markdown_table(entries: list[Entry], metrics: list[str], budget: float, n: int) -> str:
    lines = [
        f"Built-in benchmark: each model trained for {budget:g} min on the built-in faces, then measured on "
        f"{n} samples (transfer: held-out photo → anime pairs of the same people).",
        "",
        "| model | status | config | steps | minutes | " + " | ".join(metrics) + " |",
        "|---|---|---|---|---|" + "---|" * len(metrics),
    ]
    for e in entries:
        cells = [headline(e.results[m]) if m in e.results else "–" for m in metrics]
        status, origin = (e.status, e.note) if e.status == "ok" else (f"{e.status}: {e.note}", "–")
        row = f"| {e.model} | {status} | {origin} | {e.steps or '–'} | {e.minutes or '–'} | "
        lines.append(row + " | ".join(cells) + " |")
    lines += ["", "Metrics:"] + [f"- `{m}`: {METRIC_MEANINGS[m]}" for m in metrics]
    return "\n".join(lines) + "\n"


def comparison_sheet(entries: list[Entry], out: Path, seed: int) -> Path | None:
    """Held-out photos, their true anime faces, and every trained model's output side by side."""
    done = [e for e in entries if e.status == "ok" and e.run_dir]
    if not done:
        return None
    size = int(load_generators(done[0].run_dir)[1]["image_size"])
    photos = _faces("photo", size, render_face)
    columns: list[tuple[str, torch.Tensor]] = [("photo", photos), ("true anime", _faces("anime", size, render_face))]
    for e in done:
        generators, meta = load_generators(e.run_dir)
        spec = family_spec(meta)
        g = generators[spec.main_generator]
        if spec.kind == "noise":  # noise models draw other people: a row is not a pair for them
            z = noise(SHEET_ROWS, int(spec.latent_dim or 0), seed)
            columns.append((f"{e.model} (noise)", generate(g, z)))
        else:
            with torch.inference_mode():
                columns.append((e.model, g(from_uint8(photos))))
    return save_image(labelled_columns(columns, scale=max(1, 96 // size)), out / "comparison.png")


def _faces(style: str, size: int, render: Any) -> torch.Tensor:
    # people far beyond any training index, the same ones in both styles
    arrays = [np.asarray(render(900_000 + i, 0, style, size)) for i in range(SHEET_ROWS)]
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()


def reference_entries(args: Any, names: list[str]) -> list[Entry]:
    """Two yardsticks on the same held-out pairs: the true anime faces (what a perfect transfer scores) and the
    photos unchanged (what an identity map scores)."""
    cfg = DataConfig(image_size=args.image_size, builtin_count=args.count)
    photo_src = held_out_builtin("builtin:photo-faces", cfg, args.n)
    anime_src = held_out_builtin("builtin:anime-faces", cfg, args.n)
    photos = source_images(photo_src, args.image_size, args.n, None)
    anime = source_images(anime_src, args.image_size, args.n, None)
    labels = builtin_labels(anime_src)
    out = []
    for title, fake in (("reference: true anime faces", anime), ("reference: photo unchanged (identity)", photos)):
        inputs = EvalInputs(fake, anime, None, source=photos, target=anime, target_labels=labels)
        out.append(Entry(title, note="same held-out pairs", results=compute(inputs, names)))
    return out


def run_benchmark(args: Any) -> dict[str, Any]:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    if not models:
        raise UserError("--models is empty; e.g. --models dcgan,cyclegan,cartoongan")
    entries = []
    for model in models:
        console.info(f"benchmark: {model} ({args.budget_minutes:g} min budget)")
        entries.append(run_one(model, args, out))
    metric_names = [n for n in args.metrics.split(",") if n]
    if not args.no_reference:
        entries += reference_entries(args, metric_names)
    table = markdown_table(entries, metric_names, args.budget_minutes, args.n)
    (out / "benchmark.md").write_text(table)
    sheet = comparison_sheet(entries, out, args.seed)
    summary = {
        "budget_minutes": args.budget_minutes,
        "image_size": args.image_size,
        "n": args.n,
        "metrics": {m: METRIC_MEANINGS[m] for m in metric_names},
        "models": [e.__dict__ for e in entries],
        "comparison_sheet": str(sheet) if sheet else None,
        "device": str(torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))),
    }
    (out / "benchmark.json").write_text(json.dumps(summary, indent=2) + "\n")
    console.info(table)
    console.info(f"wrote {out / 'benchmark.md'}, {out / 'benchmark.json'}" + (f", {sheet}" if sheet else ""))
    return summary


__all__ = ["DEFAULT_MODELS", "JUDGE_METRICS", "run_benchmark"]

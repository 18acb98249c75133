"""What the recipe benchmarks share: arms (a recipe plus overrides), the budget and seed options, one training run
per arm and seed with the project's Trainer, and the summary (mean and spread between seeds) as JSON and markdown.

Used by `dcgan_recipes.py`, `transfer_recipes.py` and `landmark_loss_ab.py`; each script brings its own arms, its
smoke overrides and a `score(run_dir, cfg)` function, and this module does the rest alike for all of them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from avatargan import config as config_mod
from avatargan import console
from avatargan.errors import UserError
from avatargan.io_utils import atomic_write_text
from avatargan.training.checkpoint import list_checkpoints
from avatargan.training.loop import Trainer, TrainingInterrupted
from avatargan.training.stats import read_stats, training_seconds


@dataclass
class Arm:
    """One row of a comparison: a packaged recipe and the overrides that make this arm differ from it."""

    label: str
    recipe: str
    overrides: list[str] = field(default_factory=list)

    @property
    def family(self) -> str:
        return str(config_mod.load_recipe(self.recipe)["model"]["family"])


def parse_arm(text: str) -> Arm:
    """`--arm "LABEL RECIPE [KEY=VALUE ...]"`, e.g. "cycle5 cyclegan_modern model.lambda_cycle=5"."""
    parts = text.split()
    if len(parts) < 2 or any("=" not in p for p in parts[2:]):
        raise argparse.ArgumentTypeError(f"{text!r}: expected 'LABEL RECIPE [section.field=value ...]'")
    return Arm(parts[0], parts[1], parts[2:])


def add_arm_options(p: argparse.ArgumentParser, default_recipes: str) -> None:
    """--recipes (one arm per packaged recipe) and --arm (an extra row: a recipe with overrides)."""
    p.add_argument("--recipes", default=default_recipes, help=f"packaged recipes, comma-separated ({default_recipes})")
    p.add_argument(
        "--arm",
        dest="arms",
        action="append",
        default=[],
        type=parse_arm,
        metavar='"LABEL RECIPE [KEY=VALUE ...]"',
        help='an extra row: a recipe with overrides, e.g. "cycle10 cyclegan_modern model.lambda_cycle=10"',
    )


def arms_of(args: argparse.Namespace) -> list[Arm]:
    """The arms --recipes and --arm name, in that order."""
    return [Arm(r, r) for r in args.recipes.split(",") if r] + args.arms


def add_common_options(
    p: argparse.ArgumentParser, default_out: str, default_seeds: str = "0,1", default_baseline: str | None = None
) -> None:
    """--seeds, the budget (--minutes | --steps), --precision, --set, --out, --baseline and --smoke."""
    p.add_argument("--seeds", default=default_seeds, help=f"training seeds, comma-separated (default {default_seeds})")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float, help="wall-clock budget of each training run")
    budget.add_argument(
        "--steps",
        type=parse_steps,
        help="steps of each training run: N for every arm (equal steps), or NAME=N,... per arm label or recipe (a "
        "wall-clock budget converted to steps at rates measured on a quiet machine)",
    )
    p.add_argument("--precision", default="auto", help="train.precision of every run (default auto)")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="[NAME:]KEY=VALUE",
        help="a config override for every run, or only for the runs whose arm label, recipe or model family is "
        "NAME (e.g. --set cartoongan:model.content_backbone=efficientnet-lite0)",
    )
    p.add_argument("--out", default=f"{default_out}-{time.strftime('%Y-%m-%d-%H%M')}", help="results folder")
    p.add_argument(
        "--baseline",
        default=default_baseline,
        metavar="ARM",
        help="the results page compares every other arm with this one, naming a difference only where it exceeds "
        f"both arms' spread between seeds (default: {default_baseline or 'no comparison'})",
    )
    p.add_argument("--smoke", action="store_true", help="tiny shapes, 4 steps, tiny n: proves the script works")


def parse_steps(text: str) -> int | dict[str, int]:
    """`--steps 3000` (every arm) or `--steps cyclegan_paper=40,cyclegan_modern=1200` (per arm label or recipe)."""
    try:
        if "=" not in text:
            return int(text)
        pairs = [item.split("=", 1) for item in text.split(",") if item]
        return {name.strip(): int(value) for name, value in pairs}
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected N or NAME=N,NAME=N,...") from None


def steps_for(args: argparse.Namespace, arm: Arm) -> int:
    """The step budget of `arm`: the one number, or its entry by label (first) or recipe."""
    if isinstance(args.steps, int):
        return args.steps
    for name in (arm.label, arm.recipe):
        if name in args.steps:
            return args.steps[name]
    raise UserError(f"--steps names no budget for {arm.label!r} (it gives: {', '.join(args.steps)})")


def budget_text(args: argparse.Namespace) -> str:
    if args.minutes is not None:
        return f"{args.minutes} min of wall-clock"
    if isinstance(args.steps, int):
        return f"{args.steps} steps"
    if isinstance(args.steps, dict):
        return "steps per arm (" + ", ".join(f"{k}: {v}" for k, v in args.steps.items()) + ")"
    return "as the per-run table says"


def check_budget(p: argparse.ArgumentParser, args: argparse.Namespace, needed: bool = True) -> None:
    if args.smoke:
        args.steps, args.minutes = 4, None
    if needed and args.minutes is None and args.steps is None:
        p.error("give the budget: --minutes M (equal wall-clock) or --steps N (equal steps)")
    args.argv = sys.argv[1:]


def seeds(args: argparse.Namespace) -> list[int]:
    return [int(s) for s in str(args.seeds).split(",") if s.strip()]


def _own(overrides: Sequence[str], arm: Arm) -> list[str]:
    """The `--set` values that apply to `arm`: unprefixed ones, and those prefixed with its label, recipe or family."""
    names = {arm.label, arm.recipe, arm.family}
    out = []
    for item in overrides:
        key = item.split("=", 1)[0]
        if ":" in key:
            name, item = item.split(":", 1)
            if name not in names:
                continue
        out.append(item)
    return out


def run_config(args: argparse.Namespace, arm: Arm, seed: int, smoke: dict[str, list[str]]) -> config_mod.RunConfig:
    """The arm's recipe with the benchmark's fixed settings, the arm's overrides and the user's `--set` on top."""
    overrides = [
        f"train.seed={seed}",
        # a folder per arm and seed: invocations sharing --out never number runs in the same folder at once
        f"train.out_root={Path(args.out) / 'runs' / arm.label / f'seed{seed}'}",
        f"train.precision={args.precision}",
        "train.final_fid_n=0",  # scored by the script, alike for every run
        "train.final_judge_n=0",
    ]
    if args.minutes is not None:
        overrides += [f"train.max_minutes={args.minutes}", "train.steps=10000000"]
    else:
        overrides.append(f"train.steps={steps_for(args, arm)}")
    if getattr(args, "images", None):
        overrides.append(f"data.builtin_count={args.images}")
    user = list(args.overrides)
    if args.smoke:
        user = smoke.get("all", []) + smoke.get(arm.family, []) + user
    values = config_mod.apply_overrides(config_mod.load_recipe(arm.recipe), overrides + arm.overrides + _own(user, arm))
    return config_mod.from_dict(values)


def run_arms(
    args: argparse.Namespace,
    arms: Sequence[Arm],
    score: Callable[[Path, config_mod.RunConfig], list[dict[str, Any]]],
    smoke: dict[str, list[str]],
    json_name: str = "results.json",
) -> list[dict[str, Any]]:
    """Train every arm for every seed and score each run; `score` returns one row per snapshot it scores. A run
    that fails with a user error (e.g. missing backbone weights) becomes a row with its reason, and the others go on.
    Rows are written to `--out/<json_name>` as they come, so an interrupted comparison keeps what it measured, and
    the same command into the same --out continues it: runs it (or another invocation into that --out) scored are
    kept, a run stopped part-way resumes from its last checkpoint (bit-exact, as `avatargan train --resume`), and
    only what is missing is trained. A stop signal (Ctrl-C, SIGTERM) ends the whole comparison, not only the run it
    stopped.
    Every run's config is resolved before the first run, so a mistyped override, or a stopped run with other
    settings than this command's, stops the script at once."""
    plan = []  # (arm, seed, config, the stopped run to continue or None)
    for arm in arms:
        for seed in seeds(args):
            cfg = run_config(args, arm, seed, smoke)
            if (stopped := resumable_run(args, cfg)) is not None:
                check_same_settings(stopped, cfg)
            plan.append((arm, seed, cfg, stopped))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    own = out / json_name
    scored = [r for r in previous_rows(own) if "failed" not in r]
    # runs another invocation into this --out scored (one per core): neither trained again nor filed twice
    elsewhere = [r for p in invocation_files(out) if p != own for r in previous_rows(p) if "failed" not in r]
    rows: list[dict[str, Any]] = []  # this invocation's, written to `own`
    shared: list[dict[str, Any]] = []  # scored by another invocation: returned, not written again
    for number, (arm, seed, cfg, stopped) in enumerate(plan, 1):
        kept = [r for r in scored if r["arm"] == arm.label and r["seed"] == seed]
        other = [r for r in elsewhere if r["arm"] == arm.label and r["seed"] == seed]
        if kept or other:
            console.info(f"== run {number} of {len(plan)}: {arm.label}, seed {seed}: scored before, kept")
            rows += kept
            shared += [] if kept else other
            continue
        console.info(
            f"== run {number} of {len(plan)}: {arm.label} ({arm.recipe} {' '.join(arm.overrides)}), seed {seed}"
        )
        base: dict[str, Any] = {"arm": arm.label, "recipe": arm.recipe, "overrides": arm.overrides, "seed": seed}
        try:
            if stopped is not None:
                console.info(f"continuing the stopped run {stopped}")
                cfg = config_of_run(stopped)  # what it trained with: auto precision and compile as chosen then
            trainer = Trainer(cfg, stopped, resume=stopped is not None)
            resumed_step = trainer.pos.step
            run_dir = trainer.run()
            base |= {"run": str(run_dir), "steps": trainer.pos.step}
            # the whole run's training time, a continued run's earlier part included and the pause left out
            base["train_seconds"] = round(training_seconds(read_stats(run_dir))[0], 1)
            if stopped is not None:
                base["resumed_from_step"] = resumed_step
            rows += [{**base, **r} for r in score(run_dir, cfg)]
        except TrainingInterrupted:
            write_json(own, args, rows + _not_reached(scored, rows))
            raise
        except UserError as exc:
            console.warn(f"{arm.label}, seed {seed} failed: {exc}")
            rows.append({**base, "failed": str(exc).splitlines()[0]})
        write_json(own, args, rows + _not_reached(scored, rows))
    return rows + shared


def previous_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a runs file an earlier call wrote (none if there is no such file)."""
    if not path.is_file():
        return []
    return list(json.loads(path.read_text()).get("runs", []))


def _not_reached(scored: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scored rows of an earlier call that this call has not come to yet: rewriting the file must not drop them."""
    reached = {(r["arm"], r["seed"]) for r in rows}
    return [r for r in scored if (r["arm"], r["seed"]) not in reached]


def resumable_run(args: argparse.Namespace, cfg: config_mod.RunConfig) -> Path | None:
    """The newest run folder of this arm and seed (`cfg`'s out_root) with a checkpoint to resume from, or None: a
    folder stopped before its first checkpoint holds nothing to continue, and a fresh run starts beside it. A
    wall-clock budget (--minutes) is never continued: the resumed run's clock would start again."""
    if args.minutes is not None:
        return None
    root = Path(cfg.train.out_root)
    runs = sorted(p for p in root.glob("[0-9]*") if (p / "config.yaml").is_file()) if root.is_dir() else []
    for run_dir in reversed(runs):
        if list_checkpoints(run_dir / "checkpoints"):
            return run_dir
    return None


# resolved when a run starts (auto → the choice made there), so they may differ from the command's values
_RESOLVED_AT_START = {("train", "precision"), ("train", "compile")}


def check_same_settings(run_dir: Path, cfg: config_mod.RunConfig) -> None:
    """Refuse to continue a stopped run that trained with other settings than this command's (another budget,
    recipe or override): its scores would be filed under the wrong arm."""
    saved = config_mod.to_dict(config_of_run(run_dir))
    differ = []
    for section, values in config_mod.to_dict(cfg).items():
        before = saved.get(section, {})
        for key, value in values.items():
            if (section, key) not in _RESOLVED_AT_START and before.get(key) != value:
                differ.append(f"{section}.{key} {before.get(key)!r} there, {value!r} now")
    if differ:
        raise UserError(
            f"{run_dir} is a stopped run of this arm and seed with other settings ({'; '.join(differ)}): "
            "give another --out, or delete that folder to train it afresh"
        )


def invocation_file(arms: Sequence[Arm], args: argparse.Namespace) -> str:
    """The rows file of one invocation: several invocations (e.g. one per core) can share one --out."""
    return f"runs-{'-'.join(a.label for a in arms)}-seeds{str(args.seeds).replace(',', '-')}.json"


def invocation_files(out: Path) -> list[Path]:
    """The rows files of every invocation that wrote into `out` (see invocation_file)."""
    return sorted(out.glob("runs-*.json")) if out.is_dir() else []


def gathered_rows(out: Path) -> list[dict[str, Any]]:
    """The runs of every invocation that wrote into `out`."""
    return [row for path in invocation_files(out) for row in previous_rows(path)]


def config_of_run(run_dir: Path) -> config_mod.RunConfig:
    """The resolved config a run trained with (its run folder's config.yaml)."""
    return config_mod.from_dict(config_mod.load_yaml(run_dir / "config.yaml"))


def run_config_of(row: dict[str, Any]) -> config_mod.RunConfig:
    """The resolved config a scored run trained with."""
    return config_of_run(Path(row["run"]))


def write_json(path: Path, args: argparse.Namespace, rows: list[dict[str, Any]], **extra: Any) -> None:
    """Atomically: a comparison stopped while writing keeps the previous file, which the next call reads."""
    payload = {"args": vars(args), "runs": rows, **extra}
    atomic_write_text(path, json.dumps(payload, indent=1, default=str) + "\n")


def summarise(rows: list[dict[str, Any]], columns: Sequence[str]) -> list[dict[str, Any]]:
    """Per (arm, snapshot): the mean of each column and its spread between seeds (max − min); failed runs and
    missing values (NaN: e.g. no detected face) are left out, and `seeds` says how many runs remain."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        if "failed" not in r:
            groups.setdefault((r["arm"], r.get("snapshot", "last")), []).append(r)
    out = []
    for (arm, snapshot), group in groups.items():
        entry: dict[str, Any] = {"arm": arm, "recipe": group[0]["recipe"], "snapshot": snapshot, "seeds": len(group)}
        entry["overrides"] = group[0].get("overrides", [])
        for key in columns:
            values = [g[key] for g in group if g.get(key) is not None and g[key] == g[key]]
            entry[key] = statistics.fmean(values) if values else None
            entry[f"{key}_spread"] = max(values) - min(values) if values else None
        entry["steps"] = statistics.fmean(g["steps"] for g in group)
        out.append(entry)
    return out


def _cell(value: Any, spread: Any = None) -> str:
    if value is None or value != value:  # missing, or NaN (e.g. an NME where no face was detected)
        return "–"
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text if spread is None else f"{text} ± {spread:.2g}"


def arm_table(
    summary: list[dict[str, Any]], columns: dict[str, str], references: Sequence[dict[str, Any]] = ()
) -> list[str]:
    """Markdown lines of a per-arm table: one row per (arm, snapshot) of `summary`, then the reference rows."""
    names = list(columns.values())
    lines = [
        "| arm | recipe and overrides | snapshot | seeds | steps | " + " | ".join(names) + " |",
        "|---|---|---|---|---|" + "---|" * len(names),
    ]
    for s in summary:
        cells = [_cell(s[k], s[f"{k}_spread"]) for k in columns]
        recipe = " ".join([s["recipe"], *(f"`{o}`" for o in s["overrides"])])
        lines.append(
            f"| {s['arm']} | {recipe} | {s['snapshot']} | {s['seeds']} | {s['steps']:.0f} | {' | '.join(cells)} |"
        )
    for ref in references:
        lines.append(f"| {ref['arm']} | – | – | – | – | " + " | ".join(_cell(ref.get(k)) for k in columns) + " |")
    return lines


def _better(name: str, delta: float) -> str:
    """'better' or 'worse' by the arrow in a column's name (↑: higher is better, ↓: lower), else 'beyond'."""
    if "↑" in name:
        return "better" if delta > 0 else "worse"
    if "↓" in name:
        return "better" if delta < 0 else "worse"
    return "beyond"


def difference_table(summary: list[dict[str, Any]], columns: dict[str, str], baseline: str) -> list[str]:
    """Markdown lines: each other arm's mean minus the `baseline` arm's (same snapshot), marked as a finding only where
    the difference exceeds the spread between seeds of both arms — the criterion every comparison here states.
    With one seed on either side there is no spread, so no finding."""
    base = {s["snapshot"]: s for s in summary if s["arm"] == baseline}
    lines = [
        f"| arm | snapshot | seeds | {' | '.join(columns.values())} |",
        "|---|---|---|" + "---|" * len(columns),
    ]
    for s in summary:
        b = base.get(s["snapshot"])
        if s["arm"] == baseline or b is None:
            continue
        cells = []
        for key, name in columns.items():
            if s[key] is None or b[key] is None:  # summarise leaves out NaN: None is "no value"
                cells.append("–")
                continue
            delta = s[key] - b[key]
            if min(s["seeds"], b["seeds"]) < 2:
                verdict = "one seed"
            elif abs(delta) > max(s[f"{key}_spread"], b[f"{key}_spread"]):
                verdict = f"**{_better(name, delta)}**"
            else:
                verdict = "within spread"
            cells.append(f"{delta:+.3g} {verdict}")
        lines.append(f"| {s['arm']} | {s['snapshot']} | {min(s['seeds'], b['seeds'])} | {' | '.join(cells)} |")
    return lines if len(lines) > 2 else []


def commands_text(out: Path, script: str, argv: Sequence[str]) -> str:
    """The page's commands: those of every invocation whose rows it tabulates (their runs-*.json in `out`, e.g. one
    per core, or the training behind a --summarise-only page), else this call's own."""
    commands = []
    for path in invocation_files(out):
        saved = json.loads(path.read_text()).get("args", {}).get("argv")
        if saved is not None:
            commands.append(f"python benchmarks/{script} {shlex.join(saved)}")
    commands = list(dict.fromkeys(commands)) or [f"python benchmarks/{script} {shlex.join(argv)}"]
    if len(commands) == 1:
        return f"Command: `{commands[0]}`\n"
    return "Commands (one invocation each; they share this folder):\n\n```bash\n" + "\n".join(commands) + "\n```\n"


def markdown(
    title: str,
    intro: str,
    script: str,
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    summary: list[dict[str, Any]],
    columns: dict[str, str],
    references: Sequence[dict[str, Any]] = (),
) -> str:
    """The results page: the per-arm table (mean ± spread) with the reference rows; with --baseline ARM, each other
    arm's difference from it (see difference_table); for transfer runs the same for each attribute the judge
    checks (the `kept_*` values of the rows); then one row per run."""
    names = list(columns.values())
    run_seeds = ",".join(str(x) for x in sorted({r["seed"] for r in rows})) or args.seeds
    lines = [
        f"# {title}\n",
        f"Budget per run: {budget_text(args)}; seeds {run_seeds}; precision {args.precision}. {intro}\n",
        commands_text(Path(args.out), script, args.argv),
        "## Per arm (mean over seeds; ± is the spread between seeds, max − min)\n",
        *arm_table(summary, columns, references),
    ]
    baseline = getattr(args, "baseline", None)
    if baseline and (differences := difference_table(summary, columns, baseline)):
        lines += [
            "",
            f"## Against `{baseline}` (difference of means; **better** / **worse** only where it exceeds the spread "
            "between seeds of both arms)\n",
            *differences,
        ]
    kept = {
        k: k[len("kept_") :].replace("_", " ")
        for k in dict.fromkeys(k for r in rows for k in r)
        if k.startswith("kept_")
    }
    if kept:  # transfer runs: which attributes the mean of attr_preservation loses
        kept_summary = summarise(rows, list(kept))
        lines += ["", "## Attributes kept, one by one (the judge's attr_preservation per attribute; mean ± spread)\n"]
        lines += arm_table(kept_summary, kept, references)
        kept_up = {k: f"{name} ↑" for k, name in kept.items()}  # keeping more of an attribute is better
        if baseline and (differences := difference_table(kept_summary, kept_up, baseline)):
            lines += ["", f"Against `{baseline}`, attribute by attribute:\n", *differences]
    lines += ["", "## Per run\n", "| arm | snapshot | seed | steps trained | " + " | ".join(names) + " |"]
    lines.append("|---|---|---|---|" + "---|" * len(names))
    for r in rows:
        if "failed" in r:
            lines.append(f"| {r['arm']} | – | {r['seed']} | failed: {r['failed']} |" + " |" * (len(names) - 1))
            continue
        cells = [_cell(r.get(k)) for k in columns]
        lines.append(f"| {r['arm']} | {r.get('snapshot', 'last')} | {r['seed']} | {r['steps']} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def run_main(main: Callable[[], None]) -> None:
    """Run a benchmark's main: a user mistake (a wrong recipe or override) ends with one line, as the CLI does."""
    try:
        main()
    except TrainingInterrupted as exc:  # what was scored is saved; the message says how the run resumes
        print(f"{exc}\nOr run the same command into the same --out: it continues there.", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def finish(
    args: argparse.Namespace, rows: list[dict[str, Any]], summary: list[dict[str, Any]], page: str, **extra: Any
) -> None:
    out = Path(args.out)
    write_json(out / "results.json", args, rows, summary=summary, **extra)
    (out / "results.md").write_text(page)
    print(page)

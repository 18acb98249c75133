"""The recipe benchmarks' run loop: a comparison stopped part-way continues where it stopped, with the same command."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import signal_between_d_and_g

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import recipe_runs  # noqa: E402
from recipe_runs import Arm  # noqa: E402

from avatargan.errors import UserError  # noqa: E402
from avatargan.training.checkpoint import latest_checkpoint  # noqa: E402
from avatargan.training.loop import Trainer, TrainingInterrupted  # noqa: E402
from avatargan.training.stats import read_stats  # noqa: E402

TINY = [
    "data.image_size=16",
    "data.builtin_count=64",
    "model.latent_dim=8",
    "model.g_channels=4",
    "model.d_channels=4",
    "train.batch_size=8",
    "train.checkpoint_every=2",
    "train.sample_every=3",
    "train.log_every=2",
    "train.sample_count=8",
    "train.device=cpu",
    "train.quality_every=0",
]


def parse(out: Path, *budget: str, seeds: str = "0,1") -> argparse.Namespace:
    p = argparse.ArgumentParser()
    recipe_runs.add_common_options(p, str(out))
    args = p.parse_args(["--out", str(out), "--seeds", seeds, "--precision", "fp32", *budget])
    args.overrides += TINY
    args.argv = [*budget, "--seeds", seeds]  # what the command line said (the tiny shapes stand for a recipe)
    return args


class Scorer:
    """A score function that records which runs it scored and returns their step count."""

    def __init__(self) -> None:
        self.scored: list[Path] = []

    def __call__(self, run_dir: Path, cfg: Any) -> list[dict[str, Any]]:
        self.scored.append(run_dir)
        return [{"final_step": latest_checkpoint(run_dir / "checkpoints")[1]["step"]}]


def stop_seed_1_after(step: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during seed 1's run, in its step `step` (from 1): the trainer checkpoints that step and stops."""

    class StoppedTrainer(Trainer):
        def run(self) -> Path:
            if self.cfg.train.seed == 1:
                signal_between_d_and_g(self, monkeypatch, step - 1, signal.SIGINT)
            return super().run()

    monkeypatch.setattr(recipe_runs, "Trainer", StoppedTrainer)


def run_folders(out: Path, seed: int) -> list[Path]:
    return sorted((out / "runs" / "paper" / f"seed{seed}").glob("0*"))


def test_a_stopped_comparison_keeps_its_scores_and_continues_the_stopped_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, arms = tmp_path / "out", [Arm("paper", "dcgan_paper")]
    first = Scorer()
    stop_seed_1_after(3, monkeypatch)
    with pytest.raises(TrainingInterrupted):  # the stop ends the comparison: no "failed" row, no next run
        recipe_runs.run_arms(parse(out, "--steps", "6"), arms, first, {}, json_name="rows.json")
    assert [r["seed"] for r in recipe_runs.previous_rows(out / "rows.json")] == [0]  # seed 0 scored and saved
    stopped = run_folders(out, 1)
    assert len(stopped) == 1 and latest_checkpoint(stopped[0] / "checkpoints")[1]["step"] == 3

    monkeypatch.setattr(recipe_runs, "Trainer", Trainer)
    second = Scorer()
    rows = recipe_runs.run_arms(parse(out, "--steps", "6"), arms, second, {}, json_name="rows.json")
    assert second.scored == stopped  # seed 0 was not trained or scored again; seed 1 went on in its own folder
    assert run_folders(out, 0) == [Path(first.scored[0])] and run_folders(out, 1) == stopped
    assert [(r["seed"], r["steps"], r["final_step"]) for r in rows] == [(0, 6, 6), (1, 6, 6)]
    # the continued run says where it took over, and its training time covers both parts (the pause left out)
    assert "resumed_from_step" not in rows[0] and rows[1]["resumed_from_step"] == 3
    windows = [r["seconds"] for r in read_stats(stopped[0])]
    assert len(windows) == 3 and rows[1]["train_seconds"] == round(sum(windows), 1)  # steps 2, 4 and 6 logged
    assert recipe_runs.previous_rows(out / "rows.json") == rows

    third = Scorer()
    assert recipe_runs.run_arms(parse(out, "--steps", "6"), arms, third, {}, json_name="rows.json") == rows
    assert third.scored == []  # everything was scored: nothing to do


def test_a_run_another_invocation_scored_is_neither_trained_nor_filed_again(tmp_path: Path) -> None:
    out, arms = tmp_path / "out", [Arm("paper", "dcgan_paper")]
    first, second = Scorer(), Scorer()
    recipe_runs.run_arms(parse(out, "--steps", "4", seeds="0"), arms, first, {}, json_name="runs-a.json")
    rows = recipe_runs.run_arms(parse(out, "--steps", "4"), arms, second, {}, json_name="runs-b.json")
    assert second.scored == run_folders(out, 1) and len(run_folders(out, 0)) == 1  # only seed 1 trained
    assert sorted(r["seed"] for r in rows) == [0, 1]  # the comparison covers both seeds
    assert [r["seed"] for r in recipe_runs.previous_rows(out / "runs-b.json")] == [1]
    assert sorted(r["seed"] for r in recipe_runs.gathered_rows(out)) == [0, 1]  # each run tabulated once
    # a page over the folder names both invocations' commands, whichever call writes it
    page = recipe_runs.markdown("t", "", "x.py", parse(out, "--steps", "5"), rows, [], {})
    assert "python benchmarks/x.py --steps 4 --seeds 0\npython benchmarks/x.py --steps 4 --seeds 0,1\n" in page
    assert "--steps 5" not in page


def test_a_stopped_run_with_other_settings_is_refused_before_anything_trains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, arms = tmp_path / "out", [Arm("paper", "dcgan_paper")]
    stop_seed_1_after(3, monkeypatch)
    with pytest.raises(TrainingInterrupted):
        recipe_runs.run_arms(parse(out, "--steps", "6"), arms, Scorer(), {}, json_name="rows.json")
    monkeypatch.setattr(recipe_runs, "Trainer", Trainer)
    scorer = Scorer()
    with pytest.raises(UserError, match=r"train\.steps 6 there, 8 now.*another --out"):
        recipe_runs.run_arms(parse(out, "--steps", "8"), arms, scorer, {}, json_name="other.json")
    assert scorer.scored == [] and len(run_folders(out, 0)) == 1


def test_a_wall_clock_budget_starts_a_stopped_run_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, arms = tmp_path / "out", [Arm("paper", "dcgan_paper")]
    stop_seed_1_after(3, monkeypatch)
    minutes = ("--minutes", "5", "--set", "train.steps=6")  # 6 steps end the runs long before the 5 minutes
    with pytest.raises(TrainingInterrupted):
        recipe_runs.run_arms(parse(out, *minutes), arms, Scorer(), {}, json_name="rows.json")
    monkeypatch.setattr(recipe_runs, "Trainer", Trainer)
    scorer = Scorer()
    recipe_runs.run_arms(parse(out, *minutes), arms, scorer, {}, json_name="rows.json")
    assert len(run_folders(out, 1)) == 2 and scorer.scored == [run_folders(out, 1)[1]]  # a fresh run, beside


def test_the_results_page_quotes_its_command_and_shows_each_attribute_kept_per_arm(tmp_path: Path) -> None:
    args = parse(tmp_path, "--steps", "6")
    args.argv = ["--arm", "quick-x cartoongan_quick model.lambda_chroma=10"]
    rows = [
        {"arm": "none", "recipe": "r", "overrides": [], "seed": s, "steps": 6, "score": 1.0, "kept_eye_color": v}
        for s, v in ((0, 0.1), (1, 0.3))
    ]
    rows.append({"arm": "weighted", "recipe": "r", "overrides": [], "seed": 0, "steps": 6, "score": 2.0})
    columns = {"score": "score"}
    page = recipe_runs.markdown("t", "", "x.py", args, rows, recipe_runs.summarise(rows, list(columns)), columns)
    # the command can be pasted back: an argument with spaces stays one argument
    assert "`python benchmarks/x.py --arm 'quick-x cartoongan_quick model.lambda_chroma=10'`" in page
    section = page.split("## Attributes kept")[1].split("## Per run")[0]
    assert "| eye color |" in section
    assert "| none | r | last | 2 | 6 | 0.2 ± 0.2 |" in section  # mean and spread of the two seeds
    assert "| weighted | r | last | 1 | 6 | – |" in section  # a run without the value: a dash, not a zero
    no_attributes = [{k: v for k, v in r.items() if k != "kept_eye_color"} for r in rows]
    summary = recipe_runs.summarise(no_attributes, list(columns))
    assert "## Attributes kept" not in recipe_runs.markdown("t", "", "x.py", args, no_attributes, summary, columns)


def test_the_difference_table_names_a_finding_only_beyond_both_arms_spread() -> None:
    rows = [
        {"arm": a, "recipe": "r", "seed": seed, "steps": 9, "err": err, "attr": attr, "move": move}
        for a, seed, err, attr, move in [
            ("none", 0, 2.4, 0.58, 0.17),
            ("none", 1, 2.3, 0.60, 0.17),
            ("weighted", 0, 2.0, 0.61, 0.10),  # err: 0.35 lower, spreads 0.1 and 0.1 → better
            ("weighted", 1, 1.9, 0.57, 0.12),  # attr: 0.0 difference → within; move: lower, no arrow → beyond
            ("regressor", 0, 2.9, 0.50, 0.17),  # one seed: never a finding
        ]
    ]
    columns = {"err": "error (↓)", "attr": "attr (↑)", "move": "movement"}
    lines = recipe_runs.difference_table(recipe_runs.summarise(rows, list(columns)), columns, "none")
    assert lines[0] == "| arm | snapshot | seeds | error (↓) | attr (↑) | movement |"
    assert lines[2] == "| weighted | last | 2 | -0.4 **better** | +0 within spread | -0.06 **beyond** |"
    assert lines[3] == "| regressor | last | 1 | +0.55 one seed | -0.09 one seed | +0 one seed |"
    # a higher error is worse, a higher attribute score better: the arrow decides, not the sign
    worse = [dict(r, err=r["err"] + 1.0) if r["arm"] == "weighted" else r for r in rows]
    lines = recipe_runs.difference_table(recipe_runs.summarise(worse, list(columns)), columns, "none")
    assert "+0.6 **worse**" in lines[2]
    assert recipe_runs.difference_table(recipe_runs.summarise(rows, list(columns)), columns, "absent") == []

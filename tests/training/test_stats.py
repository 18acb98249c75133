"""Training statistics: the training time of a run, pauses between a stop and its resume left out."""

from __future__ import annotations

from pathlib import Path

from avatargan.report.html import write_report
from avatargan.training.stats import training_seconds


def test_training_time_sums_the_logged_windows_and_leaves_out_a_pause() -> None:
    # two windows of 3 s, a stop, an hour later two more of 2 s: 10 s of training, not an hour
    rows = [
        {"step": 2, "seconds": 3.0, "time": 1000.0},
        {"step": 4, "seconds": 3.0, "time": 1003.0},
        {"step": 6, "seconds": 2.0, "time": 4605.0},
        {"step": 8, "seconds": 2.0, "time": 4607.0},
    ]
    assert training_seconds(rows) == (10.0, True)
    # a run logged before the field existed: the clock's span, said to be inexact
    old = [{k: v for k, v in r.items() if k != "seconds"} for r in rows]
    assert training_seconds(old) == (3607.0, False)
    assert training_seconds([]) == (0.0, False)


def test_the_report_gives_the_training_time_and_does_not_plot_it_as_a_loss(tmp_path: Path) -> None:
    (tmp_path / "stats.jsonl").write_text(
        '{"step": 2, "loss_g": 1.0, "img_per_s": 4.0, "seconds": 60.0, "time": 0}\n'
        '{"step": 4, "loss_g": 0.5, "img_per_s": 4.0, "seconds": 30.0, "time": 7200}\n'
    )
    page = write_report(tmp_path).read_text()
    assert "training time" in page and "1.5 min" in page and "120.0 min" not in page
    assert (tmp_path / "figures" / "curve_loss_g.png").is_file()
    assert not (tmp_path / "figures" / "curve_seconds.png").exists()

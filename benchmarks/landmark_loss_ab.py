"""Do the face loss terms help? Arms of one transfer recipe (default cyclegan_modern) that differ only in a face
term, each trained for the same budget and the same seeds, scored on the same held-out built-in pairs.

    python benchmarks/landmark_loss_ab.py --steps 9000                        # none, weighted, regressor × seeds 0,1,2
    python benchmarks/landmark_loss_ab.py --steps 9000 --arms none,gray,color --seeds 0,1    # grayscale, colour
    python benchmarks/landmark_loss_ab.py --steps 9000 --real-faces data/real64             # + the real-face metric
    python benchmarks/landmark_loss_ab.py --steps 9000 --arms weighted --seeds 2 --out DIR  # one arm (a core each)
    python benchmarks/landmark_loss_ab.py --smoke                  # a few steps, tiny shapes: checks that it works

Arms (`--arms`, comma-separated): `none` (no face term); `weighted` (the report's landmark loss: cycle and identity L1
— CartoonGAN: the content loss — weighted 1 + --gain at Gaussian bumps of --radius around the photo's key points);
`regressor` (Wu et al. 2019: the shipped anime key point regressor on G(photo) pulled towards the photo's key points,
weight --reg); `gray` (AnimeGAN's grayscale Gram loss, weight --gray); `color` (AnimeGAN's YUV colour loss, weight
--color); `chroma` (each region's hue: U, V averaged over an 8×8 grid, weight --chroma); `eye` (each eye's hue
follows the photo's eye, weight --eye). Per arm (mean ± spread between seeds): the judge's keypoint_error and
attr_preservation (and movement, valid_faces), AnimeFace's detection rate and NME on G(held-out photos), the
regressor's NME and, with --real-faces DIR (a folder made by `avatargan prepare photos SRC --out DIR --size 64`), the
same on real faces; with `none` among the arms, each arm's difference from it (--baseline).

Results: --out/results.json and --out/results.md over every run in --out (each invocation also keeps its own
--out/runs-ARMS-seedsS.json, so arms run in parallel into one --out add up); runs under --out/runs/ARM/seedS. Tabulate a
folder again without training: --out DIR --summarise-only. Stopped (Ctrl-C, kill), the same command into the same
--out continues: scored runs are kept and the stopped run resumes from its last checkpoint.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import recipe_runs  # noqa: E402
import transfer_scores  # noqa: E402
from recipe_runs import Arm  # noqa: E402
from transfer_recipes import SMOKE  # noqa: E402

from avatargan.config import RunConfig  # noqa: E402

ARMS = ("none", "weighted", "regressor", "gray", "color", "chroma", "eye")
COLUMNS = {
    "keypoint_error": "judge keypoint error (% side, ↓)",
    "attr_preservation": "attr. preservation (↑)",
    "detection_rate": "AnimeFace detection (↑)",
    "nme_truth": "AnimeFace NME vs true anime (↓)",
    "nme_photo": "AnimeFace NME vs photo (↓)",
    "reg_nme_truth": "regressor NME vs true anime (↓) ¹",
    "movement": "movement",
    "valid_faces": "valid faces (↑)",
}
REAL_COLUMNS = {
    "real_reg_nme_photo": "real faces: regressor NME vs dlib (↓)",
    "real_detection_rate": "real faces: AnimeFace detection (↑)",
    "real_nme_photo": "real faces: AnimeFace NME vs dlib (↓)",
}
FOOTNOTE = (
    "¹ The `regressor` arm trains against the regressor that measures this column: it favours that arm by "
    "construction; the judge and AnimeFace are the independent measures."
)


def arm_overrides(args: argparse.Namespace) -> dict[str, list[str]]:
    return {
        "none": [],
        "weighted": [f"model.landmark_gain={args.gain}", f"model.landmark_radius={args.radius}"],
        "regressor": [f"model.lambda_landmark_reg={args.reg}"],
        "gray": [f"model.lambda_gray={args.gray}"],
        "color": [f"model.lambda_color={args.color}"],
        "chroma": [f"model.lambda_chroma={args.chroma}"],
        "eye": [f"model.lambda_eye_color={args.eye}"],
    }


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipe", default="cyclegan_modern", help="the transfer recipe of every arm (cyclegan_modern)")
    p.add_argument("--arms", default="none,weighted,regressor", help=f"comma-separated, of {', '.join(ARMS)}")
    p.add_argument("--gain", type=float, default=4.0, help="model.landmark_gain of `weighted` (default 4)")
    p.add_argument("--radius", type=float, default=0.06, help="model.landmark_radius of `weighted` (default 0.06)")
    p.add_argument("--reg", type=float, default=1.0, help="model.lambda_landmark_reg of `regressor` (default 1)")
    p.add_argument("--gray", type=float, default=2.5, help="model.lambda_gray of `gray` (default 2.5, AnimeGAN's)")
    p.add_argument("--color", type=float, default=10.0, help="model.lambda_color of `color` (default 10, AnimeGAN's)")
    p.add_argument("--chroma", type=float, default=10.0, help="model.lambda_chroma of `chroma` (default 10)")
    p.add_argument("--eye", type=float, default=1.0, help="model.lambda_eye_color of `eye` (default 1)")
    p.add_argument("--images", type=int, help="built-in faces per domain (default: the recipe's)")
    p.add_argument("--n", type=int, default=500, help="held-out pairs for the judge's metrics (default 500)")
    p.add_argument("--landmarks", type=int, default=100, help="held-out photos for AnimeFace (default 100)")
    p.add_argument("--real-faces", metavar="DIR", help="prepared real photos (avatargan prepare photos ... --size 64)")
    p.add_argument("--summarise-only", action="store_true", help="no training: tabulate the runs in --out again")
    recipe_runs.add_common_options(p, "benchmarks/results/landmark-ab", default_seeds="0,1,2", default_baseline="none")
    args = p.parse_args()
    unknown = [a for a in args.arms.split(",") if a not in ARMS]
    if unknown:
        p.error(f"--arms: unknown {', '.join(unknown)}; choose from {', '.join(ARMS)}")
    recipe_runs.check_budget(p, args, needed=not args.summarise_only)
    if args.smoke:
        args.n, args.landmarks = 8, 4
    return args


def main() -> None:
    args = parse_args()
    overrides = arm_overrides(args)
    arms = [Arm(name, args.recipe, overrides[name]) for name in args.arms.split(",")]

    def score(run_dir: Path, cfg: RunConfig) -> list[dict[str, Any]]:
        return [transfer_scores.score_run(run_dir, cfg, args.n, args.landmarks, args.real_faces)]

    if not args.summarise_only:
        recipe_runs.run_arms(args, arms, score, SMOKE, json_name=recipe_runs.invocation_file(arms, args))
    rows = recipe_runs.gathered_rows(Path(args.out))
    real = any("real_reg_nme_photo" in r for r in rows)
    columns = COLUMNS | (REAL_COLUMNS if real else {})
    summary = recipe_runs.summarise(rows, list(columns))
    n = {k: int(max((r.get(k, 0) for r in rows), default=0)) for k in ("judge_n", "landmarks_n", "real_n")}
    intro = (
        f"Judge metrics on {n['judge_n']} held-out built-in pairs, AnimeFace on {n['landmarks_n']} held-out photos"
        + (f", real faces: {n['real_n']} prepared photos" if real else "")
        + ". NME: mean key point distance / inter-ocular distance.\n\n"
        + FOOTNOTE
    )
    title = f"Face loss terms on {args.recipe}: {', '.join(dict.fromkeys(r['arm'] for r in rows))}"
    page = recipe_runs.markdown(title, intro, "landmark_loss_ab.py", args, rows, summary, columns)
    recipe_runs.finish(args, rows, summary, page)


if __name__ == "__main__":
    recipe_runs.run_main(main)

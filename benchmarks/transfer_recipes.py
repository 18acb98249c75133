"""Photo → anime recipes compared by the built-in benchmark: each recipe (CycleGAN and CartoonGAN, paper, quick and
modern) trained at the same budget (wall-clock or steps) for several seeds on the same built-in faces, then scored
by the judge's transfer metrics on the same held-out photo/anime pairs, beside the two reference rows (true anime
faces; photo unchanged).

    python benchmarks/transfer_recipes.py --minutes 12                    # the six recipes, seeds 0 and 1
    python benchmarks/transfer_recipes.py --recipes cyclegan_paper,cyclegan_modern --minutes 12 --landmarks 0
    python benchmarks/transfer_recipes.py --recipes cyclegan_modern --minutes 12 \\
        --arm "cycle10 cyclegan_modern model.lambda_cycle=10" --arm "hinge cyclegan_modern model.loss=hinge"
    python benchmarks/transfer_recipes.py --recipes cartoongan_modern --minutes 12 \\
        --arm "gray cartoongan_modern model.lambda_gray=2.5" --arm "color cartoongan_modern model.lambda_color=10"
    python benchmarks/transfer_recipes.py --smoke      # a few steps, tiny shapes and n: checks that the script works

On a shared machine, give the wall-clock budget as steps per recipe, converted at rates measured on a quiet one
(`--steps cyclegan_paper=N1,cyclegan_modern=N2,...`; see dcgan_recipes.py): load then changes no result.

cartoongan_paper's VGG19 needs torchvision's ImageNet weights; without them its runs are listed as failed with the
how-to, or run it on the weights this machine has: --set cartoongan_paper:model.content_backbone=efficientnet-lite0
(the row then is "the paper's losses and weights on Lite0 features"; say so where the table is shown).

Every run trains with the project's Trainer (run folders under --out/runs/ARM/seedS) on `--images` built-in faces per
domain (the same for every recipe, so every run is scored on the same held-out people) with the final quality
block off. Results: --out/results.json and --out/results.md (per arm: the mean and the spread between seeds) over
every run in --out: each invocation keeps its rows in --out/runs-ARMS-seedsS.json, so two invocations (one per
core, each with --set train.threads=1) can share one --out; --summarise-only tabulates a folder again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import recipe_runs  # noqa: E402
import transfer_scores  # noqa: E402

from avatargan.config import RunConfig  # noqa: E402

RECIPES = "cyclegan_paper,cyclegan_quick,cyclegan_modern,cartoongan_paper,cartoongan_quick,cartoongan_modern"
#: result key → column title; the direction of each is in the page's introduction
COLUMNS = {
    "keypoint_error": "keypoint error",
    "attr_preservation": "attr. preservation",
    "valid_faces": "valid faces",
    "movement": "movement",
    "attr_coverage": "coverage",
    "judge_fd": "judge_fd",
}
LANDMARK_COLUMNS = {"detection_rate": "AnimeFace detection", "nme_truth": "AnimeFace NME vs true anime"}
TINY = ["model.g_channels=4", "model.d_channels=4", "model.g_blocks=1", "data.image_size=32", "train.batch_size=4"]
SMOKE = {
    "all": [*TINY, "data.builtin_count=8", "train.threads=1"],
    # no VGG19 download in a smoke run; two content-only steps, then two adversarial ones
    "cartoongan": ["model.content_weights=random", "model.content_size=none", "model.init_steps=2"],
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    recipe_runs.add_arm_options(p, RECIPES)
    p.add_argument("--n", type=int, default=500, help="held-out pairs per score (default 500, as `benchmark`)")
    p.add_argument("--images", type=int, default=4000, help="built-in faces per domain (default 4000, as `benchmark`)")
    p.add_argument(
        "--landmarks", type=int, default=100, metavar="N", help="AnimeFace on N held-out outputs (default 100; 0: off)"
    )
    p.add_argument("--no-reference", action="store_true", help="leave out the true-anime and photo-unchanged rows")
    p.add_argument("--summarise-only", action="store_true", help="no training: tabulate the runs in --out again")
    recipe_runs.add_common_options(p, "benchmarks/results/transfer-recipes")
    args = p.parse_args()
    recipe_runs.check_budget(p, args, needed=not args.summarise_only)
    if args.smoke:
        args.n, args.images, args.landmarks = 8, None, min(args.landmarks, 4)
    return args


def main() -> None:
    args = parse_args()
    arms = recipe_runs.arms_of(args)

    def score(run_dir: Path, cfg: RunConfig) -> list[dict[str, Any]]:
        return [transfer_scores.score_run(run_dir, cfg, args.n, args.landmarks)]

    if not args.summarise_only:
        recipe_runs.run_arms(args, arms, score, SMOKE, json_name=recipe_runs.invocation_file(arms, args))
    rows = recipe_runs.gathered_rows(Path(args.out))
    columns = COLUMNS | (LANDMARK_COLUMNS if any("detection_rate" in r for r in rows) else {})
    summary = recipe_runs.summarise(rows, list(columns))
    scored = [r for r in rows if "failed" not in r]
    judge_n = int(max((r.get("judge_n", args.n) for r in scored), default=args.n))
    references, images = [], args.images
    if scored:  # the data of the first run (--images makes it every run's)
        first = recipe_runs.run_config_of(scored[0])
        images = first.data.builtin_count
        if not args.no_reference:
            landmarks_n = int(max(r.get("landmarks_n", 0) for r in scored))
            references = transfer_scores.reference_rows(first, judge_n, landmarks_n)
    intro = (
        f"Data: {images} built-in faces per domain; scores on {judge_n} held-out photo → anime "
        "pairs (the same people for every run and reference row), last weights. Lower is better for keypoint "
        "error and judge_fd; higher for attribute preservation, valid faces and coverage; movement is how far "
        "G(photo) moved from the photo (the true anime face: its reference row)."
    )
    title = f"Photo → anime recipes: {', '.join(dict.fromkeys(r['arm'] for r in rows))}"
    page = recipe_runs.markdown(title, intro, "transfer_recipes.py", args, rows, summary, columns, references)
    recipe_runs.finish(args, rows, summary, page, references=references)


if __name__ == "__main__":
    recipe_runs.run_main(main)

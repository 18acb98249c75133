"""Training and generation speed: avatargan's trainer vs a plain eager reference, side by side in one process.

For each model at its paper recipe's shapes (DCGAN: 64×64, batch 128), both sides train the same networks with the
same losses from the same JPEG files: avatargan through its real `Trainer` (cached uint8 data, channels_last,
D frozen during G's update, losses read only at the log cadence), the reference the way the reference repositories
do (torchvision ImageFolder + DataLoader workers decoding with PIL every epoch, fp32, `.item()` every step). Timed
repeats alternate between the two sides (the machine is shared and noisy); the ratio is the median over repeats
of (ours img/s) / (reference img/s). Also: generation images/s, and achieved FLOP/s against the device's peak at
the precision each side trains in.

Two tables, chosen by --settings:
* equal (default): both sides at the same precision (--precision, both under the same autocast) and avatargan with
  --compile if asked: what the trainer itself is worth.
* defaults: each side as a user gets it. avatargan at its defaults (precision auto: bf16 where the hardware computes
  it natively; channels_last where it pays; compile auto: where it pays for a long run), the reference at the
  reference repositories' defaults (fp32, NCHW, `.item()` every step, PIL decoding every epoch): what switching to
  avatargan is worth.

    python benchmarks/train_speed.py [--models dcgan] [--repeats 5] [--steps 2] [--json out.json]
    python benchmarks/train_speed.py --compile              # avatargan's networks compiled (the reference stays eager)
    python benchmarks/train_speed.py --precision bf16       # both sides under bf16 autocast (equal precision)
    python benchmarks/train_speed.py --settings defaults    # defaults vs the reference repositories' defaults
    python benchmarks/train_speed.py --no-matmul-conv       # avatargan without its small-map matrix products
    python benchmarks/train_speed.py --device cuda          # on a GPU (benchmarks/gpu_check.sh runs this)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flops import count_flops, peak_flops  # noqa: E402
from reference_data import Batches, image_folder_loader, write_faces  # noqa: E402

from avatargan import config as config_mod  # noqa: E402
from avatargan import console  # noqa: E402
from avatargan.hardware import machine_facts  # noqa: E402
from avatargan.nn import matmul_conv  # noqa: E402
from avatargan.training.loop import Trainer  # noqa: E402

#: train.* settings of avatargan's side from the command line (--compile, --precision, --device)
OURS_TRAIN: dict = {}
#: the reference's precision (fp32, or --precision's under --settings equal) and device, set by `main`
REFERENCE = {"precision": "fp32", "device": "cpu"}
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def device() -> torch.device:
    return torch.device(REFERENCE["device"])


def synchronize() -> None:
    """Wait for the GPU's queued work, so a timer measures it (a no-op on the CPU)."""
    if device().type == "cuda":
        torch.cuda.synchronize()


@dataclass
class Case:
    """One model's two sides: `ours` a ready Trainer, `reference_step` one reference update (data included)."""

    name: str
    batch_size: int
    image_size: int
    ours: Trainer
    reference_step: Callable[[], object]
    flops_ours: Callable[[], object]  # one step of a fresh avatargan model, for FLOP counting
    flops_reference: Callable[[], object]
    generate_ours: Callable[[], int] | None = None  # returns the number of images made
    generate_reference: Callable[[], int] | None = None
    notes: list[str] = field(default_factory=list)


def make_trainer(recipe: str, data: dict, work: Path, train: dict | None = None) -> Trainer:
    """avatargan's real trainer on the recipe, with sampling/checkpointing out of the timed window."""
    return make_trainer_from(config_mod.load_recipe(recipe), data, work, train)


def make_trainer_from(values: dict, data: dict, work: Path, train: dict | None = None) -> Trainer:
    values = config_mod.merge(
        values,
        {
            "data": data,
            "train": {
                "steps": 10**9,
                "sample_every": 10**9,
                "checkpoint_every": 10**9,
                "sample_count": 8,
                "out_root": str(work / "runs"),
                "device": REFERENCE["device"],
                **OURS_TRAIN,
                **(train or {}),
            },
        },
    )
    trainer = Trainer(config_mod.from_dict(values))
    trainer.finish = lambda: None  # the final checkpoint/report is not training speed
    trainer.total_steps = 0
    return trainer


def run_ours(trainer: Trainer, steps: int) -> float:
    """Seconds for `steps` more steps of the trainer's own loop."""
    trainer.total_steps = trainer.pos.step + steps
    synchronize()
    t = time.perf_counter()
    trainer.run()
    synchronize()
    return time.perf_counter() - t


def run_reference(step: Callable[[], object], steps: int) -> float:
    precision = REFERENCE["precision"]
    autocast = (
        torch.autocast(device().type, dtype=DTYPES[precision]) if precision != "fp32" else contextlib.nullcontext()
    )
    synchronize()
    t = time.perf_counter()
    with autocast:
        for _ in range(steps):
            step()
    synchronize()
    return time.perf_counter() - t


# ----------------------------------------------------------------------------------------------------------------
# Cases


def dcgan_case(work: Path, files: Path) -> Case:
    from reference_dcgan import ReferenceDCGAN, check_same_networks

    from avatargan.inference import generate
    from avatargan.models.dcgan import DCGAN

    trainer = make_trainer("dcgan_paper", {"source": str(files)}, work)
    cfg = trainer.cfg
    bs = cfg.train.batch_size
    ref = ReferenceDCGAN(cfg.model.lr, (cfg.model.beta1, cfg.model.beta2))
    check_same_networks(ref, DCGAN(cfg.model, 64))
    ref.to(device())
    batches = Batches(image_folder_loader(files, 64, bs, workers=2), device())

    fresh = DCGAN(cfg.model, 64).to(memory_format=torch.channels_last)
    real = torch.rand(bs, 3, 64, 64).mul(2).sub(1)
    z = torch.randn(512, cfg.model.latent_dim)
    z_ref = z.to(device())  # the reference scripts draw their noise on the device
    g_ours = trainer.model.G

    def gen_ours() -> int:
        g_ours.eval()
        generate(g_ours, z, batch_size=256, precision=trainer.cfg.train.precision)  # the CLI's default: auto
        g_ours.train()
        return len(z)

    @torch.no_grad()
    def gen_ref() -> int:  # the reference scripts: eval mode, no_grad, batches of 64
        ref.G.eval()
        for i in range(0, len(z), 64):
            ref.G(z_ref[i : i + 64]).cpu()
        ref.G.train()
        return len(z)

    return Case(
        "dcgan",
        bs,
        64,
        trainer,
        lambda: ref.step(batches.next()),
        lambda: fresh.train_step({"image": real.contiguous(memory_format=torch.channels_last)}, 0),
        lambda: ref.step(real.to(device())),
        gen_ours,
        gen_ref,
    )


#: the transfer models' shapes (the same on both sides): CPU-sized by default, --transfer-size/--transfer-batch on GPUs
TRANSFER = {"size": 128, "batch": 4}


def transfer_case(family: str, work: Path, files: Path) -> Case:
    """CycleGAN / CartoonGAN: photos (A) → anime (B) from two folders of JPEGs."""
    from reference_transfer import ReferenceCartoonGAN, ReferenceCycleGAN

    from avatargan.models import model_class

    photos = write_faces(files.parent / "photo", len(list((files / "anime").glob("*.jpg"))), style="photo")
    model_values = {"family": family}
    if family == "cartoongan":  # adversarial phase (not the content-only warm-up); no pretrained VGG offline
        model_values.update(init_epochs=0, content_weights="random")
    size, bs = TRANSFER["size"], TRANSFER["batch"]
    values = {"model": model_values, "data": {"image_size": size}}
    try:
        values = config_mod.merge(config_mod.load_recipe(f"{family}_paper"), values)
    except config_mod.ConfigError:
        pass  # no recipe yet: the family's defaults
    values["train"] = {**values.get("train", {}), "batch_size": bs}
    data = {"source": None, "source_a": str(photos), "source_b": str(files), "image_size": size}
    trainer = make_trainer_from(values, data, work)
    cfg = trainer.cfg
    cls = model_class(family)
    torch.manual_seed(1)
    ref_model = cls(cfg.model, size).to(device())
    loaders = {
        d: Batches(image_folder_loader(root, size, bs, workers=2), device())
        for d, root in (("a", photos), ("b", files))
    }
    if family == "cyclegan":
        ref = ReferenceCycleGAN(ref_model)

        def ref_step() -> object:
            return ref.step(loaders["a"].next(), loaders["b"].next())

        gen_ref_net = ref.G_A
    else:
        # the reference reads its edge-smoothed set from a folder of JPEGs like the others (same decoding cost)
        loaders["e"] = Batches(image_folder_loader(files, size, bs, workers=2), device())
        ref = ReferenceCartoonGAN(ref_model)

        def ref_step() -> object:
            return ref.step(loaders["a"].next(), loaders["b"].next(), loaders["e"].next())

        gen_ref_net = ref.G

    fresh = cls(cfg.model, size)
    layout = torch.channels_last if trainer.channels_last else torch.contiguous_format  # the trainer's choice
    fresh.to(memory_format=layout)
    domains = ["a", "b"] + (["e"] if family == "cartoongan" else [])
    fixed = {d: torch.rand(bs, 3, size, size).mul(2).sub(1) for d in domains}
    fixed_cl = {d: v.contiguous(memory_format=layout) for d, v in fixed.items()}
    photos_in = torch.rand(32, 3, size, size).mul(2).sub(1)
    photos_ref = photos_in.to(device())
    g_ours = trainer.model.generators()["a2b"]

    def gen_ours() -> int:  # batched, inference_mode, the trainer's memory layout
        g_ours.eval()
        with torch.inference_mode(), trainer.updates.autocast():  # the precision the trainer chose (CLI: auto)
            for i in range(0, len(photos_in), 16):
                g_ours(photos_in[i : i + 16].to(device()).contiguous(memory_format=layout)).cpu()
        g_ours.train()
        return len(photos_in)

    @torch.no_grad()
    def gen_ref() -> int:  # junyanz test.py: one image at a time
        gen_ref_net.eval()
        for i in range(len(photos_in)):
            gen_ref_net(photos_ref[i : i + 1]).cpu()
        gen_ref_net.train()
        return len(photos_in)

    fixed_ref = {d: v.to(device()) for d, v in fixed.items()}
    ref_flops = {
        "cyclegan": lambda: ref.step(fixed_ref["a"], fixed_ref["b"]),
        "cartoongan": lambda: ref.step(*fixed_ref.values()),
    }
    return Case(
        family,
        bs,
        size,
        trainer,
        ref_step,
        lambda: fresh.train_step(fixed_cl, 0),
        ref_flops[family],
        gen_ours,
        gen_ref,
        notes=[f"shapes: {size}×{size}, batch {bs} on both sides"],
    )


CASES: dict[str, Callable[[Path, Path], Case]] = {
    "dcgan": dcgan_case,
    "cyclegan": lambda work, files: transfer_case("cyclegan", work, files),
    "cartoongan": lambda work, files: transfer_case("cartoongan", work, files),
}


# ----------------------------------------------------------------------------------------------------------------


def measure(case: Case, repeats: int, steps: int, warmup: int = 1) -> dict:
    # warm-up: first-touch allocations, oneDNN primitive caches, loader start (and compilation with --compile)
    warmup_s = run_ours(case.ours, warmup)
    run_reference(case.reference_step, 1)
    ours, ref = [], []
    for r in range(repeats):  # alternate who goes first, so slow drifts of the shared machine hit both sides
        order = [("ours", case.ours), ("ref", case.reference_step)]
        for side, thing in order if r % 2 == 0 else order[::-1]:
            if side == "ours":
                ours.append(case.batch_size * steps / run_ours(thing, steps))
            else:
                ref.append(case.batch_size * steps / run_reference(thing, steps))
        print(f"  {case.name} repeat {r}: ours {ours[-1]:.2f} img/s, reference {ref[-1]:.2f} img/s", flush=True)
    ratios = [a / b for a, b in zip(ours, ref, strict=True)]
    out = {
        "batch_size": case.batch_size,
        "image_size": case.image_size,
        "ours_img_s": statistics.median(ours),
        "reference_img_s": statistics.median(ref),
        "ratio_median": statistics.median(ratios),
        "ratios": [round(x, 3) for x in ratios],
        "ours_warmup_s": warmup_s,
    }
    out["flops_per_step_ours"] = count_flops(case.flops_ours)
    out["flops_per_step_reference"] = count_flops(case.flops_reference)
    if case.generate_ours and case.generate_reference:
        g_ours, g_ref = [], []
        for r in range(max(3, repeats)):
            for side in ("ours", "ref") if r % 2 == 0 else ("ref", "ours"):
                fn = case.generate_ours if side == "ours" else case.generate_reference
                t = time.perf_counter()
                n = fn()
                (g_ours if side == "ours" else g_ref).append(n / (time.perf_counter() - t))
        out["generate_ours_img_s"] = statistics.median(g_ours)
        out["generate_reference_img_s"] = statistics.median(g_ref)
    out["notes"] = case.notes
    return out


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default=",".join(CASES), help=f"comma-separated, of: {', '.join(CASES)}")
    p.add_argument("--repeats", type=int, default=5, help="alternating timed repeats per side (median reported)")
    p.add_argument("--steps", type=int, default=2, help="training steps per timed repeat")
    p.add_argument("--images", type=int, default=1024, help="JPEG files per domain (rendered once)")
    p.add_argument("--work", default=None, help="folder for the files, caches and runs (default: a temp folder)")
    p.add_argument("--json", default=None, help="also write the results here")
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads for both sides (process-wide; default torch's choice). On a shared, oversubscribed "
        "machine 1 thread avoids OpenMP barrier stalls that slow every operator several-fold",
    )
    p.add_argument(
        "--compile",
        action="store_true",
        help="avatargan's side with train.compile (torch.compile; the reference stays eager, as its repositories "
        "train); 3 warm-up steps absorb the compilation, whose time is reported",
    )
    p.add_argument(
        "--precision",
        choices=("fp32", "bf16"),
        default="fp32",
        help="--settings equal: both sides' precision (avatargan's --precision and the same autocast around the "
        "reference step; bf16 pays on GPUs and on CPUs with AVX512-BF16/AMX). Ignored by --settings defaults",
    )
    p.add_argument(
        "--settings",
        choices=("equal", "defaults"),
        default="equal",
        help="equal: both sides at --precision (what the trainer is worth); defaults: avatargan at its defaults "
        "(precision auto) vs the reference repositories' defaults (fp32) — what switching is worth",
    )
    p.add_argument(
        "--no-matmul-conv",
        action="store_true",
        help="avatargan's small-map convolutions through torch's kernels too (nn/matmul_conv.py off): what the "
        "matrix-product path is worth in the trainer",
    )
    p.add_argument("--device", default="cpu", help="cpu or cuda (both sides)")
    p.add_argument("--transfer-size", type=int, default=128, help="CycleGAN/CartoonGAN image side (default 128)")
    p.add_argument("--transfer-batch", type=int, default=4, help="CycleGAN/CartoonGAN batch size (default 4)")
    args = p.parse_args(argv)
    TRANSFER.update(size=args.transfer_size, batch=args.transfer_batch)
    OURS_TRAIN.clear()
    # --settings defaults leaves train.compile at auto (these trainers plan 10⁹ steps: a user's long run), so auto
    # compiles where it is measured to pay; --settings equal keeps both sides eager unless --compile
    if args.compile or args.settings == "equal":
        OURS_TRAIN.update(compile=args.compile)
    REFERENCE.update(device=args.device, precision=args.precision if args.settings == "equal" else "fp32")
    if args.settings == "equal":
        OURS_TRAIN["precision"] = args.precision
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.no_matmul_conv:
        matmul_conv.MAX_MAP = 0  # no map is small enough: every layer through torch's kernels

    work = Path(args.work or tempfile.mkdtemp(prefix="avatargan-bench-"))
    os.environ["AVATARGAN_CACHE"] = str(work / "cache")
    console.QUIET = True
    # the practical peak of each precision on this device: each side's FLOP/s is read against its own precision's
    peaks = {name: peak_flops(device(), dtype=dtype) for name, dtype in DTYPES.items()}
    results: dict = {
        "device": args.device,
        "machine": machine_facts(device()),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "settings": args.settings,
        "compile": args.compile,
        "matmul_conv": not args.no_matmul_conv,
        "reference_precision": REFERENCE["precision"],
        "load_average": os.getloadavg(),
        "peak_flops": peaks,
        "models": {},
    }
    print(
        f"{results['machine'].get('gpu') or results['machine']['cpu']}: peak (a large square matmul) "
        + ", ".join(f"{k} {v / 1e9:.0f} GFLOP/s" for k, v in peaks.items())
        + f"; torch {torch.__version__}, {torch.get_num_threads()} threads, settings {args.settings}",
        flush=True,
    )
    for name in args.models.split(","):
        files = write_faces(work / "files" / "anime", args.images)  # → files/anime/anime/*.jpg
        case = CASES[name](work, files)
        compiled = case.ours.cfg.train.compile  # what auto chose, under --settings defaults
        r = measure(case, args.repeats, args.steps, warmup=3 if compiled else 1)
        r["ours_precision"] = case.ours.cfg.train.precision  # what auto chose, under --settings defaults
        r["ours_compile"] = compiled
        r["reference_precision"] = REFERENCE["precision"]
        for side in ("ours", "reference"):
            r[f"achieved_flops_{side}"] = r[f"flops_per_step_{side}"] * r[f"{side}_img_s"] / case.batch_size
            r[f"peak_share_{side}"] = r[f"achieved_flops_{side}"] / peaks[r[f"{side}_precision"]]
        results["models"][name] = r
        print(
            f"{name}: train ours ({r['ours_precision']}{', compiled' if compiled else ''}) {r['ours_img_s']:.2f} img/s "
            "vs reference "
            f"({r['reference_precision']}) {r['reference_img_s']:.2f} img/s "
            f"→ ratio {r['ratio_median']:.2f}× (median of {r['ratios']}); "
            f"achieved {r['achieved_flops_ours'] / 1e9:.1f} GFLOP/s = {r['peak_share_ours']:.0%} of the "
            f"{r['ours_precision']} peak (reference {r['peak_share_reference']:.0%} of the "
            f"{r['reference_precision']} peak); avatargan's warm-up {r['ours_warmup_s']:.0f} s",
            flush=True,
        )
        if "generate_ours_img_s" in r:
            print(
                f"{name}: generate ours {r['generate_ours_img_s']:.0f} img/s vs reference "
                f"{r['generate_reference_img_s']:.0f} img/s",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()

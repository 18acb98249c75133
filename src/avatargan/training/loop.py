"""The trainer: one loop for every model family (the family only implements `train_step` and `sample`).

It owns the device, the data stream, the cadence of logging / sampling / checkpointing, the EMA generator, the
time budget, stop signals (`interrupts`), the non-finite guard (`finite_guard`), the run folder's lock, the exported
weights and the run report. Resuming restores everything a checkpoint holds, so the resumed run continues exactly
as an uninterrupted one would (on the CPU, with the same seed). Checkpoints are only written between whole steps.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from avatargan import config as config_mod
from avatargan import console
from avatargan.blocks import schedule
from avatargan.blocks.ema import EMA
from avatargan.blocks.precision import Updates, channels_last_pays, resolve_compile
from avatargan.config import RunConfig
from avatargan.data.batches import BatchStream, build_datasets, build_test_datasets, first_images
from avatargan.data.derived import derived_datasets
from avatargan.data.spec import data_name
from avatargan.errors import StorageError, UserError
from avatargan.hardware import machine_facts, resolve_precision
from avatargan.io_utils import atomic_write_text, reported_write
from avatargan.metrics.evaluate import evaluate_in_training
from avatargan.metrics.quality_block import final_quality
from avatargan.models import model_class
from avatargan.models.base import GANModel
from avatargan.pixels import from_uint8, to_uint8
from avatargan.report.figures import grid, labelled_columns, save_image
from avatargan.report.html import write_report
from avatargan.runtime import keep_freed_memory, resolve_device, seed_everything, set_threads
from avatargan.training import checkpoint as ckpt
from avatargan.training import distributed
from avatargan.training.finite_guard import FiniteGuard, NonFiniteLoss, non_finite_weights
from avatargan.training.interrupts import StopRequests, exit_code
from avatargan.training.quality_guard import QUALITY_FILE, QualityGuard
from avatargan.training.run_lock import RunLock, RunLocked
from avatargan.training.stats import StatsLogger, truncate_jsonl, truncate_stats
from avatargan.weights import generator_prefixes, save_generators

GRID_COLUMNS = 8  # images per row of a sample grid
PROGRESS_IMAGES = 8  # images of the fixed batch kept at each sample point for the progression figure
SHEET_TILE = 128  # titled sample sheets enlarge small images (nearest neighbour) to at least this many pixels
BN_SEED_OFFSET = 1_000_003  # seeds of the EMA statistics' inputs: apart from the fixed sample noise (the run seed)


def steps_within_budget(step: int, done: int, elapsed: float, left: float, cap: int) -> int:
    """Where a `--minutes` run will stop at its rate so far (the progress bar's total from the first step on:
    the epochs' end of a time-budgeted run is millions of steps away): `done` steps took `elapsed` seconds and
    `left` seconds remain; never beyond `cap`, the planned steps."""
    return min(cap, step + int(max(left, 0.0) * done / max(elapsed, 1e-9)))


class TrainingInterrupted(UserError):
    """A stop signal: a checkpoint of the last whole step was written; the message says how to resume."""

    def __init__(self, message: str, exit_code: int = 130) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Position:
    step: int = 0
    epoch: int = 0
    batch: int = 0  # batches done in the current epoch


def new_run_dir(out_root: str | Path, family: str, data: str) -> Path:
    """`<out_root>/<NNNNN>-<family>-<data>/`, numbered one past the highest existing run."""
    root = Path(out_root)
    with reported_write(f"a run folder in {root} (--out / train.out_root)"):
        root.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in root.iterdir() if (m := re.match(r"(\d{5})-", p.name))]
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", data)[:40]
        run_dir = root / f"{max(numbers, default=-1) + 1:05d}-{family}-{safe}"
        run_dir.mkdir()
    return run_dir


def to_float(images: torch.Tensor, device: torch.device) -> torch.Tensor:
    """uint8 batch → floats in [-1, 1] on `device` (the conversion happens on the device, after the copy)."""
    return from_uint8(images.to(device, non_blocking=True))


def random_hflip(images: torch.Tensor, seed: int, step: int) -> torch.Tensor:
    """Flip a random half of the batch; the coin flips come from (seed, step), so a resumed run flips alike."""
    gen = torch.Generator().manual_seed(seed * 1_000_003 + step)
    flip = (torch.rand(images.shape[0], generator=gen) < 0.5).to(images.device)
    return torch.where(flip[:, None, None, None], images.flip(3), images)


class _NoStats:
    """Stands in for the stats logger on processes other than rank 0, which write nothing."""

    def log(self, step: int, values: dict[str, float]) -> None:
        pass

    def close(self) -> None:
        pass


class Trainer:
    def __init__(self, cfg: RunConfig, run_dir: Path | None = None, resume: bool = False) -> None:
        self.cfg, self.resume = cfg, resume
        t = cfg.train
        set_threads(t.threads)
        seed_everything(t.seed)
        self.device = resolve_device(t.device)
        self.dist = distributed.setup(self.device)  # one process, or this one's place in a torchrun launch
        self.device = distributed.process_device(self.device, self.dist)
        if not self.dist.is_main:
            console.QUIET = True  # one progress bar and one set of messages per run: rank 0's
        if self.device.type == "cuda":
            torch.backends.cudnn.benchmark = True  # fixed shapes: let cuDNN pick the fastest kernels once
        else:  # denormal floats take a slow path on x86; flushing them to zero changes no result a GAN can see
            torch.set_flush_denormal(True)
            keep_freed_memory()  # no page faults for the step's tensors, freed and allocated again every step
        # auto → bf16 where the hardware computes it natively; the config (and config.yaml) then holds the choice
        self.precision = resolve_precision(t.precision, self.device)
        t.precision = self.precision.precision
        cls = model_class(cfg.model.family)
        # the model first: a mistake in its options (e.g. missing content-loss weights) stops the run before any
        # minutes of data caching
        self.model: GANModel = cls(cfg.model, cfg.data.image_size).to(self.device)
        self.spec = cls.spec(cfg.model)
        self.channels_last = t.channels_last and channels_last_pays(self.model, t.precision, self.device)
        if self.channels_last:
            self.model.to(memory_format=torch.channels_last)
        distributed.prepare_model(self.model, self.device, self.dist)
        # the optimizers once the model is placed (device, layout, synchronised batch norm): they hold the very
        # parameters that will be trained (nanoGPT's and Lightning's order); compiling, below, keeps them
        optimizers = self.model.build_optimizers()
        self.updates = Updates(t.precision, self.device, optimizers, distributed.grad_averager(self.dist))
        self.model.updates = self.updates
        with distributed.main_first(self.dist):  # rank 0 builds the data caches, the others then read them
            self.datasets = build_datasets(cfg.data, cls.domains)
            # what the family's batches need beyond its domains (CartoonGAN's edges, face key points)
            self.datasets.update(derived_datasets(self.spec.derived, cfg.data, self.datasets, cls.domains))
        try:
            self.stream = BatchStream(
                self.datasets,
                distributed.local_batch_size(t.batch_size, self.dist),
                t.seed,
                cfg.data.workers,
                pin_memory=self.device.type == "cuda",
                rank=self.dist.rank,
                world_size=self.dist.world_size,
            )
        except ValueError as exc:
            raise UserError(str(exc)) from None
        self.total_steps = t.steps if t.steps is not None else t.epochs * self.stream.steps_per_epoch
        # auto → compiled where measured to pay; like the precision, the config (and config.yaml) holds the choice
        t.compile, compile_why = resolve_compile(
            t.compile, self.model, t.precision, self.device, self.total_steps, t.max_minutes
        )
        self.ema = (
            EMA(
                self.model.generators(),
                t.ema_decay,
                ema_kimg=t.ema_kimg,
                rampup=t.ema_rampup,
                batch_size=t.batch_size,
                bn_batches=t.ema_bn_batches,
            )
            if t.ema_decay > 0 or t.ema_kimg
            else None
        )
        self.run_dir = run_dir or distributed.from_main(
            self.dist, lambda: new_run_dir(t.out_root, cfg.model.family, data_name(cfg.data, cls.domains))
        )
        self.lock = RunLock(self.run_dir)
        self._take_lock()
        self.pos = Position()
        self.guard, self.saved_step = FiniteGuard(), -1
        self.quality = QualityGuard(cfg, self.run_dir, cls.domains) if t.quality_every and self.dist.is_main else None
        self.quality_step = -1  # the step of the last quality check
        if resume:
            self._restore()
        elif self.dist.is_main:
            why = {"train.precision": self.precision.why(), "train.compile": compile_why}
            config_mod.save_yaml(cfg, self.run_dir / "config.yaml", why)
            truncate_stats(self.run_dir, 0)  # a fresh start in a given folder drops the lines of a try that failed
            truncate_jsonl(self.run_dir / QUALITY_FILE, 0)
        compiled = f"{'on' if t.compile else 'off'} ({compile_why})"
        if self.dist.is_main:  # what this (part of the) run trains on, for the report and honest speed figures
            facts = {**machine_facts(self.device), "precision": self.precision.describe(), "compile": compiled}
            with reported_write(f"the run's environment.json in {self.run_dir}"):
                atomic_write_text(self.run_dir / "environment.json", json.dumps(facts, indent=1) + "\n")
        console.info(f"{self.device.type}, precision {self.precision.describe()}")
        console.info(f"torch.compile {compiled}")
        distributed.reseed(t.seed, self.pos.step, self.dist)
        self.sync_buffers = distributed.needs_buffer_sync(self.model, self.device, self.dist)
        if t.compile:  # in place (state dict keys unchanged); after the EMA copy, which must stay a plain module
            for net in self.model.children():
                net.compile()
        # fixed example images for the progress sheets: held-out test images where the data has them
        shown = {**self.datasets, **build_test_datasets(cfg.data, cls.domains)} if len(cls.domains) > 1 else {}
        examples = {d: self.to_device(first_images(ds, t.sample_count)) for d, ds in shown.items()}
        self.fixed = self.model.make_fixed(examples, t.sample_count, t.seed)

    def to_device(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 batch → floats in [-1, 1] on the run's device, in the networks' memory layout."""
        images = to_float(images, self.device)
        return images.contiguous(memory_format=torch.channels_last) if self.channels_last else images

    # -- checkpoints ---------------------------------------------------------------------------------------------
    def _payload(self) -> dict[str, Any]:
        gens = self.model.generators()
        self.sample_generators()  # with EMA: its statistics recomputed, so a checkpoint's EMA generator is usable
        return {
            "epoch": self.pos.epoch,
            "batch_in_epoch": self.pos.batch,
            "config": config_mod.to_dict(self.cfg),
            "model": self.model.state_dict(),
            "generator_prefixes": generator_prefixes(self.model, gens),
            "optimizers": {k: o.state_dict() for k, o in self.model.optimizers().items()},
            "ema": self.ema.state_dict() if self.ema else None,
            "extra": self.model.extra_state(),
            "rng": ckpt.rng_state(),
            "scalers": self.updates.state_dict(),
            "world_size": self.dist.world_size,
            "quality": self.quality.state_dict() if self.quality else None,
        }

    def save_checkpoint(self) -> Path | None:
        """The checkpoint of the current step, after making sure nothing in it is NaN/Inf (on every process)."""
        self.check_finite(weights=True)
        self.saved_step = self.pos.step
        if not self.dist.is_main:
            return None
        with reported_write(f"the checkpoint of step {self.pos.step}"):
            return ckpt.save_checkpoint(
                self.run_dir / "checkpoints", self.pos.step, self._payload(), self.cfg.train.keep_checkpoints
            )

    def check_finite(self, weights: bool = False) -> None:
        """Raise NonFiniteLoss (on every process alike) if a loss, or with `weights` a weight, is NaN/Inf."""
        problem = self.guard.first_problem()
        bad_weight = non_finite_weights(self.model) if weights and problem is None else None
        if not distributed.max_over_ranks(int(problem is not None or bad_weight is not None), self.device, self.dist):
            return
        what = (
            f"{problem[0]} became NaN/Inf at step {problem[1]}"
            if problem
            else f"weight {bad_weight} became NaN/Inf by step {self.pos.step}"
            if bad_weight
            else f"another process saw a NaN/Inf loss by step {self.pos.step}"
        )
        last = ckpt.list_checkpoints(self.run_dir / "checkpoints")
        kept = f"the newest checkpoint, {last[-1].name}, is the last good one" if last else "no checkpoint was written"
        raise NonFiniteLoss(
            f"{what}; training stopped and nothing after it was saved ({kept}). Lower the learning rate "
            f"(--set model.lr=...) or use --precision fp32, then {self.resume_hint()}"
        )

    def resume_hint(self) -> str:
        return f"resume with: avatargan train {self.cfg.model.family} --resume {self.run_dir}"

    def _take_lock(self) -> None:
        """Rank 0 locks the run folder; every process learns the outcome, so all of them stop on a conflict."""

        def attempt() -> str:
            try:
                self.lock.acquire()
            except UserError as exc:
                return str(exc)
            return ""

        problem = distributed.from_main(self.dist, attempt)
        if problem:
            raise RunLocked(problem)

    def _restore(self) -> None:
        path, payload = ckpt.latest_checkpoint(self.run_dir / "checkpoints")
        if payload["config"]["model"]["family"] != self.cfg.model.family:
            raise UserError(
                f"{path} is a {payload['config']['model']['family']} checkpoint, not {self.cfg.model.family}"
            )
        try:
            self.model.load_state_dict(payload["model"])
        except RuntimeError as exc:
            raise UserError(
                f"{path} does not fit this model's architecture (was the config changed?): {str(exc).splitlines()[0]}"
            ) from None
        for k, opt in self.model.optimizers().items():
            opt.load_state_dict(payload["optimizers"][k])
        if self.ema and payload.get("ema"):
            self.ema.load_state_dict(payload["ema"])
        self.model.load_extra_state(payload.get("extra") or {})
        self.updates.load_state_dict(payload.get("scalers") or {})
        ckpt.set_rng_state(payload["rng"])
        self.pos = Position(payload["step"], payload["epoch"], payload["batch_in_epoch"])
        if self.dist.is_main:
            truncate_stats(self.run_dir, self.pos.step)
        if self.quality:
            self.quality.load_state_dict(payload.get("quality") or {}, self.pos.step)
        console.info(f"resuming {self.run_dir} from {path.name} (step {self.pos.step}, epoch {self.pos.epoch})")

    # -- samples -------------------------------------------------------------------------------------------------
    def sample_generators(self) -> dict[str, torch.nn.Module]:
        """The generators that samples, metrics and exports use: the EMA copies (their batch-norm statistics
        recomputed for their own weights) when the run averages, else the live ones."""
        if not self.ema:
            return self.model.generators()
        with self.updates.autocast():
            self.ema.refresh_bn(self._bn_inputs)
        return self.ema.shadow

    def _bn_inputs(self, name: str, index: int) -> torch.Tensor:
        """Batch `index` of the inputs that recompute an EMA generator's statistics: always the same ones."""
        seed = self.cfg.train.seed + BN_SEED_OFFSET + index
        return self.model.generator_inputs(name, self.cfg.train.batch_size, seed, self._training_images)

    def _training_images(self, domain: str, n: int, seed: int) -> torch.Tensor:
        dataset = self.datasets[domain]
        picks = np.random.default_rng(seed).choice(len(dataset), size=n, replace=len(dataset) < n)
        return self.to_device(dataset.batch(np.sort(picks)))

    def write_samples(self, tag: str) -> None:
        """Grids of every sample kind, plus the first images of the main kind for the progression figure."""
        if not self.dist.is_main:
            return
        with self.updates.autocast():
            images = self.model.sample(self.fixed, self.sample_generators())
        with reported_write(f"the samples of {tag}"):
            self._save_samples(images, tag)

    def _save_samples(self, images: dict[str, Any], tag: str) -> None:
        folder = self.run_dir / "samples"
        for name, sheet in images.items():
            if isinstance(sheet, dict):  # titled columns, one row per fixed input (e.g. A → G(A) → F(G(A)))
                scale = max(1, SHEET_TILE // next(iter(sheet.values())).shape[-1])
                image = labelled_columns(list(sheet.items()), scale=scale)
            else:
                image = grid(sheet, nrow=GRID_COLUMNS)
            save_image(image, folder / f"{name}-{tag}.png")
        first = self.model.progress_images(images)[:PROGRESS_IMAGES]
        (self.run_dir / "progress").mkdir(exist_ok=True)
        np.save(self.run_dir / "progress" / f"{tag}.npy", to_uint8(first).cpu().numpy())

    # -- the loop ------------------------------------------------------------------------------------------------
    def run(self) -> Path:
        """Train to the configured length; a stop signal ends it early with a checkpoint (TrainingInterrupted)."""
        try:
            with StopRequests() as stop:
                signum = self._loop(stop)
                if signum:
                    if self.saved_step != self.pos.step:
                        self.save_checkpoint()
                    raise TrainingInterrupted(
                        f"stopped by {stop.describe() if stop.requested else 'a stop signal on another process'} "
                        f"after step {self.pos.step}; checkpoint in {self.run_dir / 'checkpoints'}. "
                        f"To continue, {self.resume_hint()}",
                        exit_code(signum),
                    )
                self.finish()  # a first signal here lets the final checkpoint, weights and report complete
                # the other processes wait while rank 0 writes the report: a gloo group torn down by one process
                # while another is still busy can abort the early one at exit (seen once in CI: SIGABRT of rank 1)
                distributed.barrier(self.dist)
        except StorageError as exc:
            raise StorageError(
                f"{exc}. The run folder's earlier checkpoints are intact: free space (or make {self.run_dir} "
                f"writable), then {self.resume_hint()}"
            ) from None
        finally:
            self.lock.release()
        return self.run_dir

    def _loop(self, stop: StopRequests) -> int:
        """The steps; returns the number of the signal that stopped it at a step boundary (0: it ran its course)."""
        t, pos = self.cfg.train, self.pos
        stats = StatsLogger(self.run_dir, start_step=pos.step) if self.dist.is_main else _NoStats()
        sums: dict[str, torch.Tensor] = {}
        counts: dict[str, int] = {}  # steps that reported each loss (a phase switch, e.g. CartoonGAN's init, adds keys)
        logged_at, window_start = pos.step, time.perf_counter()
        loop_start, loop_start_step = time.monotonic(), pos.step
        deadline = loop_start + t.max_minutes * 60 if t.max_minutes else None
        desc = f"train {self.cfg.model.family} {t.precision}"
        bar = console.progress(self.total_steps, desc, unit="step", initial=pos.step)
        stopped_by_budget, signum = False, 0
        try:
            while pos.step < self.total_steps and not stopped_by_budget and not signum:
                self.model.on_epoch_start(pos.epoch)
                for batch in self.stream.epoch(pos.epoch, pos.batch):
                    batch = {k: self.to_device(v) for k, v in batch.items()}
                    if self.cfg.data.hflip:  # each process flips its own slice with its own coins
                        flip_seed = t.seed + 7_919 * self.dist.rank
                        batch = {k: random_hflip(v, flip_seed, pos.step) for k, v in batch.items()}
                    if t.lr_ramp_down:
                        lr_factor = self.ramp_rates(pos.step, loop_start, deadline)
                    with self.updates.autocast():
                        losses = self.model.train_step(batch, pos.step)
                    if self.sync_buffers:
                        distributed.sync_buffers(self.model, self.dist)
                    pos.step += 1
                    pos.batch += 1
                    if self.ema:
                        self.ema.update(self.model.generators())
                    self.guard.watch(losses, pos.step)
                    for k, v in losses.items():  # summed on the device: no host sync per step
                        sums[k] = sums[k] + v if k in sums else v.clone()
                        counts[k] = counts.get(k, 0) + 1
                    if pos.step % t.log_every == 0 or pos.step == self.total_steps:
                        elapsed = time.perf_counter() - window_start
                        n = pos.step - logged_at
                        values = {k: float(v) / counts[k] for k, v in sums.items()}
                        values.update(
                            epoch=round(pos.epoch + pos.batch / self.stream.steps_per_epoch, 4),
                            img_per_s=round(n * t.batch_size / max(elapsed, 1e-9), 2),
                            seconds=round(elapsed, 3),  # this window's: summed, the training time without pauses
                            time=time.time(),
                        )
                        if t.lr_ramp_down:  # the ramp's factor of every learning rate, as the step trained at it
                            values["lr_factor"] = round(lr_factor, 6)
                        with reported_write(f"the training statistics of step {pos.step}"):
                            stats.log(pos.step, values)
                        self.check_finite()  # the values were read anyway: the check costs no extra sync
                        bar.set_postfix(
                            {k: f"{values[k]:.3f}" for k in list(sums)[:4]} | {"img/s": values["img_per_s"]}
                        )
                        sums, counts, logged_at, window_start = {}, {}, pos.step, time.perf_counter()
                    bar.update(1)
                    if deadline:  # under --minutes the bar ends where the time budget will, not the epochs
                        now = time.monotonic()
                        bar.total = steps_within_budget(
                            pos.step, pos.step - loop_start_step, now - loop_start, deadline - now, self.total_steps
                        )
                    if pos.step % t.sample_every == 0:
                        self.write_samples(f"step{pos.step:09d}")
                    if pos.step % t.checkpoint_every == 0:
                        self.save_checkpoint()
                    if t.eval_every and pos.step % t.eval_every == 0:
                        self.evaluate()
                    if self.quality and pos.step % t.quality_every == 0:
                        self.check_quality()
                    if deadline and time.monotonic() > deadline:
                        stopped_by_budget = True
                    # every process stops after the same step, whichever of them got the signal
                    signum = distributed.max_over_ranks(stop.signum or 0, self.device, self.dist)
                    if pos.step >= self.total_steps or stopped_by_budget or signum:
                        break
                if pos.batch >= self.stream.steps_per_epoch:  # a whole epoch is done
                    pos.epoch, pos.batch = pos.epoch + 1, 0
                    self.write_samples(f"epoch{pos.epoch:05d}")
        finally:
            bar.close()
            stats.close()
        if stopped_by_budget:
            console.info(f"time budget of {t.max_minutes:.3g} min reached at step {pos.step}")
        return signum

    def ramp_rates(self, step: int, started: float, deadline: float | None) -> float:
        """Set every optimizer's rates for `step` under `train.lr_ramp_down`; returns the ramp's factor. Progress is
        the share of the steps done, or of the time budget (`started` → `deadline`, monotonic clock) where that is
        further along."""
        progress = step / self.total_steps
        if deadline:  # every process must train at the same rates: the furthest clock decides
            by_time = (time.monotonic() - started) / (deadline - started)
            progress = max(progress, distributed.max_over_ranks(int(by_time * 1e6), self.device, self.dist) / 1e6)
        factor = schedule.ramp_down_factor(progress, self.cfg.train.lr_ramp_down)
        for optimizer in self.model.optimizers().values():
            schedule.set_ramp(optimizer, factor)
        return factor

    def evaluate(self) -> None:
        """The configured metrics of the sampling generators, appended to the run's metric-<name>.jsonl."""
        if self.dist.is_main:
            evaluate_in_training(self.sample_generators(), self.cfg, self.run_dir, self.pos.step)

    def export_meta(self) -> dict[str, Any]:
        """What exported weights say about themselves (generator.json)."""
        return {
            "model": config_mod.to_dict(self.cfg.model),
            "family_spec": self.spec.to_json(),
            "image_size": self.cfg.data.image_size,
            "step": self.pos.step,
            "ema": self.ema is not None,
        }

    def check_quality(self) -> None:
        """The quality signal now (rank 0): quality.jsonl, the best snapshot, a collapse warning."""
        self.quality_step = self.pos.step
        with reported_write(f"the quality check of step {self.pos.step}"):
            self.quality.check(self.sample_generators(), self.pos.step, self.export_meta())

    def finish(self) -> None:
        """Final checkpoint, samples, exported generator weights and the HTML report."""
        if self.saved_step != self.pos.step:
            self.save_checkpoint()  # on every process: it first checks (together) that nothing is NaN/Inf
        if not self.dist.is_main:
            return
        self.write_samples(f"step{self.pos.step:09d}")
        if self.cfg.train.eval_every and self.pos.step % self.cfg.train.eval_every:  # the final value, too
            self.evaluate()
        if self.quality and self.quality_step != self.pos.step:  # the last weights may be the best
            self.check_quality()
        with reported_write("the exported generator weights"):
            save_generators(self.sample_generators(), self.export_meta(), self.run_dir)

        with reported_write("the quality block"):
            final_quality(self.sample_generators(), self.cfg, self.run_dir, self.pos.step, self.model.domains)

        with reported_write("the run report"):
            report = write_report(self.run_dir)
        console.info(f"run finished: {self.run_dir} (report: {report})")


def train(cfg: RunConfig, run_dir: Path | None = None, resume: bool = False) -> Path:
    """Train `cfg` in a new run folder (or continue `run_dir` when `resume`); returns the run folder."""
    trainer = Trainer(cfg, run_dir, resume)
    try:
        return trainer.run()
    finally:
        distributed.teardown(trainer.dist)

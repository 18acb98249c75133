"""Train the judge on rendered built-in faces and write its weights and held-out accuracy into the package.

    nice -n 10 python -m avatargan.metrics.judge_train [--per-style 8000] [--minutes 12] [--out DIR]

The training population (seed 4242) and the held-out population (seed 4243) are both disjoint from the
`builtin:*-faces` data the GANs train on (seed 0), so the judge has never seen the faces it later scores. Besides
faces it sees "non-faces" made from them (noise, shuffled patches, two faces blended, heavy blur, upside down), so
its `valid` head learns what a broken sample looks like. Key point targets are fractions of the image side.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from avatargan.data.builtin.faces import face_record, render_face
from avatargan.data.builtin.keypoints import KEYPOINT_NAMES
from avatargan.metrics.judge import ATTRIBUTE_HEADS, JUDGE_SIZE, STYLES, Judge, judge_images, save_judge
from avatargan.pixels import from_uint8

TRAIN_SEED, HELDOUT_SEED = 4242, 4243


def _render_chunk(args: tuple[str, int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    style, seed, start, stop = args
    images, labels, points = [], [], []
    for i in range(start, stop):
        images.append(np.asarray(render_face(i, seed, style, JUDGE_SIZE), dtype=np.uint8))
        rec = face_record(i, seed, style, JUDGE_SIZE)
        labels.append([int(rec["attributes"][k]) for k in ATTRIBUTE_HEADS])
        points.append([rec["keypoints"][k] for k in KEYPOINT_NAMES])
    return np.stack(images), np.asarray(labels, np.int64), np.asarray(points, np.float32) / JUDGE_SIZE


def render_set(seed: int, per_style: int, processes: int = 2) -> dict[str, torch.Tensor]:
    """Both styles of faces 0..per_style-1 of population `seed`: images (uint8 N×3×64×64), labels, key points, style."""
    jobs = [(s, seed, a, min(a + 500, per_style)) for s in STYLES for a in range(0, per_style, 500)]
    with ProcessPoolExecutor(processes) as pool:
        parts = list(pool.map(_render_chunk, jobs))
    images = torch.from_numpy(np.concatenate([p[0] for p in parts])).permute(0, 3, 1, 2).contiguous()
    return {
        "images": images,
        "labels": torch.from_numpy(np.concatenate([p[1] for p in parts])),
        "keypoints": torch.from_numpy(np.concatenate([p[2] for p in parts])),
        "style": torch.tensor([STYLES.index(j[0]) for j, p in zip(jobs, parts, strict=True) for _ in range(len(p[0]))]),
    }


def make_negatives(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Non-faces from a batch of faces in [-1, 1]: what a broken or early generator tends to produce."""
    n, c, h, w = x.shape
    kind = torch.randint(0, 6, (n,), generator=gen)
    out = torch.empty_like(x)
    for k in range(6):
        idx = (kind == k).nonzero().squeeze(1)
        if len(idx) == 0:
            continue
        xs = x[idx]
        if k == 0:  # smooth colour noise
            low = torch.rand(len(idx), c, 4, 4, generator=gen) * 2 - 1
            y = F.interpolate(low, size=(h, w), mode="bilinear", align_corners=False)
            y = y + 0.3 * torch.randn(y.shape, generator=gen)
        elif k == 1:  # 4×4 patches shuffled
            p = h // 4
            tiles = xs.unfold(2, p, p).unfold(3, p, p).reshape(len(idx), c, 16, p, p)
            tiles = tiles[:, :, torch.randperm(16, generator=gen)]
            y = tiles.reshape(len(idx), c, 4, 4, p, p).permute(0, 1, 2, 4, 3, 5).reshape(len(idx), c, h, w)
        elif k == 2:  # two faces blended with a shift (ghosting, duplicated features)
            other = x[torch.randint(0, n, (len(idx),), generator=gen)]
            y = 0.5 * xs + 0.5 * torch.roll(other, shifts=(h // 5, w // 6), dims=(2, 3))
        elif k == 3:  # heavy blur: only blobs of colour left
            y = F.interpolate(F.avg_pool2d(xs, 8), size=(h, w), mode="bilinear", align_corners=False)
        elif k == 4:  # upside down
            y = xs.flip(2)
        else:  # one face's top half over another's bottom half, misaligned
            other = x[torch.randint(0, n, (len(idx),), generator=gen)]
            y = torch.cat([xs[:, :, : h // 2], torch.roll(other, shifts=w // 4, dims=3)[:, :, h // 2 :]], dim=2)
        out[idx] = y.clamp(-1, 1)
    return out


def evaluate(judge: Judge, data: dict[str, torch.Tensor]) -> dict[str, float]:
    """Held-out accuracy per attribute and style, key point error (pixels at 64 px), and the valid head's accuracy."""
    judge.eval()
    pred = judge_images(judge, data["images"])
    out: dict[str, float] = {}
    for s, style in enumerate(STYLES):
        mask = data["style"] == s
        for j, name in enumerate(ATTRIBUTE_HEADS):
            out[f"{style}/{name}_acc"] = float((pred.attributes[name][mask] == data["labels"][mask, j]).float().mean())
        err = (pred.keypoints[mask] - data["keypoints"][mask]).norm(dim=-1).mean() * JUDGE_SIZE
        out[f"{style}/keypoint_error_px"] = float(err)
        out[f"{style}/valid_acc_faces"] = float((pred.valid_prob[mask] > 0.5).float().mean())
    out["style_acc"] = float((pred.style == data["style"]).float().mean())
    gen = torch.Generator().manual_seed(1)
    neg = make_negatives(from_uint8(data["images"]), gen)
    out["valid_acc_nonfaces"] = float((judge_images(judge, neg).valid_prob < 0.5).float().mean())
    names = list(ATTRIBUTE_HEADS)
    out["mean_attribute_acc"] = float(np.mean([out[f"{s}/{n}_acc"] for s in STYLES for n in names]))
    return {k: round(v, 4) for k, v in out.items()}


def train(per_style: int, minutes: float, out: Path, heldout: int = 1000, batch: int = 128) -> dict[str, float]:
    torch.manual_seed(0)
    t0 = time.time()
    data = render_set(TRAIN_SEED, per_style)
    test = render_set(HELDOUT_SEED, heldout)
    print(
        f"rendered {len(data['images'])} training and {len(test['images'])} held-out faces in {time.time() - t0:.0f}s"
    )
    judge = Judge()
    opt = torch.optim.AdamW(judge.parameters(), lr=2e-3, weight_decay=1e-4)
    n, gen = len(data["images"]), torch.Generator().manual_seed(0)
    start, budget, step, epoch = time.time(), minutes * 60, 0, 0
    while time.time() - start < budget:
        judge.train()
        for idx in torch.randperm(n, generator=gen).split(batch):
            frac = (time.time() - start) / budget
            if len(idx) < batch or frac >= 1:
                break
            # the schedule follows the clock (warm-up, then cosine to zero), so any budget ends fully annealed
            lr = 2e-3 * min(1.0, frac / 0.05) * 0.5 * (1 + np.cos(np.pi * frac))
            for group in opt.param_groups:
                group["lr"] = lr
            x = from_uint8(data["images"][idx])
            # photometric jitter (brightness/contrast) so GAN colour drift does not fool the attribute heads
            contrast = 1 + 0.15 * (torch.rand(len(idx), 1, 1, 1, generator=gen) - 0.5)
            x = (x * contrast + 0.1 * (torch.rand(len(idx), 1, 1, 1, generator=gen) - 0.5)).clamp(-1, 1)
            neg = make_negatives(x[: batch // 4], gen)
            o = judge(torch.cat([x, neg]))
            loss = F.binary_cross_entropy_with_logits(
                o["valid"], torch.cat([torch.ones(len(x)), torch.zeros(len(neg))])
            )
            for j, name in enumerate(ATTRIBUTE_HEADS):
                loss = loss + F.cross_entropy(o["attributes"][name][: len(x)], data["labels"][idx, j])
            loss = loss + F.cross_entropy(o["style"][: len(x)], data["style"][idx])
            loss = loss + 20 * F.smooth_l1_loss(o["keypoints"][: len(x)], data["keypoints"][idx], beta=0.02)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f} ({time.time() - t0:.0f}s)", flush=True)
        epoch += 1
    scores = evaluate(judge, test)
    info = {
        "trained_on": f"{per_style} faces per style, built-in population seed {TRAIN_SEED}, {JUDGE_SIZE}px",
        "steps": step,
        "command": f"python -m avatargan.metrics.judge_train --per-style {per_style} --minutes {minutes:g}",
        "heldout": f"{heldout} faces per style, population seed {HELDOUT_SEED}",
        "heldout_scores": scores,
        "attributes": {k: n for k, n in ATTRIBUTE_HEADS.items()},
    }
    save_judge(judge, out, info)
    print(json.dumps(scores, indent=1))
    return scores


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--per-style", type=int, default=8000, help="training faces per style (default 8000)")
    p.add_argument("--heldout", type=int, default=1000, help="held-out faces per style (default 1000)")
    p.add_argument("--minutes", type=float, default=12.0, help="training time budget (default 12)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a busy 2-core CPU)")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "weights")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    train(args.per_style, args.minutes, args.out, args.heldout)


if __name__ == "__main__":
    main()

"""Train the shipped anime key point regressor: `python -m avatargan.landmark_regressor.train [--out PATH]`.

Data: built-in anime faces (`builtin:anime-faces`, population seed 1000, indices 0..count-1) rendered at 64×64 with
their exact key points; augmentation: horizontal flips (left/right points swapped) and small random shifts and
scales. Also fits the photo → anime key point affine on built-in pairs of the same people. Runs on a CPU in a few
minutes; writes the weights (fp16 safetensors) and a JSON with the data, the settings and the held-out error.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from avatargan.data.builtin.face_params import sample_face_params
from avatargan.data.builtin.faces import render_face
from avatargan.data.builtin.keypoints import keypoint_array
from avatargan.faces.keypoint_data import canonical_order
from avatargan.landmark_regressor.net import INPUT_SIZE, WEIGHTS, AnimeLandmarkNet
from avatargan.pixels import from_uint8

SEED = 1000


def render_set(count: int, offset: int, style: str = "anime") -> tuple[torch.Tensor, torch.Tensor]:
    imgs = np.stack([np.asarray(render_face(offset + i, SEED, style, INPUT_SIZE)) for i in range(count)])
    kp = np.stack([keypoint_array(sample_face_params(offset + i, SEED), style, INPUT_SIZE) for i in range(count)])
    x = from_uint8(torch.from_numpy(imgs).permute(0, 3, 1, 2))
    return x, torch.from_numpy(kp).float() / INPUT_SIZE


def augment(x: torch.Tensor, kp: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Random flip, shift (±6%) and scale (±8%) of images and their key points (fractions of the side)."""
    b = x.shape[0]
    flip = torch.rand(b, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    kp = kp.clone()
    kp[flip, :, 0] = 1 - kp[flip, :, 0]
    kp = canonical_order(kp)
    s = 1 + (torch.rand(b, generator=gen) - 0.5) * 0.16
    t = (torch.rand(b, 2, generator=gen) - 0.5) * 0.12
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = 1 / s
    theta[:, :, 2] = -t * 2 / s[:, None]  # output = s·(input - 0.5) + 0.5 + t, in fractions of the side
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, padding_mode="border", align_corners=False)
    kp = (kp - 0.5) * s[:, None, None] + 0.5 + t[:, None, :]
    return x, kp


def fit_photo_to_anime(count: int = 2000) -> list[list[float]]:
    """Least-squares 2×3 affine from photo key points to anime key points of the same built-in people."""
    p = np.concatenate([keypoint_array(sample_face_params(i, SEED), "photo", 1) for i in range(count)])
    a = np.concatenate([keypoint_array(sample_face_params(i, SEED), "anime", 1) for i in range(count)])
    design = np.concatenate([p, np.ones((len(p), 1))], axis=1)
    sol, *_ = np.linalg.lstsq(design, a, rcond=None)
    return sol.T.round(6).tolist()


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(WEIGHTS))
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--width", type=int, default=16)
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    started = time.time()
    x, kp = render_set(args.count, 0)
    x_test, kp_test = render_set(300, args.count)
    net = AnimeLandmarkNet(args.width)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.steps)
    gen = torch.Generator().manual_seed(0)
    for step in range(args.steps):
        idx = torch.randint(0, len(x), (64,), generator=gen)
        xb, kb = augment(x[idx], kp[idx], gen)
        loss = F.smooth_l1_loss(net(xb), kb, beta=0.02)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 500 == 0:
            print(f"step {step} loss {loss.item():.5f}", flush=True)
    net.eval()
    with torch.no_grad():
        pred = net(x_test)
    iod = (kp_test[:, 1] - kp_test[:, 0]).norm(dim=-1)
    nme = ((pred - kp_test).norm(dim=-1).mean(-1) / iod).mean().item()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file

    save_file({k: v.half().contiguous() for k, v in net.state_dict().items()}, str(out))
    meta = {
        "what": "anime face key point regressor (left_eye, right_eye, nose_tip, mouth_left, mouth_right, chin)",
        "data": f"built-in anime faces (builtin:anime-faces), population seed {SEED}, indices 0..{args.count - 1}, "
        f"{INPUT_SIZE}x{INPUT_SIZE}; flips, shifts ±6%, scales ±8%",
        "heldout": f"indices {args.count}..{args.count + 299} of the same population",
        "heldout_nme": round(nme, 4),
        "steps": args.steps,
        "batch": 64,
        "width": args.width,
        "photo_to_anime": fit_photo_to_anime(),
        "trained_seconds": round(time.time() - started),
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta, indent=2))
    return out


if __name__ == "__main__":
    main()

"""A small anime key point regressor (Wu et al. 2019's landmark-assisted CycleGAN) and the loss built on it.

`AnimeLandmarkNet` maps a 64×64 anime face to the six key points of `KEYPOINT_NAMES` (as fractions of the image
side). Its shipped weights (`weights/anime_landmarks.safetensors`, about 150 KB) were trained by
`python -m avatargan.landmark_regressor.train` on built-in anime faces only (`builtin:anime-faces`, population seed
1000, so none of the faces a default run trains or is tested on), with flips and small random shifts/scales; the
JSON beside them records the data, the training and the held-out error.

The landmark regression loss predicts key points on G(photo) and pulls them to the photo's key points mapped into
the anime frame: anime faces put eyes lower and larger than photos, so "the same place" is the affine map between
the two styles' key point layouts (fitted on built-in pairs of the same people, stored in the same JSON).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from avatargan.errors import CheckpointError

WEIGHTS = Path(__file__).with_name("weights") / "anime_landmarks.safetensors"
INPUT_SIZE = 64


class AnimeLandmarkNet(nn.Module):
    """Four stride-2 convolutions and a linear head: images in [-1, 1] (any size) → B×6×2 in [0, 1] of the side."""

    def __init__(self, width: int = 16) -> None:
        super().__init__()
        chans = [3, width, 2 * width, 4 * width, 4 * width]
        layers: list[nn.Module] = []
        for cin, cout in zip(chans[:-1], chans[1:], strict=True):
            layers += [nn.Conv2d(cin, cout, 3, 2, 1), nn.BatchNorm2d(cout), nn.LeakyReLU(0.1)]
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(chans[-1] * (INPUT_SIZE // 16) ** 2, 12)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != INPUT_SIZE:
            x = F.interpolate(x, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False, antialias=True)
        return torch.sigmoid(self.head(self.features(x).flatten(1))).view(-1, 6, 2)


def load_regressor(path: str | Path = WEIGHTS, device: torch.device | str = "cpu") -> tuple[AnimeLandmarkNet, dict]:
    """The frozen regressor (eval mode, no gradients to its parameters) and its JSON description."""
    from safetensors.torch import load_file

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            f"{path} is missing; train it with `python -m avatargan.landmark_regressor.train` or reinstall avatargan"
        )
    meta = json.loads(path.with_suffix(".json").read_text())
    net = AnimeLandmarkNet(meta.get("width", 16))
    net.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()})
    net.eval().requires_grad_(False)
    return net.to(device), meta


def photo_to_anime_affine(path: str | Path = WEIGHTS) -> torch.Tensor:
    """The 2×3 affine map from a photo's key point layout to an anime face's (fractions of the side), stored with
    the regressor: where "the same place" of a photo is in its anime version."""
    meta_path = Path(path).with_suffix(".json")
    if not meta_path.is_file():
        raise CheckpointError(f"{meta_path} is missing; reinstall avatargan")
    return torch.tensor(json.loads(meta_path.read_text())["photo_to_anime"], dtype=torch.float32)


def photo_to_anime(kp: torch.Tensor, affine: torch.Tensor) -> torch.Tensor:
    """Key points (B×K×2, fractions of the side) of a photo mapped into the anime frame by a 2×3 affine."""
    return kp @ affine[:, :2].T + affine[:, 2]


def regression_loss(
    net: AnimeLandmarkNet, fake: torch.Tensor, target: torch.Tensor, valid: torch.Tensor
) -> torch.Tensor:
    """Smooth L1 between the regressed key points of `fake` and `target` (both fractions of the side), over valid
    points; the regressor stays in eval mode (frozen statistics) while the gradient flows into the generator."""
    pred = net(fake.float())
    err = F.smooth_l1_loss(pred, target, reduction="none", beta=0.02).sum(-1)
    return (err * valid).sum() / valid.sum().clamp_min(1)

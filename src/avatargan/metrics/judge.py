"""The judge: a small CNN the project trains on its own built-in faces (both styles) and ships in the package.

It reads a 64×64 face and predicts what the renderer knows about it: the categorical attributes (hair colour, eye
colour, face shape, …), the six key points, the drawing style (anime or photo) and whether the image is a valid
face at all. Its penultimate layer is the feature space of the judge Fréchet distance. The weights are a small
float16 safetensors file plus a JSON description; `load_judge` checks both and refuses a corrupt file clearly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from avatargan.errors import CheckpointError
from avatargan.pixels import from_uint8

JUDGE_SIZE = 64  # the judge reads 64×64 images; others are resized (area / bilinear) first
FEATURE_DIM = 128
#: categorical heads: attribute → number of classes (order = face_params.ATTRIBUTE_CLASSES, then two binaries)
ATTRIBUTE_HEADS: dict[str, int] = {
    "hair_color": 10,
    "eye_color": 8,
    "face_shape": 4,
    "hair_style": 6,
    "fringe": 6,
    "eye_shape": 4,
    "blush": 2,
    "mouth_open": 2,
}
NUM_KEYPOINTS = 6  # keypoints.KEYPOINT_NAMES
STYLES = ("anime", "photo")
WEIGHTS_NAME = "judge.safetensors"
META_NAME = "judge.json"


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class Judge(nn.Module):
    """64×64 RGB in [-1, 1] → features (128) and heads: attributes, key points (0..1 of the side), style, valid."""

    def __init__(self) -> None:
        super().__init__()
        stem = nn.Sequential(nn.Conv2d(3, 32, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(True))
        # a strided stem first: the full-resolution layers are what costs most on a CPU
        self.body = nn.Sequential(stem, _block(32, 48), _block(48, 64), _block(64, 96))  # → 96×4×4
        self.squeeze = nn.Conv2d(96, 32, 1)  # keeps where things are (for key points) at a small cost
        self.fc = nn.Linear(32 * 16, FEATURE_DIM)
        self.attributes = nn.ModuleDict({k: nn.Linear(FEATURE_DIM, n) for k, n in ATTRIBUTE_HEADS.items()})
        self.keypoints = nn.Linear(FEATURE_DIM, NUM_KEYPOINTS * 2)
        self.style = nn.Linear(FEATURE_DIM, len(STYLES))
        self.valid = nn.Linear(FEATURE_DIM, 1)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.squeeze(self.body(x)))
        return F.relu(self.fc(h.flatten(1)))

    def forward(self, x: torch.Tensor) -> dict[str, Any]:
        f = self.features(x)
        return {
            "features": f,
            "attributes": {k: head(f) for k, head in self.attributes.items()},
            "keypoints": torch.sigmoid(self.keypoints(f)).view(-1, NUM_KEYPOINTS, 2),
            "style": self.style(f),
            "valid": self.valid(f).squeeze(1),
        }


def to_judge_input(images: torch.Tensor) -> torch.Tensor:
    """uint8 (0..255) or float ([-1, 1]) N×3×H×W images → float [-1, 1] at the judge's 64×64."""
    x = from_uint8(images) if images.dtype == torch.uint8 else images.float().clamp(-1, 1)
    if x.shape[-1] != JUDGE_SIZE or x.shape[-2] != JUDGE_SIZE:
        mode = "area" if x.shape[-1] > JUDGE_SIZE else "bilinear"
        x = F.interpolate(
            x, size=(JUDGE_SIZE, JUDGE_SIZE), mode=mode, **({} if mode == "area" else {"align_corners": False})
        )
    return x


@dataclass
class JudgeOutput:
    """Predictions for a set of images, on the CPU."""

    features: torch.Tensor  # N×128
    attributes: dict[str, torch.Tensor]  # name → N predicted classes
    attribute_probs: dict[str, torch.Tensor]  # name → N×C softmax
    keypoints: torch.Tensor  # N×6×2, as fractions of the image side
    style: torch.Tensor  # N, 0 = anime, 1 = photo
    valid_prob: torch.Tensor  # N


@torch.inference_mode()
def judge_images(judge: Judge, images: torch.Tensor, batch_size: int = 256) -> JudgeOutput:
    """Run the judge over `images` (uint8 or [-1, 1], any square size) in batches."""
    device = next(judge.parameters()).device
    parts: list[dict[str, Any]] = []
    for i in range(0, len(images), batch_size):
        parts.append(judge(to_judge_input(images[i : i + batch_size]).to(device)))
    probs = {k: torch.cat([p["attributes"][k].softmax(1).cpu() for p in parts]) for k in ATTRIBUTE_HEADS}
    return JudgeOutput(
        features=torch.cat([p["features"].cpu() for p in parts]),
        attributes={k: v.argmax(1) for k, v in probs.items()},
        attribute_probs=probs,
        keypoints=torch.cat([p["keypoints"].cpu() for p in parts]),
        style=torch.cat([p["style"].argmax(1).cpu() for p in parts]),
        valid_prob=torch.cat([torch.sigmoid(p["valid"]).cpu() for p in parts]),
    )


# ----------------------------------------------------------------------------------------------------------------
# Shipped weights


def packaged_weights() -> Path:
    return Path(str(resources.files("avatargan.metrics") / "weights" / WEIGHTS_NAME))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_judge(judge: Judge, folder: Path, info: dict[str, Any]) -> Path:
    """Write float16 weights and a JSON description (with the weights' SHA-256, checked on load)."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / WEIGHTS_NAME
    tensors = {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in judge.state_dict().items()}
    save_file(tensors, str(path), metadata={"format": "avatargan-judge", "version": "1"})
    path.chmod(0o644)  # shipped in the package: readable by everyone
    meta = {"format": "avatargan-judge", "version": 1, "sha256": file_sha256(path), **info}
    (folder / META_NAME).write_text(json.dumps(meta, indent=2) + "\n")
    return path


def load_judge(path: str | Path | None = None, device: torch.device | str = "cpu") -> tuple[Judge, dict[str, Any]]:
    """The judge (eval mode) and its description; a missing, corrupt or mismatched file is a CheckpointError."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path) if path else packaged_weights()
    meta_path = path.with_name(META_NAME)
    fix = "reinstall avatargan, or retrain it with `python -m avatargan.metrics.judge_train`"
    if not path.is_file() or not meta_path.is_file():
        raise CheckpointError(f"judge weights {path} (and {meta_path.name} beside it) are missing; {fix}")
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{meta_path} is not valid JSON ({exc}); {fix}") from None
    digest = file_sha256(path)
    if meta.get("sha256") != digest:
        raise CheckpointError(
            f"judge weights {path} are corrupt: SHA-256 {digest[:16]}… does not match {meta_path.name} "
            f"({str(meta.get('sha256'))[:16]}…); {fix}"
        )
    try:
        tensors = load_file(str(path))
        judge = Judge()
        judge.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in tensors.items()})
    except (SafetensorError, OSError, RuntimeError) as exc:
        raise CheckpointError(f"judge weights {path} cannot be loaded ({str(exc).splitlines()[0]}); {fix}") from None
    return judge.to(device).eval(), meta

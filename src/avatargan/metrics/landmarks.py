"""Landmark preservation of a photo → anime generator, measured with the anime face detector (`evaluate --landmarks`).

For each photo with key points (built-in faces, or a folder prepared with `avatargan prepare photos`), G(photo) is
handed to AnimeFace. Reported: the detection rate (does G(photo) still look like a face to an anime face detector)
and, over detected faces, the mean distance between the detected anime parts (eyes, nose, mouth corners) and the
photo's key points, divided by the photo's inter-ocular distance (NME: 0 = every part where the photo had it).
On the built-in pair the same person's anime rendering gives true anime key points: `nme_truth` is the distance to
those, normalised by their own inter-ocular distance.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image
from torch import nn

from avatargan import console
from avatargan.data.builtin.face_params import sample_face_params
from avatargan.data.builtin.keypoints import keypoint_array
from avatargan.data.sources import BuiltinFaces
from avatargan.data.spec import open_source, open_test_domains
from avatargan.errors import UserError
from avatargan.faces.detectors import AnimeDetector
from avatargan.faces.keypoint_data import source_keypoints
from avatargan.landmark_regressor.net import WEIGHTS, load_regressor, photo_to_anime, photo_to_anime_affine
from avatargan.metrics.evaluate import first_images, transfer_images
from avatargan.models.spec import PHOTO_TO_ANIME
from avatargan.pixels import from_uint8
from avatargan.weights import family_spec

COMPARED = [0, 1, 2, 3, 4]  # eyes, nose tip, mouth corners (the chin is too uncertain on anime detections)
DETECT_SIZE = 256  # AnimeFace's smallest window is ~43 px: small outputs are enlarged before detection


def _nme(pred: np.ndarray, ref: np.ndarray) -> float:
    iod = float(np.linalg.norm(ref[1] - ref[0]))
    return float(np.linalg.norm(pred[COMPARED] - ref[COMPARED], axis=1).mean() / max(iod, 1e-6))


def detect_anime_keypoints(images: torch.Tensor, detector=None) -> list[np.ndarray | None]:
    """Key points (6×2, in pixels of the given images) of the largest anime face in each uint8 image, or None."""
    detector = detector or AnimeDetector()
    out: list[np.ndarray | None] = []
    for img in images:
        h = img.shape[-1]
        pil = Image.fromarray(img.permute(1, 2, 0).numpy()).resize((DETECT_SIZE, DETECT_SIZE), Image.Resampling.BICUBIC)
        faces = detector.detect(pil)
        out.append(faces[0].keypoints * (h / DETECT_SIZE) if faces else None)
    return out


def landmark_scores(
    outputs: torch.Tensor, photo_kp: np.ndarray, truth_kp: np.ndarray | None = None, detector=None
) -> dict[str, float]:
    """detection_rate, nme_photo (and nme_truth) of uint8 outputs G(photo) given the photos' key points."""
    found = detect_anime_keypoints(outputs, detector)
    hits = [i for i, kp in enumerate(found) if kp is not None]
    res = {"detection_rate": len(hits) / max(len(found), 1), "n": float(len(found))}
    res["nme_photo"] = float(np.mean([_nme(found[i], photo_kp[i]) for i in hits])) if hits else float("nan")
    if truth_kp is not None:
        res["nme_truth"] = float(np.mean([_nme(found[i], truth_kp[i]) for i in hits])) if hits else float("nan")
    return res


@torch.no_grad()
def regressor_scores(outputs: torch.Tensor, photo_kp: np.ndarray, truth_kp: np.ndarray | None = None) -> dict:
    """The same distances measured with the shipped anime key point regressor instead of AnimeFace (always gives
    points, so no detection rate): `reg_nme_photo` against the photo's key points mapped into the anime frame (what
    the regression loss aims at), `reg_nme_truth` against the built-in anime truth. The regressor was trained on
    built-in anime faces only, so on other data prefer the detector's numbers."""
    net, _ = load_regressor()
    size = outputs.shape[-1]
    pred = torch.cat([net(from_uint8(outputs[i : i + 64])) for i in range(0, len(outputs), 64)]).numpy() * size
    mapped = photo_to_anime(torch.from_numpy(photo_kp).float() / size, photo_to_anime_affine())
    mapped = mapped.numpy() * size
    res = {"reg_nme_photo": float(np.mean([_nme(pred[i], mapped[i]) for i in range(len(pred))]))}
    if truth_kp is not None:
        res["reg_nme_truth"] = float(np.mean([_nme(pred[i], truth_kp[i]) for i in range(len(pred))]))
    return res


def landmark_inputs(data, spec: str | None, n: int, size: int) -> tuple[torch.Tensor, np.ndarray, np.ndarray | None]:
    """(uint8 photos, their key points, the built-in anime truth or None) for `spec`, or for the run's test A."""
    source = open_source(spec, data) if spec else open_test_domains(data, ("a",)).get("a")
    if source is None:
        raise UserError("--landmarks needs photos with key points: pass --source DIR (prepared) or builtin:photo-faces")
    count = min(n, len(source))
    kp = source_keypoints(source, size, count)
    if kp is None:
        raise UserError(
            f"{source.name} has no key points (no landmarks.jsonl); prepare it first: "
            f"avatargan prepare photos SRC --out DIR, then --source DIR"
        )
    photos = first_images(source, size, count)
    truth = None
    if isinstance(source, BuiltinFaces) and source.style == "photo":
        truth = np.stack(
            [keypoint_array(sample_face_params(source.offset + i, source.seed), "anime", size) for i in range(count)]
        )
    return photos, kp[:count], truth


def evaluate_landmarks(
    g: nn.Module, data, spec: str | None, n: int, size: int, batch_size: int = 16
) -> dict[str, float]:
    """`landmark_scores` of generator `g` (photo → anime) on up to `n` photos of `spec` (default: the run's test A)."""
    photos, kp, truth = landmark_inputs(data, spec, n, size)
    outputs = transfer_images(g, photos, batch_size)
    res = landmark_scores(outputs, kp, truth)
    if WEIGHTS.is_file():
        res |= regressor_scores(outputs, kp, truth)
    return res


def landmark_results(
    generators: dict[str, nn.Module], meta: dict, data, spec: str | None, n: int, batch_size: int
) -> dict[str, float]:
    """`avatargan evaluate --landmarks`: the photo → anime generator's landmark scores, rounded and printed."""
    if family_spec(meta).kind != "transfer" or PHOTO_TO_ANIME not in generators:
        raise UserError(
            "--landmarks measures photo → anime transfer; these weights have no a2b (photo → anime) generator"
        )
    size = int(meta.get("image_size") or data.image_size)
    values = evaluate_landmarks(generators[PHOTO_TO_ANIME], data, spec, n, size, batch_size)
    values = {k: round(float(v), 6) for k, v in values.items()}
    text = ", ".join(f"{k} {v:.4g}" for k, v in values.items())
    console.info(f"landmarks: {text} (NME: mean distance / inter-ocular distance; lower keeps features in place)")
    return values

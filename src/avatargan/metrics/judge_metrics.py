"""The built-in benchmark's metrics, read by the judge (see `avatargan.metrics.judge`).

Generation: `judge_fd` (Fréchet distance in the judge's feature space), `attr_coverage` (do the generated faces
show every hair colour, eye colour, face shape… as often as the data?) and `valid_faces` (share of samples the
judge accepts as a face). Transfer on ground-truth pairs (built-in photo i and anime i are the same person):
`keypoint_error`, `attr_preservation` and `movement` (how far G(photo) moved from the photo, to catch an identity
map).
"""

from __future__ import annotations

import torch

from avatargan.metrics import stats
from avatargan.metrics.base import NEEDS_PAIRS, EvalInputs, metric
from avatargan.metrics.judge import ATTRIBUTE_HEADS, JudgeOutput, judge_images, load_judge

#: attributes compared for coverage and preservation: the categorical identity ones (not blush / open mouth)
IDENTITY_ATTRIBUTES = ("hair_color", "eye_color", "face_shape", "hair_style", "fringe", "eye_shape")


def _judged(inputs: EvalInputs, side: str) -> JudgeOutput:
    judge = inputs.once("judge", lambda: load_judge(device=inputs.device)[0])
    images = {"fake": inputs.fake, "real": inputs.real, "target": inputs.target}[side]
    return inputs.once(f"judge_{side}", lambda: judge_images(judge, images))


def attribute_histograms(out: JudgeOutput) -> dict[str, torch.Tensor]:
    """Per attribute, the share of images the judge puts in each class."""
    return {
        k: torch.bincount(out.attributes[k], minlength=ATTRIBUTE_HEADS[k]).double() / len(out.features)
        for k in IDENTITY_ATTRIBUTES
    }


def coverage(fake: JudgeOutput, real: JudgeOutput) -> dict[str, float]:
    """1 − total-variation distance between attribute histograms, per attribute and averaged (1 = same mix)."""
    hf, hr = attribute_histograms(fake), attribute_histograms(real)
    per = {k: float(1 - 0.5 * (hf[k] - hr[k]).abs().sum()) for k in IDENTITY_ATTRIBUTES}
    return {"attr_coverage": sum(per.values()) / len(per), **{f"coverage_{k}": v for k, v in per.items()}}


@metric("judge_fd")
def judge_fd(inputs: EvalInputs) -> dict[str, float]:
    return {"judge_fd": stats.fid(_judged(inputs, "fake").features, _judged(inputs, "real").features)}


@metric("attr_coverage")
def attr_coverage(inputs: EvalInputs) -> dict[str, float]:
    return coverage(_judged(inputs, "fake"), _judged(inputs, "real"))


@metric("valid_faces", ())
def valid_faces(inputs: EvalInputs) -> dict[str, float]:
    prob = _judged(inputs, "fake").valid_prob.double()
    # the mean probability as well: graded where the share is still 0 (early, noisy but face-like samples)
    return {"valid_faces": float((prob > 0.5).double().mean()), "valid_prob_mean": float(prob.mean())}


@metric("keypoint_error", (NEEDS_PAIRS,))
def keypoint_error(inputs: EvalInputs) -> dict[str, float]:
    fake, target = _judged(inputs, "fake"), _judged(inputs, "target")
    return {"keypoint_error": float((fake.keypoints - target.keypoints).norm(dim=-1).mean() * 100)}


@metric("attr_preservation", (NEEDS_PAIRS,))
def attr_preservation(inputs: EvalInputs) -> dict[str, float]:
    fake = _judged(inputs, "fake")
    if inputs.target_labels is not None:  # the ground truth of each person
        truth = {k: inputs.target_labels[:, list(ATTRIBUTE_HEADS).index(k)] for k in IDENTITY_ATTRIBUTES}
    else:  # no labels: what the judge reads on the true anime face
        truth = {k: _judged(inputs, "target").attributes[k] for k in IDENTITY_ATTRIBUTES}
    per = {k: float((fake.attributes[k] == truth[k]).double().mean()) for k in IDENTITY_ATTRIBUTES}
    return {"attr_preservation": sum(per.values()) / len(per), **{f"kept_{k}": v for k, v in per.items()}}


@metric("movement", (NEEDS_PAIRS,))
def movement(inputs: EvalInputs) -> dict[str, float]:
    fake, source = inputs.fake.float(), inputs.source.float()
    if fake.shape[-1] != source.shape[-1]:
        source = torch.nn.functional.interpolate(source, size=fake.shape[-2:], mode="area")
    return {"movement": float((fake - source).abs().mean() / 255)}

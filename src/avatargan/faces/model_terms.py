"""The face losses as one object a transfer family (CycleGAN, CartoonGAN) holds: config fields, data, loss terms.

A family adds `FaceLossOptions` to its config dataclass, returns `face_keypoint_datasets(...)` from its
`derived_datasets` (so batches carry "a_keypoints"/"b_keypoints" maps where the data has key points), builds
`FaceTerms(cfg)` and asks it, in `train_step`, for the weight map of a domain's batch and for the extra terms.
Everything is off by default; turned on, a term that lacks its data (no key points) is a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from avatargan.config_checks import PositiveFloat, Weight
from avatargan.errors import ConfigError
from avatargan.faces.options_help import HELP  # noqa: F401  (one line per option, for `train --help`)


@dataclass
class FaceLossOptions:
    landmark_gain: Weight = 0.0  # face landmark loss: cycle/identity/content errors weigh 1+gain at key points; 0 off
    landmark_radius: PositiveFloat = 0.06  # radius of each key point's Gaussian region, as a fraction of the side
    lambda_landmark_reg: Weight = 0.0  # Wu et al.: regressed key points of G(photo) vs the photo's (mapped); 0 off
    lambda_gray: Weight = 0.0  # AnimeGAN grayscale (Gram) loss against anime images; 0 off
    lambda_color: Weight = 0.0  # AnimeGAN colour (YUV) reconstruction loss against the photo; 0 off


def wants_keypoints(cfg: FaceLossOptions) -> bool:
    return cfg.landmark_gain > 0 or cfg.lambda_landmark_reg > 0


def face_keypoint_datasets(cfg: FaceLossOptions, data, datasets: dict, domains: tuple[str, ...]) -> dict:
    """Key point map companions of `domains` when a landmark term is on (see `faces.keypoint_data`)."""
    if not wants_keypoints(cfg):
        return {}
    from avatargan.faces.keypoint_data import keypoint_datasets

    out = keypoint_datasets(data, datasets, ("a",))  # the photos first: without them the loss cannot work
    if "a_keypoints" not in out:
        raise ConfigError(
            "the face landmark loss needs key points for domain A (photos): use builtin:photo-faces or a folder "
            "made by `avatargan prepare photos SRC --out DIR` (it holds landmarks.jsonl), or set "
            "model.landmark_gain=0 and model.lambda_landmark_reg=0"
        )
    return out | keypoint_datasets(data, datasets, tuple(d for d in domains if d != "a"))


class FaceTerms:
    """Loss terms of `FaceLossOptions`; the frozen networks they use (regressor, grayscale features) load lazily
    and are not part of the model's state (they are fixed, shipped weights)."""

    def __init__(self, cfg: FaceLossOptions) -> None:
        self.cfg = cfg  # its values were checked with the model's config (config_checks: Weight, PositiveFloat)
        self._regressor = None
        self._affine = None
        self._features = None

    def keypoints(self, batch: dict[str, torch.Tensor], domain: str) -> tuple[torch.Tensor, torch.Tensor] | None:
        from avatargan.faces.keypoint_data import canonical_order, decode_keypoints

        maps = batch.get(f"{domain}_keypoints")
        if maps is None:
            return None
        kp, valid = decode_keypoints(maps)
        return canonical_order(kp), valid

    def weight_map(self, batch: dict[str, torch.Tensor], domain: str) -> torch.Tensor | None:
        """B×1×H×W weights for the reconstruction errors of `domain`'s images, or None (plain L1)."""
        if self.cfg.landmark_gain <= 0:
            return None
        found = self.keypoints(batch, domain)
        if found is None:
            return None
        from avatargan.faces.landmark_loss import landmark_weight_map

        kp, valid = found
        size = batch[domain].shape[-1]
        return landmark_weight_map(kp, size, self.cfg.landmark_radius, self.cfg.landmark_gain, valid.float())

    def extra_losses(
        self, batch: dict[str, torch.Tensor], fake_b: torch.Tensor, real_a: torch.Tensor, real_b: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """The enabled terms for G(photo) = `fake_b`, unweighted: name → loss (multiply by the matching lambda)."""
        from avatargan.faces import landmark_loss

        out: dict[str, torch.Tensor] = {}
        if self.cfg.lambda_landmark_reg > 0:
            out["loss_landmark_reg"] = self._regression(batch, fake_b)
        if self.cfg.lambda_gray > 0:
            out["loss_gray"] = landmark_loss.grayscale_style_loss(fake_b, real_b, self._gray_features(fake_b.device))
        if self.cfg.lambda_color > 0:
            out["loss_color"] = landmark_loss.color_loss(fake_b, real_a)
        return out

    def weighted_sum(self, terms: dict[str, torch.Tensor]) -> torch.Tensor | float:
        lambdas = {"loss_landmark_reg": self.cfg.lambda_landmark_reg, "loss_gray": self.cfg.lambda_gray}
        lambdas["loss_color"] = self.cfg.lambda_color
        return sum(lambdas[k] * v for k, v in terms.items())

    def _regression(self, batch: dict[str, torch.Tensor], fake_b: torch.Tensor) -> torch.Tensor:
        from avatargan.faces.regressor import load_regressor, photo_to_anime, regression_loss

        if self._regressor is None:
            self._regressor, meta = load_regressor(device=fake_b.device)
            self._affine = torch.tensor(meta["photo_to_anime"], dtype=torch.float32, device=fake_b.device)
        found = self.keypoints(batch, "a")
        if found is None:
            raise ConfigError("model.lambda_landmark_reg needs key points of the photos (domain A)")
        kp, valid = found
        target = photo_to_anime(kp / fake_b.shape[-1], self._affine)
        return regression_loss(self._regressor, fake_b, target, valid.float())

    def _gray_features(self, device: torch.device):
        if self._features is None:
            from avatargan.nn.content_backbone import load_content_backbone

            self._features = load_content_backbone("efficientnet-lite0").to(device).eval().requires_grad_(False)
        return self._features

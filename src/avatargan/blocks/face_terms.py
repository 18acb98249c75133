"""The face losses as one object a transfer family (CycleGAN, CartoonGAN) holds: config fields, data, loss terms.

A family adds `FaceLossOptions` to its config dataclass, adds `face_derived(cfg)` to the derived data of its
`spec` (so the trainer gives batches "a_keypoints"/"b_keypoints" maps where the data has key points,
`avatargan.data.derived`), builds `FaceTerms(cfg)` and asks it, in `train_step`, for the weight map of a domain's
batch and for the extra terms.
Everything is off by default; turned on, a term that lacks its data (no key points) is a clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

import torch
from torch import nn

from avatargan.blocks import face_losses
from avatargan.config_checks import PositiveFloat, PositiveInt, Weight
from avatargan.errors import ConfigError, UserError
from avatargan.faces.keypoint_data import canonical_order, decode_keypoints
from avatargan.landmark_regressor.net import load_regressor, photo_to_anime, photo_to_anime_affine, regression_loss
from avatargan.nn.content_backbone import MissingWeightsError, load_content_backbone


@dataclass
class FaceLossOptions:
    landmark_gain: Weight = 0.0  # face landmark loss: cycle/identity/content errors weigh 1+gain at key points; 0 off
    landmark_radius: PositiveFloat = 0.06  # radius of each key point's Gaussian region, as a fraction of the side
    lambda_landmark_reg: Weight = 0.0  # Wu et al.: regressed key points of G(photo) vs the photo's (mapped); 0 off
    lambda_gray: Weight = 0.0  # AnimeGAN grayscale (Gram) loss against anime images; 0 off
    lambda_color: Weight = 0.0  # AnimeGAN colour (YUV) reconstruction loss against the photo; 0 off
    lambda_chroma: Weight = 0.0  # regional colour: U, V of G(photo) vs the photo's, averaged over an 8×8 grid; 0 off
    chroma_channels: Literal["uv", "yuv"] = "uv"  # what each cell of lambda_chroma keeps: uv (hue) | yuv (+ brightness)
    chroma_cells: PositiveInt = face_losses.CHROMA_CELLS  # lambda_chroma's grid: cells a side (8: 8-px cells at 64 px)
    lambda_eye_color: Weight = 0.0  # eye colour: each eye's hue in G(photo) follows the photo's (key points); 0 off
    eye_color_channels: Literal["uv", "yuv"] = "uv"  # lambda_eye_color's direction: uv (hue) | yuv (with brightness)
    lambda_eye_yuv: Weight = 0.0  # eye colour: each eye's Y, U, V excess in G(photo) follows the photo's; 0 off
    eye_y_gain: PositiveFloat = (
        1.0  # lambda_eye_yuv's target brightness excess: the photo eye's × this (1: the photo's)
    )


def wants_keypoints(cfg: FaceLossOptions) -> bool:
    return cfg.landmark_gain > 0 or cfg.lambda_landmark_reg > 0 or _wants_eyes(cfg)


def _wants_eyes(cfg: FaceLossOptions) -> bool:
    return cfg.lambda_eye_color > 0 or cfg.lambda_eye_yuv > 0


def face_derived(cfg: FaceLossOptions) -> tuple[str, ...]:
    """The derived data the enabled face terms need (for a family's `spec`): key point maps, or nothing."""
    return ("keypoints",) if wants_keypoints(cfg) else ()


class FaceTerms:
    """Loss terms of `FaceLossOptions`. The frozen networks the enabled terms use (the key point regressor, the
    grayscale features) load here, so missing weights stop the run before it starts; the family adds `networks` to
    its frozen ones (`GANModel.frozen`): placed with the model, never trained, never saved."""

    def __init__(self, cfg: FaceLossOptions, eyes: bool = False) -> None:
        """`eyes`: the family asks `photo_eyes` for a term of its own (CartoonGAN's eye discriminator)."""
        self.cfg = cfg  # its values were checked with the model's config (config_checks: Weight, PositiveFloat)
        self.networks: dict[str, nn.Module] = {}
        # where a photo's key points are in its anime version (shipped with the regressor; not saved)
        mapped = cfg.lambda_landmark_reg > 0 or _wants_eyes(cfg) or eyes
        self.anime_frame = photo_to_anime_affine() if mapped else None
        if cfg.lambda_landmark_reg > 0:
            regressor, _ = load_regressor()
            self.networks["face_regressor"] = regressor
        if cfg.lambda_gray > 0:
            try:
                features = load_content_backbone("efficientnet-lite0")
            except MissingWeightsError as exc:
                raise UserError(f"model.lambda_gray (grayscale features of EfficientNet-Lite0): {exc}") from None
            self.networks["face_gray_features"] = features.eval().requires_grad_(False)

    def keypoints(self, batch: dict[str, torch.Tensor], domain: str) -> tuple[torch.Tensor, torch.Tensor] | None:
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
        kp, valid = found
        size = batch[domain].shape[-1]
        return face_losses.landmark_weight_map(
            kp, size, self.cfg.landmark_radius, self.cfg.landmark_gain, valid.float()
        )

    def extra_losses(
        self, batch: dict[str, torch.Tensor], fake_b: torch.Tensor, real_a: torch.Tensor, real_b: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """The enabled terms for G(photo) = `fake_b`, unweighted: name → loss (multiply by the matching lambda)."""
        out: dict[str, torch.Tensor] = {}
        if self.cfg.lambda_landmark_reg > 0:
            out["loss_landmark_reg"] = self._regression(batch, fake_b)
        if self.cfg.lambda_gray > 0:
            features = self.networks["face_gray_features"]
            out["loss_gray"] = face_losses.grayscale_style_loss(fake_b, real_b, features)
        if self.cfg.lambda_color > 0:
            out["loss_color"] = face_losses.color_loss(fake_b, real_a)
        if self.cfg.lambda_chroma > 0:
            cells, channels = self.cfg.chroma_cells, self.cfg.chroma_channels
            out["loss_chroma"] = face_losses.chroma_loss(fake_b, real_a, cells, channels=channels)
        if self.cfg.lambda_eye_color > 0:
            loss = partial(face_losses.eye_color_loss, channels=self.cfg.eye_color_channels)
            out["loss_eye_color"] = self._eyes(loss, "lambda_eye_color", batch, fake_b, real_a)
        if self.cfg.lambda_eye_yuv > 0:
            loss = partial(face_losses.eye_yuv_loss, y_gain=self.cfg.eye_y_gain)
            out["loss_eye_yuv"] = self._eyes(loss, "lambda_eye_yuv", batch, fake_b, real_a)
        return out

    def weighted_sum(self, terms: dict[str, torch.Tensor]) -> torch.Tensor | float:
        lambdas = {"loss_landmark_reg": self.cfg.lambda_landmark_reg, "loss_gray": self.cfg.lambda_gray}
        lambdas |= {"loss_color": self.cfg.lambda_color, "loss_chroma": self.cfg.lambda_chroma}
        lambdas |= {"loss_eye_color": self.cfg.lambda_eye_color, "loss_eye_yuv": self.cfg.lambda_eye_yuv}
        return sum(lambdas[k] * v for k, v in terms.items())

    def _photo_keypoints(self, batch: dict[str, torch.Tensor], option: str) -> tuple[torch.Tensor, torch.Tensor]:
        found = self.keypoints(batch, "a")
        if found is None:
            raise ConfigError(f"model.{option} needs key points of the photos (domain A)")
        return found

    def _in_anime_frame(self, kp: torch.Tensor) -> torch.Tensor:
        """Fractions of the side: the photo's key points `kp` mapped to where its anime version has them."""
        assert self.anime_frame is not None  # loaded in __init__ for the terms that use it
        return photo_to_anime(kp, self.anime_frame.to(kp.device))

    def _regression(self, batch: dict[str, torch.Tensor], fake_b: torch.Tensor) -> torch.Tensor:
        kp, valid = self._photo_keypoints(batch, "lambda_landmark_reg")
        target = self._in_anime_frame(kp / fake_b.shape[-1])
        return regression_loss(self.networks["face_regressor"], fake_b, target, valid.float())

    def photo_eyes(
        self, batch: dict[str, torch.Tensor], size: int, option: str
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The photos' eyes (B×2×2 pixels of a `size` image: image-left, image-right), the same eyes mapped to where
        the photos' anime versions have them, and which are valid (B×2); `option` names the term in the error
        raised when the photos have no key points."""
        kp, valid = self._photo_keypoints(batch, option)
        eyes = kp[:, :2]  # left_eye, right_eye: the first two of KEYPOINT_NAMES
        return eyes, self._in_anime_frame(eyes / size) * size, valid[:, :2].float()

    def _eyes(
        self,
        loss: Callable[..., torch.Tensor],
        option: str,
        batch: dict[str, torch.Tensor],
        fake_b: torch.Tensor,
        real_a: torch.Tensor,
    ) -> torch.Tensor:
        """An eye term `loss(fake, photo, eyes_photo, eyes_fake, valid)`: the photo's eyes and where its anime
        version has them."""
        return loss(fake_b, real_a, *self.photo_eyes(batch, fake_b.shape[-1], option))

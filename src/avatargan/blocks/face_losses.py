"""The report's face losses (section 3.4) as plain functions the transfer families call.

* `landmark_weight_map` + `weighted_l1`: the face landmark loss. Reconstruction errors (cycle, identity,
  content) are weighted by 1 + gain · (Gaussian bumps of `radius` around the source's key points), so the eyes,
  nose, mouth and chin count `1 + gain` times as much as the background. Bumps are cut to zero beyond 3 radii, so
  the term changes the gradient only inside those regions; with gain 0 it is exactly the unweighted L1.
* `grayscale_style_loss`: AnimeGAN's grayscale (Gram) loss — texture of grayscale anime vs grayscale G(photo).
* `color_loss`: AnimeGAN's colour loss — G(photo) keeps the photo's colours in YUV (L1 on Y, Huber on U and V).
* `chroma_loss`: ours — each region's hue (U, V averaged over a coarse grid), lines and shading left free.
* `eye_color_loss`: ours — the hue of each eye (or the direction of its whole colour), measured against its
  surroundings, follows the photo's.
* `eye_yuv_loss`: ours — the whole colour of each eye (Y, U and V against its surroundings) follows the photo's.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from avatargan.nn.gram import gram_matrix

CUTOFF = 3.0  # bumps are zero beyond this many radii


def squared_distances(points: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """B×K×height×width: the squared distance of every pixel centre (at +0.5) from each of the B×K×2 `points`
    (x, y in pixels)."""
    cy = torch.arange(height, device=points.device, dtype=torch.float32) + 0.5
    cx = torch.arange(width, device=points.device, dtype=torch.float32) + 0.5
    dx2 = (cx[None, None, None, :] - points[..., 0, None, None].float()) ** 2  # B×K×1×W
    dy2 = (cy[None, None, :, None] - points[..., 1, None, None].float()) ** 2  # B×K×H×1
    return dx2 + dy2


def landmark_weight_map(
    keypoints: torch.Tensor, size: int, radius: float, gain: float, valid: torch.Tensor | None = None
) -> torch.Tensor:
    """B×1×size×size weights: 1 + gain · max over key points of exp(-d² / 2r²) (zero beyond CUTOFF·r), with
    `radius` r a fraction of the image side; largest (1 + gain) at the key points themselves."""
    r = max(radius * size, 1e-3)
    d2 = squared_distances(keypoints, size, size)
    bumps = torch.exp(-d2 / (2 * r * r)) * (d2 <= (CUTOFF * r) ** 2)
    if valid is not None:
        bumps = bumps * valid[..., None, None]
    return 1.0 + gain * bumps.amax(dim=1, keepdim=True)


def masked_mean(values: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """The mean of `values` over the items where `valid` (same shape, 0/1) is set; 0 when none is."""
    valid = valid.to(values.dtype)
    return (values * valid).sum() / valid.sum().clamp_min(1.0)


def weighted_l1(x: torch.Tensor, y: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    """mean(weight · |x - y|); `weight` broadcasts over channels; None (or all ones) is `F.l1_loss`."""
    if weight is None:
        return F.l1_loss(x, y)
    return (weight * (x - y).abs()).mean()


def _gray3(x: torch.Tensor) -> torch.Tensor:
    g = 0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]
    return g.expand(-1, 3, -1, -1)


def grayscale_style_loss(
    fake: torch.Tensor, anime: torch.Tensor, features: Callable[[torch.Tensor], torch.Tensor]
) -> torch.Tensor:
    """L1 between batch-mean Gram matrices of `features` of grayscale G(photo) and grayscale anime images:
    anime line and shading texture without taking the anime images' colours."""
    g_fake = gram_matrix(features(_gray3(fake))).mean(0)
    g_anime = gram_matrix(features(_gray3(anime))).mean(0)
    return F.l1_loss(g_fake, g_anime.detach())


def rgb_to_yuv(x: torch.Tensor) -> torch.Tensor:
    """Images in [-1, 1] → YUV (BT.601), Y in [0, 1]."""
    x = (x + 1.0) * 0.5
    m = x.new_tensor(
        [[0.299, 0.587, 0.114], [-0.14714119, -0.28886916, 0.43601035], [0.61497538, -0.51496512, -0.10001026]]
    )
    return torch.einsum("ij,bjhw->bihw", m, x)


def color_loss(fake: torch.Tensor, photo: torch.Tensor) -> torch.Tensor:
    """AnimeGAN's colour reconstruction: L1 on Y, Huber on U and V, between G(photo) and the photo."""
    a, b = rgb_to_yuv(fake), rgb_to_yuv(photo.detach())
    return F.l1_loss(a[:, 0], b[:, 0]) + F.huber_loss(a[:, 1], b[:, 1]) + F.huber_loss(a[:, 2], b[:, 2])


#: the grid of the regional chroma loss: cells of 8 px at 64 px, 32 px at 256 — a face's hair, skin and background
#: regions, too coarse to hold its lines, eyes or shading
CHROMA_CELLS = 8


def chroma_loss(
    fake: torch.Tensor, photo: torch.Tensor, cells: int = CHROMA_CELLS, channels: str = "uv"
) -> torch.Tensor:
    """Regional colour: L1 between the chroma (U, V) of G(photo) and of the photo, each averaged over a cells×cells
    grid. Brightness, lines, shading and anything finer than a cell stay free to change (AnimeGAN's colour loss
    pins them all, pixel by pixel); a hue shift of a whole region, e.g. brown hair painted red, costs. With
    `channels="yuv"` each cell's mean brightness counts too (brown hair darkened to black, silver to grey), lines
    and shading inside a cell still free."""
    first = {"uv": 1, "yuv": 0}[channels]
    a = F.adaptive_avg_pool2d(rgb_to_yuv(fake)[:, first:], cells)
    b = F.adaptive_avg_pool2d(rgb_to_yuv(photo.detach())[:, first:], cells)
    return F.l1_loss(a, b)


def weighted_feature_l1(features_fake: torch.Tensor, features_source: torch.Tensor, weight: torch.Tensor | None):
    """CartoonGAN's content loss with the landmark weights: the map is averaged down to the features' grid (each
    feature cell weighs what its image region weighs); None is the plain content loss."""
    if weight is not None and weight.shape[-2:] != features_fake.shape[-2:]:
        weight = F.adaptive_avg_pool2d(weight, features_fake.shape[-2:])
    return weighted_l1(features_fake, features_source.detach(), weight)


#: the eye colour term's Gaussian windows, as fractions of the image side: the photo's small eye, the larger eye an
#: anime face draws at the mapped key point, and the surroundings each eye's colour is measured against
EYE_SIGMA_PHOTO, EYE_SIGMA_ANIME, EYE_SIGMA_AROUND = 0.025, 0.04, 0.1
#: how far (in U, V) a photo's eye hue must stand out from its surroundings to count fully: about the built-in
#: photos' average (0.046); a fainter eye counts in proportion, a colourless one not at all
EYE_HUE_FULL = 0.05


def window_means(x: torch.Tensor, points: torch.Tensor, sigma: float) -> torch.Tensor:
    """B×K×C: the mean of each channel of `x` (B×C×H×W) in a normalised Gaussian window of `sigma` pixels around
    each of the B×K×2 `points` (x, y in pixels; pixel centres at +0.5)."""
    d2 = squared_distances(points.to(x.device), *x.shape[-2:])
    weights = torch.exp(-d2 / (2 * max(sigma, 1e-3) ** 2))
    weights = weights / weights.sum(dim=(-2, -1), keepdim=True)
    return torch.einsum("bkhw,bchw->bkc", weights, x.float())


def eye_excess(image: torch.Tensor, eyes: torch.Tensor, sigma: float) -> torch.Tensor:
    """B×K×3: Y, U and V of each eye's window minus those of its surroundings — the eye's own colour, apart from
    the skin and hair around it. Its U, V part is the eye's hue."""
    yuv = rgb_to_yuv(image)
    return window_means(yuv, eyes, sigma) - window_means(yuv, eyes, EYE_SIGMA_AROUND * image.shape[-1])


def _eye_excesses(
    fake: torch.Tensor, photo: torch.Tensor, eyes_photo: torch.Tensor, eyes_fake: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The eye terms' two sides: each eye's Y, U, V excess in G(photo) (the anime face's larger window, at
    `eyes_fake`) and in the photo (its small window, at `eyes_photo`; a target, so detached)."""
    size = fake.shape[-1]
    drawn = eye_excess(fake, eyes_fake, EYE_SIGMA_ANIME * size)
    return drawn, eye_excess(photo.detach(), eyes_photo, EYE_SIGMA_PHOTO * size)


def eye_hue_weight(target_hue: torch.Tensor) -> torch.Tensor:
    """How much each photo eye's hue (B×K×2) counts: in proportion to how far it stands out, full from EYE_HUE_FULL."""
    return (target_hue.norm(dim=-1) / EYE_HUE_FULL).clamp(max=1.0)


def eye_color_loss(
    fake: torch.Tensor,
    photo: torch.Tensor,
    eyes_photo: torch.Tensor,
    eyes_fake: torch.Tensor,
    valid: torch.Tensor,
    channels: str = "uv",
) -> torch.Tensor:
    """1 − cos between the hue of each eye in G(photo) (at `eyes_fake`, the photo's eyes mapped into the anime frame)
    and in the photo (at `eyes_photo`), averaged over the valid eyes (`valid`: B×2), each weighted by how much hue
    the photo's eye has (up to EYE_HUE_FULL; a grey eye has none to keep). Only the direction of the hue counts: an
    anime eye is larger and more saturated than the photo's, and may be. Built-in anime faces agree with their
    photos at 0.91 by this measure, a cyclegan_modern G after 9,000 steps at 0.62 (`benchmarks/eye_hue_probe.py`;
    benchmarks/RESULTS.md, sixth session). `channels="yuv"` takes the direction of the whole Y, U, V excess instead:
    brightness too (brown and gold differ mostly there), still free in strength — an anime face draws its eyes
    stronger than the photo's (mean excess 0.109 against 0.083; RESULTS.md, eighth session); the weight is then how
    far the photo's eye stands out at all."""
    drawn, target = _eye_excesses(fake, photo, eyes_photo, eyes_fake)
    first = {"uv": 1, "yuv": 0}[channels]
    drawn, target = drawn[..., first:], target[..., first:]
    cos = F.cosine_similarity(drawn, target, dim=-1, eps=1e-6)
    return masked_mean((1.0 - cos) * eye_hue_weight(target), valid)


def eye_yuv_loss(
    fake: torch.Tensor,
    photo: torch.Tensor,
    eyes_photo: torch.Tensor,
    eyes_fake: torch.Tensor,
    valid: torch.Tensor,
    y_gain: float = 1.0,
) -> torch.Tensor:
    """L1 between the Y, U, V excess of each eye over its surroundings in G(photo) (at `eyes_fake`, the photo's eyes
    mapped into the anime frame) and in the photo (at `eyes_photo`), averaged over the valid eyes (`valid`: B×2) and
    the three channels. Unlike `eye_color_loss` it keeps the brightness too: brown and gold, red and pink differ
    mostly in it, and `eye_color_loss` alone left it as far from the photo's as no term at all (benchmarks/RESULTS.md,
    sixth session). Built-in anime faces are 0.023 from their photos by this measure (`benchmarks/eye_hue_probe.py`).
    It pulls G towards the photo's eye, which stands out less than an anime face draws it: on cartoongan_quick G got
    to 0.017 while the judge read the eye colour no better than with the hue alone (RESULTS.md, eighth session).
    `y_gain` scales the target's brightness excess (Y) only, so G may shade its eyes as strongly as an anime face
    does rather than as the photo does: the built-in anime faces' mean |Y excess| is 1.51× their photos' (0.088
    against 0.059 over the 1,000 training pairs; U and V 1.1×), 1.22× pair by pair (least squares), and they are no
    further from 1.5× the photo's than from the photo's own (`benchmarks/eye_strength.py`)."""
    drawn, target = _eye_excesses(fake, photo, eyes_photo, eyes_fake)
    target = target * target.new_tensor([y_gain, 1.0, 1.0])
    per_eye = (drawn - target).abs().mean(dim=-1)
    return masked_mean(per_eye, valid)

"""Adversarial losses, one pair (discriminator, generator) per kind, shared by every model family; feature losses.

`bce` is the report's (DCGAN, CartoonGAN), `lsgan` is least squares (the report's CycleGAN GAN loss, "MSE"),
`hinge` is a stronger modern option. Discriminator outputs are raw logits/scores of any shape (patch maps too).
`rpgan` (DCGAN only) is relativistic: D and G are scored on paired differences D(real) − D(fake), so its losses take
both sides (`paired_d_loss`, `paired_g_loss`).
"""

from __future__ import annotations

from typing import Literal, get_args

import torch
import torch.nn.functional as F

from avatargan.nn.gram import gram_matrix

AdversarialLoss = Literal["bce", "lsgan", "hinge"]
ADVERSARIAL_LOSSES = get_args(AdversarialLoss)
RELATIVISTIC = "rpgan"
#: the losses of a model whose D sees real and generated images in pairs (DCGAN): the above and the relativistic one
PairedLoss = Literal[AdversarialLoss, "rpgan"]


def d_loss(
    kind: str, real: torch.Tensor | None, fake: torch.Tensor | list[torch.Tensor], real_target: float = 1.0
) -> torch.Tensor:
    """Discriminator loss: `real` scored as real, each `fake` tensor (e.g. G(x) and edge-smoothed images) as fake.
    `real_target` below 1 is one-sided label smoothing (bce and lsgan: the real images' target; hinge has none)."""
    fakes = fake if isinstance(fake, list) else [fake]
    if real is None:
        total = torch.zeros((), device=fakes[0].device)
    else:
        total = _terms(kind, real, "real", real_target).mean()
    for f in fakes:
        total = total + _terms(kind, f, "fake").mean()
    return total


def g_loss(kind: str, fake: torch.Tensor) -> torch.Tensor:
    """Generator loss: make the discriminator score `fake` as real."""
    return _terms(kind, fake, "g").mean()


Role = Literal["real", "fake", "g"]


def per_item(kind: str, scores: torch.Tensor, role: Role) -> torch.Tensor:
    """N values: the loss of each of the N scored items (its score map averaged), for D scoring them as real or as
    fake, or for G wanting them scored real — to weigh items, e.g. leave out crops around missing key points."""
    return _terms(kind, scores, role).flatten(1).mean(dim=1)


def _terms(kind: str, scores: torch.Tensor, role: Role, real_target: float = 1.0) -> torch.Tensor:
    """The loss of each score (same shape as `scores`). `real_target` is the bce/lsgan target of "real" scores
    (and of "g" ones, though g_loss keeps it at 1: the smoothing is one-sided, for D only)."""
    if kind == "bce":
        target = torch.zeros_like(scores) if role == "fake" else torch.full_like(scores, real_target)
        return F.binary_cross_entropy_with_logits(scores, target, reduction="none")
    if kind == "lsgan":
        return scores.square() if role == "fake" else (scores - real_target).square()
    if kind == "hinge":
        if real_target != 1.0:
            raise ValueError("hinge loss has no target to smooth; use bce or lsgan for label smoothing")
        if role == "g":
            return -scores
        return F.relu(1.0 - scores) if role == "real" else F.relu(1.0 + scores)
    raise ValueError(f"unknown adversarial loss {kind!r}; use one of {ADVERSARIAL_LOSSES}")


def _relativistic(real: torch.Tensor, fake: torch.Tensor, role: Literal["d", "g"]) -> torch.Tensor:
    """RpGAN's loss of each pair (Jolicoeur-Martineau 2018; Huang et al. 2024, "R3GAN"): D wants each real image
    scored above the generated one it is paired with, −log σ(real − fake) = softplus(fake − real), and G the other
    way round, softplus(real − fake). Only differences count, so D's scores have no fixed zero."""
    if real.shape != fake.shape:
        raise ValueError(
            f"rpgan pairs real and generated scores one to one; got shapes {tuple(real.shape)} and {tuple(fake.shape)}"
        )
    diff = fake.float() - real.float()
    return F.softplus(diff if role == "d" else -diff)


def paired_d_loss(kind: str, real: torch.Tensor, fake: torch.Tensor, real_target: float = 1.0) -> torch.Tensor:
    """D's loss on a batch of real and a batch of generated images' scores: `d_loss`, or RpGAN's over the pairs."""
    if kind != RELATIVISTIC:
        return d_loss(kind, real, fake, real_target)
    if real_target != 1.0:
        raise ValueError("rpgan has no target to smooth; use bce or lsgan for label smoothing")
    return _relativistic(real, fake, "d").mean()


def paired_g_loss(kind: str, real: torch.Tensor | None, fake: torch.Tensor) -> torch.Tensor:
    """G's loss on the scores of its images (`g_loss`), or RpGAN's, which pairs them with D's scores of as many real
    images (given without a graph: G's gradient flows through `fake` only)."""
    return g_items(kind, real, fake).mean() if kind == RELATIVISTIC else g_loss(kind, fake)


def g_items(kind: str, real: torch.Tensor | None, fake: torch.Tensor) -> torch.Tensor:
    """N values: G's loss on each of its N scored items (each score map averaged); `real` only for rpgan."""
    if kind != RELATIVISTIC:
        return per_item(kind, fake, "g")
    if real is None:
        raise ValueError("rpgan's G loss needs D's scores of real images to pair with the generated ones")
    items = _relativistic(real, fake, "g")
    return items.reshape(items.shape[0], -1).mean(dim=1)  # scores may come as (N,) or as maps


def top_k_g_loss(kind: str, fake: torch.Tensor, keep: int, real: torch.Tensor | None = None) -> torch.Tensor:
    """G's loss over the `keep` generated images D scores most real (top-k training, Sinha et al. 2020, who argue that
    the images D rejects most confidently give G the least useful gradients), so those are left out of its update. Each
    item's score map is averaged first; `keep` ≥ the batch size is `g_loss`. `real`: rpgan's paired real scores."""
    items = fake.reshape(fake.shape[0], -1)  # D's verdicts may come as (N,) or as maps
    per = g_items(kind, None if real is None else real.reshape(items.shape), items)
    if keep >= per.shape[0]:
        return per.mean()
    best = items.detach().float().mean(1).topk(keep).indices  # the highest scores, as the paper, any loss
    return per[best].mean()


def top_k_keep(batch: int, images_seen: float, keep_min: float, half_life_kimg: float) -> int:
    """How many of a batch of `batch` images top-k training keeps after `images_seen` generated images: the share
    starts at 1 and halves every `half_life_kimg` thousand images, never below `keep_min` (the paper: ×0.99 per
    epoch down to ν = 0.5 or 0.75; a half-life in images keeps it independent of the data set's size and of the
    batch). A pure function of progress, so a resumed run keeps exactly the images an uninterrupted one would."""
    share = max(keep_min, 0.5 ** (images_seen / (half_life_kimg * 1000)))
    return max(1, min(batch, round(share * batch)))


def gradient_penalty(scores: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """The squared norm of D's gradient at `images`, averaged over the batch: R1 at real images (Mescheder et al.
    2018), R2 at generated ones (R3GAN pairs both with rpgan). `images` must require grad and `scores` be D's outputs
    on them; the penalty keeps the graph so it can be minimised (multiply by γ/2, and by k when it is only computed
    every k steps: "lazy" regularisation)."""
    (grad,) = torch.autograd.grad(scores.float().sum(), images, create_graph=True)
    return grad.float().square().flatten(1).sum(1).mean()


def consistency(scores: torch.Tensor, scores_augmented: torch.Tensor) -> torch.Tensor:
    """Consistency regularisation (bCR, Zhao et al. 2021): the mean squared difference between D's scores on images
    and on a fresh augmentation of the same images. Added to D's loss, it asks D to judge an image alike however it
    is shifted, recoloured or cut out, so D cannot learn the augmentations instead of the faces. Both sides keep
    their graphs: D is pulled towards agreement from both."""
    return (scores.float() - scores_augmented.float()).square().mean()


def mode_seeking(noise: torch.Tensor, images: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Mode seeking (MSGAN, Mao et al. 2019): mean |z₁ − z₂| / mean |G(z₁) − G(z₂)| over the pairs of a batch's first
    and second halves. Minimised by G, it asks two noises to give images at least as far apart as the noises are,
    against G mapping many noises to one face. Batches of odd size drop their last item."""
    half = images.shape[0] // 2
    dz = (noise[:half] - noise[half : 2 * half]).float().abs().flatten(1).mean(1)
    dx = (images[:half] - images[half : 2 * half]).float().abs().flatten(1).mean(1)
    return (dz / (dx + eps)).mean()


def feature_matching(features_real: torch.Tensor, features_fake: torch.Tensor) -> torch.Tensor:
    """Feature matching (Salimans et al. 2016, "Improved techniques for training GANs"): the squared distance between
    the batch means of D's hidden features on real and on generated images, averaged over the feature entries.
    Minimised by G (the real side is a fixed target: detach it), it asks the generated batch to fill D's features as
    the data does, a pull towards the data's whole mix rather than towards what D scores most real."""
    mean_real = features_real.float().flatten(1).mean(0)
    mean_fake = features_fake.float().flatten(1).mean(0)
    return (mean_real - mean_fake).pow(2).mean()


def code_recovery(code_logits: torch.Tensor, classes: torch.Tensor) -> torch.Tensor:
    """InfoGAN's term (nn/info_codes.py): the cross-entropy of D's head Q guessing each categorical code's class from
    the generated image, averaged over images and codes. `code_logits` (N, codes · K, …) holds each code's K logits
    in turn; `classes` (N, codes) the true classes. Minimised by G and by Q alike."""
    n, codes = classes.shape
    logits = code_logits.float().reshape(n, codes, -1)
    return F.cross_entropy(logits.reshape(n * codes, -1), classes.reshape(-1))


# ----------------------------------------------------------------------------------------------------------------
# Feature losses of CartoonGAN. Its content loss, and CycleGAN's cycle and identity losses, are L1 distances that
# the face landmark term may weight: `face_losses.weighted_l1` and `weighted_feature_l1` (plain L1 when it is off).


def style_loss(features_fake: torch.Tensor, features_style: torch.Tensor) -> torch.Tensor:
    """L1 between the Gram matrices (Gatys et al.) of generated and style (anime) features, each averaged over its
    batch: the two batches are unpaired, so the loss compares the batches' texture statistics, not image pairs."""
    return F.l1_loss(gram_matrix(features_fake).mean(0), gram_matrix(features_style).mean(0).detach())

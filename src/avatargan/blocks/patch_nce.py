"""PatchNCE (Park et al., "Contrastive Learning for Unpaired Image-to-Image Translation", ECCV 2020): a content
term that keeps *where* things are without asking that they keep their look.

G's own encoder reads the photo and G(photo); at a few layers, features at the same randomly drawn places are
projected by a small MLP per layer and compared: each place of G(photo) must be most like the same place of the photo
among all the photo's drawn places (a cross-entropy over cosine similarities at temperature `tau`). A photo's
fringe line, chin or eye corner must stay recognisable as *that* part at *that* place, while its texture and colour
are free to become anime. A VGG/Lite0 content loss instead asks that features match in value, which holds G near
the photo's look; CUT reports that this term keeps structure better than cycle consistency.

The photo's side is the key (detached, as in CUT); gradients reach G through G(photo) and its encoding, and the
MLPs learn with G (in G's optimizer). Places are drawn from torch's global generator, whose state checkpoints save,
so a resumed run draws alike.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

#: projection width and temperature of CUT
NCE_DIM = 256
NCE_TAU = 0.07


def patch_nce_loss(query: torch.Tensor, key: torch.Tensor, tau: float = NCE_TAU) -> torch.Tensor:
    """query, key: (N, P, D) unit vectors at the same P places of N images. Each query's positive is the key at its
    own place, its negatives the keys at the image's other places; the mean cross-entropy over all N·P queries."""
    logits = torch.bmm(query, key.transpose(1, 2)).float() / tau  # (N, P, P): row = query place, column = key place
    n, p, _ = logits.shape
    target = torch.arange(p, device=logits.device).repeat(n)
    return F.cross_entropy(logits.reshape(n * p, p), target)


class PatchNCE(nn.Module):
    """One projection MLP per tapped layer (`channels`: the layers' channel counts); `forward` takes the tapped
    features of the photos and of G(photos), layer by layer, and returns the PatchNCE loss averaged over layers."""

    def __init__(self, channels: list[int], patches: int = 256, dim: int = NCE_DIM, tau: float = NCE_TAU) -> None:
        super().__init__()
        self.patches, self.tau = patches, tau
        self.heads = nn.ModuleList(nn.Sequential(nn.Linear(c, dim), nn.ReLU(), nn.Linear(dim, dim)) for c in channels)

    def forward(self, photo_features: list[torch.Tensor], fake_features: list[torch.Tensor]) -> torch.Tensor:
        if not (len(photo_features) == len(fake_features) == len(self.heads)):
            got = f"{len(photo_features)} and {len(fake_features)}"
            raise ValueError(f"PatchNCE has {len(self.heads)} heads; got {got} feature maps")
        total = torch.zeros((), device=fake_features[0].device)
        for head, src, out in zip(self.heads, photo_features, fake_features, strict=True):
            places = src.shape[2] * src.shape[3]
            chosen = torch.randperm(places)[: self.patches].to(src.device)  # the same places for photo and fake
            with torch.no_grad():  # the key trains nothing (CUT detaches it): no graph to build
                key = F.normalize(head(_gather(src, chosen)).float(), dim=-1)
            query = F.normalize(head(_gather(out, chosen)).float(), dim=-1)
            total = total + patch_nce_loss(query, key, self.tau)
        return total / len(self.heads)


def _gather(features: torch.Tensor, places: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) at the flat indices `places` → (N, P, C)."""
    return features.flatten(2)[:, :, places].transpose(1, 2)

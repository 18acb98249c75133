"""Gram matrix of feature maps, the texture statistic behind CartoonGAN-style style losses."""

from __future__ import annotations

import math

from torch import Tensor


def gram_matrix(features: Tensor) -> Tensor:
    """N x C x H x W features -> N x C x C Gram matrices, normalised by C*H*W.

    ``G[n, i, j] = sum_hw F[n, i, hw] * F[n, j, hw] / (C * H * W)``.
    """
    n, c, h, w = features.shape
    # Scale before the product rather than after it, so the sum over H*W cannot overflow under fp16 autocast.
    f = features.reshape(n, c, h * w) / math.sqrt(c * h * w)
    return f @ f.transpose(1, 2)

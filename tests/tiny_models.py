"""Tiny untrained generators saved as weights, for the API, export and demo tests (no training needed: a second).

Untrained networks are enough where the tests compare paths against each other (CLI vs API, ONNX vs PyTorch, page
vs API); the tests that need a trained run train one with `conftest.tiny_config`.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import torch

from avatargan.models import model_class
from avatargan.weights import save_generators

SIZES = {
    "dcgan": {"latent_dim": 8, "g_channels": 4, "d_channels": 4},
    "cyclegan": {"g_channels": 4, "g_blocks": 1},
    "cartoongan": {"g_channels": 4, "g_blocks": 1, "content_weights": "random"},
}


def tiny_weights(folder: Path, family: str = "dcgan", image_size: int = 16, seed: int = 0, **model: object) -> Path:
    """`folder` holding generator.safetensors + generator.json of a fresh, tiny `family` model (`model`: more
    model.* fields)."""
    cls = model_class(family)
    cfg = cls.Config(**{**SIZES[family], **model})
    torch.manual_seed(seed)
    generators = cls.build_generators(cfg, image_size)
    folder.mkdir(parents=True, exist_ok=True)
    save_generators(generators, {"model": asdict(cfg), "image_size": image_size, "source": "tiny test"}, folder)
    return folder

"""Model families, one file each, registered by name in `avatargan.registry.MODELS`."""

from __future__ import annotations

import importlib

from avatargan.registry import MODELS

# Families are imported on first use so that `avatargan --help` stays fast.
FAMILIES = ("dcgan", "cyclegan", "cartoongan")


def _import_families() -> None:
    for name in FAMILIES:
        importlib.import_module(f"avatargan.models.{name}")


def model_class(family: str) -> type:
    _import_families()
    return MODELS.get(family)


def family_names() -> list[str]:
    _import_families()
    return MODELS.names()

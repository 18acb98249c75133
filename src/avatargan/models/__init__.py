"""Model families, one file each, registered by name in `avatargan.registry.MODELS`.

Every module of this package but `base` (the contract) and `spec` (the declaration) is a family: adding a file
`models/<name>.py` with a registered `GANModel` subclass adds the family, with nothing to list elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil

from avatargan.registry import MODELS

#: the modules of this package that are not families
NOT_FAMILIES = frozenset({"base", "spec"})


def _import_families() -> None:
    # Families are imported on first use, so that `avatargan --help` stays fast.
    for module in pkgutil.iter_modules(__path__):
        if module.name not in NOT_FAMILIES and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


def model_class(family: str) -> type:
    _import_families()
    return MODELS.get(family)


def family_names() -> list[str]:
    _import_families()
    return MODELS.names()

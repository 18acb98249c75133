"""avatargan: GANs that draw anime avatars (DCGAN) and turn photos into anime (CycleGAN, CartoonGAN)."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["load"]


def __getattr__(name: str) -> Any:
    # `avatargan.load` comes from avatargan.api on first use, so `import avatargan` (and `avatargan --help`) stays
    # light: torch is imported only when a model is actually loaded.
    if name == "load":
        from avatargan.api import load

        return load
    raise AttributeError(f"module 'avatargan' has no attribute {name!r}")

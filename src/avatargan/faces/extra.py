"""The optional `faces` extra: one clear message when a detector is used without it installed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from avatargan.errors import UserError

INSTALL_HINT = "pip install 'avatargan[faces]'"


class FacesExtraMissing(UserError):
    """A face detector was asked for but its package is not installed."""


def require(module: str, purpose: str) -> None:
    """Raise FacesExtraMissing naming `module` and the install command when it cannot be imported."""
    if importlib.util.find_spec(module) is None:
        raise FacesExtraMissing(
            f"{purpose} needs the '{module}' package, which is not installed; install the face extra: {INSTALL_HINT}"
        )


def shape_predictor_path() -> Path:
    """dlib's 68-point shape predictor shipped inside the `face-recognition-models` wheel.

    Found without importing that package: its __init__ imports `pkg_resources`, which recent setuptools no
    longer provides."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise FacesExtraMissing(
            "the 68-point photo landmarks need the 'face-recognition-models' package (dlib's shape predictor); "
            f"install the face extra: {INSTALL_HINT}"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "models" / "shape_predictor_68_face_landmarks.dat"
    if not path.is_file():
        raise FacesExtraMissing(f"{path} is missing from face-recognition-models; reinstall it: {INSTALL_HINT}")
    return path

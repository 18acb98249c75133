"""What each button of the demo does, as plain functions over the API's models (no Gradio here, so they are tested
directly); `app.py` only wires them to the page."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from avatargan.api import NoiseModel, TransferModel
from avatargan.errors import UserError
from avatargan.faces.extra import FacesExtraMissing
from avatargan.models.spec import PHOTO_TO_ANIME
from avatargan.photo_transfer import PhotoResult, outline_faces
from avatargan.report.figures import to_uint8
from avatargan.serve.uploads import MAX_SIDE, enlarge, face_crop, fit_within, open_upload, side_by_side

MAX_COUNT = 64


def generate_avatars(
    model: NoiseModel, count: int, seed: int, truncation: float | None
) -> list[tuple[Image.Image, str]]:
    """`count` avatars for `seed` (truncation 0 or None: off), enlarged for the screen, captioned by index."""
    count = int(count)
    if not 1 <= count <= MAX_COUNT:
        raise UserError(f"Choose between 1 and {MAX_COUNT} avatars.")
    images = model.generate(count, seed=int(seed), truncation=truncation or None)
    return [(enlarge(img), f"seed {int(seed)} · #{i}") for i, img in enumerate(images)]


def walk_avatar(model: NoiseModel, seed_a: int, seed_b: int, t: float, truncation: float | None) -> Image.Image:
    """The avatar a fraction `t` of the way (spherically) from seed_a's avatar to seed_b's."""
    z = model.walk(int(seed_a), int(seed_b), [min(1.0, max(0.0, float(t)))], truncation=truncation or None)
    return enlarge(Image.fromarray(to_uint8(model.render(z))[0]))


def convert_photo(
    model: TransferModel, path: str | Path | None, direction: str, max_bytes: int
) -> tuple[Image.Image, Image.Image]:
    """(the photo with its detected faces outlined beside the result, the result alone) for an uploaded photo: its
    faces converted and pasted back (`model.convert_photo`); without a face, or without the face extra, the photo
    is converted whole. Photos are first shrunk to at most `MAX_SIDE` pixels (the page's size limit)."""
    photo = fit_within(open_upload(path, max_bytes), MAX_SIDE)
    try:
        result = model.convert_photo(photo, direction)
    except FacesExtraMissing:
        result = PhotoResult(model.transfer(photo, direction, size="native")[0])
    shown = outline_faces(photo, [f.face for f in result.faces])
    return side_by_side(shown, enlarge(result.image, 256)), result.image


def compare_photo(
    models: dict[str, TransferModel], path: str | Path | None, max_bytes: int
) -> list[tuple[Image.Image, str]]:
    """The photo, then the photo → anime result of every transfer model, captioned with the model's name."""
    if not models:
        raise UserError("No transfer model is loaded; start `avatargan serve` with a CycleGAN or CartoonGAN run.")
    photo = face_crop(open_upload(path, max_bytes))
    shown = [(photo.resize((256, 256), Image.Resampling.LANCZOS), "photo (cropped)")]
    return shown + [
        (enlarge(m.transfer([photo], direction=PHOTO_TO_ANIME)[0], 256), name) for name, m in models.items()
    ]

"""What the web demo accepts from a visitor: a readable image under a size limit, shrunk for conversion, and its
largest face (or its centre square) for the Compare tab.

Faces are found with the face extra's detector when it is installed; the page says what happens without it. Kept
free of Gradio so that the checks are tested without a server.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from avatargan.errors import UserError
from avatargan.faces.align import align_face
from avatargan.faces.detectors import PhotoDetector
from avatargan.faces.extra import FacesExtraMissing

#: beyond this many pixels an upload is refused before decoding (a 40-megapixel photo is already generous)
MAX_PIXELS = 40_000_000
#: the largest face crop handed to a model (models work at 64–256 px; more only costs time)
MAX_CROP = 512
#: uploads are shrunk to at most this many pixels a side before conversion (whole photos cost time per pixel)
MAX_SIDE = 768


class UploadError(UserError):
    """An upload the demo cannot use; the message is shown to the visitor as is."""


def open_upload(path: str | Path | None, max_bytes: int) -> Image.Image:
    """The uploaded file as an RGB image (EXIF rotation applied), or an UploadError saying what is wrong."""
    if path is None:
        raise UploadError("Upload a photo (or take one with the webcam) first.")
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise UploadError(f"That file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.")
    try:
        with Image.open(path) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                limit = f"{MAX_PIXELS / 1e6:.0f} megapixels"
                raise UploadError(f"That image is {probe.width}×{probe.height} pixels; the limit is {limit}.")
            probe.verify()  # catches truncated and corrupt files before the full decode
        with Image.open(path) as img:
            return ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise UploadError("That file is not an image we can read; upload a PNG, JPEG or WebP photo.") from None


def centre_crop(img: Image.Image) -> Image.Image:
    """The largest centred square of `img`."""
    side = min(img.size)
    left, top = (img.width - side) // 2, (img.height - side) // 2
    return img.crop((left, top, left + side, top + side))


def fit_within(img: Image.Image, side: int) -> Image.Image:
    """`img` shrunk (aspect kept) so that neither side exceeds `side`; smaller images are returned as they are."""
    scale = side / max(img.size)
    if scale >= 1:
        return img
    return img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.Resampling.LANCZOS)


def enlarge(img: Image.Image, min_side: int = 192) -> Image.Image:
    """Scale a small avatar up by a whole factor (nearest neighbour, so pixels stay crisp) for display."""
    factor = max(1, -(-min_side // max(1, min(img.size))))
    return img if factor == 1 else img.resize((img.width * factor, img.height * factor), Image.Resampling.NEAREST)


def side_by_side(left: Image.Image, right: Image.Image, gap: int = 8) -> Image.Image:
    """Two images at the same height on a white strip: the photo and what the model made of it."""
    h = max(left.height, right.height)
    left = left.resize((round(left.width * h / left.height), h), Image.Resampling.LANCZOS)
    right = right.resize((round(right.width * h / right.height), h), Image.Resampling.NEAREST)
    canvas = Image.new("RGB", (left.width + gap + right.width, h), (255, 255, 255))
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width + gap, 0))
    return canvas


@cache
def photo_detector() -> Any | None:
    """The face extra's photo face detector, or None when the extra is not installed (made once: loading is slow)."""
    try:
        return PhotoDetector()
    except FacesExtraMissing:
        return None


def photo_note() -> str:
    """What the Photo → anime tab tells visitors it does with their photo."""
    if photo_detector() is None:
        return (
            "No face detector is installed (`pip install 'avatargan[faces]'`), so the whole photo is converted "
            f"(shrunk to at most {MAX_SIDE} pixels a side)."
        )
    return (
        "Every face in the photo is found (outlined on the left), converted and pasted back; a photo without a "
        f"face is converted whole. Photos are shrunk to at most {MAX_SIDE} pixels a side."
    )


def face_crop_note() -> str:
    """What the Compare tab tells visitors about cropping."""
    if photo_detector() is None:
        return (
            "No face detector is installed (`pip install 'avatargan[faces]'`), so photos are centre-cropped to a "
            "square: put the face in the middle."
        )
    return "The largest face in the photo is found and aligned; without a face the photo is centre-cropped."


def face_crop(img: Image.Image) -> Image.Image:
    """The largest face, aligned and square, when the face extra finds one; otherwise the centre square."""
    detector = photo_detector()
    faces = detector.detect(img) if detector is not None else []
    if not faces:
        return centre_crop(img)

    return align_face(img, faces[0], size=min(MAX_CROP, *img.size)).image

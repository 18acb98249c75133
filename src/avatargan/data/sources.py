"""Image sources: a folder of images (recursive), a .zip of images, or a built-in procedural domain.

Every source answers `load(i, size)` with an RGB PIL image of exactly size×size (resized on its shorter side and
centre-cropped, so aspect is kept; transparent pixels composited on the source's background colour, white by
default), `describe(i)` with the file's name for messages, and `fingerprint()` with a string that changes when the
images (or the background) change (it keys the on-disk cache).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageColor, ImageOps

from avatargan.data.builtin import faces
from avatargan.data.builtin.faces import render_face
from avatargan.errors import DataError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
#: what a broken image file raises when PIL opens or decodes it
IMAGE_ERRORS = (OSError, ValueError, Image.DecompressionBombError, SyntaxError, zipfile.BadZipFile, EOFError)


class ImageSource(Protocol):
    name: str

    def __len__(self) -> int: ...

    def load(self, index: int, size: int) -> Image.Image: ...

    def describe(self, index: int) -> str: ...

    def fingerprint(self) -> str: ...


DEFAULT_BACKGROUND = "white"


def to_rgb(img: Image.Image, background: str = DEFAULT_BACKGROUND) -> Image.Image:
    """RGB, with any transparency (an alpha channel, or a palette/RGB image's transparent colour, as sprites often
    have) composited on `background`; a plain `convert("RGB")` would keep whatever colour hides under it, mostly
    black."""
    transparent = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    if not transparent:
        return img.convert("RGB")
    rgba = img.convert("RGBA")
    canvas = Image.new("RGBA", rgba.size, ImageColor.getrgb(background))
    return Image.alpha_composite(canvas, rgba).convert("RGB")


def fit_square(img: Image.Image, size: int, background: str = DEFAULT_BACKGROUND) -> Image.Image:
    """RGB (transparency on `background`), shorter side resized to `size` (high-quality filter), centre-cropped to
    size×size."""
    img = ImageOps.exif_transpose(img) if img.format in ("JPEG", "WEBP") else img
    img = to_rgb(img, background)
    if img.size == (size, size):
        return img
    return ImageOps.fit(img, (size, size), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _is_image_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_EXTENSIONS) and not Path(name).name.startswith("._")


def _digest(parts: list[str]) -> str:
    h = hashlib.sha1()
    for p in parts:
        h.update(p.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()[:16]


class FolderSource:
    """Every image file under a folder, in sorted path order (so indices are stable across runs)."""

    def __init__(self, root: str | Path, background: str = DEFAULT_BACKGROUND) -> None:
        self.root, self.background = Path(root).expanduser(), background
        if not self.root.is_dir():
            raise DataError(
                f"data folder {self.root} does not exist; pass --data with a folder of images, "
                "a .zip of images, or builtin:anime-faces"
            )
        self.files = sorted(p for p in self.root.rglob("*") if p.is_file() and _is_image_name(p.name))
        if not self.files:
            raise DataError(
                f"no images found in {self.root} (looked recursively for "
                f"{', '.join(IMAGE_EXTENSIONS)}); put images there or pass another --data"
            )
        self.name = self.root.resolve().name or "data"

    def __len__(self) -> int:
        return len(self.files)

    def load(self, index: int, size: int) -> Image.Image:
        with Image.open(self.files[index]) as img:
            return fit_square(img, size, self.background)

    def describe(self, index: int) -> str:
        return str(self.files[index])

    def fingerprint(self) -> str:
        parts = [str(self.root.resolve()), self.background]
        for p in self.files:
            st = p.stat()
            parts.append(f"{p.relative_to(self.root)}|{st.st_size}|{st.st_mtime_ns}")
        return _digest(parts)


class ZipSource:
    """Every image inside a .zip archive, in sorted member order. The archive is opened lazily per process."""

    def __init__(self, path: str | Path, background: str = DEFAULT_BACKGROUND) -> None:
        self.path, self.background = Path(path).expanduser(), background
        if not self.path.is_file():
            raise DataError(f"zip file {self.path} does not exist")
        try:
            with zipfile.ZipFile(self.path) as zf:
                self.members = sorted(
                    i.filename for i in zf.infolist() if not i.is_dir() and _is_image_name(i.filename)
                )
        except zipfile.BadZipFile:
            raise DataError(
                f"{self.path} is not a readable zip archive (corrupt or not a zip); "
                "re-create it or unpack it and pass the folder with --data"
            ) from None
        if not self.members:
            raise DataError(f"no images found inside {self.path} (looked for {', '.join(IMAGE_EXTENSIONS)})")
        self.name = self.path.stem
        self._zip: zipfile.ZipFile | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_zip"] = None  # an open archive handle cannot cross into worker processes
        return state

    def __len__(self) -> int:
        return len(self.members)

    def load(self, index: int, size: int) -> Image.Image:
        if self._zip is None:
            self._zip = zipfile.ZipFile(self.path)
        with self._zip.open(self.members[index]) as fh, Image.open(fh) as img:
            return fit_square(img, size, self.background)

    def describe(self, index: int) -> str:
        return f"{self.path}:{self.members[index]}"

    def fingerprint(self) -> str:
        st = self.path.stat()
        return _digest([str(self.path.resolve()), str(st.st_size), str(st.st_mtime_ns), self.background, *self.members])


class BuiltinFaces:
    """`builtin:anime-faces` / `builtin:photo-faces`: faces rendered from sampled parameters, any size and count."""

    def __init__(self, style: str, count: int, seed: int, offset: int = 0) -> None:
        if count < 1:
            raise DataError(f"data.builtin_count must be at least 1, got {count}")
        self.style, self.count, self.seed, self.offset = style, count, seed, offset
        self.name = f"{style}-faces" if offset == 0 else f"{style}-faces-heldout"

    def __len__(self) -> int:
        return self.count

    def load(self, index: int, size: int) -> Image.Image:
        return render_face(self.offset + index, self.seed, self.style, size)

    def describe(self, index: int) -> str:
        return f"builtin:{self.style}-faces#{self.offset + index} (seed {self.seed})"

    def fingerprint(self) -> str:
        version = getattr(faces, "RENDERER_VERSION", "1")
        return _digest([self.name, str(self.count), str(self.seed), str(self.offset), str(version)])

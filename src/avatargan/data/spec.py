"""Turn what the user wrote after `--data` (or `--data-a/--data-b`) into image sources, one per model domain."""

from __future__ import annotations

from pathlib import Path

from avatargan.config import DataConfig
from avatargan.data.sources import BuiltinFaces, FolderSource, ImageSource, ZipSource
from avatargan.errors import DataError
from avatargan.registry import DATASETS

BUILTIN_PREFIX = "builtin:"


@DATASETS.register("anime-faces")
def _anime_faces(cfg: DataConfig) -> ImageSource:
    return BuiltinFaces("anime", cfg.builtin_count, cfg.builtin_seed)


@DATASETS.register("photo-faces")
def _photo_faces(cfg: DataConfig) -> ImageSource:
    return BuiltinFaces("photo", cfg.builtin_count, cfg.builtin_seed)


def open_source(spec: str, cfg: DataConfig) -> ImageSource:
    """A folder, a .zip, or `builtin:NAME`; anything else is a clear error that lists what is accepted."""
    if spec.startswith(BUILTIN_PREFIX):
        return DATASETS.get(spec[len(BUILTIN_PREFIX) :])(cfg)
    path = Path(spec).expanduser()
    if path.is_dir():
        return FolderSource(path, cfg.background)
    if path.is_file() and path.suffix.lower() == ".zip":
        return ZipSource(path, cfg.background)
    if path.is_file():
        raise DataError(f"--data {spec}: a single file is not a data set; pass a folder of images or a .zip of images")
    builtins = ", ".join(BUILTIN_PREFIX + n for n in DATASETS.names())
    raise DataError(
        f"--data {spec}: no such folder or file. Use a folder of images, a .zip of images, "
        f"or a built-in domain ({builtins})"
    )


def open_domains(cfg: DataConfig, domains: tuple[str, ...], split: str = "train") -> dict[str, ImageSource]:
    """Sources for a model's domains: ("image",) uses `source`; ("a", "b") uses `source_a`/`source_b` or the
    `trainA/ trainB/ testA/ testB/` layout under `source` (as selfie2anime and the CycleGAN data sets ship)."""
    if domains == ("image",):
        return {"image": open_source(cfg.source, cfg)}
    sources = {}
    for domain in domains:
        explicit = getattr(cfg, f"source_{domain}", None)
        if explicit:
            sources[domain] = open_source(explicit, cfg)
            continue
        folder = Path(cfg.source).expanduser() / f"{split}{domain.upper()}"
        if not folder.is_dir():
            raise DataError(
                f"no data for domain {domain.upper()}: pass --data-{domain} SPEC, or --data DIR with "
                f"{split}A/ and {split}B/ folders inside (looked for {folder})"
            )
        sources[domain] = FolderSource(folder, cfg.background)
    return sources


HELD_OUT_BUILTIN = 256  # held-out built-in faces (indices after the training ones) used as test images


def open_test_domains(cfg: DataConfig, domains: tuple[str, ...]) -> dict[str, ImageSource]:
    """Held-out images per domain where the data has them: `testA/ testB/` of a two-domain layout, or built-in
    faces beyond the training indices (other people). Domains without a test split are left out."""
    out: dict[str, ImageSource] = {}
    for domain in domains:
        spec = cfg.source if domain == "image" else getattr(cfg, f"source_{domain}", None) or cfg.source
        if spec.startswith(BUILTIN_PREFIX):
            train = open_source(spec, cfg)
            if isinstance(train, BuiltinFaces):
                out[domain] = BuiltinFaces(train.style, HELD_OUT_BUILTIN, train.seed, offset=train.count)
        elif domain != "image" and not getattr(cfg, f"source_{domain}", None):
            folder = Path(cfg.source).expanduser() / f"test{domain.upper()}"
            if folder.is_dir() and any(folder.iterdir()):
                out[domain] = FolderSource(folder, cfg.background)
    return out


def data_name(cfg: DataConfig, domains: tuple[str, ...]) -> str:
    """A short name for run folders: the built-in domain, folder or zip name (joined with 2 for two domains)."""
    if domains == ("image",) or not (cfg.source_a or cfg.source_b):
        spec = cfg.source
        return spec[len(BUILTIN_PREFIX) :] if spec.startswith(BUILTIN_PREFIX) else Path(spec).stem or "data"
    names = []
    for d in domains:
        spec = getattr(cfg, f"source_{d}") or cfg.source
        names.append(spec[len(BUILTIN_PREFIX) :] if spec.startswith(BUILTIN_PREFIX) else Path(spec).stem)
    return "2".join(names)


def target_source(data: DataConfig, family_domains: tuple[str, ...]) -> str:
    """The data generated images are compared with: the run's images, or domain B (anime) for transfer."""
    return (data.source_b or data.source) if len(family_domains) > 1 else data.source

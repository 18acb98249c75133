"""The Python API: `avatargan.load(path)` returns a model that makes avatars, whatever the path holds.

    import avatargan
    model = avatargan.load("runs/00000-dcgan-anime-faces")        # or a .pt checkpoint, weights or an export folder
    avatars = model.generate(16, seed=0, truncation=1.5)          # list of PIL images
    anime = avatargan.load("runs/00001-cyclegan-selfie2anime").transfer(["me.jpg"], direction="a2b")

A noise → image family (DCGAN) loads as a `NoiseModel` (`generate`, `interpolate`); a photo → anime family loads as
a `TransferModel` (`transfer`). Run folders, checkpoints and safetensors weights run in PyTorch; ONNX exports run in
onnxruntime and TorchScript exports in `torch.jit`, behind the same methods. The CLI (`generate`, `interpolate`)
and the web demo call these same methods, so the three faces of avatargan give the same images for the same seed.

Truncation (the "truncation trick", Brock et al. 2019, BigGAN): every noise component whose magnitude exceeds `t`
is redrawn until none does. Smaller `t` trades variety for typical, cleaner avatars; `None` draws plain Gaussian
noise (exactly what `avatargan generate` has always drawn for a seed).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageOps

from avatargan import inference
from avatargan import transfer as transfer_lib
from avatargan.any_size import convert_image
from avatargan.data.sources import IMAGE_ERRORS, fit_square
from avatargan.errors import UserError
from avatargan.export import read_export
from avatargan.hardware import resolve_precision
from avatargan.models.spec import PHOTO_TO_ANIME, FamilySpec
from avatargan.photo_options import MIN_SCORE
from avatargan.photo_transfer import PhotoResult, convert_photo, detector_for
from avatargan.pixels import from_uint8
from avatargan.report.figures import to_uint8
from avatargan.runtime import resolve_device
from avatargan.transfer import check_size, down_step
from avatargan.weights import family_spec, load_generators

_ALIASES = {"float32": "fp32", "float16": "fp16", "half": "fp16", "bfloat16": "bf16"}

#: a batch of inputs (on the CPU, float32) → a batch of images (N×3×H×W in [-1, 1], CPU, float32)
Runner = Callable[[torch.Tensor], torch.Tensor]


def _to_pil(images: torch.Tensor) -> list[Image.Image]:
    return [Image.fromarray(a) for a in to_uint8(images)]


def _torch_runner(g: torch.nn.Module, precision: str, batch_size: int, spec: FamilySpec) -> Runner:
    """The batched, inference-mode forward the CLI uses: `inference.generate` for noise → image generators (with
    its autocast for bf16/fp16), `transfer.convert` for image → image ones (the same batched forward)."""
    if spec.kind == "noise":
        return lambda x: inference.generate(g, x, batch_size, precision=precision)
    return lambda x: transfer_lib.convert(g, x, batch_size, precision=precision)


def _onnx_runner(file: Path, device: torch.device, batch_size: int) -> Runner:
    try:
        import onnxruntime as ort
    except ImportError:
        raise UserError("running an ONNX export needs onnxruntime: pip install 'avatargan[export]'") from None
    providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if device.type == "cuda" else ["CPUExecutionProvider"]
    session = ort.InferenceSession(str(file), providers=providers)
    name = session.get_inputs()[0].name

    def run(x: torch.Tensor) -> torch.Tensor:
        chunks = [x[i : i + batch_size].float().numpy() for i in range(0, len(x), batch_size)]
        return torch.cat([torch.from_numpy(session.run(None, {name: c})[0]) for c in chunks])

    return run


class Model:
    """What every loaded model has: its description, device, precision and backend (torch, onnx or torchscript)."""

    def __init__(
        self, runners: dict[str, Runner], meta: dict[str, Any], device: torch.device, precision: str, backend: str
    ) -> None:
        self._runners, self.meta, self.device, self.precision, self.backend = runners, meta, device, precision, backend
        #: what the family declares (`avatargan.models.spec.FamilySpec`): kind, generators, their inputs
        self.spec = FamilySpec.from_json(meta["family_spec"])

    @property
    def family(self) -> str:
        return self.meta["model"]["family"]

    @property
    def image_size(self) -> int:
        return int(self.meta["image_size"])

    @property
    def generators(self) -> list[str]:
        return sorted(self._runners)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(family={self.family!r}, image_size={self.image_size}, backend={self.backend!r}, "
            f"device={str(self.device)!r}, precision={self.precision!r}, source={self.meta.get('source')!r})"
        )


class NoiseModel(Model):
    """A noise → image generator (DCGAN): avatars from seeds, and walks between them."""

    @property
    def latent_dim(self) -> int:
        return int(self.spec.latent_dim or 0)

    def noise(self, n: int, seed: int = 0, truncation: float | None = None) -> torch.Tensor:
        """n noise vectors for `seed`; with `truncation`, components beyond ±truncation are redrawn."""
        return truncated_noise(n, self.latent_dim, seed, truncation)

    def render(self, z: torch.Tensor) -> torch.Tensor:
        """Images (N×3×H×W in [-1, 1], CPU float32) for noise `z`, in batches, under inference mode."""
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise UserError(f"noise must be N×{self.latent_dim}, got {tuple(z.shape)}")
        with torch.inference_mode():
            return self._runners[self.spec.main_generator](z).float()

    def generate(self, n: int = 1, seed: int = 0, truncation: float | None = None) -> list[Image.Image]:
        """n avatars for `seed`: the same seed gives the same avatars on any device and backend."""
        if n < 1:
            raise UserError("n must be at least 1")
        return _to_pil(self.render(self.noise(n, seed, truncation)))

    def interpolate(
        self,
        seed_a: int = 0,
        seed_b: int = 1,
        steps: int = 8,
        mode: str = "slerp",
        truncation: float | None = None,
    ) -> list[Image.Image]:
        """`steps` avatars walking from seed_a's avatar to seed_b's (end points included)."""
        if steps < 2:
            raise UserError("steps must be at least 2 (the two end points)")
        return _to_pil(self.render(self.walk(seed_a, seed_b, torch.linspace(0, 1, steps), mode, truncation)))

    def walk(
        self, seed_a: int, seed_b: int, t: torch.Tensor, mode: str = "slerp", truncation: float | None = None
    ) -> torch.Tensor:
        """Noises at fractions `t` (0 = seed_a's noise, 1 = seed_b's) of the way between two seeds' noises."""
        inference.check_interpolation(mode)
        a, b = self.noise(1, seed_a, truncation), self.noise(1, seed_b, truncation)
        t = torch.as_tensor(t, dtype=torch.float32).reshape(-1, 1)
        return inference.slerp(a, b, t) if mode == "slerp" else a + (b - a) * t


class TransferModel(Model):
    """An image → image generator pair or single (CycleGAN: a2b and b2a; CartoonGAN: a2b): photos into anime."""

    @property
    def directions(self) -> list[str]:
        return self.generators

    def run(self, x: torch.Tensor, direction: str = PHOTO_TO_ANIME) -> torch.Tensor:
        """Converted images for a batch `x` (N×3×S×S in [-1, 1]), in batches, under inference mode."""
        self._check_direction(direction)
        with torch.inference_mode():
            return self._runners[direction](x).float()

    def transfer(
        self,
        images: Sequence[Image.Image | str | Path] | Image.Image | str | Path,
        direction: str = PHOTO_TO_ANIME,
        faces: bool = False,
        size: int | str | None = None,
    ) -> list[Image.Image]:
        """Convert PIL images or image files with the `direction` generator ("a2b": photo → anime, "b2a": back);
        one PIL image per input.

        By default each input is resized on its shorter side and centre-cropped to `size` (default: the model's
        size), as `avatargan transfer` does (`transfer.load_images`). faces=True, as `transfer --faces`: every face
        (photo faces for a2b, anime faces for b2a; needs avatargan[faces]) is aligned, converted at `size` and
        pasted back, so the photo keeps its size; a photo without a face is converted whole at its own size.
        size="native" (without faces): each image converted whole at its own size."""
        if isinstance(images, Image.Image | str | Path):
            images = [images]
        if not images:
            return []
        if faces:
            return [self.convert_photo(img, direction, size=size).image for img in images]
        if size == "native":
            run = self._native(direction)
            return [convert_image(run, _open(img), down_step(self.meta)) for img in images]
        return _to_pil(self.run(self.prepare(images, size), direction))

    def convert_photo(
        self,
        image: Image.Image | str | Path,
        direction: str = PHOTO_TO_ANIME,
        size: int | str | None = None,
        paste: bool = True,
        min_score: float = MIN_SCORE,
    ) -> PhotoResult:
        """`photo_transfer.PhotoResult` for one photo: its faces (as detected, aligned crops, converted avatars) and,
        with `paste`, the photo with the avatars pasted back (or converted whole when no face is found)."""
        run = self._native(direction)
        crop = check_size(self.image_size if size in (None, "native") else int(size), self.meta)
        photo = _open(image)
        return convert_photo(
            photo, run, detector_for(direction), crop, down_step(self.meta), paste, min_score=min_score
        )

    def _check_direction(self, direction: str) -> None:
        if direction not in self._runners:
            raise UserError(f"{self.family} has no direction {direction!r}; it has {', '.join(self.directions)}")

    def _native(self, direction: str) -> Callable[[torch.Tensor], torch.Tensor]:
        """`run` for images of any size; ONNX exports are traced at the model's size only."""
        self._check_direction(direction)
        if self.backend == "onnx":

            def refuse(x: torch.Tensor) -> torch.Tensor:
                if x.shape[-2:] != (self.image_size, self.image_size):
                    raise UserError(
                        f"this ONNX export takes {self.image_size}×{self.image_size} images only; for whole photos "
                        "load the run folder, its weights or a TorchScript export"
                    )
                return self.run(x, direction)

            return refuse
        return lambda x: self.run(x, direction)

    def prepare(self, images: Sequence[Image.Image | str | Path], size: int | None = None) -> torch.Tensor:
        """N×3×S×S floats in [-1, 1] (S: `size`, default the model's image size) from PIL images or files."""
        side = self.image_size if size is None else check_size(int(size), self.meta)
        arrays = [np.asarray(fit_square(_open(item), side)) for item in images]
        return from_uint8(torch.from_numpy(np.stack(arrays).astype(np.uint8)).permute(0, 3, 1, 2))


def _open(item: Image.Image | str | Path) -> Image.Image:
    """A PIL image as is, or an image file read (EXIF rotation applied); unreadable files are a UserError."""
    if isinstance(item, Image.Image):
        return item
    try:
        with Image.open(Path(item).expanduser()) as img:
            return ImageOps.exif_transpose(img).convert("RGB")
    except IMAGE_ERRORS as exc:
        raise UserError(f"{item} is not a readable image ({type(exc).__name__}: {exc})") from None


def truncated_noise(n: int, latent_dim: int, seed: int, truncation: float | None = None) -> torch.Tensor:
    """Seeded standard normal noise; with `truncation` t > 0, every component with |z| > t is redrawn (from the
    same seeded generator, so the result is reproducible) until all lie within ±t. None is `inference.noise`."""
    if truncation is None:
        return inference.noise(n, latent_dim, seed)
    if not truncation > 0:
        raise UserError(f"truncation must be a positive number (e.g. 1.0 to 2.0), got {truncation}")
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(n, latent_dim, generator=gen)
    outside = z.abs() > truncation
    while outside.any():
        z[outside] = torch.randn(int(outside.sum()), generator=gen)
        outside = z.abs() > truncation
    return z


def _precision(precision: str, backend: str, device: torch.device) -> str:
    """The precision a loaded model runs in: `auto` resolves for the device (ONNX exports always run in fp32)."""
    name = _ALIASES.get(precision, precision)
    if backend == "onnx":
        if name not in ("auto", "fp32"):
            raise UserError("ONNX exports run in fp32 (the precision they were exported in); use precision='fp32'")
        return "fp32"
    return resolve_precision(name, device).precision


def _jit_load(file: Path, device: torch.device) -> torch.nn.Module:
    with warnings.catch_warnings():  # torch >= 2.10 marks torch.jit deprecated; the format is still what many deploy
        warnings.simplefilter("ignore", FutureWarning)
        return torch.jit.load(str(file), map_location=device).eval()


def load(
    path: str | Path,
    device: str | torch.device = "auto",
    precision: str = "auto",
    batch_size: int = 64,
    snapshot: str = "last",
) -> NoiseModel | TransferModel:
    """A model from a run folder, a checkpoint (.pt), safetensors weights, or an ONNX/TorchScript export folder.

    device: "auto" (CUDA when present), "cpu", "cuda" or "cuda:N". precision: "auto" (bf16 where the GPU or CPU
    computes it natively, else fp32; `model.precision` says which), "fp32", "bf16" or "fp16": autocast, as
    `train --precision` (PyTorch and TorchScript backends; ONNX runs in fp32). batch_size: how many images go
    through the network at once. snapshot: for a run folder, "last" (its final weights, default) or "best" (the
    best by the run's quality signal, generator-best.safetensors); `model.meta["snapshot"]` and `["step"]` say
    which was loaded.
    """
    dev = resolve_device(device) if isinstance(device, str) else torch.device(device)
    exported = read_export(path)
    if exported is None:
        prec = _precision(precision, "torch", dev)
        generators, meta = load_generators(path, dev, snapshot)
        spec = family_spec(meta)
        runners = {k: _torch_runner(g, prec, batch_size, spec) for k, g in generators.items()}
        backend = "torch"
    else:
        if snapshot != "last":
            raise UserError(f"{path} is an export, which holds one set of weights; snapshot={snapshot!r} needs a run")
        meta, files = exported
        spec = family_spec(meta)  # exports of format 1: rebuilt from the family
        backend = meta["format"]
        prec = _precision(precision, backend, dev)
        if backend == "onnx":
            runners = {k: _onnx_runner(f, dev, batch_size) for k, f in files.items()}
        else:
            runners = {k: _torch_runner(_jit_load(f, dev), prec, batch_size, spec) for k, f in files.items()}
        meta = {**meta, "source": str(path)}
    meta = {**meta, "family_spec": spec.to_json()}
    cls = NoiseModel if spec.kind == "noise" else TransferModel
    return cls(runners, meta, dev, prec, backend)


def load_noise_model(
    path: str | Path, device: str | torch.device = "auto", precision: str = "auto", snapshot: str = "last"
) -> NoiseModel:
    """`load` for the commands that draw from noise: a transfer model is refused with a hint."""
    model = load(path, device=device, precision=precision, snapshot=snapshot)
    if not isinstance(model, NoiseModel):
        raise UserError(
            f"{path} holds a {model.family} model, which converts images rather than drawing "
            "from noise; use `avatargan transfer` with it"
        )
    return model

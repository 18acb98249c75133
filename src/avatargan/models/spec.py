"""What a model family is, declared once: its kind, its generators and what they take.

Every family says whether it draws images from noise (`noise`: DCGAN) or converts images of one domain into
another (`transfer`: CycleGAN, CartoonGAN), which generators it makes and what their inputs are. The trainer writes
the declaration into `generator.json` (and exports), and every consumer — the Python API, export, evaluation,
inference, transfer, the web demo — reads it there instead of guessing from config fields or generator names.

The names the transfer families share are gathered here too: domain "a" holds photos, domain "b" anime images, and
a generator named `<source>2<target>` converts the first domain's images into the second's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

Kind = Literal["noise", "transfer"]
KINDS: tuple[str, ...] = get_args(Kind)

#: the single generator of a noise → image family
NOISE_GENERATOR = "generator"
#: the transfer directions: A (photos) → B (anime), and back
PHOTO_TO_ANIME, ANIME_TO_PHOTO = "a2b", "b2a"
DIRECTIONS = (PHOTO_TO_ANIME, ANIME_TO_PHOTO)
#: how menus and messages name a direction
DIRECTION_LABELS = {PHOTO_TO_ANIME: "photo → anime", ANIME_TO_PHOTO: "anime → photo"}
#: the image domains a training batch holds, per kind
KIND_DOMAINS: dict[str, tuple[str, ...]] = {"noise": ("image",), "transfer": ("a", "b")}

#: data the trainer derives from the loaded domains for a family (`avatargan.data.derived`): CartoonGAN's
#: edge-smoothed anime images ("edges", batch key "e"), key point maps for the face losses ("keypoints")
Derived = Literal["edges", "keypoints"]


@dataclass(frozen=True)
class FamilySpec:
    """A family's declaration (see the module docstring); `GANModel.spec(cfg)` returns it for a config."""

    kind: Kind
    generators: tuple[str, ...]
    latent_dim: int | None = None  # noise: the length of the generator's input vector
    side_multiple: int = 1  # transfer: every image side the generators take must be a multiple of this
    derived: tuple[Derived, ...] = ()  # training only: the derived data its batches need (not written to JSON)

    @classmethod
    def noise(cls, latent_dim: int) -> FamilySpec:
        return cls("noise", (NOISE_GENERATOR,), latent_dim=int(latent_dim))

    @classmethod
    def transfer(cls, directions: tuple[str, ...], side_multiple: int, derived: tuple[Derived, ...] = ()) -> FamilySpec:
        unknown = [d for d in directions if d not in DIRECTIONS]
        if unknown:
            raise ValueError(f"transfer generators are named {' or '.join(DIRECTIONS)}, not {unknown}")
        return cls("transfer", tuple(directions), side_multiple=int(side_multiple), derived=tuple(derived))

    @property
    def domains(self) -> tuple[str, ...]:
        return KIND_DOMAINS[self.kind]

    @property
    def main_generator(self) -> str:
        """The generator that evaluation, the benchmark and the quality signal judge: noise → image, or photo →
        anime."""
        return NOISE_GENERATOR if self.kind == "noise" else PHOTO_TO_ANIME

    def input_shape(self, image_size: int) -> list[int | str]:
        """A generator's input shape, "batch" the free axis: noise vectors, or images in [-1, 1]."""
        if self.kind == "noise":
            return ["batch", int(self.latent_dim or 0)]
        return ["batch", 3, image_size, image_size]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "generators": list(self.generators)}
        if self.kind == "noise":
            out["latent_dim"] = self.latent_dim
        else:
            out["side_multiple"] = self.side_multiple
        return out

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> FamilySpec:
        kind = values.get("kind")
        if kind not in KINDS:
            raise ValueError(f"unknown model kind {kind!r}; this avatargan knows {', '.join(KINDS)}")
        return cls(
            kind,
            tuple(values["generators"]),
            latent_dim=values.get("latent_dim"),
            side_multiple=int(values.get("side_multiple", 1)),
        )

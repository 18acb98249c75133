"""The sampled parameters of one procedural face, shared by the anime and the photo renderer.

Every random choice about a *person* is made here, once, so that both drawing styles render the same
(index, seed) as the same person; that pairing is the ground truth for evaluating photo -> anime transfer.
"""

from __future__ import annotations

import colorsys
from dataclasses import asdict, dataclass

import numpy as np

RGB = tuple[int, int, int]

FACE_SHAPES = ("round", "oval", "pointed", "square")
HAIR_STYLES = ("short", "bob", "long", "twin_tails", "ponytail", "spiky")
FRINGES = ("straight", "swept_left", "swept_right", "parted", "blunt", "open")
EYE_SHAPES = ("round", "almond", "droopy", "sharp")
NOSE_STYLES = ("dot", "tick")
BACKGROUNDS = ("plain", "gradient", "split", "dots")

# Named palettes: a sample's colour is its class colour plus a small jitter, so "does the hair stay red?" is a
# well-posed question (classify by nearest palette entry).
HAIR_COLORS: dict[str, RGB] = {
    "black": (38, 36, 46),
    "brown": (112, 70, 42),
    "blonde": (236, 206, 122),
    "red": (192, 44, 40),
    "pink": (246, 152, 188),
    "blue": (58, 108, 212),
    "silver": (196, 202, 214),
    "green": (66, 160, 88),
    "purple": (138, 78, 190),
    "orange": (242, 132, 40),
}
EYE_COLORS: dict[str, RGB] = {
    "brown": (122, 72, 36),
    "blue": (48, 112, 222),
    "green": (46, 150, 78),
    "red": (204, 40, 52),
    "purple": (132, 70, 202),
    "gold": (222, 170, 40),
    "grey": (118, 130, 146),
    "pink": (232, 100, 160),
}
HAIR_COLOR_NAMES = tuple(HAIR_COLORS)
EYE_COLOR_NAMES = tuple(EYE_COLORS)
# Skin tone 0..1 interpolates these stops (porcelain .. deep).
SKIN_STOPS: tuple[RGB, ...] = ((255, 236, 224), (247, 210, 182), (222, 170, 130), (170, 114, 78), (110, 70, 48))

# Categorical attributes and their name tables, for evaluation code that wants readable labels.
ATTRIBUTE_CLASSES: dict[str, tuple[str, ...]] = {
    "hair_color": HAIR_COLOR_NAMES,
    "eye_color": EYE_COLOR_NAMES,
    "face_shape": FACE_SHAPES,
    "hair_style": HAIR_STYLES,
    "fringe": FRINGES,
    "eye_shape": EYE_SHAPES,
}


@dataclass(frozen=True)
class FaceParams:
    """One person. Categorical fields index the name tables above; colours are 0..255 RGB tuples."""

    index: int
    seed: int
    # identity: categorical
    face_shape: int
    hair_style: int
    fringe: int
    eye_shape: int
    nose_style: int
    hair_color: int
    eye_color: int
    background: int
    # identity: continuous
    hair_rgb: RGB
    eye_rgb: RGB
    skin_tone: float  # 0 (porcelain) .. 1 (deep)
    skin_rgb: RGB
    face_width: float  # half face width in face units (about 1)
    chin_length: float  # multiplier on the face shape's chin length
    hair_volume: float  # how far the hair stands off the skull
    hair_length: float  # multiplier on the hair style's length
    fringe_length: float  # 0 = short bangs high on the forehead, 1 = down to the eyebrows
    eye_size: float
    eye_spacing: float
    brow_tilt: float  # > 0 raises the outer ends (cheerful), < 0 lowers them (worried)
    mouth_width: float
    mouth_open: float  # 0..1; drawn open above 0.5
    mouth_curve: float  # > 0 smiles
    blush: bool
    blush_strength: float
    shirt_rgb: RGB
    bg_rgb: RGB
    bg2_rgb: RGB  # second background colour (gradient, split, dots; blob colour in photos)
    # pose, applied to the whole bust
    tilt: float  # roll in degrees, positive = clockwise on screen
    offset_x: float  # head centre shift, fraction of the image side
    offset_y: float
    scale: float
    # seeds the renderers' small random details (strand jitter, textures) so a render is a pure function of params
    detail_seed: int

    def to_dict(self) -> dict:
        """JSON-serialisable copy (tuples become lists, numpy scalars become Python numbers)."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))
    return int(round(r * 255)), int(round(g * 255)), int(round(b * 255))


def nearest_color(rgb: tuple[float, float, float], palette: dict[str, RGB], shading: bool = False) -> int:
    """Index of the palette entry nearest to `rgb` in RGB.

    With `shading`, each entry may first be scaled by a brightness factor in [0.5, 1.6], so a colour measured in
    a lit or shadowed image (e.g. hair in a photo render, or a GAN output) is still classed by its hue."""
    table = np.asarray(list(palette.values()), dtype=np.float64)
    x = np.asarray(rgb, dtype=np.float64)
    if shading:
        k = np.clip(table @ x / np.maximum((table**2).sum(axis=1), 1e-9), 0.5, 1.6)
        table = table * k[:, None]
    return int(np.argmin(((table - x) ** 2).sum(axis=1)))


def _jitter(rng: np.random.Generator, palette: dict[str, RGB], cls: int, amount: float) -> RGB:
    """The class colour, brightened/darkened and nudged per channel, but never closer to another class."""
    base = np.asarray(list(palette.values())[cls], dtype=np.float64)
    for _ in range(8):
        rgb = np.clip(base * rng.uniform(0.9, 1.1) + rng.uniform(-amount, amount, 3), 0, 255)
        if nearest_color(rgb, palette) == cls:
            break
    else:  # eight unlucky draws in a row: fall back to the clean class colour
        rgb = base
    return int(round(rgb[0])), int(round(rgb[1])), int(round(rgb[2]))


def _skin(tone: float) -> RGB:
    stops = np.asarray(SKIN_STOPS, dtype=np.float64)
    pos = tone * (len(stops) - 1)
    i = min(int(pos), len(stops) - 2)
    c = stops[i] + (stops[i + 1] - stops[i]) * (pos - i)
    return int(round(c[0])), int(round(c[1])), int(round(c[2]))


def sample_face_params(index: int, seed: int = 0) -> FaceParams:
    """Deterministic parameters of face `index` in population `seed` (its own RNG, never the global one)."""
    rng = np.random.default_rng([int(seed), int(index)])
    u = rng.uniform
    cat = {
        name: int(rng.integers(len(table)))
        for name, table in (
            ("face_shape", FACE_SHAPES),
            ("hair_style", HAIR_STYLES),
            ("fringe", FRINGES),
            ("eye_shape", EYE_SHAPES),
            ("nose_style", NOSE_STYLES),
            ("hair_color", HAIR_COLORS),
            ("eye_color", EYE_COLORS),
            ("background", BACKGROUNDS),
        )
    }
    hair_rgb = _jitter(rng, HAIR_COLORS, cat["hair_color"], 14.0)
    eye_rgb = _jitter(rng, EYE_COLORS, cat["eye_color"], 14.0)
    # Skewed towards lighter tones (as in most anime art) but covering the whole range.
    skin_tone = float(rng.beta(1.3, 2.4))
    bg_h, bg_s, bg_v = u(0, 1), u(0.12, 0.55), u(0.62, 0.97)
    bg2 = _hsv(bg_h + u(-0.12, 0.12), bg_s + u(-0.1, 0.2), bg_v + u(-0.22, 0.08))
    # Clothes: mostly coloured, sometimes white or black (school uniforms, suits).
    shirt_kind = u()
    if shirt_kind < 0.15:
        shirt = _hsv(u(0, 1), u(0, 0.06), u(0.9, 0.98))
    elif shirt_kind < 0.27:
        shirt = _hsv(u(0, 1), u(0, 0.2), u(0.12, 0.25))
    else:
        shirt = _hsv(u(0, 1), u(0.3, 0.8), u(0.35, 0.92))
    blush_strength = float(u(0, 1))
    return FaceParams(
        index=int(index),
        seed=int(seed),
        **cat,
        hair_rgb=hair_rgb,
        eye_rgb=eye_rgb,
        skin_tone=skin_tone,
        skin_rgb=_skin(skin_tone),
        face_width=float(u(0.93, 1.07)),
        chin_length=float(u(0.92, 1.08)),
        hair_volume=float(u(0.95, 1.15)),
        hair_length=float(u(0.85, 1.15)),
        fringe_length=float(u(0, 1)),
        eye_size=float(u(0.85, 1.15)),
        eye_spacing=float(u(0.92, 1.08)),
        brow_tilt=float(u(-1, 1)),
        mouth_width=float(u(0.8, 1.25)),
        mouth_open=float(u(0, 1)),
        mouth_curve=float(u(-0.25, 1.0)),
        blush=bool(blush_strength > 0.45),
        blush_strength=blush_strength,
        shirt_rgb=shirt,
        bg_rgb=_hsv(bg_h, bg_s, bg_v),
        bg2_rgb=bg2,
        tilt=float(u(-12, 12)),
        offset_x=float(u(-0.04, 0.04)),
        offset_y=float(u(-0.035, 0.035)),
        scale=float(u(0.9, 1.08)),
        detail_seed=int(rng.integers(2**31)),
    )


def attributes(params: FaceParams) -> dict[str, int | float]:
    """Labels for evaluating a transfer: categorical classes (see ATTRIBUTE_CLASSES) plus a few continuous ones."""
    return {
        "hair_color": params.hair_color,
        "eye_color": params.eye_color,
        "face_shape": params.face_shape,
        "hair_style": params.hair_style,
        "fringe": params.fringe,
        "eye_shape": params.eye_shape,
        "blush": int(params.blush),
        "mouth_open": int(params.mouth_open > 0.5),
        "skin_tone": params.skin_tone,
        "tilt": params.tilt,
    }


def attribute_names(params: FaceParams) -> dict[str, str]:
    """The categorical attributes as readable names, e.g. {"hair_color": "red", ...}."""
    labels = attributes(params)
    return {k: table[int(labels[k])] for k, table in ATTRIBUTE_CLASSES.items()}

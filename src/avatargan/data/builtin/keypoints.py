"""Face geometry shared by both renderers (pose, face outline, features, eyes, hair), and the key points from it.

Shapes are built in a canonical *face frame* (origin between the cheekbones, x right, y down, 1 unit = about half
the face width) and mapped to pixels by the pose (tilt, offset, scale). Both renderers draw through `FaceGeometry`,
so the key points below are exactly where the eyes, nose, mouth and chin are drawn.

Pixel convention: an image of side `size` spans [0, size] x [0, size]; pixel (col i, row j) covers
[i, i+1) x [j, j+1), so the pixel holding a key point is (int(x), int(y)) and key points scale linearly with size.
"Left" means image-left (smaller x when upright), as in CelebA's landmarks.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from avatargan.data.builtin.face_params import FACE_SHAPES, FRINGES, HAIR_STYLES, FaceParams

STYLES = ("anime", "photo")
KEYPOINT_NAMES = ("left_eye", "right_eye", "nose_tip", "mouth_left", "mouth_right", "chin")

HEAD_CENTRE = (0.5, 0.46)  # where the face-frame origin sits, as a fraction of the image side (before offset)
UNIT = 0.27  # one face unit as a fraction of the image side (before pose scale)
SKULL_TOP = 1.15  # the upper half of the face outline is an ellipse this tall

# (superellipse exponent of the jaw, chin length, jaw narrowing) per face shape; exponent < 2 gives a pointed chin.
JAW = {"round": (2.0, 0.95, 0.0), "oval": (2.0, 1.1, 0.1), "pointed": (1.45, 1.1, 0.0), "square": (3.2, 0.98, 0.02)}
_JAW = tuple(JAW[name] for name in FACE_SHAPES)  # indexed by FaceParams.face_shape


@dataclass(frozen=True)
class Proportions:
    """Where a style puts the features, in face units; anime has big low eyes, photo realistic thirds."""

    eye_y: float
    eye_dx: float  # eye centre distance from the midline
    eye_rx: float  # eye half width / half height
    eye_ry: float
    nose_y: float
    mouth_y: float
    mouth_rx: float  # mouth half width
    chin_stretch: float  # photo faces are a little longer


PROPORTIONS = {
    "anime": Proportions(
        eye_y=0.14, eye_dx=0.45, eye_rx=0.235, eye_ry=0.29, nose_y=0.5, mouth_y=0.68, mouth_rx=0.12, chin_stretch=1.0
    ),
    "photo": Proportions(
        eye_y=-0.04, eye_dx=0.39, eye_rx=0.18, eye_ry=0.075, nose_y=0.43, mouth_y=0.69, mouth_rx=0.27, chin_stretch=1.1
    ),
}


def check_style(style: str) -> str:
    """`style` itself, or a ValueError that names the valid styles."""
    if style not in STYLES:
        raise ValueError(f"unknown face style {style!r}; valid styles: {', '.join(STYLES)}")
    return style


@functools.lru_cache(maxsize=64)
def _ramp(n: int, endpoint: bool) -> np.ndarray:
    # Cached because the renderers build hundreds of small curves per face and np.linspace is slow at that size.
    return np.linspace(0.0, 1.0, n, endpoint=endpoint)


@functools.lru_cache(maxsize=64)
def _bezier_basis(n: int) -> np.ndarray:
    t = _ramp(n, True)[:, None]
    return np.concatenate([(1 - t) ** 2, 2 * (1 - t) * t, t**2], axis=1)


def ellipse(
    cx: float, cy: float, rx: float, ry: float, n: int = 32, a0: float = 0.0, a1: float = 2 * math.pi
) -> np.ndarray:
    """(n, 2) points on an axis-aligned ellipse in face units, from angle a0 to a1 (y down, so pi/2 is the bottom)."""
    t = a0 + (a1 - a0) * _ramp(n, not (a0 == 0.0 and a1 == 2 * math.pi))
    out = np.empty((n, 2))
    out[:, 0] = cx + rx * np.cos(t)
    out[:, 1] = cy + ry * np.sin(t)
    return out


def quad(p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], n: int = 8) -> np.ndarray:
    """(n, 2) points on the quadratic Bezier curve p0 -> p2 pulled towards p1."""
    return _bezier_basis(n) @ np.array([p0, p1, p2], dtype=np.float64)


@dataclass(frozen=True)
class FaceGeometry:
    """The pose mapping and feature anchors of one face drawn in one style at one image size."""

    params: FaceParams
    style: str
    size: int
    prop: Proportions
    cx: float  # pixel position of the face-frame origin
    cy: float
    unit: float  # pixels per face unit
    cos: float
    sin: float

    @functools.cached_property
    def _affine(self) -> tuple[np.ndarray, np.ndarray]:
        u = self.unit
        return np.array(((u * self.cos, u * self.sin), (-u * self.sin, u * self.cos))), np.array((self.cx, self.cy))

    def to_px(self, pts: np.ndarray) -> np.ndarray:
        """Face-frame points (..., 2) -> pixel coordinates (..., 2)."""
        m, t = self._affine
        return np.asarray(pts, dtype=np.float64) @ m + t

    def to_face(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates -> face-frame coordinates (the inverse pose), for per-pixel shading."""
        dx, dy = (x - self.cx) / self.unit, (y - self.cy) / self.unit
        return dx * self.cos + dy * self.sin, -dx * self.sin + dy * self.cos

    # --- anchors in face units ---------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.params.face_width

    @property
    def chin_y(self) -> float:
        return _JAW[self.params.face_shape][1] * self.params.chin_length * self.prop.chin_stretch

    def eye(self, side: int) -> tuple[float, float, float, float]:
        """(x, y, rx, ry) of the eye on `side` (-1 image-left, +1 image-right)."""
        p, pr = self.params, self.prop
        return side * pr.eye_dx * p.eye_spacing * self.width, pr.eye_y, pr.eye_rx * p.eye_size, pr.eye_ry * p.eye_size

    @property
    def nose(self) -> tuple[float, float]:
        return 0.0, self.prop.nose_y

    @property
    def mouth_rx(self) -> float:
        return self.prop.mouth_rx * self.params.mouth_width

    def outline(self, n: int = 64) -> np.ndarray:
        """Closed face contour (n points): superellipse jaw below the cheek line, ellipse skull above it.

        Point n//4 is exactly the chin."""
        expo, _, narrow = _JAW[self.params.face_shape]
        w, chin = self.width, self.chin_y
        t = np.linspace(0.0, math.pi, n // 2 + 1)  # right cheek -> chin -> left cheek
        c, s = np.cos(t), np.sin(t)
        jaw = np.stack(
            [w * (1 - narrow * s) * np.sign(c) * np.abs(c) ** (2 / expo), chin * np.abs(s) ** (2 / expo)], axis=1
        )
        top = ellipse(0.0, 0.0, w, SKULL_TOP, n - n // 2 + 1, math.pi, 2 * math.pi)[1:-1]
        return np.concatenate([jaw, top])


def face_geometry(params: FaceParams, style: str, size: int) -> FaceGeometry:
    """The geometry of `params` drawn in `style` on a `size` x `size` image."""
    check_style(style)
    a = math.radians(params.tilt)
    return FaceGeometry(
        params=params,
        style=style,
        size=size,
        prop=PROPORTIONS[style],
        cx=size * (HEAD_CENTRE[0] + params.offset_x),
        cy=size * (HEAD_CENTRE[1] + params.offset_y),
        unit=size * UNIT * params.scale,
        cos=math.cos(a),
        sin=math.sin(a),
    )


def face_keypoints(params: FaceParams, style: str, size: int) -> dict[str, tuple[float, float]]:
    """Pixel (x, y) of the key points, exactly where the renderer of `style` draws them.

    left_eye / right_eye: pupil centres; nose_tip: lower end of the anime nose mark, or the base of the photo nose
    between the nostrils; mouth_left / mouth_right: the ends of the mouth line; chin: the lowest point of the face
    contour. Names and order: KEYPOINT_NAMES."""
    g = face_geometry(params, style, size)
    lx, ly, _, _ = g.eye(-1)
    rx, ry, _, _ = g.eye(+1)
    pts = np.array(
        [[lx, ly], [rx, ry], g.nose, [-g.mouth_rx, g.prop.mouth_y], [g.mouth_rx, g.prop.mouth_y], [0.0, g.chin_y]]
    )
    px = g.to_px(pts)
    return {name: (float(x), float(y)) for name, (x, y) in zip(KEYPOINT_NAMES, px, strict=True)}


def keypoint_array(params: FaceParams, style: str, size: int) -> np.ndarray:
    """The key points as a (len(KEYPOINT_NAMES), 2) float32 array of (x, y), in KEYPOINT_NAMES order."""
    kp = face_keypoints(params, style, size)
    return np.asarray([kp[name] for name in KEYPOINT_NAMES], dtype=np.float32)


# --- eyes and hair: silhouettes both styles draw, so the two renders of a person share eye shape and hairdo -------
# Eye opening per EYE_SHAPES entry, in an eye frame where x = +1 is the outer corner and y is in eye half-heights:
# (inner corner y, outer corner y, top of upper lid, bottom of lower lid).
EYE_OPENINGS = ((0.1, 0.0, -1.0, 0.95), (0.2, -0.3, -0.88, 0.82), (-0.25, 0.35, -0.98, 0.86), (0.3, -0.5, -0.8, 0.74))


def eye_opening(g: FaceGeometry, side: int, n: int = 12) -> np.ndarray:
    """Closed eye-opening polygon: n points of the upper lid inner->outer, then the lower lid outer->inner."""
    ex, ey, rx, ry = g.eye(side)
    yi, yo, top, bot = EYE_OPENINGS[g.params.eye_shape]
    t = _ramp(n, True)
    base = yi + (yo - yi) * t
    mid = (yi + yo) / 2
    bulge = np.sin(math.pi * t) ** 0.7
    upper = np.stack([-1 + 2 * t, base + (top - mid) * bulge], axis=1)
    lower = np.stack([-1 + 2 * t, base + (bot - mid) * bulge], axis=1)[::-1][1:-1]
    unit = np.concatenate([upper, lower])
    return np.stack([ex + side * unit[:, 0] * rx, ey + unit[:, 1] * ry], axis=1)


@dataclass(frozen=True)
class HairShapes:
    """Hair polygons in face units. `edge` is the lower edge of the front hair (right temple -> left temple)."""

    back: list[np.ndarray]  # behind the head and body (incl. tails)
    front: np.ndarray  # crown and fringe, in front of the face
    edge: np.ndarray
    valleys: list[tuple[float, float]]  # notches between fringe strands
    locks: list[np.ndarray]  # side locks in front of the cheeks (left, right); their tops tuck under `front`
    ahoge: np.ndarray | None  # a stray strand sticking up from the crown, if any
    cap: tuple[float, float, float]  # (centre y, rx, ry) of the ellipse around the skull


def hair_cap(g: FaceGeometry) -> tuple[float, float, float]:
    """(centre y, rx, ry) of the hair cap ellipse around the skull."""
    v = g.params.hair_volume
    return -0.2, g.width + 0.1 + 0.12 * v, 1.12 + 0.2 * v


def _lock_end(p: FaceParams) -> float:
    base = {"short": 0.25, "bob": 0.85, "long": 1.35, "twin_tails": 1.05, "ponytail": 0.35, "spiky": 0.2}
    return base[HAIR_STYLES[p.hair_style]] * p.hair_length


def _fringe_edge(g: FaceGeometry, rng: np.random.Generator, soft: bool) -> tuple[np.ndarray, list]:
    p, w = g.params, g.width
    kind = FRINGES[p.fringe]
    cy, rx, _ = hair_cap(g)
    xr, yt = rx - 0.02, cy - 0.17
    fy = -0.55 + 0.3 * p.fringe_length  # tip level: from high on the forehead down to the eyebrows
    if kind == "open":
        half = quad((xr, yt), (0.7 * w, -0.95), (0.06, -0.86), 10)
        return np.concatenate([half, [[0.0, -0.97]], half[::-1] * [-1, 1]]), []
    spiky = HAIR_STYLES[p.hair_style] == "spiky"
    n = {"blunt": 9, "straight": 7}.get(kind, 6) - (1 if spiky else 0)
    n = n * 2 if soft else n  # photos: more, finer strands
    depth_scale = 0.35 if soft else 1.0
    xs = np.linspace(0.86 * w, -0.86 * w, n)  # right to left
    part = (-0.22 if p.detail_seed % 2 else 0.2) * w
    pts: list[np.ndarray] = [np.array([[xr, yt]])]
    valleys = []
    prev = (xr, yt)
    for i, x in enumerate(xs):
        t = x / w
        if kind == "blunt":
            tip = (x, fy + 0.02 * rng.uniform(-1, 1))
            valley_depth = 0.06 * depth_scale
        else:
            lean = {"swept_left": -0.16, "swept_right": 0.16, "parted": 0.14 * np.sign(x - part)}.get(kind, 0.0)
            longer = {"swept_left": -0.12 * t, "swept_right": 0.12 * t}.get(kind, 0.0)
            side = 0.08 * abs(t) ** 3  # outermost strands a bit longer, framing the face
            tip = (x + lean, fy + longer + side + 0.05 * rng.uniform(-1, 1) * depth_scale)
            valley_depth = (0.24 + 0.06 * rng.uniform(0, 1) + (0.08 if spiky else 0.0)) * depth_scale
        if i > 0:
            vx = (x + xs[i - 1]) / 2
            vy = min(tip[1], prev[1]) - valley_depth
            if kind == "parted" and (xs[i - 1] - part) * (x - part) <= 0:
                vx, vy = part, -0.95  # the parting: a deep notch up to the crown
            valleys.append((vx, vy))
            pts.append(quad((vx, vy), (vx, vy + 0.6 * (prev[1] - vy)), prev, 5)[::-1][:-1])
            pts.append(quad((vx, vy), (vx, vy + 0.6 * (tip[1] - vy)), tip, 5)[1:])
        else:
            pts.append(quad(prev, (xr, tip[1] - 0.05), tip, 5)[1:])
        prev = tip
    pts.append(quad(prev, (-xr, prev[1] - 0.05), (-xr, yt), 5)[1:])
    return np.concatenate(pts), valleys


def _spikes(arc: np.ndarray, centre: tuple[float, float], height: float) -> np.ndarray:
    """Push every third point of an arc outwards, turning a smooth crown into spikes."""
    out = arc.copy()
    d = out - centre
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    out[1:-1:3] += d[1:-1:3] * height
    return out


def _side_lock(g: FaceGeometry, s: int) -> np.ndarray:
    """A tapered lock hanging in front of the cheek, curling slightly inwards at the tip."""
    w, end = g.width, _lock_end(g.params)
    top_out, top_in, tip = (s * (w + 0.14), -0.6), (s * (w - 0.26), -0.75), (s * (w - 0.12), end)
    inner = quad(top_in, (s * (w - 0.16), 0.1 * end), tip, 8)
    outer = quad(tip, (s * (w + 0.22), 0.45 * end), top_out, 8)
    return np.concatenate([inner, outer[1:]])


def _ahoge(g: FaceGeometry) -> np.ndarray | None:
    """The stray 'antenna' strand on top of the head that many anime characters have (about a third here)."""
    if (g.params.detail_seed >> 4) % 3:
        return None
    cy, _, ry = hair_cap(g)
    s = 1 if (g.params.detail_seed >> 6) % 2 else -1
    bx, by = s * 0.1, cy - ry + 0.08
    tip = (s * 0.45, cy - ry - 0.3)
    return np.concatenate(
        [
            quad((bx - s * 0.12, by), (s * 0.05, by - 0.45), tip, 7),
            quad(tip, (s * 0.2, by - 0.22), (bx + s * 0.08, by), 7)[1:],
        ]
    )


def _back_hair(g: FaceGeometry) -> list[np.ndarray]:
    p, w = g.params, g.width
    style, ln = HAIR_STYLES[p.hair_style], p.hair_length
    cy, rx, ry = hair_cap(g)
    rx, ry = rx + 0.04, ry + 0.03
    top = ellipse(0.0, cy, rx, ry, 24, math.pi, 2 * math.pi)
    if style == "spiky":
        top = _spikes(top, (0.0, cy), 0.24)
    if style == "bob":
        side = quad((rx, cy), (w + 0.42, 0.4 * ln), (w + 0.25, 0.9 * ln), 8)
        bottom = quad((w + 0.25, 0.9 * ln), (w * 0.6, 1.15 * ln), (0.0, 1.0 * ln), 6)
    elif style == "long":
        side = quad((rx, cy), (w + 0.45, 0.6 * ln), (w + 0.55, 2.9 * ln), 8)
        bottom = np.array([[w * 0.6, 2.6 * ln], [w * 0.25, 2.9 * ln], [0.0, 2.6 * ln]])
    else:
        side = quad((rx, cy), (w + 0.12, 0.1), (w + 0.02, 0.35 * ln), 6)
        bottom = quad((w + 0.02, 0.35 * ln), (w * 0.6, 0.65), (0.0, 0.6), 5)
    right = np.concatenate([side, bottom[1:]])
    left = right[::-1] * [-1, 1]
    shapes = [np.concatenate([top, right[1:], left[1:-1]])]
    if style == "twin_tails":
        for s in (-1, 1):
            a, b = (s * (rx - 0.2), -1.05), (s * (rx - 0.45), -0.9)
            tip = (s * (w + 0.75), 2.2 * ln)
            shapes.append(
                np.concatenate([quad(a, (s * (w + 1.45), -0.55), tip, 12), quad(tip, (s * (w + 0.35), 0.5), b, 10)[1:]])
            )
    elif style == "ponytail":
        s = 1 if (p.detail_seed >> 1) % 2 else -1
        a, b, tip = (s * 0.5, -1.3), (s * 0.1, -1.2), (s * (w + 0.6), 1.4 * ln)
        shapes.append(
            np.concatenate([quad(a, (s * (w + 1.5), -1.4), tip, 12), quad(tip, (s * (w + 0.25), -0.3), b, 10)[1:]])
        )
    return shapes


def hair_shapes(g: FaceGeometry, soft: bool = False) -> HairShapes:
    """The hairdo of `g.params`; `soft` gives the fringe more, shallower strands (photos) instead of anime spikes."""
    rng = np.random.default_rng([g.params.detail_seed, 0])  # strand jitter, identical in both styles
    edge, valleys = _fringe_edge(g, rng, soft)
    cy, rx, ry = hair_cap(g)
    a = math.asin(0.17 / ry)
    arc = ellipse(0.0, cy, rx, ry, 28, math.pi + a, 2 * math.pi - a)
    if HAIR_STYLES[g.params.hair_style] == "spiky":
        arc = _spikes(arc, (0.0, cy), 0.16)
    return HairShapes(
        back=_back_hair(g),
        front=np.concatenate([arc, edge[1:-1]]),
        edge=edge,
        valleys=valleys,
        locks=[_side_lock(g, -1), _side_lock(g, 1)],
        ahoge=_ahoge(g),
        cap=(cy, rx, ry),
    )

"""The photo-like drawing style: the same person as the anime style, shaded smoothly and textured like a photo.

Shapes come from the shared geometry (keypoints.py) as soft masks; colour comes from per-pixel numpy shading in the
face frame (a lit ellipsoid face, Gaussian shadows for eye sockets and nose, strand texture for hair), then the
image is blurred, downsampled and given sensor grain. Not photorealistic, but a clearly different domain from the
flat, outlined anime style.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from avatargan.data.builtin.face_params import FACE_SHAPES, FaceParams
from avatargan.data.builtin.keypoints import (
    JAW,
    FaceGeometry,
    HairShapes,
    ellipse,
    eye_opening,
    face_geometry,
    hair_shapes,
    quad,
)

SUPERSAMPLE = 2
MAX_CANVAS = 512
LIGHT = tuple(float(x) for x in np.array([-0.45, -0.55, 0.7]) / np.linalg.norm([-0.45, -0.55, 0.7]))  # upper left


class _Canvas:
    """Face-frame coordinates (u, v) of every pixel of the working image (or of a window of it), for shading,
    and soft masks of face-frame polygons drawn on the same pixels."""

    def __init__(self, g: FaceGeometry, u: np.ndarray, v: np.ndarray, x0: int = 0, y0: int = 0) -> None:
        self.g, self.u, self.v, self.x0, self.y0 = g, u, v, x0, y0
        self.h, self.w = u.shape
        self.scale = g.size / 128.0  # blur radii are tuned for a 128-pixel canvas

    @classmethod
    def of(cls, g: FaceGeometry) -> _Canvas:
        centres = np.arange(g.size, dtype=np.float32) + 0.5
        u, v = g.to_face(centres[None, :], centres[:, None])
        return cls(g, u.astype(np.float32), v.astype(np.float32))

    def window(self, pts: np.ndarray, pad: float) -> tuple[tuple[slice, slice], _Canvas]:
        """The slice of the image around face-frame points `pts` (plus `pad` face units) and a canvas for it.

        Small features are shaded only there, which keeps a 64x64 photo face within a few milliseconds."""
        px = self.g.to_px(pts)
        m = pad * self.g.unit
        x0, y0 = (max(0, int(math.floor(px[:, i].min() - m))) for i in (0, 1))
        x1, y1 = (min(self.g.size, int(math.ceil(px[:, i].max() + m))) for i in (0, 1))
        sl = (slice(y0, max(y0 + 1, y1)), slice(x0, max(x0 + 1, x1)))
        return sl, _Canvas(self.g, self.u[sl], self.v[sl], x0, y0)

    def mask(
        self, polys: list[np.ndarray], blur: float = 0.0, lines: tuple[tuple[np.ndarray, float, float], ...] = ()
    ) -> np.ndarray:
        """Coverage (h, w) in 0..1 of filled polygons and of polylines (points, width in face units, strength),
        blurred by `blur` pixels of a 128-pixel canvas."""
        m = Image.new("L", (self.w, self.h), 0)
        d = ImageDraw.Draw(m)
        shift = (0.5 + self.x0, 0.5 + self.y0)  # PIL addresses pixel centres
        for poly in polys:
            d.polygon((self.g.to_px(poly) - shift).ravel().tolist(), fill=255)
        for pts, width, strength in lines:
            d.line(
                (self.g.to_px(pts) - shift).ravel().tolist(),
                fill=round(255 * strength),
                width=max(1, round(width * self.g.unit)),
                joint="curve",
            )
        if blur * self.scale >= 0.6:  # finer blurs are lost in the final lens blur anyway, so save the time
            m = m.filter(ImageFilter.GaussianBlur(blur * self.scale))
        return np.asarray(m, dtype=np.float32) * np.float32(1 / 255)

    def blob(self, x: float, y: float, sx: float, sy: float) -> np.ndarray:
        """A Gaussian bump in face units, for soft shadows and highlights."""
        return np.exp(-(((self.u - x) / sx) ** 2 + ((self.v - y) / sy) ** 2))


def _rgb(c: tuple[int, int, int]) -> np.ndarray:
    return np.asarray(c, dtype=np.float32) / 255


def _over(img: np.ndarray, colour: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Alpha-blend `colour` over `img` in place (and return it)."""
    tmp = np.subtract(colour, img, dtype=np.float32)
    tmp *= alpha[..., None]
    img += tmp
    return img


def _layer(
    img: np.ndarray,
    cv: _Canvas,
    colour: np.ndarray,
    polys: list[np.ndarray],
    blur: float = 0.0,
    wisps: np.ndarray | None = None,
) -> None:
    """Paint `colour` (an RGB triple or a full-canvas field) through the polygons' mask, only where they are.

    `wisps` (a full-canvas 0..1 strand field) frays the soft edge strand by strand, as hair edges are."""
    sl, sub = cv.window(np.concatenate(polys), (3 * blur * cv.scale + 2) / cv.g.unit)
    alpha = sub.mask(polys, blur)
    if wisps is not None:
        alpha = np.clip((alpha - 0.5) * 2.5 + 0.8 * (wisps[sl] - 0.5) + 0.5, 0, 1)
    _over(img[sl], colour[sl] if colour.ndim == 3 else colour, alpha)


def _smooth_noise(rng: np.random.Generator, c: int, cells: int) -> np.ndarray:
    """Low-frequency noise in 0..1: a few random cells upsampled bicubically."""
    small = Image.fromarray((rng.random((cells, cells)) * 255).astype(np.uint8))
    return np.asarray(small.resize((c, c), Image.Resampling.BICUBIC), dtype=np.float32) / 255


def _background(p: FaceParams, cv: _Canvas, rng: np.random.Generator) -> np.ndarray:
    """An out-of-focus room in the person's background colours: blotches, a light gradient and bokeh discs."""
    c = cv.w
    a, b = _rgb(p.bg_rgb) * 0.8 + 0.06, _rgb(p.bg2_rgb) * 0.75 + 0.05  # muted, as real rooms are
    t = _smooth_noise(rng, c, 4)
    img = a + (b - a) * t[..., None]
    img *= (1.08 - 0.25 * np.linspace(0, 1, c, dtype=np.float32))[:, None, None]
    # Bokeh: out-of-focus lights, drawn and blurred at a quarter of the resolution (they are blurry anyway).
    q = max(8, c // 4)
    bokeh = Image.new("L", (q, q), 0)
    d = ImageDraw.Draw(bokeh)
    for _ in range(int(rng.integers(2, 6))):
        x, y, r = rng.uniform(0, q), rng.uniform(0, q * 0.6), rng.uniform(0.05, 0.12) * q
        d.ellipse([x - r, y - r, x + r, y + r], fill=int(rng.integers(40, 110)))
    bokeh = bokeh.filter(ImageFilter.GaussianBlur(0.75 * cv.scale)).resize((c, c), Image.Resampling.BILINEAR)
    glow = np.asarray(bokeh, dtype=np.float32) / 255
    return _over(img, np.minimum(a * 1.6 + 0.15, 1.0), glow)


def _hair_colour(p: FaceParams, cv: _Canvas, hs: HairShapes, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Full-canvas hair colour and strand fields, computed only inside the window that holds all the hair."""
    shapes = [*hs.back, hs.front, *hs.locks] + ([hs.ahoge] if hs.ahoge is not None else [])
    sl, sub = cv.window(np.concatenate(shapes), 0.1)
    col = np.zeros((cv.h, cv.w, 3), dtype=np.float32)
    strands = np.zeros((cv.h, cv.w), dtype=np.float32)
    col[sl], strands[sl] = _hair_shading(p, sub, hs.cap, rng)
    return col, strands


def _hair_shading(
    p: FaceParams, cv: _Canvas, cap: tuple[float, float, float], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Hair shaded as a glossy sphere, with strands fanning out from a point above the head; also the strands."""
    cy, rx, ry = cap
    du, dv = cv.u, cv.v - (cy - ry - 0.9)  # the fan's apex sits well above the crown, so no visible whorl
    theta = np.arctan2(du, dv)
    r = np.hypot(du, dv)
    coarse, fine = rng.random(48, dtype=np.float32), rng.random(200, dtype=np.float32)
    strands = 0.5 * np.interp(theta, np.linspace(-1.2, 1.2, 48), coarse) + 0.5 * np.interp(
        theta + 0.015 * r, np.linspace(-1.2, 1.2, 200), fine
    )
    strands = strands.astype(np.float32)
    nx, ny = np.clip(cv.u / rx, -1, 1), np.clip((cv.v - cy) / ry, -1, 1.5)
    lit = np.clip(LIGHT[0] * nx + LIGHT[1] * ny + LIGHT[2] * np.sqrt(np.clip(1 - nx**2 - ny**2, 0, 1)), 0, 1)
    sheen = np.exp(-(((r - (0.9 + 0.55 * ry)) / 0.13) ** 2)) * lit  # a glossy band across the crown
    base = _rgb(p.hair_rgb)
    shade = (0.45 + 0.6 * lit) * (0.7 + 0.5 * strands)
    col = base * shade[..., None] + ((0.2 + 0.35 * strands) * sheen)[..., None] * (0.45 + 0.55 * base)
    return np.clip(col, 0, 1), strands


def _skin(p: FaceParams, cv: _Canvas, rng: np.random.Generator) -> np.ndarray:
    """Skin lit as a rounded head following the jaw's own shape, with warmer shadows (skin scatters red light)
    and fine pore noise."""
    g = cv.g
    expo = JAW[FACE_SHAPES[p.face_shape]][0]
    down = np.clip(cv.v / g.chin_y, 0, 1)
    half = g.width * np.power(1 - down**expo, 1 / expo) + 0.25  # face half width at this height, padded
    nx = cv.u / half
    ny = np.where(cv.v > 0, cv.v / (g.chin_y + 0.35), cv.v / 1.5)
    nz = np.sqrt(np.clip(1 - nx**2 - ny**2, 0.03, 1))
    lam = np.clip(LIGHT[0] * nx + LIGHT[1] * ny + LIGHT[2] * nz, 0, 1)
    shade = (0.38 + 0.85 * lam) * (1 + np.float32(0.025) * rng.standard_normal((cv.h, cv.w), dtype=np.float32))
    col = _rgb(p.skin_rgb) * np.power(shade[..., None], np.float32([0.85, 1.0, 1.18]))
    # A little specular sheen where skin is oily and faces the light: forehead and nose tip.
    sheen = 0.07 * cv.blob(-0.25, -0.6, 0.3, 0.15) + 0.08 * cv.blob(-0.02, g.nose[1] - 0.06, 0.05, 0.04)
    return col + sheen[..., None]


def _face_relief(cv: _Canvas, g: FaceGeometry) -> np.ndarray:
    """Multiplicative relief: eye sockets, nose bridge and shadow, nostrils, the groove under the lower lip."""
    ex, ey, _, _ = g.eye(1)
    _, ny = g.nose
    my = g.prop.mouth_y
    b = cv.blob
    f = 1.0 - 0.16 * (b(-ex, ey - 0.02, 0.24, 0.12) + b(ex, ey - 0.02, 0.24, 0.12))
    f += 0.07 * b(-0.03, (ey + ny) / 2, 0.05, 0.22) + 0.09 * b(-0.03, ny - 0.06, 0.06, 0.05)
    f -= 0.16 * b(0.1, (ey + ny) / 2 + 0.08, 0.05, 0.2) + 0.22 * b(0.02, ny + 0.05, 0.12, 0.03)
    f -= 0.35 * (b(-0.07, ny - 0.005, 0.035, 0.016) + b(0.07, ny - 0.005, 0.035, 0.016))
    f -= 0.12 * b(0.0, my + 0.13, 0.14, 0.035)
    return f


def _eye(img: np.ndarray, p: FaceParams, cv: _Canvas, s: int, brow_rgb: np.ndarray) -> np.ndarray:
    """One eye (white, iris, pupil, catch light, lash line, crease) and its brow, inside a small window."""
    g = cv.g
    ex, ey, rx, ry = g.eye(s)
    opening = eye_opening(g, s, 12)
    white = cv.mask([opening], 0.35)
    lid_shadow = np.clip((cv.v - (ey - ry)) / (1.6 * ry), 0, 1)  # the upper lid shades the eyeball
    img = _over(img, np.float32([0.86, 0.82, 0.8]) * (0.6 + 0.4 * lid_shadow)[..., None], white)
    ri = 1.05 * ry
    d = np.hypot(cv.u - ex, cv.v - ey) / ri
    ring = np.clip((d - 0.7) * 3.5, 0, 1)  # the dark limbal ring
    iris_col = _rgb(p.eye_rgb) * ((0.95 - 0.55 * ring) * (0.55 + 0.45 * lid_shadow))[..., None]
    img = _over(img, iris_col, np.clip((1.0 - d) * 6, 0, 1) * white)
    img = _over(img, np.float32([0.03, 0.025, 0.03]), np.clip((0.42 - d) * 8, 0, 1) * white)
    spark = cv.blob(ex - 0.3 * ri, ey - 0.35 * ri, 0.16 * ri, 0.16 * ri) * white
    img = _over(img, np.float32([1.0, 1.0, 1.0]), np.clip(spark * 1.4, 0, 1))
    upper, lower = opening[:12], opening[12:]
    # Lid crease, lower lid and, darkest, the lash line, as strokes of different strength in one mask.
    lids = ((upper - [0.0, 0.045], 0.018, 0.2), (lower + [0.0, 0.01], 0.015, 0.14), (upper, 0.028, 0.85))
    img = _over(img, np.float32([0.1, 0.06, 0.06]), cv.mask([], 0.45, lids))
    # Brow: a tapered stroke in a darker tone of the hair, its outer end following brow_tilt.
    by = ey - 0.2
    top = quad(
        (ex - s * 0.9 * rx, by + 0.01),
        (ex + s * 0.1 * rx, by - 0.07),
        (ex + s * 1.25 * rx, by + 0.03 - 0.05 * p.brow_tilt),
        7,
    )
    bottom = quad(
        (ex + s * 1.25 * rx, by + 0.045 - 0.05 * p.brow_tilt),
        (ex + s * 0.1 * rx, by - 0.01),
        (ex - s * 0.9 * rx, by + 0.065),
        7,
    )
    return _over(img, brow_rgb, cv.mask([np.concatenate([top, bottom])], 0.7) * 0.8)


def _mouth(img: np.ndarray, p: FaceParams, cv: _Canvas) -> np.ndarray:
    """Lips (darker upper, fuller lower with a gloss), the mouth line, and teeth when open."""
    g = cv.g
    mx, my = g.mouth_rx, g.prop.mouth_y
    sag = 0.045 * p.mouth_curve
    lip = _rgb(p.skin_rgb) * np.float32([0.85, 0.55, 0.58]) + np.float32([0.08, 0.0, 0.02])
    line = quad((-mx, my), (0.0, my + 2 * sag), (mx, my), 9)
    bow = np.array(
        [
            [mx * 0.55, my - 0.045],
            [mx * 0.12, my - 0.06],
            [0.0, my - 0.045],
            [-mx * 0.12, my - 0.06],
            [-mx * 0.55, my - 0.045],
        ]
    )
    gap = 0.02 + 0.09 * (p.mouth_open - 0.5) * 2 if p.mouth_open > 0.5 else 0.0
    lower = quad((mx, my), (0.0, my + 2 * sag + gap * 2 + 0.16), (-mx, my), 9)
    img = _over(img, lip * 0.8, cv.mask([np.concatenate([line, bow])], 0.5))
    lower_mask = cv.mask([np.concatenate([line, lower[1:-1]])], 0.5)
    img = _over(img, lip * 1.02, lower_mask)
    if gap > 0:  # open mouth: dark inside with a row of teeth at the top
        inner = quad((mx * 0.9, my + 0.005), (0.0, my + 2 * (sag + gap)), (-mx * 0.9, my + 0.005), 9)
        hole = cv.mask([np.concatenate([line[1:-1], inner])], 0.4)
        img = _over(img, np.float32([0.22, 0.07, 0.08]), hole)
        teeth = hole * np.clip(1 - (cv.v - my - sag) / (0.6 * gap + 1e-3), 0, 1)
        img = _over(img, np.float32([0.9, 0.87, 0.82]), teeth * 0.9)
    img = _over(img, np.float32([0.25, 0.08, 0.09]), cv.mask([], 0.4, ((line, 0.014, 0.8),)))
    gloss = cv.blob(-0.05 * mx, my + sag + 0.045 + gap, 0.3 * mx, 0.015) * lower_mask
    return img + (0.12 * gloss)[..., None]


def _clothes(p: FaceParams, cv: _Canvas, rng: np.random.Generator) -> np.ndarray:
    folds = _smooth_noise(rng, cv.w, 6)
    shade = (0.62 + 0.35 * folds) * np.clip(1.2 - 0.25 * np.abs(cv.u) - 0.12 * (cv.v - 1.4), 0.4, 1.1)
    return _rgb(p.shirt_rgb) * shade[..., None]


def _finish(img: np.ndarray, size: int, ss: int, rng: np.random.Generator) -> Image.Image:
    """Lens softness, downsampling, then sensor grain (mostly luminance) and a gentle vignette at output size."""
    out = Image.fromarray((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8))
    out = out.filter(ImageFilter.GaussianBlur(0.45 * ss))
    if ss > 1:
        out = out.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0)
    arr = np.asarray(out, dtype=np.float32) * _vignette(size)
    arr += rng.standard_normal((size, size, 1), dtype=np.float32) * np.float32(4.0)
    arr += rng.standard_normal((size, size, 3), dtype=np.float32) * np.float32(1.5)
    arr += 0.5
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


@functools.lru_cache(maxsize=8)
def _vignette(size: int) -> np.ndarray:
    ramp = np.linspace(-1, 1, size, dtype=np.float32)
    r = np.sqrt(ramp[None, :] ** 2 + ramp[:, None] ** 2)
    return (1 - 0.18 * np.clip(r - 0.55, 0, None))[..., None]


def _face(img: np.ndarray, p: FaceParams, cv: _Canvas, hs: HairShapes, rng: np.random.Generator) -> None:
    """The face's skin (lit, with relief, blush and the hair's cast shadow), shaded only inside its window."""
    g = cv.g
    outline = g.outline(64)
    sl, sub = cv.window(outline, 0.1)
    skin = _skin(p, sub, rng) * _face_relief(sub, g)[..., None]
    w = g.width
    # Living skin is redder on the cheeks and nose; blush adds to that.
    flush = 0.06 + (0.22 * p.blush_strength if p.blush else 0.0)
    cheeks = sub.blob(-0.55 * w, 0.3, 0.22, 0.13) + sub.blob(0.55 * w, 0.3, 0.22, 0.13)
    cheeks += 0.5 * sub.blob(0.0, 0.4, 0.1, 0.1)
    _over(skin, np.float32([0.8, 0.42, 0.42]), cheeks * flush)
    # Soft shadow the fringe and side locks cast on the forehead and cheeks.
    cast = sub.mask([hs.front + [0.02, 0.08], *[lock + [0.04, 0.04] for lock in hs.locks]], 1.5)
    skin *= (1 - 0.35 * cast)[..., None]
    _over(img[sl], skin, sub.mask([outline], 0.4))


def render_photo(params: FaceParams, size: int) -> Image.Image:
    """Draw `params` as a photo-like portrait, `size` x `size` RGB."""
    p = params
    ss = max(1, min(SUPERSAMPLE, MAX_CANVAS // size))
    g = face_geometry(p, "photo", size * ss)
    cv = _Canvas.of(g)
    rng = np.random.default_rng([p.detail_seed, 2])
    w = g.width
    hs = hair_shapes(g, soft=True)
    hair_col, strands = _hair_colour(p, cv, hs, rng)

    img = _background(p, cv, rng)
    _layer(img, cv, hair_col * 0.62, hs.back, 1.0, strands)
    neck = np.array([[-0.36 * w, 0.3], [0.36 * w, 0.3], [0.4 * w, 2.2], [-0.4 * w, 2.2]])
    # The neck is in the head's shadow just under the chin and turns away from the light at its sides.
    neck_shade = np.clip(0.6 + 0.45 * (cv.v - g.chin_y), 0.6, 0.85) * (1 - 0.35 * np.minimum((cv.u / w) ** 2, 1))
    _layer(img, cv, _rgb(p.skin_rgb) * np.power(neck_shade[..., None], np.float32([0.85, 1.0, 1.18])), [neck])
    left = np.concatenate(
        [quad((-0.38, 1.42), (-1.0, 1.45), (-1.75, 1.72), 7), quad((-1.75, 1.72), (-2.25, 1.9), (-2.5, 2.7), 6)[1:]]
    )
    shirt = np.concatenate([left, [[-3.3, 5.0], [3.3, 5.0]], left[::-1] * [-1, 1], [[0.0, 1.9]]])
    _layer(img, cv, _clothes(p, cv, rng), [shirt])
    ears = [ellipse(s * (w - 0.03), 0.05, 0.13, 0.24, 14) for s in (-1, 1)]
    _layer(img, cv, _rgb(p.skin_rgb) * np.float32([0.78, 0.68, 0.64]), ears)
    _face(img, p, cv, hs, rng)
    brow_rgb = _rgb(p.hair_rgb) * 0.55 + 0.04
    for s in (-1, 1):
        ex, ey, rx, ry = g.eye(s)
        sl, sub = cv.window(np.array([[ex - 1.4 * rx, ey - 0.32], [ex + 1.4 * rx, ey + 1.5 * ry]]), 0.05)
        img[sl] = _eye(img[sl], p, sub, s, brow_rgb)
    mx, my = g.mouth_rx, g.prop.mouth_y
    sl, sub = cv.window(np.array([[-mx, my - 0.1], [mx, my + 0.25]]), 0.06)
    img[sl] = _mouth(img[sl], p, sub)
    front = [hs.front, *hs.locks] + ([hs.ahoge] if hs.ahoge is not None else [])
    _layer(img, cv, hair_col, front, 0.7, strands)
    return _finish(img, size, ss, rng)

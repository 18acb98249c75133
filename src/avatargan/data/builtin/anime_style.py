"""The anime drawing style: flat cel-shaded colours, dark outlines, big glossy eyes, spiky hair.

Everything is drawn as polygons in the face frame (see keypoints.py), mapped through the pose and filled with PIL
on a supersampled canvas, then downsampled with LANCZOS for clean anti-aliased edges at any output size.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from avatargan.data.builtin.face_params import BACKGROUNDS, FRINGES, HAIR_STYLES, FaceParams
from avatargan.data.builtin.keypoints import (
    EYE_OPENINGS,
    FaceGeometry,
    ellipse,
    eye_opening,
    face_geometry,
    hair_cap,
    hair_shapes,
    quad,
)

SUPERSAMPLE = 4
MAX_CANVAS = 1024
Colour = tuple[int, int, int]


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b, strict=True))


def _mul(a: Colour, k: tuple[float, float, float] | float) -> Colour:
    ks = k if isinstance(k, tuple) else (k, k, k)
    return tuple(min(255, int(round(x * f))) for x, f in zip(a, ks, strict=True))


class _Pen:
    """Draws face-frame polygons on the supersampled canvas (PIL addresses pixel centres, hence the -0.5)."""

    def __init__(self, img: Image.Image, g: FaceGeometry, origin: tuple[int, int] = (0, 0)) -> None:
        self.img, self.g = img, g
        self.d = ImageDraw.Draw(img)
        self.lw = max(1, round(0.05 * g.unit))  # outline width scales with the face, ~0.8 px at 64x64
        self.shift = (0.5 + origin[0], 0.5 + origin[1])  # `img` may be a crop whose corner is `origin`

    def xy(self, pts: np.ndarray) -> list[float]:
        return (self.g.to_px(pts) - self.shift).ravel().tolist()

    def poly(
        self,
        pts: np.ndarray,
        fill: Colour,
        outline: Colour | None = None,
        width: float = 1.0,
        draw: ImageDraw.ImageDraw | None = None,
    ) -> None:
        xy = self.xy(pts)
        d = draw or self.d
        d.polygon(xy, fill=fill)
        if outline is not None:
            d.line(xy + xy[:2], fill=outline, width=max(1, round(self.lw * width)), joint="curve")

    def line(self, pts: np.ndarray, fill: Colour, width: float = 1.0) -> None:
        self.d.line(self.xy(pts), fill=fill, width=max(1, round(self.lw * width)), joint="curve")


# --- background and body ----------------------------------------------------------------------------------------
def _background(p: FaceParams, c: int) -> Image.Image:
    kind = BACKGROUNDS[p.background]
    img = Image.new("RGB", (c, c), p.bg_rgb)
    if kind == "gradient":
        mask = Image.linear_gradient("L").resize((c, c))
        img = Image.composite(Image.new("RGB", (c, c), p.bg2_rgb), img, mask)
    elif kind == "split":
        d = ImageDraw.Draw(img)
        a = 0.25 + 0.5 * ((p.detail_seed >> 3) % 100) / 100
        d.polygon([(0, c * a), (c, c * (a - 0.35)), (c, c), (0, c)], fill=p.bg2_rgb)
    elif kind == "dots":
        d = ImageDraw.Draw(img)
        step, r = c / 5, c / 26
        for j in range(6):
            for i in range(6):
                x, y = (i + 0.5 * (j % 2)) * step, j * step + step / 3
                d.ellipse([x - r, y - r, x + r, y + r], fill=p.bg2_rgb)
    return img


def _body(pen: _Pen, p: FaceParams, skin_shadow: Colour, line: Colour) -> None:
    w = pen.g.width
    neck = np.array([[-0.27 * w, 0.2], [0.27 * w, 0.2], [0.3 * w, 2.0], [-0.3 * w, 2.0]])
    pen.poly(neck, skin_shadow, line)
    # Sloping, rounded shoulders with a V neckline; reaching far below the frame so tilt never shows their bottom.
    left = np.concatenate(
        [quad((-0.3, 1.32), (-0.9, 1.36), (-1.6, 1.62), 7), quad((-1.6, 1.62), (-2.1, 1.8), (-2.35, 2.6), 6)[1:]]
    )
    right = left[::-1] * [-1, 1]
    vee = np.array([[0.0, 1.95]])
    pen.poly(np.concatenate([left, [[-3.2, 5.0], [3.2, 5.0]], right, vee]), p.shirt_rgb, line)
    # A shirt collar: white on coloured clothes, a shade darker on white ones.
    light = sum(p.shirt_rgb) > 600
    collar_col = _mul(p.shirt_rgb, 0.86) if light else (246, 246, 250)
    for s in (-1, 1):
        flap = np.concatenate(
            [quad((s * 0.3, 1.3), (s * 0.7, 1.4), (s * 0.82, 1.55), 4), [[s * 0.4, 2.05], [0.0, 1.95]]]
        )
        pen.poly(flap, collar_col, line)


def _highlight_band(g: FaceGeometry, rng: np.random.Generator) -> np.ndarray:
    """The glossy 'angel ring' across the crown: a smooth upper arc and a jagged lower edge."""
    cy, rx, ry = hair_cap(g)
    a0, a1 = math.pi + 0.55, 2 * math.pi - 0.55
    upper = ellipse(0.0, cy, rx * 0.8, ry * 0.8, 14, a0, a1)
    k = np.linspace(a1, a0, 15)
    f = np.where(np.arange(15) % 2 == 0, 0.66, 0.6 + 0.03 * rng.uniform(-1, 1, 15))
    lower = np.stack([rx * f * np.cos(k), cy + ry * f * np.sin(k)], axis=1)
    return np.concatenate([upper, lower])


def _shade_crescent(g: FaceGeometry) -> np.ndarray:
    """Cel shadow on the crown's side away from the light (the light comes from the upper left)."""
    cy, rx, ry = hair_cap(g)
    a0, a1 = 1.62 * math.pi, 1.97 * math.pi
    outer = ellipse(0.0, cy, rx * 0.97, ry * 0.97, 10, a0, a1)
    inner = ellipse(0.03, cy + 0.02, rx * 0.82, ry * 0.86, 10, a1, a0)
    return np.concatenate([outer, inner])


# --- face features ----------------------------------------------------------------------------------------------
def _eyes(img: Image.Image, pen: _Pen, p: FaceParams, lash: Colour) -> None:
    """Eye whites, two-tone irises, pupils and highlights clipped to the openings; then lashes and brows."""
    g = pen.g
    eye = p.eye_rgb
    iris_dark, iris_light = _mul(eye, 0.5), _mix(eye, (255, 255, 255), 0.4)
    pupil = _mul(eye, 0.18)
    # The iris is clipped to the eye opening: draw it on a crop around the eyes and paste that back through a
    # mask of the openings.
    openings = [eye_opening(g, s) for s in (-1, 1)]
    px = g.to_px(np.concatenate(openings))
    box = (*np.floor(px.min(axis=0) - 2).astype(int).tolist(), *np.ceil(px.max(axis=0) + 2).astype(int).tolist())
    layer = img.crop(box)
    lpen = _Pen(layer, g, box[:2])
    mask = Image.new("L", layer.size, 0)
    mdraw = ImageDraw.Draw(mask)
    for s, opening in zip((-1, 1), openings, strict=True):
        ex, ey, rx, ry = g.eye(s)
        mdraw.polygon(lpen.xy(opening), fill=255)
        lpen.poly(opening, (255, 255, 255))
        lpen.poly(ellipse(ex, ey - 0.75 * ry, 1.2 * rx, 0.45 * ry, 16), (214, 218, 236))  # lid shadow on the white
        irx, iry = 0.64 * rx, 0.86 * ry
        lpen.poly(ellipse(ex, ey, irx, iry, 24), eye, _mul(eye, 0.3), 0.6)
        a = math.asin(0.12)
        lpen.poly(ellipse(ex, ey, irx, iry, 16, math.pi + a, 2 * math.pi - a), iris_dark)  # upper iris in shade
        lpen.poly(
            np.concatenate(
                [
                    ellipse(ex, ey, irx * 0.92, iry * 0.92, 10, 0.25 * math.pi, 0.75 * math.pi),
                    ellipse(ex, ey + 0.25 * iry, irx * 0.7, iry * 0.5, 10, 0.75 * math.pi, 0.25 * math.pi),
                ]
            ),
            iris_light,
        )  # bright crescent at the bottom
        lpen.poly(ellipse(ex, ey, 0.42 * irx, 0.5 * iry, 16), pupil)
        lpen.poly(ellipse(ex - 0.34 * irx, ey - 0.44 * iry, 0.3 * irx, 0.24 * iry, 12), (255, 255, 255))
        lpen.poly(ellipse(ex + 0.36 * irx, ey + 0.42 * iry, 0.13 * irx, 0.1 * iry, 8), (255, 255, 255))
    img.paste(layer, box[:2], mask)
    _, yo, top, _ = EYE_OPENINGS[p.eye_shape]
    for s in (-1, 1):
        ex, ey, rx, ry = g.eye(s)
        opening = eye_opening(g, s)
        upper = opening[:12]
        thick = (0.1 + 0.16 * np.linspace(0, 1, 12) ** 0.7) * ry
        lid = np.concatenate(
            [
                upper,
                [[ex + s * 1.18 * rx, ey + (yo - 0.35) * ry]],
                (upper - np.stack([np.zeros(12), thick], axis=1))[::-1],
            ]
        )
        pen.poly(lid, lash)
        lower = opening[12:][:5]  # outer half of the lower lid
        pen.line(lower, lash, 0.6)
        # Eyebrow: a thin arc well above the eye; its outer end follows brow_tilt.
        by = ey + (top - 0.55) * ry
        brow = quad(
            (ex - s * 0.75 * rx, by + 0.02),
            (ex + s * 0.1 * rx, by - 0.12),
            (ex + s * 1.05 * rx, by + 0.05 - 0.1 * p.brow_tilt),
            6,
        )
        pen.line(brow, lash, 0.9)


def _mouth(pen: _Pen, p: FaceParams, line: Colour) -> None:
    g = pen.g
    mx, my = g.mouth_rx, g.prop.mouth_y
    sag = 0.05 * p.mouth_curve
    top = quad((-mx, my), (0.0, my + 2 * sag), (mx, my), 9)
    if p.mouth_open > 0.5:  # at most 0.15 below the corners, which keeps it above the shortest chin
        depth = 0.04 + 0.06 * (p.mouth_open - 0.5) * 2
        bottom = quad((mx, my), (0.0, my + 2 * (sag + depth)), (-mx, my), 9)
        pen.poly(np.concatenate([top, bottom[1:-1]]), (150, 48, 62), line, 0.7)
        tongue = ellipse(0.0, my + sag + depth * 0.95, mx * 0.55, depth * 0.45, 12, math.pi, 2 * math.pi)
        pen.poly(tongue, (236, 120, 128))
    else:
        pen.line(top, line, 0.8)


def _nose(pen: _Pen, p: FaceParams, colour: Colour) -> None:
    x, y = pen.g.nose
    if p.nose_style == 0:
        pen.poly(ellipse(x, y, 0.03, 0.024, 8), colour)
    else:
        pen.line(np.array([[x + 0.05, y - 0.1], [x, y]]), colour, 0.8)


def render_anime(params: FaceParams, size: int) -> Image.Image:
    """Draw `params` as an anime avatar, `size` x `size` RGB."""
    p = params
    ss = max(1, min(SUPERSAMPLE, MAX_CANVAS // size))
    c = size * ss
    g = face_geometry(p, "anime", c)
    rng = np.random.default_rng([p.detail_seed, 1])
    skin = p.skin_rgb
    skin_shadow = _mul(skin, (0.9, 0.8, 0.82))
    skin_line = _mul(skin, (0.45, 0.32, 0.3))
    hair, hair_shade = p.hair_rgb, _mul(p.hair_rgb, (0.7, 0.7, 0.78))
    hair_line = _mul(p.hair_rgb, (0.3, 0.28, 0.34))
    hair_light = _mix(p.hair_rgb, (255, 255, 255), 0.5)
    lash = _mix(_mul(p.hair_rgb, 0.25), (30, 20, 30), 0.6)

    img = _background(p, c)
    pen = _Pen(img, g)
    hs = hair_shapes(g)
    for shape in hs.back:
        pen.poly(shape, hair_shade, hair_line)
    _body(pen, p, skin_shadow, skin_line)
    w = g.width
    for s in (-1, 1):  # ears, half hidden behind the face
        pen.poly(ellipse(s * (w - 0.02), 0.08, 0.14, 0.22, 14), skin, skin_line, 0.8)
    outline = g.outline(64)
    pen.poly(outline, skin, skin_line)
    if FRINGES[p.fringe] != "open":  # cel shadow of the fringe on the forehead
        shadow = hs.edge + [0.0, 0.09]
        shadow[[0, -1], 0] = [w - 0.1, 0.1 - w]  # pull the ends in so the shadow never spills past the temples
        pen.poly(np.concatenate([shadow, [[0.1 - w, -1.0], [w - 0.1, -1.0]]]), skin_shadow)
    _eyes(img, pen, p, lash)
    _nose(pen, p, skin_line)
    _mouth(pen, p, skin_line)
    if p.blush:  # translucent ellipses under the eyes, blended by an RGBA drawer
        blend = ImageDraw.Draw(img, "RGBA")
        alpha = int(50 + 110 * p.blush_strength)
        for s in (-1, 1):
            ex, ey, _, ry = g.eye(s)
            pen.poly(ellipse(ex + s * 0.06, ey + ry + 0.12, 0.2, 0.085, 16), (255, 110, 130, alpha), draw=blend)
    for lock in hs.locks:  # behind the fringe, so their tops tuck under it
        pen.poly(lock, hair)
        pen.line(lock, hair_line)  # an open outline: no line across the top
        pen.line(lock[3:7], hair_shade, 0.7)
    if hs.ahoge is not None:
        pen.poly(hs.ahoge, hair, hair_line)
    pen.poly(hs.front, hair, hair_line)
    pen.poly(_shade_crescent(g), hair_shade)
    for vx, vy in hs.valleys:  # strand partings running up towards the crown
        pen.line(quad((vx, vy), (vx * 0.9, vy - 0.15), (vx * 0.7, vy - 0.32), 5), hair_shade, 0.8)
    pen.poly(_highlight_band(g, rng), hair_light)
    if HAIR_STYLES[p.hair_style] == "twin_tails":
        _, rx, _ = hair_cap(g)
        ribbon = _mix(p.shirt_rgb, (230, 40, 70), 0.5)
        for s in (-1, 1):
            pen.poly(ellipse(s * (rx - 0.22), -1.02, 0.13, 0.1, 12), ribbon, hair_line, 0.8)
    return img.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0) if ss > 1 else img

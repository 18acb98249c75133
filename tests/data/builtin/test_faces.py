"""The built-in procedural faces: determinism, identity across styles, key points, variety, style statistics."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from PIL import Image

from avatargan.data.builtin.face_params import (
    EYE_COLORS,
    FACE_SHAPES,
    FRINGES,
    HAIR_COLORS,
    HAIR_STYLES,
    nearest_color,
    sample_face_params,
)
from avatargan.data.builtin.faces import STYLES, face_record, render_face
from avatargan.data.builtin.keypoints import (
    KEYPOINT_NAMES,
    face_geometry,
    face_keypoints,
    hair_cap,
    keypoint_array,
)


def _arr(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.float64)


@pytest.mark.parametrize("style", STYLES)
def test_render_is_deterministic_per_index_and_seed(style: str) -> None:
    np.random.seed(1)  # the global RNG must play no part
    a = _arr(render_face(3, 7, style, 48))
    np.random.seed(2)
    b = _arr(render_face(3, 7, style, 48))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, _arr(render_face(3, 8, style, 48)))  # another population, another person


def test_params_are_deterministic() -> None:
    assert sample_face_params(11, 5) == sample_face_params(11, 5)
    assert sample_face_params(11, 5) != sample_face_params(12, 5)
    assert sample_face_params(11, 5) != sample_face_params(11, 6)


@pytest.mark.parametrize("style", STYLES)
def test_different_indices_look_different(style: str) -> None:
    imgs = [_arr(render_face(i, 0, style, 32)) for i in range(5)]
    for i in range(len(imgs)):
        for j in range(i + 1, len(imgs)):
            assert np.abs(imgs[i] - imgs[j]).mean() > 8


@pytest.mark.parametrize("size", [32, 64, 256])
@pytest.mark.parametrize("style", STYLES)
def test_render_size_and_mode(style: str, size: int) -> None:
    img = render_face(0, 0, style, size)
    assert img.size == (size, size)
    assert img.mode == "RGB"


def test_unknown_style_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="anime, photo"):
        render_face(0, 0, "sketch", 64)
    with pytest.raises(ValueError, match="anime, photo"):
        face_record(0, 0, "sketch", 64)


def test_record_is_json_and_same_person_in_both_styles() -> None:
    for i in range(8):
        anime, photo = face_record(i, 0, "anime", 64), face_record(i, 0, "photo", 64)
        json.dumps(anime)
        assert anime["params"] == photo["params"]
        assert anime["attributes"] == photo["attributes"]
        assert set(anime["keypoints"]) == set(KEYPOINT_NAMES)
        assert anime["attribute_names"]["hair_color"] == list(HAIR_COLORS)[anime["attributes"]["hair_color"]]


def _crown_colour(img: Image.Image, params, style: str) -> np.ndarray:
    """Median colour of a few points just inside the top of the hair, clear of fringe, highlight band and ribbons."""
    g = face_geometry(params, style, img.width)
    cy, rx, ry = hair_cap(g)
    a = np.radians(np.linspace(235, 305, 5))
    px = g.to_px(np.stack([0.86 * rx * np.cos(a), cy + 0.86 * ry * np.sin(a)], axis=1)).astype(int)
    return np.median(_arr(img)[px[:, 1], px[:, 0]], axis=0)


@pytest.mark.parametrize("style", STYLES)
def test_hair_colour_class_is_visible_in_the_render(style: str) -> None:
    hits = 0
    for i in range(24):
        p = sample_face_params(i)
        colour = _crown_colour(render_face(i, 0, style, 64), p, style)
        hits += nearest_color(colour, HAIR_COLORS, shading=True) == p.hair_color
    assert hits >= 22


def test_sampled_colours_stay_in_their_class() -> None:
    for i in range(200):
        p = sample_face_params(i)
        assert nearest_color(p.hair_rgb, HAIR_COLORS) == p.hair_color
        assert nearest_color(p.eye_rgb, EYE_COLORS) == p.eye_color


@pytest.mark.parametrize("style", STYLES)
def test_keypoints_inside_image_scale_with_size_and_keep_anatomy(style: str) -> None:
    for i in range(60):
        p = sample_face_params(i)
        kp = face_keypoints(p, style, 64)
        arr = keypoint_array(p, style, 64)
        assert arr.dtype == np.float32 and arr.shape == (len(KEYPOINT_NAMES), 2)
        assert np.allclose(arr, [kp[n] for n in KEYPOINT_NAMES])
        assert (arr > 0).all() and (arr < 64).all()
        assert np.allclose(keypoint_array(p, style, 256), 4 * arr, atol=1e-3)
        # In the head's own (tilted) frame: eyes above nose above mouth above chin; left eye on the image left.
        down = np.array([-math.sin(math.radians(p.tilt)), math.cos(math.radians(p.tilt))])
        depth = {n: float(np.dot(kp[n], down)) for n in KEYPOINT_NAMES}
        assert max(depth["left_eye"], depth["right_eye"]) < depth["nose_tip"] < depth["mouth_left"] < depth["chin"]
        assert kp["left_eye"][0] < kp["right_eye"][0] and kp["mouth_left"][0] < kp["mouth_right"][0]


@pytest.mark.parametrize(("style", "size", "count"), [("anime", 64, 20), ("anime", 256, 3), ("photo", 256, 3)])
def test_eye_keypoints_are_on_the_drawn_pupils(style: str, size: int, count: int) -> None:
    for i in range(count):
        p = sample_face_params(i)
        arr = _arr(render_face(i, 0, style, size))
        skin = np.asarray(p.skin_rgb, dtype=np.float64)
        for name in ("left_eye", "right_eye"):
            x, y = face_keypoints(p, style, size)[name]
            pixel = arr[int(y), int(x)]
            assert np.linalg.norm(pixel - skin) > 80, (i, name, pixel, skin)
            assert pixel.mean() < skin.mean() - 40  # pupil/iris, darker than the skin around it


def test_chin_keypoint_is_on_the_anime_face_outline() -> None:
    closed = [i for i in range(20) if sample_face_params(i).mouth_open <= 0.5][:5]  # open mouths reach lower
    for i in closed:
        p = sample_face_params(i)
        arr = _arr(render_face(i, 0, "anime", 256))
        g = face_geometry(p, "anime", 256)
        x, y = face_keypoints(p, "anime", 256)["chin"]
        above = g.to_px(np.array([0.0, g.chin_y - 0.08]))
        skin = np.asarray(p.skin_rgb, dtype=np.float64)
        assert arr[int(y), int(x)].mean() < skin.mean() - 60  # the dark outline passes through the chin
        assert np.abs(arr[int(above[1]), int(above[0])] - skin).max() < 12  # plain skin just above it


def test_population_covers_every_class() -> None:
    params = [sample_face_params(i) for i in range(200)]
    for field, table in (
        ("hair_color", HAIR_COLORS),
        ("eye_color", EYE_COLORS),
        ("face_shape", FACE_SHAPES),
        ("hair_style", HAIR_STYLES),
        ("fringe", FRINGES),
    ):
        assert {getattr(p, field) for p in params} == set(range(len(table))), field
    tilts = [p.tilt for p in params]
    assert min(tilts) < -8 and max(tilts) > 8
    assert len({p.skin_rgb for p in params}) > 100


def _style_stats(style: str, n: int = 8) -> tuple[float, float]:
    """(fraction of flat pixels, 99th-percentile / median gradient) averaged over n renders."""
    flat, peak = [], []
    for i in range(n):
        a = _arr(render_face(i, 0, style, 64).convert("L"))
        lap = np.abs(4 * a[1:-1, 1:-1] - a[:-2, 1:-1] - a[2:, 1:-1] - a[1:-1, :-2] - a[1:-1, 2:])
        flat.append((lap < 2).mean())
        grad = np.hypot(np.diff(a, axis=1)[:-1], np.diff(a, axis=0)[:, :-1])
        peak.append(np.percentile(grad, 99) / (np.median(grad) + 1))
    return float(np.mean(flat)), float(np.mean(peak))


def test_styles_differ_in_the_expected_direction() -> None:
    # Anime: flat fills (many pixels with no local change) and a few sharp outline edges. Photo: grain and
    # smooth shading everywhere (few flat pixels) and no isolated hard edges.
    anime_flat, anime_peak = _style_stats("anime")
    photo_flat, photo_peak = _style_stats("photo")
    assert anime_flat > photo_flat + 0.1
    assert anime_peak > 1.5 * photo_peak

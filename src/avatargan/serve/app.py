"""The Gradio page of `avatargan serve`: Generate, Photo → anime and Compare tabs over the models of a `Catalog`.

Every handler calls `serve.actions`, which calls the Python API, so the page shows exactly what `avatargan.load`
and the CLI make. Requests go through Gradio's queue with a concurrency limit, so a slow conversion waits its turn
without freezing the page; uploads are limited in size both by Gradio (before they reach us) and by `open_upload`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any

from avatargan import console
from avatargan.errors import UserError
from avatargan.models.spec import DIRECTION_LABELS, PHOTO_TO_ANIME
from avatargan.serve import actions
from avatargan.serve.catalog import Catalog, load_catalog
from avatargan.serve.uploads import face_crop_note, photo_note

# Gradio phones home (usage analytics, version check) unless told not to; a local demo has no business doing so.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

try:
    import gradio as gr
    from PIL import UnidentifiedImageError
except ImportError:  # pragma: no cover - exercised only without the extra
    gr = None

WEB_EXTRA = "pip install 'avatargan[web]'"
# System fonts only: the default theme fetches Google Fonts, which a machine without internet waits on.
FONTS = ["ui-sans-serif", "system-ui", "sans-serif"]


def _require_gradio() -> None:
    if gr is None:
        raise UserError(f"the web demo needs Gradio: {WEB_EXTRA}")


def _shown(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a user's mistake into a message on the page (gr.Error) instead of a generic failure."""

    @wraps(fn)
    def wrapper(*args: Any) -> Any:
        try:
            return fn(*args)
        except UserError as exc:
            raise gr.Error(str(exc)) from None

    return wrapper


def _photo_input(**kwargs: Any) -> Any:
    """A gr.Image whose unreadable uploads end in our message: Gradio opens the file itself before our code runs.
    (Wrapped on the instance, not subclassed: Gradio writes a .pyi stub beside any module that subclasses a
    component.)"""
    component = gr.Image(type="filepath", sources=["upload", "webcam"], **kwargs)
    preprocess = component.preprocess

    def checked(payload: Any) -> Any:
        try:
            return preprocess(payload)
        except (UnidentifiedImageError, OSError, ValueError):
            raise gr.Error("That file is not an image we can read; upload a PNG, JPEG or WebP photo.") from None

    component.preprocess = checked
    return component


def build_app(catalog: Catalog, max_upload_mb: float = 8.0) -> Any:
    """The demo page (a gr.Blocks) for the models in `catalog`."""
    _require_gradio()
    max_bytes = int(max_upload_mb * 1e6)
    noise_names, transfer_names = list(catalog.noise), list(catalog.transfer)
    with gr.Blocks(title="avatargan", analytics_enabled=False) as demo:
        gr.Markdown("# avatargan\nAnime avatars from noise, and photos turned into anime.\n\n" + catalog.describe())
        with gr.Tab("Generate", id="generate"):
            if not noise_names:
                gr.Markdown("No noise → image model (DCGAN) is loaded; pass a DCGAN run to `avatargan serve`.")
            else:
                _generate_tab(catalog, noise_names)
        with gr.Tab("Photo → anime", id="photo"):
            if not transfer_names:
                gr.Markdown("No transfer model (CycleGAN, CartoonGAN) is loaded; pass one to `avatargan serve`.")
            else:
                _photo_tab(catalog, transfer_names, max_bytes, max_upload_mb)
        with gr.Tab("Compare", id="compare"):
            if not transfer_names:
                gr.Markdown("Compare puts one photo through every loaded transfer model; none is loaded.")
            else:
                _compare_tab(catalog, max_bytes, max_upload_mb)
    return demo


def _generate_tab(catalog: Catalog, names: list[str]) -> None:
    model = gr.Dropdown(names, value=names[0], label="Model", visible=len(names) > 1)
    with gr.Row():
        count = gr.Slider(1, actions.MAX_COUNT, value=8, step=1, label="How many")
        seed = gr.Number(0, precision=0, label="Seed", minimum=0)
        trunc = gr.Slider(0, 3, value=0, step=0.1, label="Truncation (0 = off; smaller = more typical)")
    go = gr.Button("Generate", variant="primary", elem_id="generate-button")
    gallery = gr.Gallery(label="Avatars", columns=8, height=320, format="png", elem_id="avatars")
    go.click(
        _shown(lambda name, n, s, t: actions.generate_avatars(catalog.noise[name], n, s, t)),
        [model, count, seed, trunc],
        gallery,
        api_name="generate",
    )
    gr.Markdown("### Walk between two seeds")
    with gr.Row():
        seed_a = gr.Number(0, precision=0, label="From seed", minimum=0)
        seed_b = gr.Number(1, precision=0, label="To seed", minimum=0)
        t = gr.Slider(0, 1, value=0, step=0.05, label="Position along the walk", elem_id="walk-slider")
    walked = gr.Image(
        label="Avatar on the walk",
        format="png",
        interactive=False,
        height=256,
        buttons=["download", "fullscreen"],
        elem_id="walk-image",
    )
    walk = _shown(lambda name, a, b, x, tr: actions.walk_avatar(catalog.noise[name], a, b, x, tr))
    # Live while the slider moves: "always_last" drops the intermediate positions a busy server has not reached yet.
    for trigger in (t.change, seed_a.change, seed_b.change):
        trigger(walk, [model, seed_a, seed_b, t, trunc], walked, trigger_mode="always_last", show_progress="hidden")


def _direction_choices(catalog: Catalog, name: str) -> list[tuple[str, str]]:
    return [(DIRECTION_LABELS.get(d, d), d) for d in catalog.transfer[name].directions]


def _photo_tab(catalog: Catalog, names: list[str], max_bytes: int, max_upload_mb: float) -> None:
    with gr.Row():
        model = gr.Dropdown(names, value=names[0], label="Model")
        direction = gr.Radio(_direction_choices(catalog, names[0]), value=PHOTO_TO_ANIME, label="Direction")
    gr.Markdown(f"{photo_note()} Uploads up to {max_upload_mb:g} MB.")
    with gr.Row():
        photo = _photo_input(label="Photo", elem_id="photo-input", height=320)
        with gr.Column():
            pair = gr.Image(
                label="Detected faces and the result, side by side", format="png", interactive=False, elem_id="pair"
            )
            result = gr.Image(
                label="Anime (download)", format="png", interactive=False, buttons=["download"], elem_id="result"
            )
    go = gr.Button("Convert", variant="primary", elem_id="convert-button")
    model.change(lambda n: gr.Radio(choices=_direction_choices(catalog, n), value=PHOTO_TO_ANIME), model, direction)
    go.click(
        _shown(lambda n, p, d: actions.convert_photo(catalog.transfer[n], p, d, max_bytes)),
        [model, photo, direction],
        [pair, result],
        api_name="convert",
    )


def _compare_tab(catalog: Catalog, max_bytes: int, max_upload_mb: float) -> None:
    gr.Markdown(f"One photo through every loaded transfer model. {face_crop_note()}")
    photo = _photo_input(label="Photo", elem_id="compare-input")
    go = gr.Button("Compare", variant="primary", elem_id="compare-button")
    gallery = gr.Gallery(label="Results", columns=4, height=320, format="png", elem_id="comparison")
    go.click(
        _shown(lambda p: actions.compare_photo(catalog.transfer, p, max_bytes)), photo, gallery, api_name="compare"
    )


def launch(
    paths: list[str],
    host: str = "127.0.0.1",
    port: int = 7860,
    device: str = "auto",
    max_upload_mb: float = 8.0,
    concurrency: int = 2,
    precision: str = "auto",
    snapshot: str = "last",
) -> None:
    """Load the models (run folders: their `snapshot` weights), build the page and serve it until interrupted."""
    _require_gradio()
    catalog = load_catalog(paths, device, precision, snapshot)
    demo = build_app(catalog, max_upload_mb)
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.warn(f"serving on {host}: anyone who can reach this machine on port {port} can use the demo")
    # A bounded queue: `concurrency` requests run at once, the rest wait in line (the page stays responsive).
    demo.queue(default_concurrency_limit=max(1, concurrency), max_size=64)
    console.info(f"avatargan demo on http://{'[' + host + ']' if ':' in host else host}:{port} (Ctrl-C stops it)")
    demo.launch(
        server_name=host,
        server_port=port,
        max_file_size=f"{max_upload_mb:g}mb",
        show_error=True,
        ssr_mode=False,
        quiet=True,
        footer_links=[],
        theme=gr.themes.Soft(font=FONTS, font_mono=["ui-monospace", "monospace"]),
    )

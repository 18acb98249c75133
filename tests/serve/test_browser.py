"""The web demo in a real browser: `avatargan serve` on a free loopback port, driven by Debian's headless Chromium
through Playwright (its own browser download is never used), checking the images the page shows against the API."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from photos import astronaut
from PIL import Image
from tiny_models import tiny_weights

import avatargan
from avatargan.serve.uploads import enlarge

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt install chromium)")
sync_playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").sync_playwright
pytest.importorskip("gradio", reason="the web extra (gradio) is not installed")

# Flags for a headless browser on a machine without a display, GPU or internet, that must not phone home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1280, "height": 900}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# generous: the server imports torch and gradio and loads a model first, which on a 2-core machine shared with
# other work took over 60 s (a quiet machine: a few seconds); a longer limit costs nothing when it is fast
def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"avatargan serve exited early:\n{proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"avatargan serve did not answer on {url} within {seconds:.0f} s")


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("serve")
    return {"dcgan": tiny_weights(root / "dcgan"), "cyclegan": tiny_weights(root / "cyclegan", "cyclegan")}


@pytest.fixture(scope="module")
def server(models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "AVATARGAN_CACHE": str(tmp_path_factory.mktemp("cache")), "GRADIO_ANALYTICS_ENABLED": "False"}
    cmd = [sys.executable, "-m", "avatargan", "serve", str(models["dcgan"]), str(models["cyclegan"])]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--device", "cpu", "--max-upload-mb", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator:
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, viewport=VIEWPORT
        )
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(server, wait_until="domcontentloaded")
        page.wait_for_selector("#generate-button")
        yield page
        browser.close()


def _image(page, selector: str) -> Image.Image:
    """The image an <img> on the page shows, fetched the way the browser fetched it."""
    src = page.locator(selector).get_attribute("src")
    body = page.request.get(src).body() if not src.startswith("data:") else None
    if body is None:
        import base64

        body = base64.b64decode(src.split(",", 1)[1])
    return Image.open(io.BytesIO(body)).convert("RGB")


def _toasts(page) -> str:
    return " ".join(page.locator("[data-testid='toast-body']").all_inner_texts())


def test_generate_shows_the_apis_avatars(page, models: dict[str, Path]) -> None:
    page.locator("#generate-button").click()
    page.wait_for_selector("#avatars img")
    page.wait_for_function("document.querySelectorAll('#avatars img').length == 8")
    expected = avatargan.load(models["dcgan"], device="cpu").generate(8, seed=0)
    for i, want in enumerate(expected):
        got = _image(page, f"#avatars img >> nth={i}")
        assert np.array_equal(np.asarray(got), np.asarray(enlarge(want))), f"avatar {i} differs from the API's"


def test_the_slider_walks_between_two_seeds(page, models: dict[str, Path]) -> None:
    page.locator("#walk-slider input[type=range]").fill("1")  # the far end of the walk: seed 1's avatar
    page.wait_for_selector("#walk-image img")
    want = enlarge(avatargan.load(models["dcgan"], device="cpu").generate(1, seed=1)[0])
    got = _image(page, "#walk-image img")
    assert np.abs(np.asarray(got, np.int16) - np.asarray(want, np.int16)).max() <= 1


def test_photo_to_anime_converts_an_upload(page, models: dict[str, Path], tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (60, 80, 3), dtype=np.uint8)).save(photo)
    page.get_by_role("tab", name="Photo → anime").click()
    page.locator("#photo-input input[type=file]").set_input_files(photo)
    page.wait_for_selector("#photo-input img")
    page.locator("#convert-button").click()
    page.wait_for_selector("#result img")
    want = avatargan.load(models["cyclegan"], device="cpu").transfer(photo, size="native")[0]  # no face: whole
    assert np.array_equal(np.asarray(_image(page, "#result img")), np.asarray(want))  # the API's conversion
    pair = _image(page, "#pair img")
    assert pair.width > 2 * pair.height  # the photo and the result, side by side, at one height


def test_photo_to_anime_pastes_the_faces_of_an_upload_back(page, models: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("dlib", reason="face extra not installed: pip install 'avatargan[faces]'")
    photo = tmp_path / "astronaut.jpg"  # scikit-image's astronaut (public domain), under the 1 MB limit as JPEG
    astronaut().save(photo, quality=90)
    page.get_by_role("tab", name="Photo → anime").click()
    page.locator("#photo-input input[type=file]").set_input_files(photo)
    page.wait_for_selector("#photo-input img")
    page.locator("#convert-button").click()
    page.wait_for_function("document.querySelector('#result img')?.naturalWidth === 512")
    model = avatargan.load(models["cyclegan"], device="cpu")
    original = Image.open(photo).convert("RGB")
    want = model.transfer(original, faces=True)[0]
    got = _image(page, "#result img")
    assert np.array_equal(np.asarray(got), np.asarray(want))  # her face pasted back, as the API does it
    changed = (np.asarray(got) != np.asarray(original)).any(-1)
    found = model.convert_photo(original)
    x0, y0, x1, y1 = (round(v) for v in found.faces[0].face.box)
    assert changed[y0:y1, x0:x1].mean() > 0.5 and not changed[found.mask == 0].any()  # her face, nothing else
    pair = np.asarray(_image(page, "#pair img"))
    assert (pair[:, :512] == [255, 64, 64]).all(-1).sum() > 100  # her face outlined on the photo's side


def test_unusable_uploads_are_refused_with_a_message(page, tmp_path: Path) -> None:
    page.get_by_role("tab", name="Photo → anime").click()
    text = tmp_path / "notes.txt"
    text.write_text("not a photo")
    page.locator("#photo-input input[type=file]").set_input_files(text)
    page.wait_for_function("document.body.innerText.includes('Invalid file type')")
    big = tmp_path / "big.png"  # over the server's 1 MB limit (random pixels do not compress)
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (700, 700, 3), dtype=np.uint8)).save(big)
    page.locator("#photo-input input[type=file]").set_input_files(big)
    page.wait_for_function("/too large|exceeds|size/i.test(document.body.innerText)")
    assert "notes.txt" in _toasts(page)
    fake = tmp_path / "fake.png"  # the right name, but not an image: refused by our check, with our message
    fake.write_text("not a photo either")
    page.locator("#photo-input input[type=file]").set_input_files(fake)
    page.locator("#convert-button").click()
    page.wait_for_function("document.body.innerText.includes('not an image we can read')")

"""Export for deployment: ONNX runs in onnxruntime like PyTorch, TorchScript and safetensors round-trip, and every
export loads back through `avatargan.load` and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from tiny_models import tiny_weights

import avatargan
from avatargan.cli import main
from avatargan.errors import UserError
from avatargan.export import example_input, export, read_export
from avatargan.weights import load_generators

ort = pytest.importorskip("onnxruntime", reason="the export extra (onnx, onnxruntime, onnxscript) is not installed")
pytest.importorskip("onnxscript", reason="the export extra (onnx, onnxruntime, onnxscript) is not installed")

TOLERANCE = 1e-4  # images are in [-1, 1]; ONNX Runtime and PyTorch differ by float rounding only


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny DCGAN's weights and its three exports, made once (an ONNX export takes a few seconds)."""
    root = tmp_path_factory.mktemp("exports")
    weights = tiny_weights(root / "weights")
    for fmt in ("onnx", "torchscript", "safetensors"):
        export(weights, fmt, root / fmt)
    return root


@pytest.mark.parametrize("family", ["dcgan", "cyclegan"])
def test_onnx_matches_pytorch_at_any_batch_size(family: str, exported: Path, tmp_path: Path) -> None:
    if family == "dcgan":
        weights, onnx = exported / "weights", exported / "onnx"
    else:  # through the CLI this time
        weights, onnx = tiny_weights(tmp_path / family, family), tmp_path / "onnx"
        assert main(["export", str(weights), "--format", "onnx", "--out", str(onnx)]) == 0
    meta = json.loads((onnx / "generator.json").read_text())
    assert meta["format"] == "onnx" and meta["model"]["family"] == family and meta["input"]["shape"][0] == "batch"
    generators, _ = load_generators(weights)
    for name, file in meta["files"].items():
        session = ort.InferenceSession(str(onnx / file), providers=["CPUExecutionProvider"])
        for batch in (1, 5):  # the batch axis is dynamic
            x = example_input(meta, batch)
            with torch.inference_mode():
                expected = generators[name](x).numpy()
            got = session.run(None, {meta["input"]["name"]: x.numpy()})[0]
            assert got.shape == expected.shape and np.abs(got - expected).max() < TOLERANCE


def test_a_generator_with_info_codes_exports_to_onnx_and_matches(tmp_path: Path) -> None:
    """InfoGAN's codes are cut from the noise inside G (comparisons with fixed edges): ONNX must draw the same."""
    weights = tiny_weights(tmp_path / "weights", info_codes=2, info_classes=3)
    export(weights, "onnx", tmp_path / "onnx")
    meta = json.loads((tmp_path / "onnx" / "generator.json").read_text())
    ((name, file),) = meta["files"].items()
    session = ort.InferenceSession(str(tmp_path / "onnx" / file), providers=["CPUExecutionProvider"])
    x = example_input(meta, 6)
    x[:, :2] = torch.tensor([-2.0, -0.1, 0.0, 0.2, 1.0, 3.0])[:, None]  # every class, an edge's neighbourhood
    with torch.inference_mode():
        expected = load_generators(weights)[0][name](x).numpy()
    got = session.run(None, {meta["input"]["name"]: x.numpy()})[0]
    assert np.abs(got - expected).max() < TOLERANCE


def test_exports_load_through_the_api_and_the_cli(exported: Path, tmp_path: Path) -> None:
    reference = avatargan.load(exported / "weights", device="cpu")
    z = reference.noise(4, seed=7)
    for fmt in ("onnx", "torchscript", "safetensors"):
        out = exported / fmt
        model = avatargan.load(out, device="cpu")
        assert model.backend == ("torch" if fmt == "safetensors" else fmt)
        assert (model.render(z) - reference.render(z)).abs().max() < TOLERANCE
        assert main(["generate", str(out), "--n", "4", "--seed", "7", "--out", str(tmp_path / f"{fmt}.png")]) == 0
    grids = [np.asarray(Image.open(tmp_path / f"{f}.png"), np.int16) for f in ("onnx", "torchscript", "safetensors")]
    assert np.abs(grids[0] - grids[2]).max() <= 1 and np.abs(grids[1] - grids[2]).max() <= 1
    # a model file alone finds its description beside it
    assert avatargan.load(exported / "onnx" / "generator.onnx", device="cpu").backend == "onnx"
    with pytest.raises(UserError, match="fp32"):
        avatargan.load(exported / "onnx", device="cpu", precision="fp16")


def test_formats_do_not_mix_in_one_folder(tmp_path: Path) -> None:
    weights = tiny_weights(tmp_path / "w")
    export(weights, "torchscript", tmp_path / "out")
    with pytest.raises(UserError, match="already holds an export in torchscript format"):
        export(weights, "safetensors", tmp_path / "out")
    with pytest.raises(UserError, match="unknown export format"):
        export(weights, "tflite", tmp_path / "other")
    assert read_export(weights) is None  # safetensors weights are not a graph export

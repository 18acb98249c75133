"""`avatargan export`: the generator(s) of a run as safetensors, ONNX or TorchScript, with the JSON config beside."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export generators for deployment (safetensors, ONNX, TorchScript)",
        description=(
            "Write the generator(s) only (no discriminator or training state) into a folder, with generator.json "
            "describing the network, its input and output. ONNX has a dynamic batch axis and runs in onnxruntime. "
            "`avatargan generate`, `avatargan serve` and avatargan.load() accept the folder."
        ),
    )
    p.add_argument(
        "weights", metavar="RUN_DIR_OR_WEIGHTS", help="a run folder, a checkpoint (.pt) or weights (.safetensors)"
    )
    p.add_argument(
        "--format",
        choices=("safetensors", "onnx", "torchscript"),
        default="onnx",
        help="safetensors: weights for PyTorch; onnx: a graph for onnxruntime (needs avatargan[export]); "
        "torchscript: a traced graph for torch.jit.load (default onnx)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the export into")


def run(args: argparse.Namespace) -> Path:
    from avatargan import console
    from avatargan.export import export

    meta_path = export(args.weights, args.format, Path(args.out))
    files = sorted(p.name for p in meta_path.parent.iterdir() if p.is_file())
    console.info(f"wrote {args.format} export to {meta_path.parent}/ ({', '.join(files)})")
    return meta_path

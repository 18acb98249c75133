"""`avatargan serve`: the web demo (Generate, Photo → anime, Compare) for one or more runs or exports."""

from __future__ import annotations

import argparse

from avatargan.commands.options import add_precision_option, add_snapshot_option


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="start the web demo in the browser (needs avatargan[web])",
        description=(
            "A web page with three tabs: Generate (avatars from seeds, a slider walking between two seeds), "
            "Photo → anime (upload or webcam, side by side, download) and Compare (one photo through every loaded "
            "transfer model). Binds to 127.0.0.1 unless --host says otherwise."
        ),
    )
    p.add_argument(
        "weights",
        metavar="RUN_OR_WEIGHTS",
        nargs="+",
        help="run folders, checkpoints (.pt), safetensors weights or export folders (ONNX, TorchScript)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind; 0.0.0.0 exposes the demo to your network")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    add_precision_option(p)
    add_snapshot_option(p)
    p.add_argument("--max-upload-mb", type=float, default=8.0, help="largest accepted upload in MB (default 8)")
    p.add_argument("--concurrency", type=int, default=2, help="requests processed at once; others queue (default 2)")


def run(args: argparse.Namespace) -> None:
    from avatargan.serve.app import launch

    launch(
        args.weights,
        host=args.host,
        port=args.port,
        device=args.device,
        precision=args.precision,
        snapshot=args.snapshot,
        max_upload_mb=args.max_upload_mb,
        concurrency=args.concurrency,
    )

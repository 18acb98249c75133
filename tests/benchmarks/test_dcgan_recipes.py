"""dcgan_recipes.py scores a best snapshot again only when its weights differ from the last ones."""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from dcgan_recipes import same_tensors  # noqa: E402


def test_same_tensors_reads_tensors_not_headers_and_sees_one_changed_value(tmp_path: Path) -> None:
    # the trainer's two files differ in their headers (the metadata's order) with equal tensors
    tensors = {"g.w": torch.arange(6.0).reshape(2, 3), "g.n": torch.tensor(3)}
    save_file(tensors, str(tmp_path / "a"), metadata={"format": "x"})
    save_file(dict(reversed(tensors.items())), str(tmp_path / "b"), metadata={"format": "x", "version": "2"})
    assert (tmp_path / "a").read_bytes() != (tmp_path / "b").read_bytes()
    assert same_tensors(tmp_path / "a", tmp_path / "b")
    changed = {**tensors, "g.w": tensors["g.w"].clone().index_fill_(1, torch.tensor([2]), 9.0)}
    save_file(changed, str(tmp_path / "c"))
    assert not same_tensors(tmp_path / "a", tmp_path / "c")
    save_file({"g.w": tensors["g.w"]}, str(tmp_path / "d"))
    assert not same_tensors(tmp_path / "a", tmp_path / "d")  # a tensor missing

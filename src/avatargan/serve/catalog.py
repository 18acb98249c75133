"""The models one `avatargan serve` page offers: each loaded once through the API and named for the menus."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from avatargan import console
from avatargan.api import NoiseModel, TransferModel, load
from avatargan.models.spec import DIRECTION_LABELS
from avatargan.weights import snapshot_note


@dataclass
class Catalog:
    noise: dict[str, NoiseModel] = field(default_factory=dict)
    transfer: dict[str, TransferModel] = field(default_factory=dict)

    def describe(self) -> str:
        """One Markdown line per model, for the page's header."""
        lines = [f"- **{n}**: {m.family}, {m.image_size}×{m.image_size}, {m.backend}" for n, m in self.noise.items()]
        for n, m in self.transfer.items():
            ways = ", ".join(DIRECTION_LABELS.get(d, d) for d in m.directions)
            lines.append(f"- **{n}**: {m.family} ({ways}), {m.image_size}×{m.image_size}, {m.backend}")
        return "\n".join(lines)


def display_name(path: str | Path) -> str:
    """A short, readable name: the run or export folder's name (plus the file for checkpoints)."""
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        return path.name
    if path.parent.name == "checkpoints":
        return f"{path.parent.parent.name}/{path.stem}"
    return path.parent.name if path.stem.startswith("generator") else path.stem


def load_catalog(
    paths: list[str | Path], device: str = "auto", precision: str = "auto", snapshot: str = "last"
) -> Catalog:
    """Load every path with `avatargan.load` (run folders: their `snapshot` weights, said on the console); names
    are made unique with a counter."""
    catalog = Catalog()
    taken: set[str] = set()
    for path in paths:
        model = load(path, device=device, precision=precision, snapshot=snapshot)
        console.info(snapshot_note(model.meta))
        name, i = display_name(path), 2
        while name in taken:
            name, i = f"{display_name(path)} ({i})", i + 1
        taken.add(name)
        (catalog.noise if isinstance(model, NoiseModel) else catalog.transfer)[name] = model
    return catalog

"""The package's layers (ARCHITECTURE.md): no module imports from a layer above its own, but for the few deliberate
exceptions listed here, and no two modules import each other at load time (no import cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import avatargan

ROOT = Path(avatargan.__file__).parent
#: bottom to top; a module belongs to the longest name that prefixes it
LAYERS = [
    ["config", "config_checks", "registry", "errors", "io_utils", "console", "pixels", "hardware", "runtime"],
    ["nn"],
    ["data", "faces", "photo_options"],
    ["blocks", "landmark_regressor"],
    ["models"],
    ["metrics", "weights", "inference", "report.figures"],
    ["training"],
    ["report", "transfer", "export", "photo_transfer", "any_size", "video"],
    ["commands", "cli", "serve", "api", "metrics.benchmark", "__init__", "__main__", "__version__"],
]
#: (importer, imported) pairs that climb on purpose (ARCHITECTURE.md says why)
EXCEPTIONS = {
    ("config", "models"),
    ("config_checks", "models"),
    ("config_checks", "metrics.catalog"),
    ("weights", "training.checkpoint"),
    ("training.loop", "report.html"),
}


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def _layer(name: str) -> tuple[int, str]:
    best = (-1, "")
    for i, names in enumerate(LAYERS):
        for prefix in names:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > len(best[1]):
                best = (i, prefix)
    assert best[0] >= 0, f"{name} is in no layer: add it to LAYERS (and to ARCHITECTURE.md)"
    return best


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported avatargan module, whether at the top level) of a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "avatargan":
            names = [f"{node.module}.{a.name}" for a in node.names] if node.module == "avatargan" else [node.module]
            found += [(n.removeprefix("avatargan.").removeprefix("avatargan"), node.col_offset == 0) for n in names]
    return [(n, top) for n, top in found if n]


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    climbs = []
    for path in ROOT.rglob("*.py"):
        me = _name(path)
        for target, _ in _imports(path):
            allowed = any(me.startswith(a) and target.startswith(b) for a, b in EXCEPTIONS)
            if _layer(target)[0] > _layer(me)[0] and not allowed:
                climbs.append(f"{me} -> {target}")
    assert not climbs, "imports that climb the layers:\n" + "\n".join(sorted(climbs))


def test_models_reach_neither_the_trainer_nor_the_data() -> None:
    for path in (ROOT / "models").glob("*.py"):
        for target, _ in _imports(path):
            assert not target.startswith(("training", "data", "faces")), f"{_name(path)} imports {target}"


def test_no_import_cycle_at_load_time() -> None:
    graph: dict[str, set[str]] = {}
    modules = {_name(p) for p in ROOT.rglob("*.py")}
    for path in ROOT.rglob("*.py"):
        graph[_name(path)] = {t for t, top in _imports(path) if top and t in modules and t != _name(path)}
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        assert node not in stack, "import cycle: " + " -> ".join([*stack[stack.index(node) :], node])
        if node in done:
            return
        for nxt in graph.get(node, ()):
            visit(nxt, [*stack, node])
        done.add(node)

    for node in graph:
        visit(node, [])

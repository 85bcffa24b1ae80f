"""The layers of ARCHITECTURE.md: no module imports a layer above its own, and module imports have no loops."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"core": 0, "guides": 1, "calculators": 2, "portal": 3}


def modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"), path


def imported(path, module, *, top_level_only=False):
    """The project modules ``path`` imports (inside functions too, unless ``top_level_only``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for _up in range(node.level - 1):  # "from .x" is this package, "from ..x" the one above
                package = package.rpartition(".")[0]
            base = ".".join(part for part in (package if node.level else "", node.module or "") if part)
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in names if name.split(".")[0] in LAYERS}


@pytest.mark.parametrize(("module", "path"), list(modules()), ids=[module for module, _path in modules()])
def test_no_module_imports_a_layer_above_its_own(module, path):
    own = LAYERS[module.split(".")[0]]
    above = sorted(name for name in imported(path, module) if LAYERS[name.split(".")[0]] > own)
    assert above == [], f"{module} imports {above}: see ARCHITECTURE.md for which layer may import which"


def test_module_level_imports_have_no_loops():
    known = dict(modules())
    graph = {}
    for module, path in known.items():
        targets = set()
        for name in imported(path, module, top_level_only=True):
            while name and name not in known:  # "from x import name" names a module or something in one
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets

    loops, state = [], {}

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                loops.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert loops == [], "import loops: " + "; ".join(" -> ".join(loop) for loop in loops)

"""The import graph of src/mfgghg, read from the source with ast (every import, function-level ones
too): no circle among the package's modules, the rooms import one way (runner → plots → analysis →
checks → data), and no notebook imports the runner."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from conftest import REPO

SRC = REPO / "src"
ROOMS = ("runner", "plots", "analysis", "checks", "data")  # each may import those after it, never before


def modules(src: Path = SRC) -> dict[str, Path]:
    found = {}
    for path in sorted(src.rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported_names(tree: ast.AST, package: str) -> set[str]:
    """Every module name an import statement anywhere in ``tree`` names (``from a import b``: a and a.b)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Module → the package's modules it imports (an import of a.b.c also runs a and a.b)."""
    mods = modules(src)
    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for imported in imported_names(ast.parse(path.read_text(encoding="utf-8")), package):
            while imported and imported not in mods:  # a name inside a module: the module
                imported = imported.rpartition(".")[0]
            while imported:
                targets.add(imported)
                imported = imported.rpartition(".")[0]
        graph[name] = targets - {name} - {p for p in _parents(name)}
    return graph


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ROOMS else None


def test_the_graph_sees_function_level_imports_and_finds_a_circle(tmp_path):
    """The test's own machinery: a circle made only by an import inside a function is found."""
    pkg = tmp_path / "mfgghg"
    (pkg / "checks").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "checks" / "__init__.py").write_text("")
    (pkg / "checks" / "a.py").write_text("from mfgghg.checks.b import f\n")
    (pkg / "checks" / "b.py").write_text("def f():\n    from . import a\n")
    (pkg / "checks" / "c.py").write_text("from .a import f\n")
    graph = import_graph(tmp_path)
    assert graph["mfgghg.checks.b"] == {"mfgghg.checks.a"}  # (its own packages left out)
    assert graph["mfgghg.checks.c"] == {"mfgghg.checks.a"}
    assert cycles(graph) == [["mfgghg.checks.a", "mfgghg.checks.b"]]


@pytest.fixture(scope="module")
def package_graph() -> dict[str, set[str]]:
    """The package's import graph, read once for the tests below."""
    return import_graph()


def test_no_import_circle_in_the_package(package_graph):
    graph = package_graph
    assert {"mfgghg.runner.execute", "mfgghg.checks.reconcile", "mfgghg.runner.fast.forkserver"} <= set(graph)
    assert cycles(graph) == []
    # the verdict core is below every other check module; the fork server imports nothing of the runner's
    assert not [m for m in graph["mfgghg.checks.verdict"] if m.startswith("mfgghg.checks.")]
    assert graph["mfgghg.runner.fast.forkserver"] & set(graph) <= {
        "mfgghg", "mfgghg.errors", "mfgghg.runner", "mfgghg.runner.fast", "mfgghg.runner.fast.processes"}


def test_the_rooms_import_one_way(package_graph):
    """runner → plots → analysis → checks → data: a room imports only those after it."""
    upward = [(m, d) for m, deps in package_graph.items() for d in deps
              if room(m) and room(d) and ROOMS.index(room(d)) < ROOMS.index(room(m))]
    assert upward == []


def test_only_the_runner_and_the_command_import_the_runner(package_graph):
    outside = [(m, d) for m, deps in package_graph.items() for d in deps
               if room(d) == "runner" and room(m) != "runner" and m != "mfgghg.__main__"]
    assert outside == []


def test_notebooks_never_import_the_runner():
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            names = imported_names(ast.parse("\n".join(lines)), "")
            assert not [n for n in names if n == "mfgghg.runner" or n.startswith("mfgghg.runner.")], path.name

"""The notebooks as files: keeping the committed ones' stored outputs in step with the data (for nbval),
their imports (for the fork server's preload) and their code cells run in this process (for
``mfgghg translations-needed``)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from mfgghg import KERNEL_NAME
from mfgghg.runner.pipeline import discover_notebooks, use_inline_backend_in_kernels

KERNELSPEC = {"name": KERNEL_NAME, "display_name": f"Python 3 ({KERNEL_NAME})", "language": "python"}


def clean_metadata(nb) -> None:
    """Drop what changes on every run (timings, papermill records) and pin the kernel."""
    nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)


def refresh_notebook(path: Path, kernel: str = KERNEL_NAME) -> None:
    """Execute a notebook in place with its default parameters and store its outputs."""
    from nbclient import NotebookClient

    from mfgghg.runner.execute import merge_adjacent_streams
    from mfgghg.runner.kernels import local_kernel_manager_class

    use_inline_backend_in_kernels()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name=kernel, timeout=600, resources={"metadata": {"path": str(path.parent)}},
                   kernel_manager_class=local_kernel_manager_class(), on_cell_executed=merge_adjacent_streams).execute()
    clean_metadata(nb)
    nbformat.write(nb, path)


def refresh_notebooks(paths: list[Path] | None = None) -> None:
    for path in paths or discover_notebooks():
        print(f"refreshing {path.name}")
        refresh_notebook(Path(path))


def notebook_imports(paths) -> list[str]:
    """The top-level import statements of the notebooks' code cells, in order, without repeats."""
    import ast

    found = []
    for path in paths:
        for _tags, source in code_cells(path):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            found += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return list(dict.fromkeys(found))


def code_cells(path) -> list[tuple[list[str], str]]:
    """Each code cell of a notebook: its tags and its source. Read as plain JSON: nbformat would validate
    every stored output, for nothing but the sources."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(cell.get("metadata", {}).get("tags", []), "".join(cell.get("source", "")))
            for cell in nb.get("cells", []) if cell.get("cell_type") == "code"]


def run_code_cells(path, parameters: dict) -> None:
    """A notebook's code cells in this process, one after another, its ``parameters`` cell replaced by
    ``parameters`` (as papermill would inject them); figures are closed after each cell. No kernel, no
    stored output: for a tool that needs what the code does, not what it shows."""
    import matplotlib.pyplot as plt

    namespace = {"__name__": "__main__", "display": lambda *a, **k: None}
    for tags, source in code_cells(path):
        if "parameters" in tags:
            namespace.update(parameters)
            continue
        exec(compile(source, Path(path).name, "exec"), namespace)
        plt.close("all")

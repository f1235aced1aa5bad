"""Publish: a finished year's staging folder replaces ``data/processed/<year>`` and
``figures/<year>`` by renames (all or nothing), with the processed data shipped beside the figures
and the executed notebooks' paths shown as the published ones. A notebook whose outputs hold a warning
is not published: the run stops, naming it and the cell.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mfgghg.data.paths import follow_umask, swap_in

def stored_warnings(nb) -> list[tuple[int, str]]:
    """(execution count, or cell index, and first line) of every warning a notebook's outputs hold: a
    stored output on stderr is a warning (Python's, a library's log) that a reader of the page and of
    the notebook would see; notebooks of this project write nothing there."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", "")).strip()
                if text:
                    found.append((cell.get("execution_count") or index, text.splitlines()[0]))
    return found


def refuse_warnings(nb, name: str) -> None:
    """Stop the run, in one line naming the notebook and the cell, if ``nb``'s outputs hold a warning."""
    from mfgghg.errors import RunError

    found = stored_warnings(nb)
    if found:
        cell, text = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise RunError(f"{name}: cell {cell} printed a warning: {text}{more}")


def show_published_paths(executed: Path, replacements: dict[str, str]) -> None:
    """The executed copy shows where its outputs were published, not the staging folder it wrote to,
    and has nothing that changes from run to run. Read and written without validating it again:
    papermill has just written (and validated) it, and only strings change (the validation of a
    notebook with its images, twice, was a tenth of the runner's own work)."""
    from nbformat import versions

    from mfgghg.runner.site import read_executed

    nb = read_executed(executed)
    refuse_warnings(nb, executed.name)  # (a warning would be published on the notebook's page)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id; pages must not change per run
            for old, new in replacements.items():
                cell.source = cell.source.replace(old, new)
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    for key, value in params.items():
        if isinstance(value, str):
            for old, new in replacements.items():
                params[key] = params[key].replace(old, new)
    text = versions[nb.nbformat].writes_json(nb)
    executed.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")  # as nbformat.write


def ship_processed_data(processed: Path, figures: Path) -> None:
    """The year's processed tables and their datapackage.json go with the figure set (``data/``), so
    that a reader of the yearly page downloads the data with its description. The copy's descriptor
    also names the commit that made it (``mfgghg:commit``), which the committed original cannot."""
    import json

    from mfgghg.data.processed_package import descriptor_text
    from mfgghg.data.provenance import COMMIT_KEY, current_commit
    from mfgghg.runner.site import DATA_DIR

    if processed.is_dir():
        shutil.copytree(processed, figures / DATA_DIR, dirs_exist_ok=True)
        descriptor = figures / DATA_DIR / "datapackage.json"
        if descriptor.is_file():
            package = json.loads(descriptor.read_text(encoding="utf-8"))
            package[COMMIT_KEY] = current_commit().text
            descriptor.write_text(descriptor_text(package), encoding="utf-8", newline="\n")


def publish(new: Path, target: Path, keep: list[str] = ()) -> None:
    """Put ``new`` in the place of ``target`` by renames. Subfolders named in ``keep`` (the other
    language's figure set) are carried over from the old ``target`` into the new one first."""
    if not new.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    for name in keep:
        if not (new / name).exists():
            shutil.copytree(target / name, new / name)
    # Readable as the user's own files are (a temporary folder made anywhere on the way is private).
    follow_umask(new)
    swap_in(new, target)

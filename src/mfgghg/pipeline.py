"""The yearly run: the numbered notebooks in order, under papermill, all-or-nothing.

Notebooks write into a staging folder under ``build/<year>/``; only when every one of
them succeeded are ``data/processed/<year>`` and ``figures/<year>`` replaced (by
renames), so a failed or killed run leaves the previous outputs as they were.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import KERNEL_NAME
from .errors import MfgGhgError, ParameterError
from .ingest import swap_in
from .paths import YearPaths, normalize_year, resolve

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


class RunError(MfgGhgError):
    """A notebook of the pipeline failed."""


@dataclass
class RunResult:
    year: int
    executed: list[Path] = field(default_factory=list)
    processed: Path | None = None
    figures: Path | None = None


def notebooks_dir() -> Path:
    return resolve("notebooks")


def discover_notebooks(folder: Path | None = None) -> list[Path]:
    """The pipeline's notebooks: ``NN_name.ipynb``, in number order."""
    folder = folder or notebooks_dir()
    found = sorted(Path(folder).glob(NOTEBOOK_GLOB))
    if not found:
        raise ParameterError(f"no numbered notebooks (NN_name.ipynb) in {folder}")
    return found


@contextmanager
def year_lock(build_dir: Path, year: int):
    """Refuse a second concurrent run of the same year instead of letting both write."""
    build_dir.mkdir(parents=True, exist_ok=True)
    lock_path = build_dir / f"{year}.lock"
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another run for report year {year} is in progress (lock {lock_path})") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def describe_failure(notebook: Path, err: Exception) -> str:
    """One line: notebook, cell and error."""
    cell = getattr(err, "exec_count", None)
    index = getattr(err, "cell_index", None)
    ename = getattr(err, "ename", type(err).__name__)
    evalue = str(getattr(err, "evalue", err)).strip().splitlines()
    where = f"cell {cell}" if cell is not None else f"cell index {index}" if index is not None else "a cell"
    return f"{notebook.name}: {where} failed: {ename}: {evalue[-1] if evalue else ''}".rstrip()


def execute_notebook(notebook: Path, output: Path, parameters: dict, kernel: str = KERNEL_NAME) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    try:
        pm.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=kernel,
            cwd=str(notebook.parent), progress_bar=False, log_output=False,
        )
    except PapermillExecutionError as err:
        raise RunError(describe_failure(notebook, err)) from None


def parameters_for(notebook: Path, common: dict, **optional) -> dict:
    """The common parameters plus those optional ones the notebook declares (papermill would
    warn about the others)."""
    import papermill as pm

    declared = pm.inspect_notebook(str(notebook))
    return {**common, **{k: v for k, v in optional.items() if k in declared}}


def run_year(
    year,
    raw_root: str | os.PathLike = "data/raw",
    processed_root: str | os.PathLike = "data/processed",
    figures_root: str | os.PathLike = "figures",
    build_root: str | os.PathLike = "build",
    notebooks: list[Path] | None = None,
    kernel: str = KERNEL_NAME,
    strict: bool = False,
    log=print,
) -> RunResult:
    """Run every pipeline notebook for one report year and publish its outputs at the end."""
    y = normalize_year(year)
    final = YearPaths.for_year(y, raw_root, processed_root, figures_root)
    final.require_raw()
    notebooks = notebooks or discover_notebooks()
    build_dir = resolve(build_root) / str(y)
    result = RunResult(y)
    with year_lock(resolve(build_root), y):
        build_dir.mkdir(parents=True, exist_ok=True)
        for stale in build_dir.glob(".staging-*"):  # left by a killed run; we hold the lock, so no one uses it
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=build_dir))
        try:
            staged = YearPaths.for_year(y, final.raw.parent, staging / "processed", staging / "figures")
            parameters = {
                "report_year": y,
                "raw_root": str(final.raw.parent),
                "processed_root": str(staged.processed.parent),
                "figures_root": str(staged.figures.parent),
            }
            for nb in notebooks:
                log(f"[{y}] {nb.name}")
                out = build_dir / nb.name
                execute_notebook(nb, out, parameters_for(nb, parameters, strict=strict), kernel)
                result.executed.append(out)
            from .site import build_site

            build_site(staged.figures, y, result.executed)
            for new, target in ((staged.processed, final.processed), (staged.figures, final.figures)):
                if new.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    swap_in(new, target)
            result.processed, result.figures = final.processed, final.figures
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    log(f"[{y}] done: {rel(final.processed)}, {rel(final.figures)}, executed notebooks in {rel(build_dir)}")
    return result


def rel(path: Path) -> str:
    """A path relative to the repository when inside it (shorter, stable messages)."""
    try:
        return str(Path(path).resolve().relative_to(resolve(".")))
    except ValueError:
        return str(path)

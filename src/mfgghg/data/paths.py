"""Where things are: the repository root, and the per-year data and figure folders."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from mfgghg.errors import ParameterError

ROC_OFFSET = 1911  # ROC year + 1911 = Gregorian year
# The one range of report years accepted anywhere (Gregorian, inclusive).
FIRST_YEAR, LAST_YEAR = 1990, 2200


def repo_root() -> Path:
    """The project's root folder.

    ``MFGGHG_ROOT`` wins; otherwise the folder holding ``pyproject.toml`` above the
    package (editable install) or above the working directory. Notebooks therefore
    find ``data/`` whether they run in JupyterLab (cwd ``notebooks/``), under
    papermill from the repo root, or under nbval.
    """
    env = os.environ.get("MFGGHG_ROOT")
    if env:
        return Path(env).resolve()
    candidates = [Path(__file__).resolve().parent, Path.cwd().resolve()]
    for start in candidates:
        for folder in (start, *start.parents):
            if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
                return folder
    raise ParameterError(
        "cannot find the project root (a folder with pyproject.toml and data/); set MFGGHG_ROOT"
    )


def relative_to_repo(path, outside: str = "name") -> str:
    """``path`` relative to the repository, so that what is printed is the same on every machine.
    Outside the repository: its file name (``outside="name"``, for stored notebook outputs) or the
    full path as given (``outside="full"``, for the runner's messages)."""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(repo_root()))
    except ValueError:
        return p.name if outside == "name" else str(path)


def resolve(path: str | os.PathLike) -> Path:
    """A path as given if absolute, else relative to the repository root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else repo_root() / p


_YEAR_RE = re.compile(r"^\s*(\d{2,4})\s*年?\s*$")


def normalize_year(value) -> int:
    """Gregorian report year from ``2021``, ``"2021"``, ROC ``110`` or ``"110年"``.

    Numbers below 1911 are read as ROC years. Anything else is a ParameterError.
    """
    if isinstance(value, bool):
        raise ParameterError(f"report year {value!r} is not a number")
    if isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str) and _YEAR_RE.match(value.translate(_FULLWIDTH_DIGITS)):
        year = int(_YEAR_RE.match(value.translate(_FULLWIDTH_DIGITS)).group(1))
    else:
        raise ParameterError(f"report year {value!r} is not a number (give e.g. 2021 or ROC 110)")
    if year < ROC_OFFSET:
        year += ROC_OFFSET
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParameterError(f"report year {value!r} is out of range ({FIRST_YEAR}-{LAST_YEAR} "
                             f"or ROC {roc_year(FIRST_YEAR)}-{roc_year(LAST_YEAR)})")
    return year


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def roc_year(year: int) -> int:
    """ROC (民國) year of a Gregorian year."""
    return year - ROC_OFFSET


@dataclass(frozen=True)
class YearPaths:
    """The folders one report year reads and writes."""

    year: int
    raw: Path
    processed: Path
    figures: Path
    lang: str = "zh-TW"

    @classmethod
    def for_year(
        cls,
        year,
        raw_root: str | os.PathLike = "data/raw",
        processed_root: str | os.PathLike = "data/processed",
        figures_root: str | os.PathLike = "figures",
        lang: str = "zh-TW",
    ) -> "YearPaths":
        """``figures`` is ``<figures_root>/<year>`` for the Chinese edition and
        ``<figures_root>/<year>/en`` for the English one, next to it."""
        y = normalize_year(year)
        figures = resolve(figures_root) / str(y)
        return cls(
            year=y,
            raw=resolve(raw_root) / str(y),
            processed=resolve(processed_root) / str(y),
            figures=figures if lang == "zh-TW" else figures / lang,
            lang=lang,
        )

    @property
    def reference(self) -> Path:
        """Reference lists shared by all years: ``<raw_root>/../reference`` if that
        exists (a self-contained data tree such as the test fixture), else the
        repository's ``data/reference``."""
        sibling = self.raw.parent.parent / "reference"
        return sibling if sibling.is_dir() else resolve("data/reference")

    def require_raw(self) -> Path:
        if not self.raw.is_dir():
            available = sorted(p.name for p in self.raw.parent.glob("[0-9]*") if p.is_dir())
            raise ParameterError(
                f"no data for report year {self.year}: {self.raw} does not exist"
                f" (years with data: {', '.join(available) or 'none'})"
            )
        return self.raw


def swap_in(new: Path, target: Path) -> None:
    """Replace folder ``target`` by ``new`` with renames only (never a half-copied target)."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if old.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def current_umask() -> int:
    """The process's umask, read without changing it (``os.umask`` can only be read by setting it,
    which would race with other threads creating files): from ``/proc/self/status`` on Linux, else
    from the mode a fresh temporary folder gets."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    import tempfile

    probe = Path(tempfile.mkdtemp())
    try:
        inner = probe / "d"
        inner.mkdir(0o777)
        return 0o777 & ~inner.stat().st_mode
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def follow_umask(root: Path) -> None:
    """Give ``root`` and everything under it the modes a folder or file made by the user gets (755 and
    644 under umask 022): a folder made by ``tempfile.mkdtemp`` is 700 whatever the umask, and a copy
    keeps that, so published folders would be private."""
    mask = current_umask()
    root = Path(root)
    if not root.exists():
        return
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.stat().st_mode & 0o111
        path.chmod((0o777 if executable else 0o666) & ~mask)

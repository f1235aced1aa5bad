"""Shared fixtures: copies of real data to break on purpose, and the repository's folders."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from mfgghg.paths import repo_root

REPO = repo_root()
FIXTURE_DATA = REPO / "tests" / "fixtures" / "data"


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/raw/2021 and data/reference laid out as <root>/raw/2021, <root>/reference."""
    root = tmp_path / "data"
    shutil.copytree(REPO / "data" / "raw" / "2021", root / "raw" / "2021")
    shutil.copytree(REPO / "data" / "reference", root / "reference")
    return root


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Overwrite one cell of a CSV; ``row`` is the file's line number (header = 1)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(column)
    rows[row - 1][col] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def line_of_value(path: Path, column: str, value: str) -> int:
    """The line number of the first row whose ``column`` equals ``value``."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(column)
    return next(i + 1 for i, r in enumerate(rows) if i and r[col] == value)


# --- figures: the project's style, and the English edition for a test --------------------------


@pytest.fixture
def styled():
    import matplotlib.pyplot as plt

    from mfgghg.figures import apply_style

    apply_style()
    yield
    plt.close("all")


@pytest.fixture
def english(styled):
    from mfgghg.i18n import set_lang

    set_lang("en")
    yield
    set_lang("zh-TW")


def drawn(fig, line=None):
    """The figure drawn (with its source line, as the notebook adds it)."""
    from mfgghg.figures import source_note

    if line is not None:
        source_note(fig, line)
    fig.canvas.draw()
    return fig

"""The English of the figures' texts: ``data/reference/translations.csv`` (validated by its package's
description), and drafts of new rows a user is writing (CSV files with the same ``zh_tw`` and ``en``
columns). :mod:`mfgghg.i18n` asks for it, and caches it while the files stay as they are."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mfgghg.data.encoding import decode
from mfgghg.errors import DataError

TABLE_FILE = "translations.csv"


def read_translations(reference: Path, drafts=(), validate: bool = True) -> dict[str, str]:
    """zh_tw → en from ``reference``'s translations table, then from each draft file in turn (a draft
    row overrides the table's).

    ``validate=False`` reads the table's rows as they are, cells stripped as the validated read
    leaves a text column, without pandas: for the runner, which builds its pages after its preflight
    has validated the reference tables and must not import the analysis libraries itself."""
    if validate:
        from mfgghg.data.package import read_package

        table = read_package(Path(reference))["translations"].data
        mapping = dict(zip(table["zh_tw"], table["en"]))
    else:
        mapping = {row["zh_tw"].strip(): row["en"].strip() for row in _rows(Path(reference) / TABLE_FILE)}
    for path in drafts:
        mapping.update((row["zh_tw"], row["en"]) for row in _rows(path))
    return mapping


def _rows(path) -> list[dict]:
    """A table's rows, decoded as the validated read decodes a file (UTF-8 with or without BOM, or
    Big5/CP950); a file without the ``zh_tw`` and ``en`` columns is a one-line error naming it."""
    text, _ = decode(Path(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("zh_tw", "en") if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(missing)} (a translations table has zh_tw and en)", 1,
                        missing[0])
    return [row for row in reader if any(isinstance(v, str) and v.strip() for v in row.values())]

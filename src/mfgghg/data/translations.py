"""The English of the figures' texts: ``data/reference/translations.csv`` (validated by its package's
description), and drafts of new rows a user is writing (CSV files with the same ``zh_tw`` and ``en``
columns). :mod:`mfgghg.i18n` asks for it, and caches it while the files stay as they are."""

from __future__ import annotations

import csv
from pathlib import Path

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
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))

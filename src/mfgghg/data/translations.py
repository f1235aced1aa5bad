"""The English of the figures' texts: ``data/reference/translations.csv`` (validated by its package's
description), and drafts of new rows a user is writing (CSV files with the same ``zh_tw`` and ``en``
columns). :mod:`mfgghg.i18n` asks for it, and caches it while the files stay as they are."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mfgghg.data.package import read_package


def read_translations(reference: Path, drafts=()) -> dict[str, str]:
    """zh_tw → en from ``reference``'s translations table, then from each draft file in turn (a draft
    row overrides the table's)."""
    table = read_package(Path(reference))["translations"].data
    mapping = dict(zip(table["zh_tw"], table["en"]))
    for path in drafts:
        extra = pd.read_csv(path, dtype=str, keep_default_na=False)
        mapping.update(zip(extra["zh_tw"], extra["en"]))
    return mapping

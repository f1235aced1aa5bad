"""Series a user supplies beside a year's raw data (only where they have one from a named source).

Today: ``data/raw/<year>/intensity_series.csv``, the yearly carbon-intensity series behind the
report's Figure 2, which the report does not print. It is described and validated by
``data/schemas/intensity_series.json`` (a data-package resource with ``oneOfColumns``: give the
intensity, an index with the base year = 100, or both). The ingest reads it into the processed
table ``intensity_series``; nothing is ever filled in.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd

from mfgghg.data.package import HEADER_ROW, line_of, read_resource
from mfgghg.data.paths import resolve
from mfgghg.errors import DataError

INTENSITY_SERIES_SCHEMA = "data/schemas/intensity_series.json"


def series_schema(path=None) -> dict:
    """The description of ``intensity_series.csv`` (a data-package resource)."""
    path = resolve(path or INTENSITY_SERIES_SCHEMA)
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, "missing: the description of intensity_series.csv") from None


def _header(path: Path) -> list[str]:
    """The column names of a CSV (the data itself is read through its description)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [c.strip() for c in next(csv.reader(fh), [])]
    except UnicodeDecodeError:
        raise DataError(path, "not UTF-8 text") from None


def load_intensity_series(raw_dir, schema: dict | None = None) -> pd.DataFrame | None:
    """``<raw_dir>/intensity_series.csv`` validated, or None when there is no such file.

    The file has ``year``, ``source`` and at least one of the columns in the schema's
    ``oneOfColumns`` (``intensity``, ``index``); every row needs a value in one of them."""
    raw_dir = Path(raw_dir)
    schema = schema or series_schema()
    path = raw_dir / schema["path"]
    if not path.is_file():
        return None
    one_of = schema["oneOfColumns"]
    header = _header(path)
    present = [c for c in one_of if c in header]
    if not present:
        raise DataError(path, f"needs a column {' or '.join(one_of)}", HEADER_ROW)
    resource = copy.deepcopy(schema)
    resource["schema"]["fields"] = [f for f in schema["schema"]["fields"] if f["name"] not in one_of
                                    or f["name"] in present]
    data = read_resource(raw_dir, resource).data
    empty = data[present].isna().all(axis=1)
    if empty.any():
        i = empty.idxmax()
        raise DataError(path, f"row has no value in {' or '.join(present)}", line_of(i), present[0])
    for c in one_of:
        if c not in data.columns:
            data[c] = np.nan
    return data[["year", *one_of, "source"]].sort_values("year").reset_index(drop=True)

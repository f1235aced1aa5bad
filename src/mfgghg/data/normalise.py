"""What real files bring, read to the same values as a clean file, with a note of each change.

Taiwanese government and Excel-exported CSVs come as UTF-8 with a byte-order mark or as
Big5/CP950, with thousands separators (``158,613``), full-width digits and punctuation
(``１２３``, ``，``), ROC years (``110年``, ``110~114``), stray spaces and blank rows.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from mfgghg.data.encoding import decode

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space fold to plain ASCII.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_DASHES = re.compile(r"\s*(?:~|～|至|–|—|－|-)\s*")


def fold_fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


_GROUPED = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


def clean_number(text: str) -> str:
    """``'１５８，６１３ '`` → ``'158613'``. Commas go only where they group thousands: ``'148,8'``
    is left as it is, to fail the number check rather than become 1488."""
    t = fold_fullwidth(text).strip().replace("，", ",")
    if _GROUPED.match(t):
        t = t.replace(",", "")
    return t


def clean_roc_year(text: str) -> str:
    """``'110年'`` → ``'110'``, ``'民國110年～114年'`` → ``'110-114'``."""
    t = fold_fullwidth(text).strip().replace("民國", "").replace("年", "")
    return _DASHES.sub("-", t).strip()


def clean_code(text: str) -> str:
    """Identifiers and listed values: full-width folded, spaces inside removed (PDF artefacts)."""
    return re.sub(r"\s+", "", fold_fullwidth(text))


def read_csv_text(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A CSV as strings, blank rows dropped (line numbers kept in the index: line = index + 2)."""
    text, notes = decode(path)
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    df.columns = [fold_fullwidth(str(c)).strip() for c in df.columns]
    df = df.fillna("")
    blank = df.apply(lambda col: col.str.strip() == "").all(axis=1) if len(df.columns) else pd.Series(dtype=bool)
    if blank.any():
        notes.append(f"dropped {int(blank.sum())} blank row(s)")
        df = df[~blank]
    return df, notes


def normalise_column(series: pd.Series, field: dict) -> tuple[pd.Series, str | None]:
    """One column cleaned by its description (a Frictionless field with the project's ``mfgghg:``
    keys, see :mod:`mfgghg.data.package`); returns the note of what changed (or None)."""
    notation = field.get("mfgghg:notation", "")
    c = field.get("constraints", {})
    listed = "enum" in c or "pattern" in c or "mfgghg:foreignKey" in field or "mfgghg:enumFrom" in field
    if field["type"] in ("number", "integer") and notation != "roc_year":
        cleaned, what = series.map(clean_number), "thousands separators, full-width digits or spaces"
    elif notation in ("roc_year", "roc_period"):
        cleaned, what = series.map(clean_roc_year), "ROC year notation (年, ～, full-width digits)"
    elif field["type"] == "string" and listed:
        cleaned, what = series.map(clean_code), "full-width characters or spaces in a listed value"
    else:
        cleaned, what = series.str.strip(), "leading or trailing spaces"
    changed = int((cleaned != series).sum())
    note = f"column {field['name']}: normalised {what} in {changed} cell(s)" if changed else None
    return cleaned, note

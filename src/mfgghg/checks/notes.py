"""Explanations of checks, kept as data (``data/raw/<year>/*_notes.csv``) and joined in one way only,
:func:`attach_notes`. A check id's first part is its namespace (``table5``, ``budget``, ...): every note
must be in a namespace of :data:`NOTE_NAMESPACES`, and a note in a namespace that a table of checks
owns must explain one of its checks. Which notebook owns which namespaces is declared where the
notebooks call :func:`attach_notes` (``owns=``), not here."""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.verdict import with_agreement

# Every namespace of check ids, and what checks it holds.
NOTE_NAMESPACES = {
    "table2": "Table 2 (status by pillar) against the measures",
    "table3": "Table 3 (status by ministry) against the measures",
    "table4": "Table 4 (results summary) against the measures",
    "table5": "Table 5 (budget) against the annex's funding",
    "table6": "Table 6 (emissions): cumulative against annual columns",
    "headline": "figures of the text against the measures",
    "goals": "the annex's goals against the year's results",
    "emissions": "emission figures of the text and Table 6 against each other and outside sources",
    "intensity": "intensity figures against a supplied series and outside sources",
    "budget": "Table 5 and the text's money figures, cell by cell",
}


def namespace_of(check_ids: pd.Series) -> pd.Series:
    return check_ids.astype(str).str.split(".").str[0]


def join_notes(table: pd.DataFrame, notes: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` with an ``explanation`` per check_id from ``notes`` ('' where none)."""
    if notes is None or not len(notes):
        return table.assign(explanation="")
    expl = notes.drop_duplicates("check_id").set_index("check_id")["explanation"]
    return table.assign(explanation=table["check_id"].map(expl).fillna(""))


def _note_files(notes: pd.DataFrame):
    """(file name, that file's notes in file order): processed notes.csv names its files; a raw
    ``*_notes.csv`` read alone is one file."""
    if "file" not in notes.columns:
        yield "notes", notes.reset_index(drop=True)
        return
    for name, own in notes.groupby("file", sort=False):
        yield name, own.reset_index(drop=True)


def refuse_unknown_notes(notes: pd.DataFrame | None, owns, known_ids) -> None:
    """A note in one of the namespaces ``owns`` must explain one of ``known_ids``: otherwise a
    DataError naming its file and row (a note for a check that no longer exists is never silently
    dropped)."""
    from mfgghg.errors import DataError

    if notes is None or not len(notes):
        return
    owns, known = set(owns), set(known_ids)
    for file_name, own in _note_files(notes):
        for i, check_id in enumerate(own["check_id"].astype(str)):
            if check_id.split(".")[0] in owns and check_id not in known:
                raise DataError(file_name, f"note for unknown check {check_id!r}", row=i + 2, column="check_id")


def refuse_notes_outside_namespaces(notes: pd.DataFrame | None) -> None:
    """Every note's check id must start with a namespace of :data:`NOTE_NAMESPACES`."""
    from mfgghg.errors import DataError

    if notes is None or not len(notes):
        return
    for file_name, own in _note_files(notes):
        stray = ~namespace_of(own["check_id"]).isin(list(NOTE_NAMESPACES))
        if stray.any():
            i = int(stray.idxmax())
            raise DataError(file_name, f"note for {own['check_id'].iloc[i]!r}: check ids start with one of "
                            f"{', '.join(n + '.' for n in NOTE_NAMESPACES)}", row=i + 2, column="check_id")


def attach_notes(table: pd.DataFrame, notes: pd.DataFrame | None, owns=()) -> pd.DataFrame:
    """The one way to give checks their explanations: ``table`` (rows with a ``check_id``; a table of
    :data:`~mfgghg.checks.verdict.CHECK_COLUMNS` also gets ``agrees``) with an ``explanation`` per
    check_id from ``notes`` (processed ``notes.csv``, or one raw
    ``*_notes.csv``). ``owns``: the namespaces whose every note must explain a check of ``table``
    (see :func:`refuse_unknown_notes`); pass all of a notebook's checks of those namespaces at once."""
    if "verdict" in table.columns:  # (flags carry a check id, no verdict)
        table = with_agreement(table)
    refuse_unknown_notes(notes, owns, table["check_id"])
    return join_notes(table, notes)


def unexplained_differences(table: pd.DataFrame) -> pd.DataFrame:
    """Checks whose published and recomputed values differ and that no note explains."""
    return table[~table["agrees"] & (table["explanation"].fillna("") == "")]


DIFFERENCE_COLUMNS = ["check_id", "published", "recomputed", "difference", "unit", "verdict", "explanation"]


def differences(checks: pd.DataFrame) -> pd.DataFrame:
    """Every check that is not an exact match (rounding included), with its explanation."""
    return checks.loc[checks["verdict"] != "equal", DIFFERENCE_COLUMNS].reset_index(drop=True)

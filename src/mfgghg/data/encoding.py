"""A data file's text, as Taiwanese government and Excel-exported CSVs come: UTF-8 with or without a
byte-order mark, or Big5/CP950. Without pandas, so that the runner's own process can read a table
the same way the validated read does (:func:`mfgghg.data.translations.read_translations`)."""

from __future__ import annotations

from pathlib import Path

from mfgghg.errors import DataError

BOM = b"\xef\xbb\xbf"


def decode(path: Path) -> tuple[str, list[str]]:
    """The file's text: UTF-8 (with or without BOM), else CP950 (Big5); and notes of what was done.
    Neither is a :class:`DataError` naming the file and the line of the first undecodable byte."""
    data = Path(path).read_bytes()
    notes = []
    if data.startswith(BOM):
        notes.append("removed the UTF-8 byte-order mark")
        data = data[len(BOM):]
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp950")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(path, "neither UTF-8 nor Big5/CP950 text", line) from None
    return text, notes + ["decoded as Big5/CP950 (not UTF-8)"]

"""Draft extractor: a yearly report (its text export or its PDF) -> a draft of data/raw/<year>/.

The contract:

- **In**: the report (UTF-8 / Big5 text, or a PDF with a text layer), optionally the report year (it must
  agree with the year the report states in its title and annex heading; without it that year is used)
  and the previous year's raw folder to compare with.
- **Out**: the raw files of the 2021 transcription's shape, a ``datapackage.json`` the ingest accepts,
  and ``review.md`` / ``review.csv``: every check (reported, never forced), every field the extractor is
  unsure of, every character it normalised and every contradiction of the report. All files or none.
- **Refused, in one line naming the place** (a :class:`mfgghg.errors.MfgGhgError`): empty, binary or
  annex-less input, a PDF without text layer, a report cut off (it stops inside a measure or before a
  pillar Table 2 counts), a measure without its money or reduction cell, a year that differs from the
  report's own.

The jobs, one module each: :mod:`.read` (input, characters), :mod:`.layout` (the PDF's annex table by
position), :mod:`.annex` (measures from cells or from text), :mod:`.tables` (Tables 2-6, goal candidates),
:mod:`.text` and :mod:`.netzero` (the prose), :mod:`.review`, :mod:`.write`; :mod:`.pipeline` runs them
(``python -m mfgghg extract``, whose command line is the runner's).
"""

from .pipeline import draft, extract

__all__ = ["draft", "extract"]

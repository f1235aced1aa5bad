"""Errors that end a run with one readable line instead of a traceback."""

from __future__ import annotations


class MfgGhgError(Exception):
    """Base class: ``str(err)`` is the one-line message shown to the user."""


class ParameterError(MfgGhgError):
    """A run parameter (report year, option) is unusable."""


class DataError(MfgGhgError):
    """A data file is missing or holds a value that breaks its description.

    ``row`` is the 1-based line number in the file as a spreadsheet or editor
    shows it (the header is line 1), so the user can go straight to it.
    """

    def __init__(self, file, message: str, row: int | None = None, column: str | None = None):
        self.file = str(file)
        self.row = row
        self.column = column
        self.message = message
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # pickled with its parts, not its message: the kernel fork server's preflight sends it back
        return type(self), (self.file, self.message, self.row, self.column)


class ReconciliationError(MfgGhgError):
    """A published figure differs from its recomputation by more than its tolerance (strict mode)."""


class RunError(MfgGhgError):
    """A notebook of the pipeline failed."""

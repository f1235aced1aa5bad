"""The runner's preflight: a year's raw data, the reference tables and the external facts validated
(and, with ``strict``, the reconciliation enforced) before any notebook runs. It is below both of its
callers: the yearly run (:mod:`mfgghg.runner.pipeline`), and the kernel fork server, which is handed
:func:`preflight_year` by name and imports nothing of the runner's own."""

from __future__ import annotations

import os

from mfgghg.data.paths import YearPaths


def preflight(paths: YearPaths, strict: bool) -> None:
    """Validate the year's raw data, the reference tables and the external facts (and, with
    ``strict``, the reconciliation) before any kernel starts: bad input stops the run with one line
    naming file, row and column, and nothing is written. A run with a kernel fork server has it done
    there (:func:`preflight_year`), while the runner itself imports and gets the first notebook ready."""
    from mfgghg.checks.reconcile import enforce, reconciliation_table
    from mfgghg.data.ingest import ingest

    ingested = ingest(paths)  # (reads and validates the external package too)
    if paths.lang == "en":
        check_sources_translated(ingested.sources, paths.reference)
    if strict:
        enforce(reconciliation_table(ingested), strict=True)


def check_sources_translated(sources: list[dict], reference) -> None:
    """Every source the English page will name can be shown in English, as the page shows it
    (:func:`mfgghg.runner.site.shown_source`; a new year's report title needs its row in
    translations.csv): otherwise the English run would stop only once every notebook had run. The
    error is the one line :class:`mfgghg.i18n.MissingTranslation` gives."""
    from mfgghg.i18n import translations
    from mfgghg.runner.site import shown_source

    table = translations(reference)
    for source in sources:
        shown_source(source, "en", table)


# What the yearly run hands the fork server (KernelForkServer.call) for its preflight.
PREFLIGHT_FUNCTION = f"{__name__}:preflight_year"


def preflight_year(year: int, raw_root: str | os.PathLike, processed_root: str | os.PathLike,
                   figures_root: str | os.PathLike, lang: str, strict: bool) -> None:
    """:func:`preflight` of a report year given by its folders (plain values, as the fork server
    receives them)."""
    preflight(YearPaths.for_year(year, raw_root, processed_root, figures_root, lang), strict)

"""Checks: published figures against their recomputation, with one verdict vocabulary.

Contract: a check table has the columns :data:`mfgghg.checks.verdict.CHECK_COLUMNS`; its verdict is
one of ``equal``, ``rounds to published``, ``truncates to published``, ``within tolerance``, ``not
printed`` (these agree) or ``differs``, judged at the precision the report prints: the published side
is always the printed text (the ingest ships every published table as printed, ``*_printed``, and
the headlines' ``value_printed``). Explanations are data (``data/raw/<year>/*_notes.csv``) and are
joined in one way only, :func:`mfgghg.checks.notes.attach_notes`, which refuses a note for a check
that does not exist. Differences are shown and explained, never forced to zero.

Imports go one way: :mod:`.verdict` (the core) ← :mod:`.notes` ← the topic modules (:mod:`.status`,
:mod:`.budget`, :mod:`.emissions`, :mod:`.intensity`, :mod:`.netzero`, :mod:`.table4_trace`,
:mod:`.headline_readings`) ← :mod:`.reconcile` (the assembler of notebook 01's table). Checks read
only the data room; analysis may use them, never the other way.
"""

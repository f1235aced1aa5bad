"""Checks: published figures against their recomputation, with one verdict vocabulary.

Contract: a check table has the columns :data:`mfgghg.checks.reconcile.CHECK_COLUMNS`; its
verdict is one of ``equal``, ``rounds to published``, ``truncates to published``, ``within
tolerance``, ``not printed`` (these agree) or ``differs``, judged at the precision the report
prints. Explanations are data (``data/raw/<year>/*_notes.csv``) and are joined in one way only,
:func:`mfgghg.checks.reconcile.attach_notes`, which refuses a note for a check that does not exist.
Differences are shown and explained, never forced to zero.
"""

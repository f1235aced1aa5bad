"""The reconciliation table (notebook 01 and the runner's ``--strict``): every published aggregate
beside its recomputation, assembled from the topic modules (:mod:`.status`, :mod:`.budget`,
:mod:`.emissions`, :mod:`.table4_trace`, :mod:`.headline_readings`), with verdicts
(:mod:`.verdict`) and explanations (:mod:`.notes`), and the check that none is left unexplained.
"""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.budget import reconcile_budget
from mfgghg.checks.emissions import reconcile_emissions
from mfgghg.checks.headline_readings import by_type_checks
from mfgghg.checks.notes import attach_notes, refuse_notes_outside_namespaces, unexplained_differences
from mfgghg.checks.status import reconcile_headlines, reconcile_status, reconcile_table4
from mfgghg.checks.table4_trace import trace_table4

# The namespaces of the checks assembled here: a note in one of them must explain one of its checks.
RECONCILIATION_NAMESPACES = ("table2", "table3", "table4", "table5", "table6", "headline")


def reconciliation_table(ingested, notes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every published aggregate beside its recomputation, with verdict and explanation.

    Explanations come from ``notes`` or else the year's notes (every ``*_notes.csv``); a note in the
    namespaces of these checks (:data:`RECONCILIATION_NAMESPACES`) must name one of them."""
    t = ingested.tables
    if notes is None:
        notes = t.get("notes")
    refuse_notes_outside_namespaces(notes)
    parts = [
        reconcile_status(t["measures"], t["published_table2_printed"], t["published_table3_printed"]),
        reconcile_budget(t["measures"], t["measure_funding"], t["published_budget"], t["published_table5_printed"]),
        reconcile_emissions(t["emissions"], t["published_table6_printed"]),
        reconcile_table4(t["measures"], t["published_table4_printed"]),
        reconcile_headlines(t["measures"], t["measure_funding"], t["published_budget"], t["published_headlines"]),
    ]
    if "table4_measure_map" in t:  # Table 4 item by item, through the measures its counts map to
        parts.append(trace_table4(t["published_table4_printed"], t["table4_measure_map"], t["measures"]))
    parts.append(by_type_checks(t["measures"], t["published_headlines"]))  # the headline read by measure type
    return attach_notes(pd.concat(parts, ignore_index=True), notes, owns=RECONCILIATION_NAMESPACES)


CHECK_GROUPS = {
    "table2": "表 2 status by pillar",
    "table3": "表 3 status by ministry",
    "table4": "表 4 results summary",
    "table5": "表 5 budget",
    "table6": "表 6 emissions",
    "headline": "headline figures of the text",
}


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per published table: how many checks, how many agree, how many differ."""
    group = table["check_id"].str.split(".").str[0].map(CHECK_GROUPS).fillna("other")
    s = table.groupby(group, sort=False).agg(checks=("check_id", "size"), agree=("agrees", "sum"))
    s["differ"] = s["checks"] - s["agree"]
    s.index.name = "published"
    return s.reset_index()



def enforce(table: pd.DataFrame, strict: bool) -> pd.DataFrame:
    """The unexplained differences; with ``strict`` any of them is an error (one line per run)."""
    from mfgghg.errors import ReconciliationError

    open_issues = unexplained_differences(table)
    if strict and len(open_issues):
        first = open_issues.iloc[0]
        raise ReconciliationError(
            f"{len(open_issues)} published figure(s) differ from their recomputation without an explanation, "
            f"first {first['check_id']}: published {first['published']:g}, recomputed {first['recomputed']:g} "
            f"{first['unit']} (explain it in a *_notes.csv, or run without --strict)"
        )
    return open_issues

"""The report-year reduction headline (1.7 百萬公噸CO2e) read two ways.

By kind (:data:`mfgghg.checks.verdict.REDUCTION_KIND_SETS`): the sum of the measures' reductions
of the kinds printed beside them (actual, expected, potential). By measure type: the sum over the
measures that Tables 2 and 3 count as substantive (實質減量), whatever kind their reduction has.

The measure types are not printed per measure; ``measure_attributes.csv`` infers them by rules
that reproduce Tables 2 and 3, and one choice (2.1.1 against 2.1.3 and 2.2.2) the tables cannot
decide. :func:`type_choice_readings` reads the headline under each of the choices the tables allow.
"""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.table4_trace import REDUCTION_UNIT as TABLE4_UNIT
from mfgghg.checks.verdict import (CHECK_COLUMNS, REDUCTION_KIND_SETS, check_row, headline_size, reduction_total,
                                   with_agreement)
from mfgghg.data.units import size_in

HEADLINE_KEY = "reduction_report_year"
TYPE_SETS = {"substantive": ("substantive",)}


def reduction_by_type(measures: pd.DataFrame, types=("substantive",)) -> float:
    """Sum of the reductions (t CO2e, any kind) of the measures of the given measure types."""
    m = measures[measures["measure_type"].isin(types)]
    return float(m["reduction_t_co2e"].fillna(0).sum())


def tonnes_per(h: pd.Series) -> float:
    """Tonnes CO2e in one unit of the headline ``h`` (indexed by its key) as printed (百萬公噸CO2e: 1e6)."""
    return headline_size(h["unit_zh"], h.name, "t_co2e")


def _headline(headlines: pd.DataFrame, key: str):
    h = headlines.set_index("key")
    return None if key not in h.index else h.loc[key]


def by_type_checks(measures: pd.DataFrame, headlines: pd.DataFrame, key: str = HEADLINE_KEY) -> pd.DataFrame:
    """The headline against the sum over each measure-type set: check ids
    ``headline.<key>.by_type.<set>`` (rows for the reconciliation table; empty without the headline)."""
    h = _headline(headlines, key)
    rows = []
    if h is not None:
        for name, types in TYPE_SETS.items():
            n = int(measures["measure_type"].isin(types).sum())
            rows.append(check_row(f"headline.{key}.by_type.{name}", h["section_zh"],
                                  f"report-year reduction vs sum of the reductions of the {n} measures typed "
                                  f"{' + '.join(types)} (any kind)",
                                  h["value_printed"], reduction_by_type(measures, types), h["unit_zh"], tonnes_per(h)))
    return with_agreement(pd.DataFrame(rows, columns=CHECK_COLUMNS))


def by_kind_checks(measures: pd.DataFrame, headlines: pd.DataFrame, key: str = HEADLINE_KEY) -> pd.DataFrame:
    """The by-kind readings, with the same check ids as :func:`mfgghg.checks.status.reconcile_headlines`
    (``headline.<key>.<kind set>``), for showing beside the by-type ones."""
    h = _headline(headlines, key)
    rows = []
    if h is not None:
        for name, kinds in REDUCTION_KIND_SETS.items():
            rows.append(check_row(f"headline.{key}.{name}", h["section_zh"],
                                  f"report-year reduction vs sum of measure reductions of kind {' + '.join(kinds)}",
                                  h["value_printed"], reduction_total(measures, kinds), h["unit_zh"], tonnes_per(h)))
    return with_agreement(pd.DataFrame(rows, columns=CHECK_COLUMNS))


def type_alternatives(measures: pd.DataFrame) -> list[tuple[str, str]]:
    """The type choices Tables 2 and 3 cannot tell apart: each inferred-substantive measure whose
    reduction is not an actual one, paired with each inferred-capacity measure of the same pillar,
    ministry and reduction kind (swapping the two leaves every cell of Tables 2 and 3 unchanged)."""
    inferred = measures[measures["measure_type_basis"] == "inferred"]
    chosen = inferred[(inferred["measure_type"] == "substantive") & inferred["reduction_kind"].notna()
                      & (inferred["reduction_kind"] != "actual")]
    pairs = []
    for _i, c in chosen.iterrows():
        same = inferred[(inferred["measure_type"] == "capacity") & (inferred["pillar"] == c["pillar"])
                        & (inferred["ministry_zh"] == c["ministry_zh"])
                        & (inferred["reduction_kind"] == c["reduction_kind"])]
        pairs += [(c["measure_id"], a) for a in same["measure_id"]]
    return pairs


def _id_part(measure_id: str) -> str:
    return str(measure_id).replace(".", "_")


def type_choice_readings(measures: pd.DataFrame, headlines: pd.DataFrame, key: str = HEADLINE_KEY) -> pd.DataFrame:
    """The by-type reading as recorded and under each alternative choice of :func:`type_alternatives`
    (``headline.<key>.by_type.substantive_<alternative>_for_<chosen>``)."""
    h = _headline(headlines, key)
    rows = []
    if h is not None:
        rows += by_type_checks(measures, headlines, key)[CHECK_COLUMNS].to_dict("records")
        for chosen, alternative in type_alternatives(measures):
            swapped = measures.assign(measure_type=measures["measure_type"].mask(
                measures["measure_id"] == chosen, "capacity").mask(measures["measure_id"] == alternative,
                                                                   "substantive"))
            rows.append(check_row(f"headline.{key}.by_type.substantive_{_id_part(alternative)}_for_{_id_part(chosen)}",
                                  h["section_zh"],
                                  f"report-year reduction vs sum over the substantive measures if {alternative} "
                                  f"were substantive instead of {chosen} (Tables 2 and 3 unchanged)",
                                  h["value_printed"], reduction_by_type(swapped), h["unit_zh"], tonnes_per(h)))
    return with_agreement(pd.DataFrame(rows, columns=CHECK_COLUMNS))


READING_COLUMNS = ["check_id", "reading", "basis", "published", "recomputed", "difference", "unit", "verdict",
                   "rounds_to_headline"]


def table4_items_check(table4: pd.DataFrame | None, headlines: pd.DataFrame, key: str = HEADLINE_KEY) -> pd.DataFrame:
    """The headline against the sum of the reductions Table 4 prints for its items
    (``headline.<key>.table4_items``): another sum the headline may be. Empty without Table 4 or the headline."""
    h = _headline(headlines, key)
    rows = []
    printed = (pd.Series(dtype=float) if table4 is None else  # (kept as printed text)
               pd.to_numeric(table4["reduction_10k_t_co2e"], errors="coerce").dropna())
    if h is not None and len(printed):
        rows.append(check_row(f"headline.{key}.table4_items", h["section_zh"],
                              f"report-year reduction vs sum of the reductions Table 4 prints for its "
                              f"{len(printed)} items",
                              h["value_printed"], float(printed.sum()) * size_in(TABLE4_UNIT, "t_co2e"), h["unit_zh"],
                              tonnes_per(h)))
    return with_agreement(pd.DataFrame(rows, columns=CHECK_COLUMNS))


def reduction_readings(measures: pd.DataFrame, headlines: pd.DataFrame, key: str = HEADLINE_KEY,
                       table4: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every reading of the headline side by side: by kind, by type, by type under the alternative
    choices, and (with ``table4``, Table 4 as printed) the sum of Table 4's items; ``rounds_to_headline``
    is the project's verdict (equal / rounds / truncates). Several may round to the headline: the report
    does not say which sum it is."""
    parts = [by_kind_checks(measures, headlines, key).assign(basis="kind"),
             type_choice_readings(measures, headlines, key),
             table4_items_check(table4, headlines, key).assign(basis="Table 4")]
    parts[1] = parts[1].assign(basis=["type" if c.endswith(".by_type.substantive") else "type, alternative choice"
                                      for c in parts[1]["check_id"]])
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=CHECK_COLUMNS + ["agrees", "basis"])
    prefix = f"headline.{key}."
    out["reading"] = out["check_id"].str.slice(len(prefix))
    out["rounds_to_headline"] = out["agrees"].astype(bool)
    return out[READING_COLUMNS].reset_index(drop=True)


def readings_that_round(readings: pd.DataFrame) -> list[str]:
    """The readings (names) whose sum rounds to the headline at its printed precision."""
    return readings.loc[readings["rounds_to_headline"], "reading"].tolist()

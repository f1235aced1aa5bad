"""Checks of execution status (notebooks 01 and 02): Tables 2 and 3 against the measures' status
counts, Table 4's reductions against the measures', and the text's headline figures (counts,
reductions, money) against the measures."""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.verdict import (CHECK_COLUMNS, REDUCTION_KIND_SETS, check_row, headline_size, reduction_total,
                                   with_agreement)
from mfgghg.data.ingest import STATUS_GROUPS
from mfgghg.checks.budget import plan_period_keys
from mfgghg.checks.table4_trace import REDUCTION_UNIT as TABLE4_UNIT
from mfgghg.data.units import printed_decimals, size_in


def status_counts(measures: pd.DataFrame, by: str) -> pd.DataFrame:
    """Achieved / not achieved / subtotal / rate per ``by`` group and measure type, with a total.

    Long form like the published tables: group, measure_type (substantive, capacity, all),
    achieved, not_achieved, subtotal, rate_pct. The rate is NaN where a group has no measures.
    """
    m = measures.assign(group=measures[by].astype(str))
    groups = list(dict.fromkeys(m["group"])) + ["total"]
    rows = []
    for group in groups:
        g = m if group == "total" else m[m["group"] == group]
        for mtype in ("substantive", "capacity", "all"):
            t = g if mtype == "all" else g[g["measure_type"] == mtype]
            achieved = int((t["status"] == "achieved").sum())
            not_achieved = int((t["status"] == "not_achieved").sum())
            subtotal = achieved + not_achieved
            rows.append({
                "group": group, "measure_type": mtype, "achieved": achieved, "not_achieved": not_achieved,
                "subtotal": subtotal, "rate_pct": 100 * achieved / subtotal if subtotal else float("nan"),
            })
    return pd.DataFrame(rows)


# The two status tables: check-id namespace, the column naming the group, the source shown.
STATUS_TABLES = (("table2", "pillar", "表 2"), ("table3", "ministry_zh", "表 3"))


def status_cells(letter: str) -> dict[str, str]:
    """The printed columns of one measure type (``a``, ``b``, ``c``) of Tables 2 and 3, by count."""
    return {"achieved": f"{letter}1_achieved", "not_achieved": f"{letter}2_not_achieved",
            "subtotal": "c_total" if letter == "c" else f"{letter}_subtotal", "rate_pct": f"{letter}_rate_pct"}


def reconcile_status(measures: pd.DataFrame, table2_printed: pd.DataFrame,
                     table3_printed: pd.DataFrame) -> pd.DataFrame:
    """Tables 2 (by pillar) and 3 (by ministry) cell by cell: published, recomputed, verdict. The
    published cells are the tables as printed (``published_table2_printed``, ``published_table3_printed``):
    each is judged at the decimals it prints."""
    rows = []
    for (table, by, label), printed in zip(STATUS_TABLES, (table2_printed, table3_printed)):
        recomputed = status_counts(measures, by).set_index(["group", "measure_type"])
        for letter, mtype in STATUS_GROUPS.items():
            for _, r in printed.iterrows():
                key = (str(r[by]), mtype)
                rec = recomputed.loc[key] if key in recomputed.index else None
                for col, printed_col in status_cells(letter).items():
                    rows.append(check_row(
                        f"{table}.{key[0]}.{key[1]}.{col}", label, f"{by}={key[0]}, {key[1]}: {col}",
                        r[printed_col], None if rec is None else rec[col], "%" if col == "rate_pct" else "項",
                    ))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def compare_status(measures: pd.DataFrame, table2_printed: pd.DataFrame, table3_printed: pd.DataFrame) -> pd.DataFrame:
    """Tables 2 and 3 cell by cell (:func:`reconcile_status`), with ``agrees``."""
    return with_agreement(reconcile_status(measures, table2_printed, table3_printed))


def reconcile_headlines(measures, funding, published_budget, headlines: pd.DataFrame) -> pd.DataFrame:
    """Headline figures of the text that measure-level data can recompute, each read in the unit the
    text prints it in (its ``unit_zh``: a reduction in 百萬公噸 or in 萬公噸, money in 億元 or in 萬元)."""
    h = headlines.set_index("key")
    rows = []

    def add(key, check_id, description, recomputed, base="count", tolerance=None):
        if key in h.index:
            rows.append(check_row(check_id, h.at[key, "section_zh"], description, h.at[key, "value_printed"],
                                  recomputed, h.at[key, "unit_zh"], headline_size(h.at[key, "unit_zh"], key, base),
                                  tolerance))

    add("measures", "headline.measures", "number of measures in the annex", len(measures))
    add("strategies", "headline.strategies", "number of strategies (distinct x.y of the measure ids)",
        measures["strategy_id"].nunique())
    add("substantive_measures", "headline.substantive_measures", "measures typed substantive",
        (measures["measure_type"] == "substantive").sum())
    add("capacity_measures", "headline.capacity_measures", "measures typed capacity",
        (measures["measure_type"] == "capacity").sum())
    for name, kinds in REDUCTION_KIND_SETS.items():
        add("reduction_report_year", f"headline.reduction_report_year.{name}",
            f"report-year reduction vs sum of measure reductions of kind {' + '.join(kinds)}",
            reduction_total(measures, kinds), "t_co2e")
    add("reduction_heading_report_year", "headline.reduction_heading_report_year",
        "section heading's reduction vs sum of actual + expected measure reductions",
        reduction_total(measures, REDUCTION_KIND_SETS["actual_expected"]), "t_co2e")
    total = funding["amount_twd"].sum()
    public = funding.loc[funding["is_public"], "amount_twd"].sum()
    add("actual_budget_report_year", "headline.actual_budget_report_year.all_sources",
        "report-year spending vs annex funding, all sources", total, "twd")
    add("actual_budget_report_year", "headline.actual_budget_report_year.public_only",
        "report-year spending vs annex funding, public only", public, "twd")
    add("actual_budget_report_year_section_2", "headline.actual_budget_report_year_section_2",
        "report-year spending (second mention) vs annex funding, all sources", total, "twd")
    planned = published_budget.set_index("pillar").at["total", "planned_twd"]
    for key in plan_period_keys(headlines):  # planned_budget_<first>_<last>: the plan period is the report's
        add(key, f"headline.{key}", "planned money of the plan period vs Table 5's printed total "
            "(per-measure plans are not printed)", planned, "twd")
    return pd.DataFrame(rows)


def reconcile_table4(measures: pd.DataFrame, printed: pd.DataFrame) -> pd.DataFrame:
    """Table 4's reductions summed per pillar against the measures' actual + expected reductions.

    ``printed`` is Table 4 as printed (text cells, ``published_table4_printed``): the sum of a
    pillar's printed reductions is compared at the most decimals its cells print."""
    rows = []
    kinds = REDUCTION_KIND_SETS["actual_expected"]
    table4_unit = (TABLE4_UNIT, size_in(TABLE4_UNIT, "t_co2e"))  # (the printed unit, and tonnes in one of it)
    m = measures[measures["reduction_kind"].isin(kinds)]
    by_pillar = m.groupby(m["pillar"].astype(int))["reduction_t_co2e"].sum()
    text = printed["reduction_10k_t_co2e"].fillna("").astype(str).str.strip()
    t4 = pd.DataFrame({"pillar": printed["pillar"].astype(int), "printed": text,
                       "value": pd.to_numeric(text.str.replace(",", ""), errors="coerce")})
    for pillar, g in t4.groupby("pillar"):
        decimals = max((printed_decimals(s) for s in g["printed"] if s), default=0)
        rows.append(check_row(f"table4.{pillar}.reduction", "表 4",
                              f"pillar {pillar}: sum of Table 4 reductions vs measures' actual + expected",
                              f"{g['value'].sum():.{decimals}f}", by_pillar.get(int(pillar), 0.0), *table4_unit))
    decimals = max((printed_decimals(s) for s in t4["printed"] if s), default=0)
    rows.append(check_row("table4.total.reduction", "表 4",
                          "all pillars: sum of Table 4 reductions vs measures' actual + expected",
                          f"{t4['value'].sum():.{decimals}f}", by_pillar.sum(), *table4_unit))
    return pd.DataFrame(rows)



def compare_table4(measures: pd.DataFrame, table4_printed: pd.DataFrame) -> pd.DataFrame:
    """Table 4's reductions per pillar against the measures (:func:`reconcile_table4`), at the
    precision Table 4 prints (``published_table4_printed``)."""
    return with_agreement(reconcile_table4(measures, table4_printed))


TABLE1_HEADLINES = ("headline.strategies", "headline.measures", "headline.substantive_measures",
                    "headline.capacity_measures", "headline.actual_budget_report_year.")
REDUCTION_HEADLINES = ("headline.reduction_report_year.", "headline.reduction_heading_report_year")


def headline_checks(measures, funding, published_budget, headlines, prefixes: tuple) -> pd.DataFrame:
    """The text's headline figures whose check_id starts with one of ``prefixes``, against the
    measures (:func:`reconcile_headlines`), with ``agrees``."""
    checks = reconcile_headlines(measures, funding, published_budget, headlines)
    checks = checks[checks["check_id"].str.startswith(prefixes)]
    return with_agreement(checks).reset_index(drop=True)


def reduction_checks(measures, funding, published_budget, headlines) -> pd.DataFrame:
    """The headline reduction(s) against the measures' sums per kind set."""
    return headline_checks(measures, funding, published_budget, headlines, REDUCTION_HEADLINES)

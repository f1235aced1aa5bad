"""Checks of money (notebooks 01 and 05): Table 5 against the annex's per-measure funding, its totals
against its rows, the text's money figures against both, and which funding sources Table 5 counts.

Notebook 05's checks carry the prefix ``budget.`` (namespace ``budget``), so the explanations in
``budget_notes.csv`` never clash with those of ``reconciliation_notes.csv`` (``table5``).
"""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.notes import attach_notes, unexplained_differences
from mfgghg.checks.verdict import AGREES, check_row
from mfgghg.data.units import unit

CHECK_PREFIX = "budget."
BUDGET_NAMESPACES = ("budget",)  # the namespace of this module's budget.* checks (notes: budget_notes.csv)
MONEY_UNIT = "萬元"  # the unit Table 5 and the annex print money in
MONEY_PRINTED = (MONEY_UNIT, unit(MONEY_UNIT).factor)  # check_row's unit and factor: the unit, NT$ in one of it

# Candidate readings of "what Table 5's actual column counts", as masks over measure_funding rows.
SOURCE_CANDIDATES = {
    "all_sources": ("all sources (公務預算, funds, 國營事業預算, 民間投資)",
                    lambda f: pd.Series(True, index=f.index)),
    "public_only": ("public sources only (no 民間投資)", lambda f: f["is_public"].astype(bool)),
    "public_without_soe": ("public sources without 國營事業預算",
                           lambda f: f["is_public"].astype(bool) & (f["source_category"] != "soe_budget")),
    "government_budget_only": ("公務預算 only", lambda f: f["source_category"] == "government_budget"),
}


def funding_by_pillar(measures: pd.DataFrame, funding: pd.DataFrame, public_only: bool = False) -> pd.Series:
    """Report-year funding (TWD) summed per pillar; with ``public_only`` private investment is left out."""
    f = funding[funding["is_public"]] if public_only else funding
    pillar = measures.set_index("measure_id")["pillar"].astype(str)
    sums = f.groupby(f["measure_id"].map(pillar))["amount_twd"].sum()
    return sums.reindex(sorted(pillar.unique()), fill_value=0.0)


def table5_text(table5_printed: pd.DataFrame) -> dict:
    """Table 5 as printed (``published_table5_printed``), keyed ``(pillar, "actual" | "planned" | "rate")``."""
    text = {}
    for _, r in table5_printed.iterrows():
        pillar = str(r["pillar"])
        text[(pillar, "actual")] = r["actual_10k_twd"]
        text[(pillar, "planned")] = r["planned_10k_twd"]
        text[(pillar, "rate")] = r["execution_rate_pct"]
    return text


def reconcile_budget(measures, funding, published_budget, table5_printed: pd.DataFrame) -> pd.DataFrame:
    """Table 5's report-year column against per-measure funding (all sources, and public only), and its
    total against the sum of its rows; each cell judged at the decimals Table 5 prints
    (``published_table5_printed``)."""
    budget_text = table5_text(table5_printed)
    rows = []
    all_sources = funding_by_pillar(measures, funding)
    public = funding_by_pillar(measures, funding, public_only=True)
    pub = published_budget.set_index("pillar")
    for pillar in [p for p in pub.index if p != "total"]:
        rows.append(check_row(f"table5.{pillar}.actual.all_sources", "表 5",
                              f"pillar {pillar}: report-year actual vs annex funding, all sources",
                              budget_text[(pillar, "actual")], all_sources.get(pillar), *MONEY_PRINTED))
        rows.append(check_row(f"table5.{pillar}.actual.public_only", "表 5",
                              f"pillar {pillar}: report-year actual vs annex funding, public sources only",
                              budget_text[(pillar, "actual")], public.get(pillar), *MONEY_PRINTED))
    rows.append(check_row("table5.total.actual.all_sources", "表 5",
                          "total: report-year actual vs annex funding, all sources",
                          budget_text[("total", "actual")], all_sources.sum(), *MONEY_PRINTED))
    body = pub.drop(index="total")
    n = len(body)
    for col, label in (("actual_twd", "actual"), ("planned_twd", "planned")):
        rows.append(check_row(f"table5.total.{label}.sum_of_rows", "表 5",
                              f"total {label} vs the sum of the printed rows",
                              budget_text[("total", label)], body[col].sum(), *MONEY_PRINTED,
                              tolerance=0.5 * n))  # each row may be off by half a unit
    for pillar in pub.index:
        rate = 100 * pub.at[pillar, "actual_twd"] / pub.at[pillar, "planned_twd"]
        rows.append(check_row(f"table5.{pillar}.rate", "表 5",
                              f"pillar {pillar}: execution rate B/A from the printed A and B",
                              budget_text[(pillar, "rate")], rate, "%"))
    return pd.DataFrame(rows)


def reconcile_table5(measures: pd.DataFrame, funding: pd.DataFrame, published_budget: pd.DataFrame,
                     table5_printed: pd.DataFrame) -> pd.DataFrame:
    """Table 5 cell by cell: :func:`reconcile_budget` (report-year column against the annex, all
    sources and public only; totals against the sums of their printed rows; rates from the printed A
    and B), plus each execution rate from the recomputed actual over the printed plan."""
    text = table5_text(table5_printed)
    rows = reconcile_budget(measures, funding, published_budget, table5_printed)
    all_sources = funding_by_pillar(measures, funding)
    pub = published_budget.set_index(published_budget["pillar"].astype(str))
    extra = []
    for pillar in pub.index:
        actual = all_sources.sum() if pillar == "total" else all_sources.get(pillar, 0.0)
        extra.append(check_row(
            f"table5.{pillar}.rate.recomputed_actual", "表 5",
            f"pillar {pillar}: execution rate from the annex's actual (all sources) over the printed plan",
            text[(pillar, "rate")], 100 * actual / pub.at[pillar, "planned_twd"], "%"))
    out = pd.concat([rows, pd.DataFrame(extra)], ignore_index=True)
    out["check_id"] = CHECK_PREFIX + out["check_id"]
    return out


PLANNED_BUDGET_PREFIX = "planned_budget_"


def plan_period_keys(headlines: pd.DataFrame) -> list[str]:
    """The headline keys of the plan period's money (``planned_budget_<first year>_<last year>``)."""
    keys = headlines["key"].astype(str)
    return keys[keys.str.startswith(PLANNED_BUDGET_PREFIX)].tolist()


def reconcile_budget_headlines(measures: pd.DataFrame, funding: pd.DataFrame, published_budget: pd.DataFrame,
                               headlines: pd.DataFrame) -> pd.DataFrame:
    """Every money figure of the text (headline keys ``actual_budget*`` and ``planned_budget*``)
    against the annex (all sources, public only) and against Table 5's printed totals."""
    pub = published_budget.set_index(published_budget["pillar"].astype(str))
    body = pub.drop(index="total")
    total_all = float(funding["amount_twd"].sum())
    total_public = float(funding.loc[funding["is_public"].astype(bool), "amount_twd"].sum())
    rows = []
    for h in headlines.itertuples(index=False):
        key = str(h.key)
        factor = unit(h.unit_zh).factor

        def add(suffix, desc, value, h=h, key=key, factor=factor):
            rows.append(check_row(f"{CHECK_PREFIX}headline.{key}.{suffix}", h.section_zh, desc, h.value_printed,
                                  value, h.unit_zh, factor))

        if key.startswith("actual_budget"):
            add("all_sources", f"{key}: vs the annex's funding, all sources", total_all)
            add("public_only", f"{key}: vs the annex's funding, public sources only", total_public)
            add("table5_total", f"{key}: vs Table 5's printed total (B)", pub.at["total", "actual_twd"])
        elif key.startswith(PLANNED_BUDGET_PREFIX):
            add("table5_total", f"{key}: vs Table 5's printed total (A) (per-measure plans are not printed)",
                pub.at["total", "planned_twd"])
            add("table5_sum_of_rows", f"{key}: vs the sum of Table 5's printed rows (A)",
                body["planned_twd"].sum())
    return pd.DataFrame(rows)


def budget_comparison(measures, funding, published_budget, table5_printed, headlines, notes=None) -> pd.DataFrame:
    """All of notebook 05's comparisons with published figures: Table 5 and the text's money
    figures, with verdict, whether it agrees at printed precision, and the explanation."""
    table = pd.concat([reconcile_table5(measures, funding, published_budget, table5_printed),
                       reconcile_budget_headlines(measures, funding, published_budget, headlines)],
                      ignore_index=True)
    return attach_notes(table, notes, owns=BUDGET_NAMESPACES)


def unexplained(comparison: pd.DataFrame) -> pd.DataFrame:
    """Comparisons that disagree at printed precision and have no explanation yet
    (:func:`mfgghg.checks.notes.unexplained_differences`), in short."""
    short = ["check_id", "published", "recomputed", "verdict"]
    return unexplained_differences(comparison)[short].reset_index(drop=True)


def reproducing_sources(inclusion: pd.DataFrame) -> list[str]:
    """The candidate sets of sources (:func:`source_inclusion`) that reproduce every row of Table 5's
    actual column: the sources it counts, as far as the data decide (none, one, or several that fit)."""
    return inclusion.loc[inclusion["reproduces_table5"], "sources"].tolist()


def plan_period_headlines(headlines: pd.DataFrame) -> pd.DataFrame:
    """The text's figures of the plan period's money, as printed, with where."""
    return headlines.loc[headlines["key"].isin(plan_period_keys(headlines)),
                         ["key", "value_printed", "unit_zh", "section_zh"]]


def source_inclusion(measures: pd.DataFrame, funding: pd.DataFrame, published_budget: pd.DataFrame,
                     table5_printed: pd.DataFrame) -> pd.DataFrame:
    """Which funding sources Table 5's actual column counts, shown rather than asserted: for each
    candidate set of sources, the annex summed per pillar and in total against Table 5 at printed
    precision. One row per candidate: rows agreeing, rows compared, and whether all agree."""
    text = table5_text(table5_printed)
    pub = published_budget.set_index(published_budget["pillar"].astype(str))
    rows = []
    for name, (label, mask) in SOURCE_CANDIDATES.items():
        sums = funding_by_pillar(measures, funding[mask(funding)])
        checks = [check_row(name, "表 5", label, text[(p, "actual")],
                            sums.sum() if p == "total" else sums.get(p, 0.0), *MONEY_PRINTED)
                  for p in pub.index]
        verdicts = [c["verdict"] for c in checks]
        rows.append({
            "candidate": name, "sources": label,
            "recomputed_total_twd": float(sums.sum()),
            "published_total_twd": float(pub.at["total", "actual_twd"]),
            "rows_agreeing": sum(v in AGREES for v in verdicts), "rows": len(verdicts),
            "reproduces_table5": all(v in AGREES for v in verdicts),
        })
    return pd.DataFrame(rows)

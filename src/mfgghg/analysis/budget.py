"""Money: Table 5 rebuilt from the annex's per-measure funding, spending by source, per measure,
per tonne of reported reduction, and shares of money against shares of reductions.

The annex prints, per measure, the report year's actual money (實際經費) in one or more funding
sources, private investment (民間投資) among them; Table 5 prints planned (multi-year) and actual
money per pillar. Planned money per measure is not printed, so Table 5's planned column can only be
compared with its own total and the text's planned headline.

Comparisons reuse :func:`mfgghg.checks.reconcile.reconcile_budget` and :func:`mfgghg.checks.reconcile.check_row`;
their check ids carry the prefix ``budget.`` so the explanations in ``budget_notes.csv`` never clash
with those of ``reconciliation_notes.csv``.
"""

from __future__ import annotations

import math
import re
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection

from mfgghg.errors import DataError
from mfgghg.plots.style import PALETTE, figure_style, omit_unseen_minor_ticks, source_line
from mfgghg.i18n import _, get_lang
from mfgghg.data.paths import roc_year
from mfgghg.checks.reconcile import (with_agreement, AGREES, REDUCTION_KIND_SETS, check_notes_known, check_row, funding_by_pillar, join_notes,
                        reconcile_budget, unexplained_differences)
from mfgghg.data.units import from_base, unit

NOTES_FILE = "budget_notes.csv"
CHECK_PREFIX = "budget."
MONEY_UNIT = "萬元"  # the unit Table 5 and the annex print money in
SOURCE_CATEGORY_ORDER = ("government_budget", "special_fund", "soe_budget", "private_investment")
# The reductions the text's headline counts (shown by the reconciliation of the reduction headline);
# potentials are kept apart everywhere.
COUNTED_KINDS = REDUCTION_KIND_SETS["actual_expected"]
KIND_ZH = {"actual": "實質", "expected": "預期", "potential": "潛力"}
# Legend entries of the kinds (texts of translations.csv).
KIND_LEGEND_ZH = {"actual": "實質減碳", "expected": "預期減碳", "potential": "減碳潛力"}

# Candidate readings of "what Table 5's actual column counts", as masks over measure_funding rows.
SOURCE_CANDIDATES = {
    "all_sources": ("all sources (公務預算, funds, 國營事業預算, 民間投資)",
                    lambda f: pd.Series(True, index=f.index)),
    "public_only": ("public sources only (no 民間投資)", lambda f: f["is_public"].astype(bool)),
    "public_without_soe": ("public sources without 國營事業預算",
                           lambda f: f["is_public"].astype(bool) & (f["source_category"] != "soe_budget")),
    "government_budget_only": ("公務預算 only", lambda f: f["source_category"] == "government_budget"),
}


# ---------------------------------------------------------------------------------------------
# Helpers


def _ordered_groups(measures: pd.DataFrame, by: str) -> list[str]:
    """Groups in the order of the measure list (pillars 1, 2, 3; ministries as they first appear)."""
    return list(dict.fromkeys(measures[by].astype(str)))


def money_in(df: pd.DataFrame, unit_name: str = MONEY_UNIT) -> pd.DataFrame:
    """A copy with every ``*_twd`` column expressed in ``unit_name`` and renamed ``* [unit]``."""
    out = df.copy()
    for col in [c for c in df.columns if c.endswith("_twd")]:
        out[col] = from_base(out[col], unit_name)
        out = out.rename(columns={col: f"{col[:-len('_twd')]} [{unit_name}]"})
    return out


def table5_printed_text(published_budget: pd.DataFrame) -> dict:
    """Table 5 as printed, keyed like :func:`mfgghg.checks.reconcile.reconcile_budget` wants it:
    ``{(pillar, "actual" | "planned" | "rate"): text}``.

    published_budget.csv holds TWD. Table 5 prints whole 萬元 and whole percentages, so the printed
    text (whose decimals set check_row's precision) is the value converted back to 萬元 (or %) and
    written as an integer string. A value that is not whole in the printed unit breaks that
    assumption and is an error rather than a silently changed precision."""
    text = {}
    for row_no, r in enumerate(published_budget.itertuples(index=False), start=2):
        for key, col, unit_name in (("planned", "planned_twd", MONEY_UNIT),
                                    ("actual", "actual_twd", MONEY_UNIT),
                                    ("rate", "execution_rate_pct", "%")):
            v = from_base(float(getattr(r, col)), unit_name)
            if not math.isfinite(v) or abs(v - round(v)) > 1e-6:
                raise DataError("published_budget.csv", f"{v!r} {unit_name} is not a whole number as Table 5 prints it",
                                row=row_no, column=col)
            text[(str(r.pillar), key)] = str(int(round(v)))
    return text


# ---------------------------------------------------------------------------------------------
# 1. Table 5


def table5_rebuilt(measures: pd.DataFrame, funding: pd.DataFrame, published_budget: pd.DataFrame,
                   pillars: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 5 beside its recomputation, one row per pillar and a total.

    Planned money is the printed one (the annex has no per-measure plan). The recomputed actual is
    the annex's funding summed per pillar, from all sources and from public sources only; the
    recomputed execution rate is the recomputed actual (all sources) over the printed plan."""
    pub = published_budget.set_index(published_budget["pillar"].astype(str))
    if "total" not in pub.index:
        raise DataError("published_budget.csv", "no 'total' row (總計)", column="pillar")
    all_sources = funding_by_pillar(measures, funding)
    public = funding_by_pillar(measures, funding, public_only=True)
    body = [p for p in pub.index if p != "total"]
    missing = sorted(set(all_sources.index) - set(body))
    if missing:
        raise DataError("published_budget.csv", f"no row for pillar {missing[0]} of the measures", column="pillar")
    out = pd.DataFrame({"pillar": body + ["total"]})
    out["planned_published_twd"] = out["pillar"].map(pub["planned_twd"])
    out["actual_published_twd"] = out["pillar"].map(pub["actual_twd"])
    out["actual_all_sources_twd"] = out["pillar"].map(all_sources.reindex(body, fill_value=0.0))
    out["actual_public_twd"] = out["pillar"].map(public.reindex(body, fill_value=0.0))
    total = out["pillar"] == "total"
    out.loc[total, "actual_all_sources_twd"] = all_sources.sum()
    out.loc[total, "actual_public_twd"] = public.sum()
    out["actual_private_twd"] = out["actual_all_sources_twd"] - out["actual_public_twd"]
    out["actual_difference_twd"] = out["actual_all_sources_twd"] - out["actual_published_twd"]
    out["rate_published_pct"] = out["pillar"].map(pub["execution_rate_pct"])
    out["rate_recomputed_pct"] = 100 * out["actual_all_sources_twd"] / out["planned_published_twd"]
    if pillars is not None:
        names = pillars.set_index(pillars["pillar"].astype(str))["name_zh"]
        out.insert(1, "name_zh", out["pillar"].map(names).fillna("總計"))
    return out


def reconcile_table5(measures: pd.DataFrame, funding: pd.DataFrame, published_budget: pd.DataFrame) -> pd.DataFrame:
    """Table 5 cell by cell: :func:`mfgghg.checks.reconcile.reconcile_budget` (report-year column against the annex,
    all sources and public only; totals against the sums of their printed rows; rates from the
    printed A and B), plus each execution rate from the recomputed actual over the printed plan."""
    text = table5_printed_text(published_budget)
    rows = reconcile_budget(measures, funding, published_budget, text)
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
        add = lambda suffix, desc, value: rows.append(check_row(  # noqa: E731
            f"{CHECK_PREFIX}headline.{key}.{suffix}", h.section_zh, desc, h.value_printed, value, h.unit_zh, factor))
        if key.startswith("actual_budget"):
            add("all_sources", f"{key}: vs the annex's funding, all sources", total_all)
            add("public_only", f"{key}: vs the annex's funding, public sources only", total_public)
            add("table5_total", f"{key}: vs Table 5's printed total (B)", pub.at["total", "actual_twd"])
        elif key.startswith("planned_budget"):
            add("table5_total", f"{key}: vs Table 5's printed total (A) (per-measure plans are not printed)",
                pub.at["total", "planned_twd"])
            add("table5_sum_of_rows", f"{key}: vs the sum of Table 5's printed rows (A)",
                body["planned_twd"].sum())
    return pd.DataFrame(rows)


def attach_notes(table: pd.DataFrame, notes: pd.DataFrame | None, notes_file: str = NOTES_FILE) -> pd.DataFrame:
    """``table`` with an ``explanation`` column from the notes of ``notes_file`` (processed notes.csv
    has a ``file`` column; a raw notes file has none). A note whose check_id the table lacks is an error."""
    check_notes_known(notes, notes_file, table["check_id"])
    if notes is not None and len(notes) and "file" in notes.columns:
        notes = notes[notes["file"] == notes_file]
    return join_notes(table, notes)


def budget_comparison(measures, funding, published_budget, headlines, notes=None) -> pd.DataFrame:
    """All of this notebook's comparisons with published figures: Table 5 and the text's money
    figures, with verdict, whether it agrees at printed precision, and the explanation."""
    table = pd.concat([reconcile_table5(measures, funding, published_budget),
                       reconcile_budget_headlines(measures, funding, published_budget, headlines)],
                      ignore_index=True)
    table = with_agreement(table)
    return attach_notes(table, notes)


def differences(comparison: pd.DataFrame) -> pd.DataFrame:
    """Every comparison that is not an exact match (rounding included), with its explanation."""
    cols = ["check_id", "published", "recomputed", "difference", "unit", "verdict", "explanation"]
    return comparison.loc[comparison["verdict"] != "equal", cols].reset_index(drop=True)


def unexplained(comparison: pd.DataFrame) -> pd.DataFrame:
    """Comparisons that disagree at printed precision and have no explanation yet
    (:func:`mfgghg.checks.reconcile.unexplained_differences`), in short."""
    short = ["check_id", "published", "recomputed", "verdict"]
    return unexplained_differences(comparison)[short].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# 2. Where the money came from


def source_inclusion(measures: pd.DataFrame, funding: pd.DataFrame, published_budget: pd.DataFrame) -> pd.DataFrame:
    """Which funding sources Table 5's actual column counts, shown rather than asserted: for each
    candidate set of sources, the annex summed per pillar and in total against Table 5 at printed
    precision. One row per candidate: rows agreeing, rows compared, and whether all agree."""
    text = table5_printed_text(published_budget)
    pub = published_budget.set_index(published_budget["pillar"].astype(str))
    rows = []
    for name, (label, mask) in SOURCE_CANDIDATES.items():
        sums = funding_by_pillar(measures, funding[mask(funding)])
        checks = [check_row(name, "表 5", label, text[(p, "actual")],
                            sums.sum() if p == "total" else sums.get(p, 0.0), MONEY_UNIT, unit(MONEY_UNIT).factor)
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


def source_order(funding: pd.DataFrame) -> list[str]:
    """Funding sources by category (公務預算, funds, 國營事業預算, 民間投資), larger first within one."""
    rank = {c: i for i, c in enumerate(SOURCE_CATEGORY_ORDER)}
    s = funding.groupby(["source_zh", "source_category"], as_index=False)["amount_twd"].sum()
    s["rank"] = s["source_category"].map(rank).fillna(len(rank))
    return s.sort_values(["rank", "amount_twd"], ascending=[True, False])["source_zh"].tolist()


def spending_by_source(funding: pd.DataFrame) -> pd.DataFrame:
    """The year's money per funding source: category, public or not, amount, share, measures funded."""
    g = funding.groupby("source_zh").agg(source_category=("source_category", "first"), is_public=("is_public", "first"),
                                         amount_twd=("amount_twd", "sum"), measures=("measure_id", "nunique"))
    g = g.reindex(source_order(funding)).reset_index()
    g["share_pct"] = 100 * g["amount_twd"] / g["amount_twd"].sum()
    return g


def spending_by_group_and_source(measures: pd.DataFrame, funding: pd.DataFrame, by: str = "pillar") -> pd.DataFrame:
    """Money per group (pillar or ministry) and source, with public, private, total and the private
    share; a final 'total' row. Columns of sources are in :func:`source_order`."""
    group = measures.set_index("measure_id")[by].astype(str)
    f = funding.assign(group=funding["measure_id"].map(group))
    if f["group"].isna().any():
        bad = f.loc[f["group"].isna(), "measure_id"].iloc[0]
        raise DataError("measure_funding.csv", f"funding for unknown measure {bad!r}", column="measure_id")
    wide = f.pivot_table(index="group", columns="source_zh", values="amount_twd", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(index=_ordered_groups(measures, by), columns=source_order(funding), fill_value=0.0)
    wide.loc["total"] = wide.sum()
    public_sources = set(funding.loc[funding["is_public"].astype(bool), "source_zh"])
    out = wide.copy()
    out.columns = [f"{c}_twd" for c in wide.columns]
    out["public_twd"] = wide[[c for c in wide.columns if c in public_sources]].sum(axis=1)
    out["private_twd"] = wide[[c for c in wide.columns if c not in public_sources]].sum(axis=1)
    out["total_twd"] = wide.sum(axis=1)
    out["private_share_pct"] = 100 * out["private_twd"] / out["total_twd"].where(out["total_twd"] > 0)
    out.index.name = by
    return out.reset_index()


# ---------------------------------------------------------------------------------------------
# 3. Per measure


def spending_per_measure(measures: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """One row per measure: its sources, public, private and total money. A measure with no funding
    row (the annex prints '-') keeps NaN money and ``funding_printed`` False, so it is not mistaken
    for a measure that spent nothing. Sorted by pillar, then ministry (larger spender first within a
    pillar), then money (larger first); measures without money last within their group."""
    unknown = sorted(set(funding["measure_id"]) - set(measures["measure_id"]))
    if unknown:
        raise DataError("measure_funding.csv", f"funding for unknown measure {unknown[0]!r}", column="measure_id")
    f = funding.assign(public=funding["amount_twd"].where(funding["is_public"].astype(bool), 0.0))
    # Sources of a measure listed in the order of source_order (公務預算 first, 民間投資 last).
    rank = {s: i for i, s in enumerate(source_order(funding))}
    f = f.iloc[np.argsort(f["source_zh"].map(rank).to_numpy(), kind="stable")]
    g = f.groupby("measure_id").agg(
        sources_zh=("source_zh", lambda s: " + ".join(s)),
        public_twd=("public", "sum"), total_twd=("amount_twd", "sum"))
    g["private_twd"] = g["total_twd"] - g["public_twd"]
    cols = ["measure_id", "pillar", "ministry_zh", "lead_agency_zh", "name_zh", "measure_type",
            "reduction_t_co2e", "reduction_kind"]
    out = measures[cols].merge(g, left_on="measure_id", right_index=True, how="left")
    out["funding_printed"] = out["measure_id"].isin(g.index)
    out["sources_zh"] = out["sources_zh"].fillna("")
    out["pillar"] = out["pillar"].astype(str)
    ministry_total = out.groupby(["pillar", "ministry_zh"])["total_twd"].transform("sum")
    pillar_rank = {p: i for i, p in enumerate(_ordered_groups(measures, "pillar"))}
    out = out.assign(_p=out["pillar"].map(pillar_rank), _m=-ministry_total, _t=-out["total_twd"].fillna(-1.0))
    out = out.sort_values(["_p", "_m", "ministry_zh", "_t", "measure_id"]).drop(columns=["_p", "_m", "_t"])
    return out[["pillar", "ministry_zh", "measure_id", "name_zh", "lead_agency_zh", "sources_zh",
                "public_twd", "private_twd", "total_twd", "funding_printed", "measure_type",
                "reduction_t_co2e", "reduction_kind"]].reset_index(drop=True)


def spending_subtotals(per_measure: pd.DataFrame, by=("pillar", "ministry_zh")) -> pd.DataFrame:
    """Measures, measures with money, public, private and total money per group of ``by``."""
    by = list(by)
    g = per_measure.groupby(by, sort=False).agg(
        measures=("measure_id", "size"), funded=("funding_printed", "sum"),
        public_twd=("public_twd", "sum"), private_twd=("private_twd", "sum"), total_twd=("total_twd", "sum"))
    g["share_pct"] = 100 * g["total_twd"] / g["total_twd"].sum()
    return g.reset_index()


# ---------------------------------------------------------------------------------------------
# 4. Cost per tonne


def cost_per_tonne(measures: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """NT$ per t CO2e for the measures that report a reduction this year: the year's public money,
    and all money, over the year's stated reduction. Not a lifetime abatement cost.

    ``kind_group`` keeps reduction potentials apart from actual/expected reductions; ranks (1 =
    fewest NT$ per tonne) are within a kind group."""
    pm = spending_per_measure(measures, funding)
    r = pm[pm["reduction_t_co2e"].gt(0) & pm["reduction_kind"].notna()].copy()
    unknown = sorted(set(r["reduction_kind"]) - set(KIND_ZH))
    if unknown:
        raise DataError("measures.csv", f"unknown reduction_kind {unknown[0]!r}", column="reduction_kind")
    r["kind_group"] = np.where(r["reduction_kind"].isin(COUNTED_KINDS), "actual_expected", "potential")
    r["twd_per_t_public"] = r["public_twd"] / r["reduction_t_co2e"]
    r["twd_per_t_all"] = r["total_twd"] / r["reduction_t_co2e"]
    r["rank_all"] = r.groupby("kind_group")["twd_per_t_all"].rank(method="min").astype("Int64")
    r["rank_public"] = r.groupby("kind_group")["twd_per_t_public"].rank(method="min").astype("Int64")
    r["_g"] = (r["kind_group"] == "potential").astype(int)
    r = r.sort_values(["_g", "twd_per_t_all", "measure_id"]).drop(columns="_g")
    return r[["kind_group", "rank_all", "rank_public", "measure_id", "name_zh", "pillar", "ministry_zh",
              "reduction_kind", "reduction_t_co2e", "public_twd", "total_twd", "twd_per_t_public",
              "twd_per_t_all"]].reset_index(drop=True)


def measures_without_reduction(measures: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """The measures left out of the cost per tonne (no reduction reported), with their money."""
    pm = spending_per_measure(measures, funding)
    none = pm[~(pm["reduction_t_co2e"].gt(0) & pm["reduction_kind"].notna())]
    return none[["measure_id", "name_zh", "pillar", "ministry_zh", "measure_type", "public_twd",
                 "total_twd", "funding_printed"]].reset_index(drop=True)


def cost_ratio_caption(year: int) -> str:
    """What the cost-per-tonne ratio is, for the figure, in the current edition (ROC year computed,
    never typed)."""
    return _("比值＝{roc}年單一年度經費 ÷ {roc}年該措施所報單一年度減碳量；"
             "非全期或設備壽命期間之減碳成本，潛力值與實際/預期值分開列示").format(roc=roc_year(year), year=year)


# ---------------------------------------------------------------------------------------------
# 5. Share of money against share of reductions


def money_and_reduction_shares(measures: pd.DataFrame, funding: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per group (pillar or ministry of the lead agency): money (all, public), counted reductions
    (actual + expected) and potentials apart, each group's share of the total, and the gap in
    percentage points between its share of reductions and its share of money."""
    pm = spending_per_measure(measures, funding)
    pm["group"] = measures.set_index("measure_id").loc[pm["measure_id"], by].astype(str).to_numpy()
    counted = pm["reduction_t_co2e"].where(pm["reduction_kind"].isin(COUNTED_KINDS), 0.0).fillna(0.0)
    potential = pm["reduction_t_co2e"].where(pm["reduction_kind"] == "potential", 0.0).fillna(0.0)
    g = pm.assign(counted=counted, potential=potential).groupby("group").agg(
        measures=("measure_id", "size"), total_twd=("total_twd", "sum"), public_twd=("public_twd", "sum"),
        reduction_t_co2e=("counted", "sum"), potential_t_co2e=("potential", "sum"))
    g = g.reindex(_ordered_groups(measures, by))
    g["money_share_pct"] = 100 * g["total_twd"] / g["total_twd"].sum()
    g["public_money_share_pct"] = 100 * g["public_twd"] / g["public_twd"].sum()
    g["reduction_share_pct"] = 100 * g["reduction_t_co2e"] / g["reduction_t_co2e"].sum()
    g["reduction_minus_money_pts"] = g["reduction_share_pct"] - g["money_share_pct"]
    g.index.name = by
    return g.reset_index()


# ---------------------------------------------------------------------------------------------
# Figures (each returns the figure and the data behind it; the notebook saves and shows them)

HATCH_DERIVED = "//"
HATCH_PRIVATE = ".."


def figure_source(year: int, report_parts, note: str | None = None) -> str:
    """A figure's source line (:func:`mfgghg.plots.style.source_line`) followed by a note on how to read
    it (e.g. which marks are derived), both in the current edition."""
    line = source_line(year, report_parts)
    return _("{source}。{note}").format(source=line, note=_(note)) if note else line


def pillar_label(pillar) -> str:
    """'面向1' / 'Pillar 1'; the total row is '總計' / 'Total'."""
    return _("總計") if str(pillar) == "total" else _("面向{pillar}").format(pillar=pillar)


def ministry_label(name: str, short: bool = False) -> str:
    """A ministry in the current edition; ``short`` keeps only the abbreviation an English name
    ends with ('Ministry of Economic Affairs (MOEA)' → 'MOEA'), for labels that also carry a measure."""
    text = _(name)
    m = re.search(r"\(([A-Z]{2,})\)$", text) if short else None
    return m.group(1) if m else text


def _short(name: str, n: int = 16) -> str:
    """A measure name in the current edition, cut to ``n`` characters; an English letter is about half
    as wide as a CJK character and says less, so English names keep three times as many, cut at a word."""
    text = _(name)
    if get_lang() != "en":
        return text if len(text) <= n else text[: n - 1] + "…"
    limit = 3 * n
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@figure_style
def plot_table5(rebuilt: pd.DataFrame):
    """Left: the report year's actual money per pillar, published (solid) against the annex summed
    (hatched: public and private stacked). Right: execution rates, published against recomputed."""
    body = rebuilt[rebuilt["pillar"] != "total"]
    x = np.arange(len(body))
    w = 0.38
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    pub = from_base(body["actual_published_twd"], MONEY_UNIT)
    public = from_base(body["actual_public_twd"], MONEY_UNIT)
    private = from_base(body["actual_private_twd"], MONEY_UNIT)
    ax1.bar(x - w / 2, pub, w, color=PALETTE[0], label=_("表5 公布值"))
    ax1.bar(x + w / 2, public, w, color="white", edgecolor=PALETTE[2], hatch=HATCH_DERIVED,
            label=_("附件逐項加總：公部門經費（推算）"))
    ax1.bar(x + w / 2, private, w, bottom=public, color="white", edgecolor=PALETTE[1], hatch=HATCH_PRIVATE,
            label=_("附件逐項加總：民間投資（推算）"))
    for xi, p, a in zip(x, pub, public + private):
        ax1.annotate(f"{p:,.0f}", (xi - w / 2, p), ha="center", va="bottom", fontsize=8)
        ax1.annotate(f"{a:,.2f}", (xi + w / 2, a), ha="center", va="bottom", fontsize=8)
    ax1.set_xticks(x, [pillar_label(p) for p in body["pillar"]])
    ax1.set_ylabel(_("實際經費（{unit}）").format(unit=_(MONEY_UNIT)))
    ax1.set_title(_("實際經費：表5 與附件逐項加總"))
    ax1.legend(fontsize=8, loc="upper left")
    ax1.margins(y=0.3)  # room above the bars for the legend (wider in English)

    x2 = np.arange(len(rebuilt))
    ax2.bar(x2 - w / 2, rebuilt["rate_published_pct"], w, color=PALETTE[0], label=_("表5 公布執行率"))
    ax2.bar(x2 + w / 2, rebuilt["rate_recomputed_pct"], w, color="white", edgecolor=PALETTE[4],
            hatch=HATCH_DERIVED, label=_("附件加總 ÷ 表5 預期經費（推算）"))
    for xi, p, r in zip(x2, rebuilt["rate_published_pct"], rebuilt["rate_recomputed_pct"]):
        ax2.annotate(f"{p:.0f}", (xi - w / 2, p), ha="center", va="bottom", fontsize=8)
        ax2.annotate(f"{r:.1f}", (xi + w / 2, r), ha="center", va="bottom", fontsize=8)
    ax2.set_xticks(x2, [pillar_label(p) for p in rebuilt["pillar"]])
    ax2.set_ylabel(_("執行率 B/A（%）"))
    ax2.set_title(_("執行率：實際經費 ÷ 全期預期經費"))
    ax2.legend(fontsize=8, loc="upper right")
    ax2.margins(y=0.2)
    fig.tight_layout()
    data = rebuilt[["pillar", "planned_published_twd", "actual_published_twd", "actual_all_sources_twd",
                    "actual_public_twd", "actual_private_twd", "rate_published_pct", "rate_recomputed_pct"]]
    return fig, data


def by_pillar_and_ministry(by_pillar: pd.DataFrame, by_ministry: pd.DataFrame) -> pd.DataFrame:
    """The data behind a two-panel figure (per pillar, per ministry) as one table with ``group_by``."""
    return pd.concat([by_pillar.assign(group_by="pillar").rename(columns={"pillar": "group"}),
                      by_ministry.assign(group_by="ministry").rename(columns={"ministry_zh": "group"})],
                     ignore_index=True)


@figure_style
def plot_spending_by_source(by_pillar: pd.DataFrame, by_ministry: pd.DataFrame, sources: list[str],
                            private_sources: set[str]):
    """Stacked horizontal bars of the year's money by source, per pillar and per ministry (億元)."""
    fig, axes = plt.subplots(2, 1, figsize=(11, 6.5), gridspec_kw={"height_ratios": [
        max(1, len(by_pillar) - 1), max(1, len(by_ministry) - 1)]})
    for ax, table, by, title in ((axes[0], by_pillar, "pillar", "依面向"), (axes[1], by_ministry, "ministry_zh", "依部會（主辦機關所屬）")):
        t = table[table[by] != "total"].iloc[::-1]
        labels = [pillar_label(g) if by == "pillar" else ministry_label(g) for g in t[by]]
        left = np.zeros(len(t))
        public_colours = iter(PALETTE[:6] * 2)  # the two last PALETTE colours (yellow, black) stay unused
        for s in sources:
            v = from_base(t[f"{s}_twd"].to_numpy(), "億元")
            if s in private_sources:
                ax.barh(labels, v, left=left, color="white", edgecolor="#333333", hatch=HATCH_PRIVATE,
                        label=_("{source}（民間）").format(source=_(s)))
            else:
                ax.barh(labels, v, left=left, color=next(public_colours), edgecolor="white", label=_(s))
            left += v
        for y, total in enumerate(left):
            ax.annotate(f"{total:.2f}", (total, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
        ax.set_xlabel(_("實際經費（{unit}）").format(unit=_("億元")))
        ax.set_title(_(title), loc="left", fontsize=11)
        ax.margins(x=0.08)
    axes[0].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(_("實際經費來源（附件逐項加總）"))
    fig.tight_layout()
    return fig, by_pillar_and_ministry(by_pillar, by_ministry)


@figure_style
def plot_spending_per_measure(per_measure: pd.DataFrame):
    """One bar per measure (public solid, private hatched), in the table's order, grouped by pillar."""
    pm = per_measure.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(11, 0.3 * len(pm) + 1.5))
    y = np.arange(len(pm))
    public = from_base(pm["public_twd"].fillna(0.0), MONEY_UNIT)
    private = from_base(pm["private_twd"].fillna(0.0), MONEY_UNIT)
    ax.barh(y, public, color=PALETTE[0], label=_("公部門經費（公務預算、基金、國營事業預算）"))
    ax.barh(y, private, left=public, color="white", edgecolor=PALETTE[1], hatch=HATCH_PRIVATE, label=_("民間投資"))
    for yi, row, tot in zip(y, pm.itertuples(), public + private):
        text = f"{tot:,.0f}" if row.funding_printed else _("未列經費（-）")
        ax.annotate(text, (tot, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    label = _("{measure} {name}（{ministry}）")
    ax.set_yticks(y, [label.format(measure=m, name=_short(n), ministry=ministry_label(mi, short=True))
                      for m, n, mi in zip(pm["measure_id"], pm["name_zh"], pm["ministry_zh"])], fontsize=8)
    # A line between pillars so the grouping is visible.
    changes = [i for i in range(1, len(pm)) if pm.at[i, "pillar"] != pm.at[i - 1, "pillar"]]
    for i in changes:
        ax.axhline(i - 0.5, color="#555555", lw=0.8)
    ax.set_xlabel(_("實際經費（{unit}）").format(unit=_(MONEY_UNIT)))
    ax.set_ylim(-0.6, len(pm) - 0.4)
    ax.margins(x=0.1)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(_("各措施實際經費（依面向、部會排序）"))
    fig.tight_layout()
    return fig, per_measure


@figure_style
def plot_cost_per_tonne(cost: pd.DataFrame, caption: str, n_without: int):
    """NT$ per t CO2e per measure on a log axis: public money (filled) and all money (hollow),
    actual/expected in the upper panel, potentials apart in a grey lower panel."""
    groups = [g for g in ("actual_expected", "potential") if (cost["kind_group"] == g).any()]
    heights = [max(1, int((cost["kind_group"] == g).sum())) for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(11, 0.38 * sum(heights) + 2.6), sharex=True,
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    kind_colour = {"actual": PALETTE[0], "expected": PALETTE[1], "potential": "#777777"}
    for ax, g in zip(axes[:, 0], groups):
        c = cost[cost["kind_group"] == g].iloc[::-1].reset_index(drop=True)
        y = np.arange(len(c))
        colours = [kind_colour[k] for k in c["reduction_kind"]]
        public, everything = c["twd_per_t_public"].to_numpy(), c["twd_per_t_all"].to_numpy()
        # One artist for each kind of mark, all rows in it (three artists a row cost a third of this
        # figure's drawing time): lines under hollow diamonds under dots, row by row as before.
        ax.add_collection(LineCollection([[(p, yi), (a, yi)] for p, a, yi in zip(public, everything, y)],
                                         colors=colours, linewidths=1, zorder=1))
        # The hollow diamond is drawn first and larger, so a public-only measure (both ratios
        # equal) shows the dot inside the diamond.
        ax.scatter(everything, y, marker="D", facecolor="white", edgecolors=colours, zorder=2, s=64)
        ax.scatter(public, y, marker="o", c=colours, zorder=3, s=18)
        label = _("{measure} {name}［{kind}］")
        ax.set_yticks(y, [label.format(measure=r.measure_id, name=_short(r.name_zh, 14),
                                       kind=_(KIND_ZH[r.reduction_kind])) for r in c.itertuples()], fontsize=8)
        ax.set_ylim(-0.7, len(c) - 0.3)
        ax.set_xscale("log")
        if g == "potential":
            ax.set_facecolor("#f2f2f2")
            ax.set_title(_("減碳潛力（非實際減碳，另列，不與上方比較）"), loc="left", fontsize=10)
        else:
            ax.set_title(_("實質／預期減碳（依全部經費之每公噸成本排序）"), loc="left", fontsize=10)
    handles = [
        plt.Line2D([], [], marker="o", ls="", color="#333333", label=_("公部門經費 ÷ 減碳量")),
        plt.Line2D([], [], marker="D", ls="", markerfacecolor="white", markeredgecolor="#333333",
                   label=_("全部經費（含民間投資）÷ 減碳量")),
    ] + [plt.Line2D([], [], marker="s", ls="", color=kind_colour[k], label=_(KIND_LEGEND_ZH[k]))
         for k in kind_colour if (cost["reduction_kind"] == k).any()]
    # Rows are ranked cheapest first from the top, so the upper right is empty when there are enough
    # rows; with few rows the legend would cover points and goes beside the plot instead.
    if heights[0] >= 2 * len(handles):
        axes[0, 0].legend(handles=handles, fontsize=8, loc="upper right")
    else:
        axes[0, 0].legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[-1, 0].set_xlabel(_("元／公噸CO2e（對數尺度）"))
    omit_unseen_minor_ticks(axes[-1, 0].xaxis)  # (the panels share it)
    height = fig.get_figheight()
    # Layout first, then title and caption in margins given in inches (tight_layout would reserve
    # room for the suptitle a second time), so they sit just above the plot for any number of measures.
    fig.tight_layout(rect=(0, 0.3 / height, 1, 1 - 0.75 / height))
    fig.suptitle(_("每公噸減碳之經費（推算）"), y=1 - 0.1 / height, va="top")
    fig.text(0.5, 1 - 0.45 / height, caption, ha="center", va="top", fontsize=8.5, color="#333333")
    if n_without:
        fig.text(0.01, 0.05 / height, _("另有 {n} 項措施未報減碳量，未列入本圖（見表）。").format(n=n_without),
                 ha="left", va="bottom", fontsize=8, color="#555555")
    return fig, cost


@figure_style
def plot_shares(by_pillar: pd.DataFrame, by_ministry: pd.DataFrame):
    """Each group's share of money (all, public) beside its share of actual + expected reductions."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [len(by_pillar), len(by_ministry)]})
    series = (("money_share_pct", _("全部經費占比"), PALETTE[0], None),
              ("public_money_share_pct", _("公部門經費占比"), PALETTE[5], None),
              ("reduction_share_pct", _("實質＋預期減碳量占比"), PALETTE[2], HATCH_DERIVED))
    w = 0.27
    for ax, table, by, title in ((axes[0], by_pillar, "pillar", "依面向"), (axes[1], by_ministry, "ministry_zh", "依部會（主辦機關所屬）")):
        x = np.arange(len(table))
        for i, (col, label, colour, hatch) in enumerate(series):
            v = table[col].fillna(0.0).to_numpy()
            ax.bar(x + (i - 1) * w, v, w, color="white" if hatch else colour, edgecolor=colour, hatch=hatch, label=label)
            for xi, vi in zip(x, v):
                ax.annotate(f"{vi:.1f}", (xi + (i - 1) * w, vi), ha="center", va="bottom", fontsize=7)
        # Long (English) ministry names wrap so neighbouring ticks do not run into each other.
        ax.set_xticks(x, [pillar_label(g) if by == "pillar" else textwrap.fill(ministry_label(g), 16)
                          for g in table[by]])
        ax.set_ylabel(_("占全部之比例（%）"))
        ax.set_title(_(title), loc="left", fontsize=11)
        ax.set_ylim(0, 105)
    axes[0].legend(fontsize=8, loc="upper right")
    fig.suptitle(_("經費占比與減碳量占比（附件逐項加總；減碳潛力不計）"))
    fig.tight_layout()
    return fig, by_pillar_and_ministry(by_pillar, by_ministry)

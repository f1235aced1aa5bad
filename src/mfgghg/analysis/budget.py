"""Money: Table 5 rebuilt from the annex's per-measure funding, spending by source, per measure,
per tonne of reported reduction, and shares of money against shares of reductions.

The annex prints, per measure, the report year's actual money (實際經費) in one or more funding
sources, private investment (民間投資) among them; Table 5 prints planned (multi-year) and actual
money per pillar. Planned money per measure is not printed, so Table 5's planned column can only be
compared with its own total and the text's planned headline.

The comparisons with Table 5 and the text's money figures are checks: :mod:`mfgghg.checks.budget`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mfgghg.errors import DataError
from mfgghg.checks.budget import MONEY_UNIT, funding_by_pillar
from mfgghg.checks.verdict import REDUCTION_KIND_SETS
from mfgghg.data.units import from_base
SOURCE_CATEGORY_ORDER = ("government_budget", "special_fund", "soe_budget", "private_investment")
# The reductions the text's headline counts (shown by the reconciliation of the reduction headline);
# potentials are kept apart everywhere.
COUNTED_KINDS = REDUCTION_KIND_SETS["actual_expected"]
KIND_ZH = {"actual": "實質", "expected": "預期", "potential": "潛力"}

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


# ---------------------------------------------------------------------------------------------
# 2. Where the money came from


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


def private_sources(funding: pd.DataFrame) -> set[str]:
    """The funding sources that are not public money (民間投資)."""
    return set(funding.loc[~funding["is_public"].astype(bool), "source_zh"])


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



def by_pillar_and_ministry(by_pillar: pd.DataFrame, by_ministry: pd.DataFrame) -> pd.DataFrame:
    """The data behind a two-panel figure (per pillar, per ministry) as one table with ``group_by``."""
    return pd.concat([by_pillar.assign(group_by="pillar").rename(columns={"pillar": "group"}),
                      by_ministry.assign(group_by="ministry").rename(columns={"ministry_zh": "group"})],
                     ignore_index=True)


def table5_figure_data(rebuilt: pd.DataFrame) -> pd.DataFrame:
    """The data behind the Table 5 figure: per pillar and in total, published and recomputed money and rates."""
    return rebuilt[["pillar", "planned_published_twd", "actual_published_twd", "actual_all_sources_twd",
                    "actual_public_twd", "actual_private_twd", "rate_published_pct", "rate_recomputed_pct"]]

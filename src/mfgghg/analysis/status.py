"""Execution status (notebook 02): the report's Tables 1-4 and Figure 1 rebuilt from the
measures, and the annex's numeric goals set beside the report year's results.

The comparisons with published figures are checks (:mod:`mfgghg.checks.status`); this module adds
what the summary tables do not show: per-strategy totals (Table 1 is an image in the report), the
measures' reductions by kind,
and the goals of the annex against the year's results (``measure_goals.csv``).
"""

from __future__ import annotations

import math
import re

import pandas as pd

from mfgghg.data.ingest import measure_id_key
from mfgghg.checks.status import status_counts
from mfgghg.checks.verdict import AGREES, REDUCTION_KIND_SETS
from mfgghg.data.units import UNITS, from_base, to_base

GOAL_GROUPS = {  # how a goal's basis is read against one year's result
    "yearly": "yearly",
    "cumulative": "multi_year",
    "period_total": "multi_year",
    "unstated": "multi_year",
    "level_by_year": "level",
    "level": "level",
}
GOAL_GROUP_LABELS = {"yearly": "每年目標", "multi_year": "累計或全程目標", "level": "水準目標"}
GOAL_BASIS_LABELS = {"yearly": "每年", "cumulative": "累計", "period_total": "全程", "unstated": "未註明",
                     "level_by_year": "目標年水準", "level": "水準"}
# The reduction kinds as the annex prints them (data/reference/reduction_kinds.csv; a test keeps them equal)
KIND_LABELS = {"actual": "實質減碳", "expected": "預期減碳", "potential": "減碳潛力"}
TYPE_LABELS = {"substantive": "實質減量", "capacity": "能力建構"}
FLAG_LABELS = {
    "short_of_yearly_goal": "result below a yearly goal",
    "yearly_goal_without_result": "a yearly goal without a result for the year",
    "achieved_without_result": "counted achieved, no result for any goal",
    "period_not_started": "period starts after the report year",
}
EPS = 1e-9  # ratios are floats: 4 of 12 is on a one-in-three pace


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _numbers_in(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in _NUMBER.findall(str(text))]


def check_goal_quotes(goals: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Transcription check: each quote is in the annex text it names, and each value not marked
    ``value_inferred`` is printed in its quote. Returns the problems (empty when all hold)."""
    m = measures.set_index("measure_id")
    problems = []

    def problem(r, column, text):
        problems.append({"measure_id": r.measure_id, "goal_no": r.goal_no, "column": column, "problem": text})

    for r in goals.itertuples():
        annex = m.loc[r.measure_id]
        if r.quote_goal_zh not in str(annex["expected_benefits_zh"]):
            problem(r, "quote_goal_zh", "not in the annex's 預期效益 text")
        elif not any(math.isclose(v, r.goal_value) for v in _numbers_in(r.quote_goal_zh)):
            problem(r, "goal_value", f"{r.goal_value:g} is not printed in the quote")
        if pd.isna(r.result_value):
            if isinstance(r.quote_result_zh, str) and r.quote_result_zh not in str(annex["results_zh"]):
                problem(r, "quote_result_zh", "not in the annex's 執行成果 text")
            continue
        if r.result_source == "reduction_10k_t_co2e":
            printed = from_base(annex["reduction_t_co2e"], "萬公噸CO2e")
            if not math.isclose(float(r.quote_result_zh), printed):
                problem(r, "quote_result_zh", "is not the annex's 減碳量")
        elif r.quote_result_zh not in str(annex["results_zh"]):
            problem(r, "quote_result_zh", "not in the annex's 執行成果 text")
            continue
        if not r.value_inferred and not any(math.isclose(v, r.result_value)
                                            for v in _numbers_in(r.quote_result_zh)):
            problem(r, "result_value", f"{r.result_value:g} is not printed in the quote")
    return pd.DataFrame(problems, columns=["measure_id", "goal_no", "column", "problem"])


# ---------------------------------------------------------------------------------------------
# Goals against results


def comparable_units(goal_unit: str, result_unit: str) -> bool:
    """Same unit, or two units of :mod:`mfgghg.data.units` with the same base (萬公噸CO2e and 公噸CO2e)."""
    if goal_unit == result_unit:
        return True
    return goal_unit in UNITS and result_unit in UNITS and UNITS[goal_unit].base == UNITS[result_unit].base


def _in_base(value: float, unit_name: str) -> float:
    return to_base(value, unit_name) if unit_name in UNITS else value


def goal_progress(goals: pd.DataFrame, measures: pd.DataFrame, report_year: int) -> pd.DataFrame:
    """Each goal with its result, the ratio result/goal (in a common unit) and an assessment.

    ``elapsed_share`` is the share of the measure's period that has passed by the end of the
    report year: the linear pace against which a multi-year goal's result is read.
    Assessments: ``no result``, ``units differ``; yearly goals ``met`` / ``short``; multi-year
    goals ``reached`` / ``at or above linear pace`` / ``below linear pace``; level goals
    ``reached`` / ``below level``.
    """
    m = measures.set_index("measure_id")
    out = goals.copy()
    for col in ("pillar", "name_zh", "ministry_zh", "measure_type", "status", "period_start", "period_end"):
        out[col] = out["measure_id"].map(m[col])
    out["goal_group"] = out["goal_basis"].map(GOAL_GROUPS)
    out["period_years"] = out["period_end"] - out["period_start"] + 1
    out["years_elapsed"] = (report_year - out["period_start"] + 1).clip(lower=0).clip(upper=out["period_years"])
    out["elapsed_share"] = out["years_elapsed"] / out["period_years"]
    out["period_started"] = out["period_start"] <= report_year
    has_result = out["result_value"].notna()
    out["comparable"] = [bool(h) and comparable_units(g, r) for h, g, r in
                         zip(has_result, out["unit_zh"], out["result_unit_zh"])]
    ratios = []
    for r in out.itertuples():
        if r.comparable:
            ratios.append(_in_base(r.result_value, r.result_unit_zh) / _in_base(r.goal_value, r.unit_zh))
        else:
            ratios.append(float("nan"))
    out["ratio"] = ratios
    out["result_pct_of_goal"] = 100 * out["ratio"]
    out["elapsed_pct"] = 100 * out["elapsed_share"]
    out["assessment"] = [_assess(r) for r in out.itertuples()]
    return out


def _assess(r) -> str:
    if pd.isna(r.result_value):
        return "no result"
    if not r.comparable:
        return "units differ"
    if r.goal_group == "yearly":
        return "met" if r.ratio >= 1 - EPS else "short"
    if r.goal_group == "level":
        return "reached" if r.ratio >= 1 - EPS else "below level"
    if r.ratio >= 1 - EPS:
        return "reached"
    return "at or above linear pace" if r.ratio >= r.elapsed_share - EPS else "below linear pace"


def flag_measures(measures: pd.DataFrame, progress: pd.DataFrame, report_year: int) -> pd.DataFrame:
    """What "achieved" leaves out, one row per measure and flag (check_id ``goals.<id>.<flag>``):

    - ``short_of_yearly_goal``: a yearly goal's comparable result is below the goal;
    - ``yearly_goal_without_result``: a yearly goal has no result for the report year;
    - ``achieved_without_result``: counted achieved, and none of its goals has a result for the year;
    - ``period_not_started``: the measure's period starts after the report year.
    """
    rows = []

    def add(measure_id, flag, detail):
        rows.append({"check_id": f"goals.{measure_id}.{flag}", "measure_id": measure_id, "flag": flag,
                     "flag_label": FLAG_LABELS[flag], "detail": detail})

    for r in progress[progress["assessment"] == "short"].itertuples():
        add(r.measure_id, "short_of_yearly_goal",
            f"{r.indicator_zh}: {r.result_value:g} {r.result_unit_zh} of {r.goal_value:g} {r.unit_zh}"
            f" ({100 * r.ratio:.0f}%)")
    yearly = progress[progress["goal_group"] == "yearly"]
    for r in yearly[yearly["result_value"].isna()].itertuples():
        add(r.measure_id, "yearly_goal_without_result", f"{r.indicator_zh}: goal {r.goal_value:g} {r.unit_zh}")
    by_measure = progress.groupby("measure_id", sort=False)["result_value"]
    no_result = by_measure.apply(lambda s: s.isna().all())
    status = measures.set_index("measure_id")["status"]
    for measure_id in no_result[no_result].index:
        if status[measure_id] == "achieved":
            n = int(by_measure.size()[measure_id])
            add(measure_id, "achieved_without_result",
                f"counted achieved; none of its {n} goals has a result for {report_year}")
    late = measures[measures["period_start"] > report_year]
    for r in late.itertuples():
        period = f"{r.period_start}" if r.period_start == r.period_end else f"{r.period_start}-{r.period_end}"
        add(r.measure_id, "period_not_started", f"period {period} starts after {report_year}; status {r.status}")
    order = {f: i for i, f in enumerate(FLAG_LABELS)}
    rows.sort(key=lambda r: (measure_id_key(r["measure_id"]), order[r["flag"]]))
    return pd.DataFrame(rows, columns=["check_id", "measure_id", "flag", "flag_label", "detail"])


def flagged_measures(flags: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """One row per flagged measure: who runs it, how the report counts it, and its flags."""
    info_columns = ["name_zh", "ministry_zh", "measure_type", "status", "period_start", "period_end"]
    if flags.empty:
        return pd.DataFrame(columns=["measure_id", *info_columns])
    wide = (flags.assign(value=True)
            .pivot_table(index="measure_id", columns="flag", values="value", aggfunc="any", fill_value=False))
    wide = wide.reindex(columns=[f for f in FLAG_LABELS if f in wide.columns]).astype(bool)
    info = measures.set_index("measure_id")[info_columns]
    out = info.join(wide, how="inner")
    out = out.iloc[out.index.map(measure_id_key).argsort()]
    return out.reset_index()


def goal_coverage(measures: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """Per measure: how many numeric goals the annex states and how many have a result for the year."""
    n_goals = goals.groupby("measure_id").size()
    n_results = goals[goals["result_value"].notna()].groupby("measure_id").size()
    out = measures[["measure_id", "pillar", "name_zh", "measure_type", "status"]].copy()
    out["numeric_goals"] = out["measure_id"].map(n_goals).fillna(0).astype(int)
    out["with_result"] = out["measure_id"].map(n_results).fillna(0).astype(int)
    return out


# ---------------------------------------------------------------------------------------------
# Table 1: measures, money and reductions per strategy


def strategy_table(measures: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """Table 1 rebuilt: per pillar and strategy, measures by type, the year's funding (all sources
    and public) and the measures' reductions by kind; with pillar subtotals and a total.
    ``types_inferred`` counts measures whose type is derived, not printed."""
    m = measures.copy()
    paid = funding.groupby("measure_id")["amount_twd"].sum()
    public = funding[funding["is_public"].astype(bool)].groupby("measure_id")["amount_twd"].sum()
    m["funding_twd"] = m["measure_id"].map(paid).fillna(0.0)
    m["public_funding_twd"] = m["measure_id"].map(public).fillna(0.0)
    for kind in KIND_LABELS:
        m[f"reduction_{kind}_t_co2e"] = m["reduction_t_co2e"].where(m["reduction_kind"] == kind, 0.0).fillna(0.0)

    def summarise(g: pd.DataFrame) -> dict:
        row = {
            "measures": len(g),
            "substantive": int((g["measure_type"] == "substantive").sum()),
            "capacity": int((g["measure_type"] == "capacity").sum()),
            "types_inferred": int((g["measure_type_basis"] == "inferred").sum()),
            "funding_twd": g["funding_twd"].sum(),
            "public_funding_twd": g["public_funding_twd"].sum(),
        }
        row.update({f"reduction_{k}_t_co2e": g[f"reduction_{k}_t_co2e"].sum() for k in KIND_LABELS})
        return row

    rows = []
    for pillar, pg in m.groupby("pillar", sort=True):
        for strategy, sg in pg.groupby("strategy_id", sort=False):
            rows.append({"level": "strategy", "pillar": str(pillar), "strategy_id": strategy, **summarise(sg)})
        rows.append({"level": "pillar", "pillar": str(pillar), "strategy_id": "", **summarise(pg)})
    rows.append({"level": "total", "pillar": "total", "strategy_id": "", **summarise(m)})
    return pd.DataFrame(rows)


DISPLAY_UNITS = {"_twd": "萬元", "_t_co2e": "萬公噸CO2e"}


def display_units(df: pd.DataFrame, units: dict[str, str] | None = None) -> pd.DataFrame:
    """Base-unit columns (``*_twd``, ``*_t_co2e``) shown in the report's units, the unit in the name."""
    units = units or DISPLAY_UNITS
    columns = {}
    for col in df.columns:
        suffix = next((s for s in units if col.endswith(s)), None)
        if suffix is None:
            columns[col] = df[col]
        else:
            columns[f"{col[: -len(suffix)]} ({units[suffix]})"] = from_base(df[col], units[suffix])
    return pd.DataFrame(columns, index=df.index)


# ---------------------------------------------------------------------------------------------
# Tables 2 and 3


def status_wide(long: pd.DataFrame, group_labels: dict | None = None) -> pd.DataFrame:
    """Long status counts (``status_counts`` or one published table) in the report's layout:
    one row per group, columns (measure type, count)."""
    fields = ["achieved", "not_achieved", "subtotal", "rate_pct"]
    order = list(dict.fromkeys(long["group"].astype(str)))
    wide = long.assign(group=long["group"].astype(str)).pivot(index="group", columns="measure_type", values=fields)
    wide = wide.swaplevel(axis=1).reindex(columns=pd.MultiIndex.from_product(
        [["substantive", "capacity", "all"], fields]))
    wide = wide.reindex(order)
    if group_labels:
        wide.index = [group_labels.get(g, g) for g in wide.index]
    wide.index.name = "group"
    return wide


def status_with_flags(measures: pd.DataFrame, flagged_ids, by: str) -> pd.DataFrame:
    """Per group and measure type: achieved and not flagged, achieved but flagged, not achieved."""
    m = measures.assign(group=measures[by].astype(str), flagged=measures["measure_id"].isin(set(flagged_ids)))
    counts = status_counts(m, by)
    counts = counts[(counts["group"] != "total") & (counts["measure_type"] != "all")].copy()
    flagged = (m[m["flagged"] & (m["status"] == "achieved")]
               .groupby(["group", "measure_type"]).size())
    counts["achieved_flagged"] = [int(flagged.get((g, t), 0)) for g, t in zip(counts["group"], counts["measure_type"])]
    counts["achieved_unflagged"] = counts["achieved"] - counts["achieved_flagged"]
    return counts.reset_index(drop=True)


def status_chart_data(measures: pd.DataFrame, flagged_ids, bys=("pillar", "ministry_zh")) -> pd.DataFrame:
    """``status_with_flags`` for each grouping, stacked, with the grouping in column ``by``."""
    return pd.concat([status_with_flags(measures, flagged_ids, by).assign(by=by) for by in bys], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Figure 1 and Table 4: reductions


def counted_kind_set(headline_checks: pd.DataFrame, key: str = "reduction_report_year") -> str | None:
    """The kind set (a key of ``REDUCTION_KIND_SETS``) whose measure sum agrees with the headline
    at its printed precision; None if none does, the smallest if several do."""
    for name in REDUCTION_KIND_SETS:
        row = headline_checks[headline_checks["check_id"] == f"headline.{key}.{name}"]
        if len(row) and bool(row["verdict"].isin(AGREES).iloc[0]):
            return name
    return None


def counted_kinds(headline_checks: pd.DataFrame, key: str = "reduction_report_year") -> tuple[str, ...]:
    """The kinds of :func:`counted_kind_set` (empty when no kind set's sum agrees with the headline)."""
    name = counted_kind_set(headline_checks, key)
    return REDUCTION_KIND_SETS[name] if name else ()


def pillar_names(pillars: pd.DataFrame) -> dict[str, str]:
    """Pillar number (as text) → its Chinese name, from ``pillars``."""
    return dict(zip(pillars["pillar"].astype(str), pillars["name_zh"]))


def with_pillar_names(frame: pd.DataFrame, names: dict[str, str], position: int) -> pd.DataFrame:
    """A copy of ``frame`` with ``pillar_zh`` (the pillar's name, empty for a total row) at ``position``."""
    out = frame.copy()
    out.insert(position, "pillar_zh", out["pillar"].astype(str).map(names).fillna(""))
    return out


def reduction_totals_data(checks: pd.DataFrame, by_pillar: pd.DataFrame,
                          key: str = "reduction_report_year") -> pd.DataFrame:
    """The data behind the totals figure, long: panel, group, series, value, unit, printed or derived."""
    rows = []
    for r in checks[checks["check_id"].str.startswith(f"headline.{key}.")].itertuples():
        name = r.check_id.rsplit(".", 1)[1]
        rows.append({"panel": "headline", "group": "total", "series": f"measures: {name}",
                     "value": r.recomputed, "unit": r.unit, "origin": "derived"})
    if rows:
        first = checks[checks["check_id"].str.startswith(f"headline.{key}.")].iloc[0]
        rows.insert(0, {"panel": "headline", "group": "total", "series": "published headline",
                        "value": first["published"], "unit": first["unit"], "origin": "printed"})
    for r in by_pillar.itertuples():
        rows.append({"panel": "table4", "group": r.pillar, "series": "Table 4",
                     "value": from_base(r.table4_t_co2e, "萬公噸CO2e"), "unit": "萬公噸CO2e", "origin": "printed"})
        for kind in KIND_LABELS:
            rows.append({"panel": "table4", "group": r.pillar, "series": f"measures: {kind}",
                         "value": from_base(getattr(r, f"{kind}_t_co2e"), "萬公噸CO2e"), "unit": "萬公噸CO2e",
                         "origin": "derived"})
    return pd.DataFrame(rows, columns=["panel", "group", "series", "value", "unit", "origin"])


def measure_reductions(measures: pd.DataFrame, counted: tuple = ()) -> pd.DataFrame:
    """Measures that report a reduction: id, pillar, strategy, kind, t CO2e, and whether the
    headline counts its kind."""
    m = measures[measures["reduction_t_co2e"].notna()]
    out = m[["measure_id", "pillar", "strategy_id", "name_zh", "ministry_zh", "reduction_kind",
             "reduction_t_co2e"]].copy()
    out["counted_in_headline"] = out["reduction_kind"].isin(counted)
    return out.reset_index(drop=True)


def reductions_by_pillar(measures: pd.DataFrame, table4: pd.DataFrame, counted: tuple) -> pd.DataFrame:
    """Per pillar (and total): Table 4's reductions beside the measures' reductions by kind, the
    counted kinds' sum and the difference Table 4 - counted (t CO2e). A pillar for which Table 4 prints no
    reduction has none (NaN, not 0), and no difference."""
    pillars = sorted(set(measures["pillar"].astype(int)) | set(table4["pillar"].astype(int)))
    t4 = table4.groupby(table4["pillar"].astype(int))["reduction_t_co2e"].sum(min_count=1)
    rows = []
    for p in pillars:
        g = measures[measures["pillar"].astype(int) == p]
        row = {"pillar": str(p), "table4_t_co2e": float(t4.get(p, float("nan")))}
        for kind in KIND_LABELS:
            row[f"{kind}_t_co2e"] = float(g.loc[g["reduction_kind"] == kind, "reduction_t_co2e"].sum())
        rows.append(row)
    out = pd.DataFrame(rows)
    total = out.drop(columns="pillar").sum().to_dict()
    out = pd.concat([out, pd.DataFrame([{"pillar": "total", **total}])], ignore_index=True)
    out["counted_t_co2e"] = out[[f"{k}_t_co2e" for k in counted]].sum(axis=1)
    out["table4_minus_counted_t_co2e"] = out["table4_t_co2e"] - out["counted_t_co2e"]
    return out


def results_summary(table4: pd.DataFrame, pillars: pd.DataFrame) -> pd.DataFrame:
    """Table 4 as a table: pillar, item, count with unit, reduction (萬公噸CO2e), text."""
    names = pillars.set_index(pillars["pillar"].astype(int))["name_zh"]
    out = table4.copy()
    out.insert(1, "pillar_zh", out["pillar"].astype(int).map(names))
    out["reduction (萬公噸CO2e)"] = from_base(out.pop("reduction_t_co2e"), "萬公噸CO2e")
    return out[["pillar", "pillar_zh", "item_no", "title_zh", "count_value", "count_unit_zh",
                "reduction (萬公噸CO2e)", "text_zh"]]

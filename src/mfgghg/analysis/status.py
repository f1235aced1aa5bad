"""Execution status (notebook 02): the report's Tables 1-4 and Figure 1 rebuilt from the
measures, and the annex's numeric goals set beside the report year's results.

The comparisons with published figures reuse :mod:`mfgghg.checks.reconcile` (``reconcile_status``,
``reconcile_table4``, ``reconcile_headlines``); this module adds what the summary tables do not
show: per-strategy totals (Table 1 is an image in the report), the measures' reductions by kind,
and the goals of the annex against the year's results (``measure_goals.csv``).
"""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from mfgghg.data.package import RawTable, line_of, load_descriptor, read_resource
from mfgghg.errors import DataError
from mfgghg.plots.style import PALETTE, figure_style, omit_unseen_minor_ticks, source_note
from mfgghg.i18n import CJK, _, get_lang
from mfgghg.data.ingest import measure_id_key
from mfgghg.checks.reconcile import (with_agreement, AGREES, REDUCTION_KIND_SETS, check_notes_known, join_notes, reconcile_headlines,
                        reconcile_status, reconcile_table4, status_counts)
from mfgghg.data.units import UNITS, from_base, to_base

GOALS_RESOURCE = "measure_goals"
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
KIND_LABELS = {"actual": "實質減碳", "expected": "預期減碳", "potential": "減碳潛力"}
TYPE_LABELS = {"substantive": "實質減量", "capacity": "能力建構"}
FLAG_LABELS = {
    "short_of_yearly_goal": "result below a yearly goal",
    "yearly_goal_without_result": "a yearly goal without a result for the year",
    "achieved_without_result": "counted achieved, no result for any goal",
    "period_not_started": "period starts after the report year",
}
EPS = 1e-9  # ratios are floats: 4 of 12 is on a one-in-three pace


# ---------------------------------------------------------------------------------------------
# Reading


def read_raw_resource(raw_dir, name: str) -> RawTable:
    """One file of a raw folder, read and validated through its description in datapackage.json."""
    descriptor = load_descriptor(raw_dir)
    resource = next((r for r in descriptor["resources"] if r["name"] == name), None)
    if resource is None:
        raise DataError(Path(raw_dir) / "datapackage.json", f"no resource named {name!r}")
    return read_resource(raw_dir, resource)


def load_goals(raw_dir, measures: pd.DataFrame | None = None) -> pd.DataFrame:
    """The annex's numeric goals and the year's results (``measure_goals.csv``), validated against
    their description and against each other; with ``measures``, every measure_id must exist."""
    table = read_raw_resource(raw_dir, GOALS_RESOURCE)
    g = table.data

    def fail(mask: pd.Series, column: str, message: str):
        if mask.any():
            raise DataError(table.path, message, line_of(mask.idxmax()), column)

    has_result = g["result_value"].notna()
    fail(has_result & g["result_unit_zh"].isna(), "result_unit_zh", "a result needs its unit")
    fail(has_result & g["result_source"].isna(), "result_source", "a result needs its source column")
    fail(has_result & g["quote_result_zh"].isna(), "quote_result_zh", "a result needs the quote it comes from")
    fail(has_result == (g["result_basis"] == "none"), "result_basis",
         "result_basis is 'none' exactly when there is no result")
    fail((g["goal_basis"] == "level_by_year") & g["goal_year"].isna(), "goal_year",
         "a level_by_year goal needs its goal_year")
    if measures is not None:
        fail(~g["measure_id"].isin(set(measures["measure_id"])), "measure_id", "not a measure of the annex")
    return g


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
            add(measure_id, "achieved_without_result", f"counted achieved; none of its {n} goals has a result for {report_year}")
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


def published_status_text(published_status: pd.DataFrame) -> dict:
    """The published Tables 2 and 3 as printed text per cell, as ``reconcile_status`` takes them
    ('' where the report prints '-')."""
    text = {}
    for table, g in published_status.groupby("table"):
        d = {}
        for r in g.itertuples():
            for col in ("achieved", "not_achieved", "subtotal", "rate_pct"):
                v = getattr(r, col)
                d[(str(r.group), r.measure_type, col)] = "" if pd.isna(v) else f"{float(v):g}"
        text[table] = d
    return text


def compare_status(measures: pd.DataFrame, published_status: pd.DataFrame) -> pd.DataFrame:
    """Tables 2 and 3 cell by cell (``reconcile.reconcile_status``), with ``agrees``."""
    table = reconcile_status(measures, published_status, published_status_text(published_status))
    table = with_agreement(table)
    return table


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


TABLE1_HEADLINES = ("headline.strategies", "headline.measures", "headline.substantive_measures",
                    "headline.capacity_measures", "headline.actual_budget_report_year.")
REDUCTION_HEADLINES = ("headline.reduction_report_year.", "headline.reduction_heading_report_year")


def headline_checks(measures, funding, published_budget, headlines, prefixes: tuple) -> pd.DataFrame:
    """The text's headline figures whose check_id starts with one of ``prefixes``, against the
    measures (``reconcile.reconcile_headlines``), with ``agrees``."""
    checks = reconcile_headlines(measures, funding, published_budget, headlines)
    checks = checks[checks["check_id"].str.startswith(prefixes)]
    return with_agreement(checks).reset_index(drop=True)


def reduction_checks(measures, funding, published_budget, headlines) -> pd.DataFrame:
    """The headline reduction(s) against the measures' sums per kind set."""
    return headline_checks(measures, funding, published_budget, headlines, REDUCTION_HEADLINES)


def reduction_totals_data(checks: pd.DataFrame, by_pillar: pd.DataFrame, key: str = "reduction_report_year") -> pd.DataFrame:
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
    counted kinds' sum and the difference Table 4 - counted (t CO2e)."""
    pillars = sorted(set(measures["pillar"].astype(int)) | set(table4["pillar"].astype(int)))
    t4 = table4.groupby(table4["pillar"].astype(int))["reduction_t_co2e"].sum()
    rows = []
    for p in pillars:
        g = measures[measures["pillar"].astype(int) == p]
        row = {"pillar": str(p), "table4_t_co2e": float(t4.get(p, 0.0))}
        for kind in KIND_LABELS:
            row[f"{kind}_t_co2e"] = float(g.loc[g["reduction_kind"] == kind, "reduction_t_co2e"].sum())
        rows.append(row)
    out = pd.DataFrame(rows)
    total = out.drop(columns="pillar").sum().to_dict()
    out = pd.concat([out, pd.DataFrame([{"pillar": "total", **total}])], ignore_index=True)
    out["counted_t_co2e"] = out[[f"{k}_t_co2e" for k in counted]].sum(axis=1)
    out["table4_minus_counted_t_co2e"] = out["table4_t_co2e"] - out["counted_t_co2e"]
    return out


def compare_table4(measures: pd.DataFrame, raw_dir) -> pd.DataFrame:
    """Table 4's reductions per pillar against the measures (``reconcile.reconcile_table4``), with
    the printed text read from the raw file so that printed precision counts."""
    t4 = read_raw_resource(raw_dir, "published_table4_results_summary")
    table = reconcile_table4(measures, t4.data, t4.text)
    return with_agreement(table)


def results_summary(table4: pd.DataFrame, pillars: pd.DataFrame) -> pd.DataFrame:
    """Table 4 as a table: pillar, item, count with unit, reduction (萬公噸CO2e), text."""
    names = pillars.set_index(pillars["pillar"].astype(int))["name_zh"]
    out = table4.copy()
    out.insert(1, "pillar_zh", out["pillar"].astype(int).map(names))
    out["reduction (萬公噸CO2e)"] = from_base(out.pop("reduction_t_co2e"), "萬公噸CO2e")
    return out[["pillar", "pillar_zh", "item_no", "title_zh", "count_value", "count_unit_zh",
                "reduction (萬公噸CO2e)", "text_zh"]]


# ---------------------------------------------------------------------------------------------
# Notes


# Shared with the other notebooks' comparisons (mfgghg.checks.reconcile).
attach_notes = join_notes


# ---------------------------------------------------------------------------------------------
# Figures


def _name(text) -> str:
    """A name shown in a figure (pillar, ministry, measure, unit) in the current edition; ids and
    numbers, which need no translation, as they are."""
    text = str(text)
    return _(text) if CJK.search(text) else text


def _wrap(text: str, width: int) -> str:
    """Lines of ``width`` CJK characters; Latin letters are about half as wide, so twice as many."""
    width = 2 * width if get_lang() == "en" else width
    return "\n".join(textwrap.wrap(str(text), width, break_on_hyphens=False)) or str(text)


def _first_lines(text: str, width: int, max_lines: int = 1) -> str:
    """The first ``max_lines`` lines of :func:`_wrap`, with an ellipsis where the text goes on."""
    lines = _wrap(text, width).splitlines()
    return "\n".join(lines[:max_lines]) + ("…" if len(lines) > max_lines else "")


def _joined(items) -> str:
    return (", " if get_lang() == "en" else "、").join(items)


HATCH_FLAGGED = "///"
NOT_ACHIEVED_COLOR = PALETTE[3]
TYPE_COLORS = {"substantive": PALETTE[0], "capacity": PALETTE[2]}


@figure_style
def plot_status(panels: list[tuple[str, pd.DataFrame, dict]], source: str):
    """Status by group (pillar, ministry): bars per measure type, split into achieved,
    achieved-but-flagged (hatched: derived from the goals analysis) and not achieved.

    Panel titles and group labels are given in Chinese and shown in the current edition
    (:mod:`mfgghg.i18n`); ``source`` is already localised (``figures.source_line``)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 4.8), sharey=True)
    axes = list(axes) if len(panels) > 1 else [axes]
    width = 0.38
    for ax, (title, counts, labels) in zip(axes, panels):
        groups = list(dict.fromkeys(counts["group"]))
        for j, mtype in enumerate(TYPE_LABELS):
            c = counts[counts["measure_type"] == mtype].set_index("group").reindex(groups)
            x = [i + (j - 0.5) * width for i in range(len(groups))]
            unflagged = c["achieved_unflagged"].fillna(0).to_numpy()
            flagged = c["achieved_flagged"].fillna(0).to_numpy()
            failed = c["not_achieved"].fillna(0).to_numpy()
            color = TYPE_COLORS[mtype]
            ax.bar(x, unflagged, width, color=color, edgecolor="white")
            ax.bar(x, flagged, width, bottom=unflagged, color="white", edgecolor=color, hatch=HATCH_FLAGGED)
            ax.bar(x, failed, width, bottom=unflagged + flagged, color=NOT_ACHIEVED_COLOR, edgecolor="white")
            for xi, sub, rate in zip(x, c["subtotal"].fillna(0), c["rate_pct"]):
                label = _("無措施") if sub == 0 else f"{rate:.0f}%"
                ax.annotate(label, (xi, sub), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                            fontsize=8)
        ax.set_xticks(range(len(groups)), [_wrap(_name(labels.get(g, g)), 9) for g in groups], fontsize=9)
        ax.set_ylim(0, max(c["subtotal"].max() for _title, c, _labels in panels) * 1.15)  # room for the rates
        ax.set_title(_("{title}；柱上數字為執行率 (達成/小計)").format(title=_(title)), fontsize=10)
        ax.set_ylabel(_("措施數 (項)"))
    handles = [Patch(color=TYPE_COLORS[t], label=_("{type}：達成 (報告所列)").format(type=_(TYPE_LABELS[t])))
               for t in TYPE_LABELS]
    handles += [Patch(facecolor="white", edgecolor="#555555", hatch=HATCH_FLAGGED,
                      label=_("達成但有註記 (本分析推導：目標、成果或期程)")),
                Patch(color=NOT_ACHIEVED_COLOR, label=_("未達成 (報告所列)"))]
    fig.tight_layout()
    fig.legend(handles=handles, loc="lower center", ncol=2, bbox_to_anchor=(0.5, 1.0), fontsize=8, frameon=False)
    source_note(fig, source)
    return fig


KIND_STYLE = {
    "actual": {"color": PALETTE[0], "hatch": None},
    "expected": {"color": PALETTE[1], "hatch": "//"},
    "potential": {"color": "#BBBBBB", "hatch": ".."},
}


@figure_style
def plot_measure_reductions(reductions: pd.DataFrame, counted: tuple, source: str):
    """Figure 1 from the annex: each measure's reported reduction (萬公噸CO2e, log scale), in
    measure order, grouped by pillar and strategy, its kind shown by colour and hatch.
    Names are shown in the current edition; ``source`` is already localised."""
    r = reductions.iloc[reductions["measure_id"].map(measure_id_key).argsort()].reset_index(drop=True)
    values = from_base(r["reduction_t_co2e"], "萬公噸CO2e")
    rows_height = max(0.34 * len(r), 2.4)  # inches; a year with few measures still fits the axis label
    fig, ax = plt.subplots(figsize=(8.5, rows_height + 1.6))
    y = list(range(len(r)))[::-1]
    strategies = list(dict.fromkeys(r["strategy_id"]))
    for i, (yi, row, v) in enumerate(zip(y, r.itertuples(), values)):
        if strategies.index(row.strategy_id) % 2:
            ax.axhspan(yi - 0.5, yi + 0.5, color="#F2F2F2", zorder=0)
        style = KIND_STYLE[row.reduction_kind]
        ax.barh(yi, v, color=style["color"] if not style["hatch"] else "white",
                edgecolor=style["color"] if style["hatch"] else "white", hatch=style["hatch"], zorder=2)
        ax.text(v * 1.08, yi, f"{v:g}", va="center", fontsize=7)
    for p, g in r.groupby("pillar"):
        top = y[g.index.min()]
        ax.axhline(top + 0.5, color="#555555", lw=0.8)
        ax.text(1.01, top, _("政策內涵 {p}").format(p=p), transform=ax.get_yaxis_transform(), va="top", fontsize=8)
    # English names are longer than the Chinese: two lines rather than a name cut short
    lines = 2 if get_lang() == "en" else 1
    ax.set_yticks(y, [f"{row.measure_id} {_first_lines(_name(row.name_zh), 18, lines)}" for row in r.itertuples()],
                  fontsize=8)
    ax.set_xscale("log")
    positive = values[values > 0]
    if len(positive):  # bars start at 0, which a log axis cannot show: start a power of ten below the smallest
        ax.set_xlim(10 ** math.floor(math.log10(positive.min() / 1.2)), positive.max() * 3)
    ax.set_xlabel(_("減碳量 ({unit}，對數刻度)").format(unit=_("萬公噸CO2e")))
    omit_unseen_minor_ticks(ax.xaxis)
    ax.set_ylabel(_wrap(_("具體措施 (依政策內涵、推動策略排列；灰底區隔策略)"), int(rows_height * 72 / 13)))
    counted_txt = _joined(_(KIND_LABELS[k]) for k in counted) if counted else _("無")
    ax.set_title(_("各措施減碳量；報告總減碳量計入：{kinds}").format(kinds=counted_txt), fontsize=10)
    handles = [Patch(facecolor=s["color"] if not s["hatch"] else "white", edgecolor=s["color"], hatch=s["hatch"],
                     label=_(KIND_LABELS[k])) for k, s in KIND_STYLE.items()]
    ax.legend(handles=handles, loc="lower right", fontsize=8,
              title=_("附件標示之減碳類別") + "\n" + _("(皆為附件所列數值)"), title_fontsize=8, framealpha=1)
    source_note(fig, source)
    fig.tight_layout()
    return fig


@figure_style
def plot_reduction_totals(checks: pd.DataFrame, by_pillar: pd.DataFrame, counted: tuple, pillar_labels: dict,
                          source: str, key: str = "reduction_report_year"):
    """Left: the headline reduction (printed) beside the measures' sums by kind (derived).
    Right: Table 4's reductions per pillar (printed) beside the measures' by kind (derived).
    Pillar labels are shown in the current edition; ``source`` is already localised."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1, 2.2]})
    c = checks.set_index("check_id")
    sums = {name: c.at[f"headline.{key}.{name}", "recomputed"] for name in REDUCTION_KIND_SETS
            if f"headline.{key}.{name}" in c.index}
    if not sums:  # the year's text prints no total reduction
        left.text(0.5, 0.5, _("報告未列總減碳量"), ha="center", va="center", transform=left.transAxes)
        unit = "百萬公噸CO2e"
    else:
        first = f"headline.{key}.{next(iter(sums))}"
        headline, unit = c.at[first, "published"], c.at[first, "unit"]
        previous = 0.0
        for name, total in sums.items():  # kind sets are nested: actual, + expected, + potential
            s = KIND_STYLE[REDUCTION_KIND_SETS[name][-1]]
            left.bar(1, total - previous, 0.6, bottom=previous, color=s["color"] if not s["hatch"] else "white",
                     edgecolor=s["color"], hatch=s["hatch"])
            left.text(1.33, total, f"{total:.3f}", va="center", fontsize=7)
            previous = total
        left.bar(0, headline, 0.6, color=PALETTE[7])
        left.text(0, headline, f"{headline:g}", ha="center", va="bottom", fontsize=8)
    left.set_xticks([0, 1], [_wrap(_("報告總減碳量"), 9) + "\n" + _("(報告所列)"),
                             _wrap(_("各措施加總"), 9) + "\n" + _("(本分析推導)")], fontsize=9)
    left.set_xlim(-0.6, 1.9)
    left.set_ylabel(_("減碳量 ({unit})").format(unit=_(unit)))
    left.set_title(_("總減碳量 vs 措施加總"), fontsize=10)

    body = by_pillar[by_pillar["pillar"] != "total"]
    x = range(len(body))
    t4 = from_base(body["table4_t_co2e"], "萬公噸CO2e")
    right.bar([i - 0.2 for i in x], t4, 0.38, color=PALETTE[7])
    bottom = pd.Series(0.0, index=body.index)
    for kind, s in KIND_STYLE.items():
        v = from_base(body[f"{kind}_t_co2e"], "萬公噸CO2e")
        right.bar([i + 0.2 for i in x], v, 0.38, bottom=bottom, color=s["color"] if not s["hatch"] else "white",
                  edgecolor=s["color"], hatch=s["hatch"])
        bottom = bottom + v
    counted_v = from_base(body["counted_t_co2e"], "萬公噸CO2e")
    for i, a, b, top in zip(x, t4, counted_v, bottom):
        right.text(i - 0.2, a, f"{a:g}", ha="center", va="bottom", fontsize=7)
        right.text(i + 0.2, top, _("計入 {value}").format(value=f"{b:.4g}"), ha="center", va="bottom", fontsize=7)
    right.set_xticks(list(x), [_wrap(_name(pillar_labels.get(p, p)), 12) for p in body["pillar"]], fontsize=8)
    right.set_ylabel(_("減碳量 ({unit})").format(unit=_("萬公噸CO2e")))
    top = pd.concat([pd.Series(t4, dtype=float), bottom]).max()
    right.set_ylim(0, 1.1 * top if pd.notna(top) and top > 0 else 1.0)  # room for the value labels
    right.set_title(_("表4 各政策內涵減碳量 vs 該政策內涵措施加總"), fontsize=10)
    handles = [Patch(color=PALETTE[7], label=_("報告所列 (總減碳量、表4)"))]
    handles += [Patch(facecolor=s["color"] if not s["hatch"] else "white", edgecolor=s["color"], hatch=s["hatch"],
                      label=_("措施 {kind} (本分析加總)").format(kind=_(KIND_LABELS[k])))
                for k, s in KIND_STYLE.items()]
    right.legend(handles=handles, loc="upper right", fontsize=8)
    source_note(fig, source)
    fig.tight_layout()
    return fig


ASSESSMENT_COLORS = {
    "met": PALETTE[0], "reached": PALETTE[0], "at or above linear pace": PALETTE[5],
    "short": PALETTE[3], "below linear pace": PALETTE[1], "below level": PALETTE[1],
}
ASSESSMENT_LEGEND = [  # assessments sharing a colour share an entry
    (("met", "reached"), "達成目標 (每年、累計或水準)"),
    (("at or above linear pace",), "累計目標：不低於線性進度"),
    (("short",), "未達每年目標"),
    (("below linear pace", "below level"), "低於線性進度或目標水準"),
]


def _pct_label(pct: float) -> str:
    """Whole percent, unless rounding would show a shortfall as 100%."""
    return f"{pct:.1f}%" if 99.5 <= pct < 100 else f"{pct:.0f}%"


@figure_style
def plot_goals(progress: pd.DataFrame, source: str, year: int | None = None):
    """Result / goal (%) per goal, in panels by goal basis. 100% dashed; the linear pace of a
    multi-year goal as a black tick; values not printed as numbers (inferred) hatched; goals
    without a comparable result named at the left. ``year`` (Gregorian) names the results
    ("110年成果"); indicators and units are shown in the current edition, ``source`` is already
    localised."""
    result_label = (_("{roc}年成果").format(roc=year - 1911, year=year) if year is not None
                    else _("當年成果"))
    groups = [g for g in GOAL_GROUP_LABELS if (progress["goal_group"] == g).any()]
    if not groups:
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.text(0.5, 0.5, _("附件未列數字目標"), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        source_note(fig, source)
        return fig
    sizes = [int((progress["goal_group"] == g).sum()) for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(9.5, 0.24 * sum(sizes) + 1.2 * len(groups) + 1),
                             gridspec_kw={"height_ratios": sizes}, sharex=True)
    axes = list(axes) if len(groups) > 1 else [axes]
    xmax = max(100.0, float((100 * progress["ratio"]).max()) * 1.15)
    for ax, group in zip(axes, groups):
        g = progress[progress["goal_group"] == group].reset_index(drop=True)
        y = list(range(len(g)))[::-1]
        for yi, r in zip(y, g.itertuples()):
            if pd.isna(r.ratio):
                text = (_("無{result}").format(result=result_label) if r.assessment == "no result" else
                        _("單位不同 ({goal} / {result})").format(goal=_name(r.unit_zh), result=_name(r.result_unit_zh)))
                ax.text(xmax * 0.01, yi, text, va="center", fontsize=7, color=PALETTE[3])
                continue
            color = ASSESSMENT_COLORS[r.assessment]
            hatch = "//" if r.value_inferred else None
            ax.barh(yi, 100 * r.ratio, color="white" if hatch else color, edgecolor=color, hatch=hatch)
            ax.text(100 * r.ratio + xmax * 0.01, yi, _pct_label(100 * r.ratio), va="center", fontsize=6.5)
            if group == "multi_year":
                ax.plot([100 * r.elapsed_share] * 2, [yi - 0.42, yi + 0.42], color="black", lw=1.2)
        ax.axvline(100, color="black", ls="--", lw=0.9)
        not_started = _("[期程未開始]") + " "
        labels = [f"{'' if r.period_started else not_started}{r.measure_id}-{r.goal_no} "
                  f"{_first_lines(_name(r.indicator_zh), 16)}"
                  f"{'' if group == 'yearly' else f' ({_(GOAL_BASIS_LABELS[r.goal_basis])})'}" for r in g.itertuples()]
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_ylim(-0.7, len(g) - 0.3)
        ax.set_title(_(GOAL_GROUP_LABELS[group]), fontsize=10, loc="left")
        ax.set_xlim(0, xmax)
    axes[-1].set_xlabel(_("{result} / 目標 (%)，依附件數字計算").format(result=result_label))
    handles = [Patch(color=ASSESSMENT_COLORS[keys[0]], label=_(label)) for keys, label in ASSESSMENT_LEGEND]
    handles += [Patch(facecolor="white", edgecolor="#555555", hatch="//", label=_("成果非附件數字 (本分析推定)")),
                plt.Line2D([], [], color="black", lw=1.2, label=_("線性進度 (期程已過比例)")),
                plt.Line2D([], [], color="black", ls="--", lw=0.9, label=_("100% 目標"))]
    fig.tight_layout()
    fig.legend(handles=handles, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 1.0), fontsize=8, frameon=False)
    source_note(fig, source)
    return fig

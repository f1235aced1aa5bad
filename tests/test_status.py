"""Notebook 02's logic: goals against results, flags, Table 1, Tables 2-3 layout and comparisons."""

from __future__ import annotations

import math
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from conftest import REPO, line_of_value, set_cell
from mfgghg.analysis import status as st
from mfgghg.errors import DataError
from mfgghg.plots import status as plots
from mfgghg.plots.style import cjk_texts, figure_title, use_cjk_font
from mfgghg.i18n import CJK, MissingTranslation, _, set_lang
from mfgghg.data.ingest import load_processed
from mfgghg.data.paths import YearPaths
from mfgghg.checks import status as stc
from mfgghg.checks.notes import attach_notes
from mfgghg.checks.status import status_counts
from mfgghg.checks.verdict import AGREES, REDUCTION_KIND_SETS

matplotlib.use("Agg")
RAW = REPO / "data" / "raw" / "2021"
PROCESSED = REPO / "data" / "processed" / "2021"


# ---------------------------------------------------------------------------------------------
# hand-made data


def make_measures() -> pd.DataFrame:
    rows = [
        # id, pillar, ministry, start, end, type, basis, status, reduction, kind
        ("1.1.1", 1, "經濟部", 2021, 2025, "substantive", "inferred", "achieved", 1000.0, "actual"),
        ("1.1.2", 1, "經濟部", 2021, 2023, "capacity", "stated", "achieved", 500.0, "potential"),
        ("1.2.1", 1, "國科會", 2021, 2025, "substantive", "inferred", "not_achieved", 200.0, "expected"),
        ("2.1.1", 2, "經濟部", 2022, 2025, "substantive", "inferred", "achieved", 50.0, "actual"),
        ("2.1.2", 2, "環保署", 2022, 2022, "capacity", "inferred", "achieved", float("nan"), None),
        ("2.2.1", 2, "經濟部", 2021, 2025, "capacity", "stated", "not_achieved", float("nan"), None),
    ]
    m = pd.DataFrame(rows, columns=["measure_id", "pillar", "ministry_zh", "period_start", "period_end",
                                    "measure_type", "measure_type_basis", "status", "reduction_t_co2e",
                                    "reduction_kind"])
    m["strategy_id"] = m["measure_id"].str.rsplit(".", n=1).str[0]
    m["name_zh"] = "措施" + m["measure_id"]
    return m


def make_goals() -> pd.DataFrame:
    rows = [
        # id, no, basis, goal, unit, result, result unit, result basis, inferred
        ("1.1.1", 1, "yearly", 80.0, "家", 80.0, "家", "year", False),  # met exactly
        ("1.1.1", 2, "cumulative", 5420.0, "公噸CO2e", 0.33, "萬公噸CO2e", "year", False),  # 3300 / 5420
        ("1.1.2", 1, "yearly", 6.0, "案", 5.0, "件", "year", False),  # short, count units compare
        ("1.1.2", 2, "unstated", 12.0, "家", 4.0, "家", "year", False),  # 1/3 of a 3-year period: on pace
        ("1.1.2", 3, "cumulative", 12.0, "家", 3.0, "家", "year", False),  # below pace
        ("1.2.1", 1, "level_by_year", 81.5, "%", 81.1, "%", "level", False),
        ("2.1.1", 1, "yearly", 162.0, "家", 70.0, "家次", "year", False),  # units differ
        ("2.1.1", 2, "yearly", 60.0, "家", None, None, "none", False),
        ("2.1.2", 1, "period_total", 3.0, "萬筆", None, None, "none", False),
        ("2.2.1", 1, "cumulative", 4.0, "個", None, None, "none", False),  # not achieved, no result
    ]
    g = pd.DataFrame(rows, columns=["measure_id", "goal_no", "goal_basis", "goal_value", "unit_zh",
                                    "result_value", "result_unit_zh", "result_basis", "value_inferred"])
    g["indicator_zh"] = "指標" + g["goal_no"].astype(str)
    g["result_value"] = g["result_value"].astype(float)
    return g


@pytest.fixture(scope="module")
def real():
    tables = load_processed(PROCESSED)
    tables["goals"] = tables["measure_goals"]
    return tables


def ingested_goals(data_dir):
    """measure_goals as the ingest builds it from the raw folder of a copied data tree."""
    from mfgghg.data.ingest import ingest

    paths = YearPaths.for_year(2021, data_dir / "raw", data_dir / "processed", data_dir / "figures")
    return ingest(paths).tables["measure_goals"]


# ---------------------------------------------------------------------------------------------
# goals against results


@pytest.mark.parametrize("goal_unit, result_unit, expected", [
    ("萬公噸CO2e", "公噸CO2e", True),
    ("案", "件", True),  # both counts in mfgghg.data.units
    ("萬度", "萬度", True),  # not in mfgghg.data.units, but the same
    ("家", "家次", False),  # firms against visits
    ("萬元", "萬公噸CO2e", False),
])
def test_comparable_units(goal_unit, result_unit, expected):
    assert st.comparable_units(goal_unit, result_unit) is expected


def test_goal_progress_ratios_and_assessments():
    p = st.goal_progress(make_goals(), make_measures(), 2021).set_index(["measure_id", "goal_no"])
    assert p.at[("1.1.1", 1), "assessment"] == "met"
    assert math.isclose(p.at[("1.1.1", 2), "ratio"], 3300 / 5420)  # 0.33 萬公噸 against 5,420 公噸
    assert p.at[("1.1.2", 1), "assessment"] == "short"
    assert math.isclose(p.at[("1.1.2", 1), "ratio"], 5 / 6)
    assert math.isclose(p.at[("1.1.2", 2), "elapsed_share"], 1 / 3)
    assert p.at[("1.1.2", 2), "assessment"] == "at or above linear pace"  # 4 of 12 is exactly 1/3
    assert p.at[("1.1.2", 3), "assessment"] == "below linear pace"
    assert p.at[("1.2.1", 1), "assessment"] == "below level"
    assert p.at[("2.1.1", 1), "assessment"] == "units differ" and math.isnan(p.at[("2.1.1", 1), "ratio"])
    assert p.at[("2.1.1", 2), "assessment"] == "no result"
    assert p.at[("2.1.1", 1), "elapsed_share"] == 0 and not p.at[("2.1.1", 1), "period_started"]
    assert p.at[("2.1.2", 1), "goal_group"] == "multi_year"


def test_goal_progress_reached_multi_year_goal():
    g = make_goals().iloc[[1]].assign(result_value=0.6)  # 6,000 t against 5,420 t
    assert st.goal_progress(g, make_measures(), 2021)["assessment"].iloc[0] == "reached"


def test_flag_measures():
    m = make_measures()
    flags = st.flag_measures(m, st.goal_progress(make_goals(), m, 2021), 2021)
    got = set(zip(flags["measure_id"], flags["flag"]))
    assert got == {
        ("1.1.2", "short_of_yearly_goal"),
        ("2.1.1", "yearly_goal_without_result"),
        ("2.1.1", "period_not_started"),
        ("2.1.2", "achieved_without_result"),
        ("2.1.2", "period_not_started"),
    }  # 2.2.1 has no result either, but is not counted achieved; 2.1.1 has one result
    assert (flags["check_id"] == "goals." + flags["measure_id"] + "." + flags["flag"]).all()
    assert list(flags["measure_id"]) == sorted(flags["measure_id"], key=lambda s: tuple(map(int, s.split("."))))
    wide = st.flagged_measures(flags, m)
    assert list(wide["measure_id"]) == ["1.1.2", "2.1.1", "2.1.2"]
    assert wide.set_index("measure_id").at["2.1.2", "achieved_without_result"]
    assert not wide.set_index("measure_id").at["1.1.2", "period_not_started"]


def test_flag_measures_a_year_later_sees_the_period_started():
    m = make_measures()
    flags = st.flag_measures(m, st.goal_progress(make_goals(), m, 2022), 2022)
    assert "period_not_started" not in set(flags["flag"])


def test_goal_coverage():
    cov = st.goal_coverage(make_measures(), make_goals()).set_index("measure_id")
    assert cov.at["1.1.2", "numeric_goals"] == 3 and cov.at["1.1.2", "with_result"] == 3
    assert cov.at["2.1.1", "numeric_goals"] == 2 and cov.at["2.1.1", "with_result"] == 1
    assert cov.at["2.2.1", "with_result"] == 0


# ---------------------------------------------------------------------------------------------
# reading and transcription checks


def test_ingested_goals_real_data(real):
    g = real["goals"]
    assert g["measure_id"].isin(real["measures"]["measure_id"]).all()
    assert (g["result_value"].isna() == (g["result_basis"] == "none")).all()


def test_goal_quotes_are_in_the_annex(real):
    problems = st.check_goal_quotes(real["goals"], real["measures"])
    assert problems.empty, problems.to_string()


def test_check_goal_quotes_finds_a_wrong_value(real):
    g = real["goals"].copy()
    i = g.index[(g["measure_id"] == "1.1.3") & (g["goal_no"] == 1)][0]
    g.loc[i, "goal_value"] = 7.0  # the annex prints 6 案
    g.loc[i, "quote_result_zh"] = "共計核定9件"  # not in the annex
    problems = st.check_goal_quotes(g, real["measures"])
    assert set(problems["column"]) == {"goal_value", "quote_result_zh"}


def test_ingested_goals_rejects_a_result_without_unit(data_copy):
    path = data_copy / "raw" / "2021" / "measure_goals.csv"
    line = line_of_value(path, "quote_goal_zh", "每年召開24場次產業減碳相關工作會議")
    set_cell(path, line, "result_unit_zh", "")
    with pytest.raises(DataError) as err:
        ingested_goals(data_copy)
    assert err.value.row == line and err.value.column == "result_unit_zh"


def test_ingested_goals_rejects_an_unknown_basis_and_measure(data_copy, real):
    path = data_copy / "raw" / "2021" / "measure_goals.csv"
    line = line_of_value(path, "quote_goal_zh", "每年召開24場次產業減碳相關工作會議")
    set_cell(path, line, "goal_basis", "monthly")
    with pytest.raises(DataError) as err:
        ingested_goals(data_copy)
    assert err.value.column == "goal_basis"
    set_cell(path, line, "goal_basis", "yearly")
    set_cell(path, line, "measure_id", "1.5.9")
    with pytest.raises(DataError, match="not a measure"):
        ingested_goals(data_copy)


def test_ingested_goals_rejects_a_result_with_basis_none(data_copy):
    path = data_copy / "raw" / "2021" / "measure_goals.csv"
    line = line_of_value(path, "quote_goal_zh", "每年召開24場次產業減碳相關工作會議")
    set_cell(path, line, "result_basis", "none")
    with pytest.raises(DataError) as err:
        ingested_goals(data_copy)
    assert err.value.row == line and err.value.column == "result_basis"


# ---------------------------------------------------------------------------------------------
# Table 1


def test_strategy_table():
    m = make_measures()
    funding = pd.DataFrame({
        "measure_id": ["1.1.1", "1.1.1", "1.2.1", "2.2.1"],
        "amount_twd": [100.0, 50.0, 30.0, 7.0],
        "is_public": [True, False, True, True],
    })
    t = st.strategy_table(m, funding)
    s = t[t["level"] == "strategy"].set_index("strategy_id")
    assert list(s.index) == ["1.1", "1.2", "2.1", "2.2"]
    assert s.at["1.1", "measures"] == 2 and s.at["1.1", "substantive"] == 1 and s.at["1.1", "capacity"] == 1
    assert s.at["1.1", "funding_twd"] == 150 and s.at["1.1", "public_funding_twd"] == 100
    assert s.at["1.1", "reduction_actual_t_co2e"] == 1000 and s.at["1.1", "reduction_potential_t_co2e"] == 500
    assert s.at["1.2", "reduction_expected_t_co2e"] == 200
    assert s.at["2.1", "funding_twd"] == 0  # no funding rows
    pillar1 = t[(t["level"] == "pillar") & (t["pillar"] == "1")].iloc[0]
    assert pillar1["measures"] == 3 and pillar1["funding_twd"] == 180 and pillar1["types_inferred"] == 2
    total = t[t["level"] == "total"].iloc[0]
    assert total["measures"] == len(m) and total["funding_twd"] == funding["amount_twd"].sum()
    assert total["reduction_actual_t_co2e"] == 1050


def test_display_units():
    df = pd.DataFrame({"x": ["a"], "funding_twd": [1e4], "reduction_t_co2e": [2.5e4]})
    out = st.display_units(df)
    assert list(out.columns) == ["x", "funding (萬元)", "reduction (萬公噸CO2e)"]
    assert out.iloc[0].tolist() == ["a", 1.0, 2.5]


def test_strategy_table_real_data_adds_up(real):
    t = st.strategy_table(real["measures"], real["measure_funding"])
    total = t[t["level"] == "total"].iloc[0]
    strategies = t[t["level"] == "strategy"]
    assert len(strategies) == real["measures"]["strategy_id"].nunique()
    assert total["measures"] == len(real["measures"]) == strategies["measures"].sum()
    assert total["substantive"] + total["capacity"] == total["measures"]
    assert math.isclose(total["funding_twd"], real["measure_funding"]["amount_twd"].sum())
    assert math.isclose(strategies["reduction_actual_t_co2e"].sum(),
                        real["measures"].loc[real["measures"]["reduction_kind"] == "actual", "reduction_t_co2e"].sum())


# ---------------------------------------------------------------------------------------------
# Tables 2 and 3


def printed_status(counts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Status counts (long, as status_counts gives them) as a printed Table 2 or 3: one row per group,
    the columns of the report, every cell as text ('' for a rate of no measures: the report's '-')."""
    rows = []
    for group, g in counts.groupby("group", sort=False):
        row = {"row_zh": group, by: group}
        for letter, mtype in (("a", "substantive"), ("b", "capacity"), ("c", "all")):
            r = g.set_index("measure_type").loc[mtype]
            for col, printed_col in stc.status_cells(letter).items():
                row[printed_col] = "" if pd.isna(r[col]) else f"{r[col]:g}"
        rows.append(row)
    return pd.DataFrame(rows)


def test_compare_status_flags_a_wrong_cell():
    m = make_measures()
    t2, t3 = printed_status(status_counts(m, "pillar"), "pillar"), printed_status(status_counts(m, "ministry_zh"),
                                                                                   "ministry_zh")
    table = stc.compare_status(m, t2, t3)
    assert table["agrees"].all()
    assert len(table) == 4 * 3 * (len(t2) + len(t3))
    wrong = t2.copy()
    wrong.loc[wrong["pillar"] == "1", "c1_achieved"] = "3"  # recomputed: 2 of 3 achieved in pillar 1
    table = stc.compare_status(m, wrong, t3)
    assert list(table.loc[~table["agrees"], "check_id"]) == ["table2.1.all.achieved"]


def test_status_cells_are_judged_at_the_decimals_printed():
    """Pillar 1 achieved 2 of 3 (66.666... %): printed '66.7' rounds to published, '66.70' differs
    (two decimals printed), and '-' (empty text) is 'not printed' only where nothing is recomputed."""
    m = make_measures()
    t2, t3 = printed_status(status_counts(m, "pillar"), "pillar"), printed_status(status_counts(m, "ministry_zh"),
                                                                                   "ministry_zh")
    for shown, expected in (("66.7", "rounds to published"), ("66.70", "differs"), ("67", "rounds to published"),
                            ("", "differs")):
        t2.loc[t2["pillar"] == "1", "c_rate_pct"] = shown
        verdicts = stc.compare_status(m, t2, t3).set_index("check_id")["verdict"]
        assert verdicts["table2.1.all.rate_pct"] == expected, shown


def test_status_wide_layout():
    m = make_measures()
    wide = st.status_wide(status_counts(m, "pillar"), {"1": "P1"})
    assert list(wide.index) == ["P1", "2", "total"]
    assert wide.columns.get_level_values(0).unique().tolist() == ["substantive", "capacity", "all"]
    assert wide.loc["P1", ("all", "achieved")] == 2 and wide.loc["P1", ("all", "subtotal")] == 3
    assert wide.loc["2", ("substantive", "subtotal")] == 1


def test_status_with_flags():
    m = make_measures()
    counts = st.status_with_flags(m, ["2.1.1", "2.2.1"], "pillar").set_index(["group", "measure_type"])
    assert counts.at[("2", "substantive"), "achieved_flagged"] == 1
    assert counts.at[("2", "substantive"), "achieved_unflagged"] == 0
    # a flagged measure that is not achieved is counted as not achieved, not as flagged
    assert counts.at[("2", "capacity"), "achieved_flagged"] == 0
    assert counts.at[("2", "capacity"), "not_achieved"] == 1
    assert (counts["achieved_flagged"] + counts["achieved_unflagged"] == counts["achieved"]).all()


def test_status_tables_reproduce_the_published_ones(real):
    table = stc.compare_status(real["measures"], real["published_table2_printed"], real["published_table3_printed"])
    assert len(table) == 4 * len(real["published_status"])
    counts = table[~table["check_id"].str.endswith("rate_pct")]
    assert counts["agrees"].all()
    # the one rate that differs is a 0-of-0 cell, and a note explains it
    differ = table.loc[~table["agrees"]]
    assert differ["description"].str.endswith("rate_pct").all()
    notes = set(real["notes"]["check_id"])
    assert set(differ["check_id"]) <= notes


# ---------------------------------------------------------------------------------------------
# reductions


def test_counted_kind_set():
    checks = pd.DataFrame({"check_id": [f"headline.reduction_report_year.{k}" for k in REDUCTION_KIND_SETS],
                           "verdict": ["differs", "rounds to published", "differs"]})
    assert st.counted_kind_set(checks) == "actual_expected"
    assert st.counted_kind_set(checks.assign(verdict="differs")) is None


def test_reductions_by_pillar():
    m = make_measures()
    table4 = pd.DataFrame({"pillar": [1, 1, 2, 3], "reduction_t_co2e": [600.0, 500.0, float("nan"), 10.0]})
    out = st.reductions_by_pillar(m, table4, ("actual", "expected")).set_index("pillar")
    assert list(out.index) == ["1", "2", "3", "total"]
    assert out.at["1", "table4_t_co2e"] == 1100 and out.at["1", "counted_t_co2e"] == 1200
    assert out.at["1", "potential_t_co2e"] == 500
    assert out.at["1", "table4_minus_counted_t_co2e"] == -100
    assert out.at["3", "counted_t_co2e"] == 0 and out.at["3", "table4_minus_counted_t_co2e"] == 10
    assert out.at["total", "counted_t_co2e"] == 1250


def test_the_kinds_labels_are_the_reference_lists():
    from mfgghg.data.package import read_package

    kinds = read_package(REPO / "data" / "reference")["reduction_kinds"].data
    assert st.KIND_LABELS == dict(zip(kinds["kind"], kinds["kind_zh"]))


def test_measure_reductions():
    r = st.measure_reductions(make_measures(), ("actual",))
    assert list(r["measure_id"]) == ["1.1.1", "1.1.2", "1.2.1", "2.1.1"]
    assert list(r["counted_in_headline"]) == [True, False, False, True]


def test_real_headline_counts_actual_and_expected(real):
    checks = stc.reduction_checks(real["measures"], real["measure_funding"], real["published_budget"],
                                 real["published_headlines"])
    assert st.counted_kind_set(checks) == "actual_expected"


def test_headlines_are_read_in_the_unit_the_text_prints_them_in(real):
    """A reduction printed in 萬公噸 (not 百萬公噸), money in 萬元 (not 億元), and the plan period's money
    for another period are each judged in the unit printed."""
    from mfgghg.checks.verdict import REDUCTION_KIND_SETS, reduction_total

    m, f = real["measures"], real["measure_funding"]
    h = real["published_headlines"].set_index("key")
    other = h.loc[["reduction_report_year", "actual_budget_report_year", "planned_budget_2021_2025"]].reset_index()
    reduction = reduction_total(m, REDUCTION_KIND_SETS["actual_expected"])
    other.loc[0, ["value_printed", "unit_zh"]] = [f"{reduction / 1e4:.0f}", "萬公噸CO2e"]
    other.loc[1, ["value_printed", "unit_zh"]] = [f"{f['amount_twd'].sum() / 1e4:,.0f}", "萬元"]
    other.loc[2, "key"] = "planned_budget_2026_2030"
    checks = stc.reconcile_headlines(m, f, real["published_budget"], other).set_index("check_id")
    assert checks.at["headline.reduction_report_year.actual_expected", "verdict"] in AGREES
    assert checks.at["headline.reduction_report_year.actual_expected", "unit"] == "萬公噸CO2e"
    assert checks.at["headline.actual_budget_report_year.all_sources", "verdict"] in AGREES
    assert checks.at["headline.planned_budget_2026_2030", "verdict"] in AGREES  # (the same printed 85.7 億元)
    other.loc[0, "unit_zh"] = "億元"
    with pytest.raises(DataError, match="published_headlines.csv.*headline reduction_report_year: 億元 is not a unit"):
        stc.reconcile_headlines(m, f, real["published_budget"], other)


# ---------------------------------------------------------------------------------------------
# notes


def test_attach_notes_refuses_only_in_the_namespaces_owned():
    notes = pd.DataFrame({"check_id": ["goals.a", "headline.b"], "explanation": ["why a", "why b"],
                          "file": ["status_notes.csv", "reconciliation_notes.csv"]})
    table = pd.DataFrame({"check_id": ["goals.a", "headline.c"], "verdict": ["equal", "differs"]})
    out = attach_notes(table, notes, owns=["goals"])  # 'headline.b' is another notebook's check
    assert out["explanation"].tolist() == ["why a", ""] and out["agrees"].tolist() == [True, False]
    with pytest.raises(DataError, match="unknown check 'goals.a'") as err:
        attach_notes(table.assign(check_id=["goals.z", "headline.c"]), notes, owns=["goals"])
    assert err.value.row == 2 and err.value.column == "check_id" and "status_notes.csv" in str(err.value)


def test_real_table4_differs_from_the_measures_and_is_explained(real):
    printed = real["published_table4_printed"]
    assert printed["reduction_10k_t_co2e"].map(lambda v: isinstance(v, str)).all()  # as printed, '' when empty
    # (a subset of the table4 checks: notebook 01 owns them)
    table = attach_notes(stc.compare_table4(real["measures"], printed), real["notes"])
    assert table["check_id"].tolist() == ["table4.1.reduction", "table4.2.reduction", "table4.3.reduction",
                                          "table4.total.reduction"]
    assert table.set_index("check_id").at["table4.total.reduction", "published"] == pytest.approx(174.05)
    assert (table.loc[~table["agrees"], "explanation"] != "").all()


def test_real_flags_and_their_notes(real):
    m = real["measures"]
    flags = st.flag_measures(m, st.goal_progress(real["goals"], m, 2021), 2021)
    assert {"1.1.3", "2.1.2", "3.4.1"} == set(flags["measure_id"])
    got = set(zip(flags["measure_id"], flags["flag"]))
    assert ("3.4.1", "achieved_without_result") in got and ("3.4.1", "period_not_started") in got
    attach_notes(flags, real["notes"], owns=["goals"])  # every goal note names one of these flags


# ---------------------------------------------------------------------------------------------
# figures: they draw without missing glyphs (matplotlib warnings are errors in this suite), in both
# editions; an English figure shows no Chinese


@pytest.fixture
def lang():
    """The edition is global state: every test leaves it at zh-TW."""
    yield set_lang
    set_lang("zh-TW")


# (The notebooks' own 2021 figures, in each edition: tests/test_notebook_figures.py.)


def texts(fig) -> list[str]:
    return [a.get_text() for a in fig.findobj(lambda a: hasattr(a, "get_text")) if a.get_text()]


def test_english_figure_fails_on_a_name_without_translation(lang):
    """A name the translations table lacks is an error, never Chinese in an English figure."""
    lang("en")
    m = make_measures()  # names 措施1.1.1 ... have no English
    with pytest.raises(MissingTranslation, match="措施1.1.1"):
        plots.plot_measure_reductions(st.measure_reductions(m, ("actual",)), ("actual",), year=2021)
    plt.close("all")


def test_no_flags_and_no_goals_still_give_tables_and_figures(lang):
    use_cjk_font()
    m = make_measures()
    flags = st.flag_measures(m.assign(period_start=2021), st.goal_progress(make_goals().iloc[:1], m, 2021), 2021)
    assert flags.empty
    assert st.flagged_measures(flags, m).empty
    empty_goals = make_goals().iloc[:0]
    progress = st.goal_progress(empty_goals, m, 2021)
    by_pillar = st.reductions_by_pillar(m, pd.DataFrame({"pillar": [1], "reduction_t_co2e": [1.0]}), ())
    no_checks = pd.DataFrame(columns=["check_id", "published", "recomputed", "unit"])
    for edition, placeholder in [("zh-TW", "附件未列數字目標"), ("en", "The annex states no numeric goals")]:
        lang(edition)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            source = {"zh-TW": "資料來源：110年執行成果報告 ",
                      "en": "Source: 2021 (ROC 110) execution report, "}[edition]
            fig = plots.plot_goals(progress, year=2021)
            fig.draw_without_rendering()
            assert placeholder in texts(fig)
            assert any(t.startswith(source) for t in texts(fig))  # the placeholder keeps its source line
            titled = {"zh-TW": "附件數字目標與成果", "en": "The annex's numeric goals and the results"}
            assert figure_title(fig) == titled[edition]  # (the yearly page names it)
            fig = plots.plot_reduction_totals(no_checks, by_pillar, (), {}, year=2021)
            fig.draw_without_rendering()
            assert bool(cjk_texts(fig)) == (edition == "zh-TW")
            assert any(t.startswith(source) for t in texts(fig))
    plt.close("all")


def test_sums_of_nearly_equal_height_are_written_apart():
    """A headline far above its measures' sums (parts much smaller than the axis): the sums of the
    nested kind sets, written beside one stack, do not overlap (plots.style.keep_texts_apart)."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    checks = pd.DataFrame([
        {"check_id": f"headline.reduction_report_year.{name}", "published": 1.7, "recomputed": value,
         "unit": "百萬公噸CO2e"} for name, value in [("actual", 0.002126), ("actual_expected", 0.002254),
                                                   ("all_kinds", 0.002407)]])
    by_pillar = st.reductions_by_pillar(make_measures(), pd.DataFrame({"pillar": [1], "reduction_t_co2e": [1.0]}), ())
    fig = plots.plot_reduction_totals(checks, by_pillar, (), {}, year=2021)
    try:
        assert {"0.2126", "0.2254", "0.2407"} <= set(texts(fig))
        assert [str(p) for p in layout_problems(fig)] == []
    finally:
        plt.close(fig)


def test_status_figure_in_english_from_small_frames(lang):
    """Ministry names (the groups of Table 3) and measure types are translated; pillar numbers stay."""
    use_cjk_font()
    lang("en")
    m = make_measures()
    fig = plots.plot_status(st.status_chart_data(m, ["2.1.2"]), {}, year=2021)
    fig.draw_without_rendering()
    assert "Source: 2021 (ROC 110) execution report, Table 2, Table 3, Annex" in texts(fig)
    assert cjk_texts(fig) == []
    ticks = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert ticks[0].replace("\n", " ") == "Ministry of Economic Affairs (MOEA)"
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["1", "2"]
    assert "substantive: achieved (as reported)" in texts(fig)
    plt.close("all")


def test_long_names_are_cut_with_an_ellipsis(lang):
    assert plots._first_lines("測試措施" * 6, 18) == ("測試措施" * 6)[:18] + "…"
    assert plots._first_lines("短名", 18) == "短名"
    lang("en")
    name = "Energy-saving technical services for large industrial energy users"
    assert plots._first_lines(name, 18) == "Energy-saving technical services for…"  # 36 letters: twice the CJK width
    assert plots._first_lines(name, 18, 2) == "Energy-saving technical services for\nlarge industrial energy users"


def test_reduction_totals_data():
    checks = pd.DataFrame({"check_id": ["headline.reduction_report_year.actual",
                                        "headline.reduction_report_year.actual_expected",
                                        "headline.reduction_heading_report_year"],
                           "published": [1.7, 1.7, 6.0], "recomputed": [1.6, 1.73, 1.73], "unit": ["百萬公噸CO2e"] * 3})
    by_pillar = st.reductions_by_pillar(make_measures(), pd.DataFrame({"pillar": [1], "reduction_t_co2e": [3e4]}),
                                        ("actual",))
    data = st.reduction_totals_data(checks, by_pillar)
    head = data[data["panel"] == "headline"]
    assert head["series"].tolist() == ["published headline", "measures: actual", "measures: actual_expected"]
    assert head["value"].tolist() == [1.7, 1.6, 1.73]  # the heading check is not a kind set
    t4 = data[(data["panel"] == "table4") & (data["group"] == "1")].set_index("series")["value"]
    assert t4["Table 4"] == 3 and t4["measures: actual"] == 0.1  # 萬公噸CO2e
    assert set(data["origin"]) == {"printed", "derived"}


def test_headline_checks_for_table1(real):
    checks = stc.headline_checks(real["measures"], real["measure_funding"], real["published_budget"],
                                real["published_headlines"], stc.TABLE1_HEADLINES)
    assert {"headline.strategies", "headline.measures"} <= set(checks["check_id"])
    assert not checks["check_id"].str.startswith("headline.reduction").any()
    counts = checks[~checks["check_id"].str.contains("budget")]
    assert counts["agrees"].all()


def test_every_figure_caption_has_an_english_edition(lang):
    lang("en")
    assert set(plots.CAPTIONS) == {"plot_measure_reductions", "plot_reduction_totals", "plot_goals", "plot_status"}
    for name, caption in plots.CAPTIONS.items():
        assert callable(getattr(plots, name))
        translated = _(caption)  # MissingTranslation if the English edition lacks it
        assert translated and not CJK.search(translated), name


def test_rates_of_many_groups_stand_upright_clear_of_the_bars():
    """Seven pillars and twelve ministries (other years): the rates written over the bars are wider than
    their bars and would run over the neighbouring bar; they stand upright (plots.style.turn_crowded_labels)."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    rows = []
    for by, groups in (("pillar", [str(i) for i in range(1, 8)]), ("ministry_zh", [f"部會{i}" for i in range(12)])):
        for i, group in enumerate(groups):
            for mtype in ("substantive", "capacity"):
                sub = 2 + (i + (mtype == "capacity")) % 5
                rows.append({"group": group, "measure_type": mtype, "achieved": sub - i % 2, "not_achieved": i % 2,
                             "subtotal": sub, "rate_pct": 100 * (sub - i % 2) / sub, "achieved_flagged": i % 3 == 0,
                             "achieved_unflagged": sub - i % 2 - (i % 3 == 0), "by": by})
    fig = plots.plot_status(pd.DataFrame(rows), {}, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
        assert {t.get_rotation() for ax in fig.axes for t in ax.texts} == {90}
    finally:
        plt.close(fig)


def test_reductions_over_many_decades_and_a_zero_are_written_inside_the_figure():
    """Reductions from 0.01 t to 10 million t, and one of 0 (no bar on a log axis): each value is written
    inside the frame (the log axis widens for the longest bar's label) and the 0 at the axis's start."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    m = make_measures().assign(reduction_kind="actual")
    m = pd.concat([m, m.assign(measure_id=m["measure_id"] + "0")], ignore_index=True).iloc[:10]
    m["reduction_t_co2e"] = [10.0 ** (i - 2) for i in range(10)]
    m.loc[1, "reduction_t_co2e"] = 0.0
    fig = plots.plot_measure_reductions(st.measure_reductions(m, ("actual",)), ("actual",), year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
        assert "0" in texts(fig) and "1000" in texts(fig)
    finally:
        plt.close(fig)


def test_seven_pillars_keep_table4s_values_names_and_legend_apart():
    """Seven pillars (other years), one without a Table 4 value: the pillars' names, the values over the
    narrower bars and the legend (over the hatched bars) no longer run into each other."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    n = 7
    body = pd.DataFrame({"pillar": [str(i + 1) for i in range(n)],
                         "table4_t_co2e": [4.03e5, 1.3375e6, float("nan"), 2.0e5, 8.0e5, 1.2e6, 6.0e4],
                         "actual_t_co2e": [1.35922e6, 2.75888e5, 0.0, 1.0e5, 7.5e5, 1.3e6, 5.0e4],
                         "expected_t_co2e": [0.0, 8.83e4, 1.06e4, 5.0e4, 0.0, 0.0, 1.0e4],
                         "potential_t_co2e": [1.18e5, 0.0, 0.0, 0.0, 2.0e5, 0.0, 0.0]})
    body["counted_t_co2e"] = body["actual_t_co2e"] + body["expected_t_co2e"]
    body["table4_minus_counted_t_co2e"] = body["table4_t_co2e"] - body["counted_t_co2e"]
    total = body.drop(columns="pillar").sum().to_frame().T.assign(pillar="total")
    by_pillar = pd.concat([body, total], ignore_index=True)
    names = {str(i + 1): f"政策內涵名稱第{i + 1}項推動產業低碳轉型" for i in range(n)}
    no_checks = pd.DataFrame(columns=["check_id", "published", "recomputed", "unit"])
    fig = plots.plot_reduction_totals(no_checks, by_pillar, ("actual", "expected"), names, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
    finally:
        plt.close(fig)


MINISTRIES_EN = {
    "交通部": "Ministry of Transportation and Communications (MOTC)",
    "內政部": "Ministry of the Interior (MOI)",
    "金管會": "Financial Supervisory Commission (FSC)",
    "國發會": "National Development Council (NDC)",
    "農委會": "Council of Agriculture (COA)",
    "勞動部": "Ministry of Labor (MOL)",
    "財政部": "Ministry of Finance (MOF)",
    "教育部": "Ministry of Education (MOE)",
    "文化部": "Ministry of Culture (MOC)",
}


def test_twelve_ministries_by_their_english_names_stand_upright_in_a_wider_panel(lang, tmp_path, monkeypatch):
    """Twelve lead ministries (a year with more than 2021's three), in English: their names ran into each
    other; the panel is as wide as its groups are many and the names stand upright, in longer lines."""
    from mfgghg.plots.layout import layout_problems

    draft = tmp_path / "draft.csv"
    draft.write_text("zh_tw,en\n" + "".join(f"{zh},{en}\n" for zh, en in MINISTRIES_EN.items()), encoding="utf-8")
    monkeypatch.setenv("MFGGHG_EXTRA_TRANSLATIONS", str(draft))
    use_cjk_font()
    lang("en")
    rows = []
    for by, groups in (("pillar", ["1", "2"]), ("ministry_zh", ["經濟部", "國科會", "環保署", *MINISTRIES_EN])):
        for i, group in enumerate(groups):
            for mtype in ("substantive", "capacity"):
                sub = 1 + (3 * i + (mtype == "capacity")) % 9
                rows.append({"group": group, "measure_type": mtype, "achieved": sub - i % 2, "not_achieved": i % 2,
                             "subtotal": sub, "rate_pct": 100 * (sub - i % 2) / sub, "achieved_flagged": 0,
                             "achieved_unflagged": sub - i % 2, "by": by})
    fig = plots.plot_status(pd.DataFrame(rows), {}, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
        assert fig.axes[1].get_position().width > 2 * fig.axes[0].get_position().width
    finally:
        plt.close(fig)


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_a_rate_or_a_sum_that_cannot_be_computed_draws_no_label(lang, edition):
    """A rate or a sum that cannot be computed for one row (NaN) draws no label, never "nan"; the other
    rows keep theirs (plots.style.value_label)."""
    from conftest import missing_numbers_written

    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    lang(edition)
    rows = []
    for by, groups in (("pillar", ["1", "2"]), ("ministry_zh", ["經濟部", "國科會", "環保署"])):
        for i, group in enumerate(groups):
            for mtype in ("substantive", "capacity"):
                rows.append({"group": group, "measure_type": mtype, "achieved": 3, "not_achieved": 1, "subtotal": 4,
                             "rate_pct": float("nan") if i == 0 else 75.0, "achieved_flagged": 0,
                             "achieved_unflagged": 3, "by": by})
    checks = pd.DataFrame([{"check_id": f"headline.reduction_report_year.{name}", "published": 1.7,
                            "recomputed": value, "unit": "百萬公噸CO2e"}
                           for name, value in [("actual", 1.6), ("actual_expected", float("nan"))]])
    by_pillar = st.reductions_by_pillar(make_measures(), pd.DataFrame({"pillar": [1], "reduction_t_co2e": [3e4]}),
                                        ("actual",))
    by_pillar.loc[by_pillar["pillar"] == "2", "counted_t_co2e"] = float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = {"status": plots.plot_status(pd.DataFrame(rows), {}, year=2021),
                   "totals": plots.plot_reduction_totals(checks, by_pillar, ("actual",), {}, year=2021)}
    try:
        for name, fig in figures.items():
            assert missing_numbers_written(fig) == [], name
            assert [str(p) for p in layout_problems(fig)] == [], name
        assert [t.get_text() for ax in figures["status"].axes for t in ax.texts] == ["75%"] * 6
        totals = figures["totals"]
        assert "160" in [t.get_text() for t in totals.axes[0].texts]  # (1.6 Mt in 萬公噸: the sum that is one)
        counted = _("計入 {value}").format(value="")
        # pillar 1's counted 0.1 (萬公噸) only
        assert [t.get_text() for t in totals.axes[1].texts if t.get_text().startswith(counted)] == [counted + "0.1"]
    finally:
        plt.close("all")


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_a_year_without_measures_says_so_in_the_status_figure(lang, edition):
    """An execution-status frame without rows (the right columns, no measure): the figure says so, with
    its source line (it raised making no panel)."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    lang(edition)
    empty = st.status_chart_data(make_measures(), []).iloc[:0]
    fig = plots.plot_status(empty, {}, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
        said = {"zh-TW": "本報告年度未列措施之執行情形", "en": "This report year lists no measure's status"}[edition]
        assert [t.get_text() for t in fig.axes[0].texts] == [said]
        assert figure_title(fig) == _("措施執行情形 (表2、表3)")
        assert fig.texts[-1].get_text().startswith({"zh-TW": "資料來源：110年執行成果報告 表2",
                                                    "en": "Source: 2021 (ROC 110) execution report, Table 2"}[edition])
        assert bool(cjk_texts(fig)) == (edition == "zh-TW")
    finally:
        plt.close(fig)


def test_two_ministries_of_one_english_name_stay_apart_in_the_status_figure(lang, tmp_path, monkeypatch):
    """Two ministries whose English names are the same (環境部 translated as 環保署 was): their groups
    stay two (counted by their Chinese names), and in English each name is followed by its Chinese one, so
    a reader tells them apart (plots.style.distinct_labels)."""
    from mfgghg.plots.layout import layout_problems

    draft = tmp_path / "draft.csv"
    draft.write_text("zh_tw,en\n環境部,Environmental Protection Administration (EPA)\n", encoding="utf-8")
    monkeypatch.setenv("MFGGHG_EXTRA_TRANSLATIONS", str(draft))
    use_cjk_font()
    m = make_measures()
    m.loc[m["measure_id"] == "1.2.1", "ministry_zh"] = "環境部"  # (環保署 leads 2.1.2)
    data = st.status_chart_data(m, [])
    epa = "Environmental Protection Administration (EPA)"
    for edition, expected in (("en", ["Ministry of Economic Affairs (MOEA)", f"{epa} [環境部]", f"{epa} [環保署]"]),
                              ("zh-TW", ["經濟部", "環境部", "環保署"])):
        lang(edition)
        fig = plots.plot_status(data, {}, year=2021)
        try:
            assert [str(p) for p in layout_problems(fig)] == []
            assert [t.get_text().replace("\n", " ") for t in fig.axes[1].get_xticklabels()] == expected
        finally:
            plt.close(fig)


def test_two_ministries_of_one_english_name_stay_apart_in_the_status_data_file(lang, tmp_path, monkeypatch):
    """The English data file beside the status figure translated its ``group`` column, so two ministries
    whose English names are the same were one name there, where the figure tells them apart; each is
    followed by its Chinese name, as in the figure (plots.style.distinct_labels), and the Chinese file is
    as it was."""
    from mfgghg.plots.style import edition_data

    draft = tmp_path / "draft.csv"
    draft.write_text("zh_tw,en\n環境部,Environmental Protection Administration (EPA)\n", encoding="utf-8")
    monkeypatch.setenv("MFGGHG_EXTRA_TRANSLATIONS", str(draft))
    use_cjk_font()
    m = make_measures()
    m.loc[m["measure_id"] == "1.2.1", "ministry_zh"] = "環境部"
    data = st.status_chart_data(m, [])
    lang("en")
    fig = plots.plot_status(data, {}, year=2021)
    try:
        ticks = [t.get_text().replace("\n", " ") for t in fig.axes[1].get_xticklabels()]
    finally:
        plt.close(fig)
    table = edition_data(data)
    ministries = table.loc[table["by"] == "ministry_zh", "group"]
    assert list(dict.fromkeys(ministries)) == ticks
    assert ministries.nunique() == data.loc[data["by"] == "ministry_zh", "group"].nunique() == 3
    assert table.loc[table["by"] == "pillar", "group"].tolist() == data.loc[data["by"] == "pillar", "group"].tolist()
    lang("zh-TW")
    assert edition_data(data).equals(data)

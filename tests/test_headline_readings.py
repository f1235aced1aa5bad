"""The reduction headline read by kind and by measure type, on small hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from mfgghg.checks.headline_readings import (by_kind_checks, by_type_checks, readings_that_round, reduction_by_type,
                                             reduction_readings, type_alternatives)


def measures(rows):
    return pd.DataFrame(rows, columns=["measure_id", "pillar", "ministry_zh", "measure_type", "measure_type_basis",
                                       "reduction_t_co2e", "reduction_kind"])


# Headline 0.2 Mt. Actual 0.14; the chosen substantive 2.1.1 expects 0.05; 2.1.3 (same pillar, ministry and
# kind, typed capacity) expects 0.001; 3.1.3 expects 0.01; a potential of 0.1 in 1.1.3.
M = measures([
    ["1.1.1", 1, "經濟部", "substantive", "inferred", 140000.0, "actual"],
    ["1.1.3", 1, "經濟部", "capacity", "inferred", 100000.0, "potential"],
    ["2.1.1", 2, "經濟部", "substantive", "inferred", 50000.0, "expected"],
    ["2.1.3", 2, "經濟部", "capacity", "inferred", 1000.0, "expected"],
    ["3.1.3", 3, "環保署", "capacity", "inferred", 10000.0, "expected"],
    ["2.1.4", 2, "經濟部", "capacity", "stated", None, None],
])
H = pd.DataFrame([{"key": "reduction_report_year", "value_printed": "0.2", "unit_zh": "百萬公噸CO2e",
                   "section_zh": "摘要 一", "value_base": 0.2}])


def test_sum_by_type_takes_any_kind():
    assert reduction_by_type(M) == 190000.0
    assert reduction_by_type(M, ("capacity",)) == 111000.0


def test_by_type_check_id_and_verdict():
    c = by_type_checks(M, H).set_index("check_id")
    row = c.loc["headline.reduction_report_year.by_type.substantive"]
    assert row["recomputed"] == pytest.approx(0.19) and row["verdict"] == "rounds to published" and row["agrees"]
    assert "2 measures typed substantive" in row["description"]


def test_by_kind_checks_use_the_reconciliation_ids():
    c = by_kind_checks(M, H).set_index("check_id")
    assert c.at["headline.reduction_report_year.actual", "recomputed"] == pytest.approx(0.14)
    assert c.at["headline.reduction_report_year.actual_expected", "recomputed"] == pytest.approx(0.201)
    assert c.at["headline.reduction_report_year.all_kinds", "recomputed"] == pytest.approx(0.301)


def test_alternatives_are_same_pillar_ministry_and_kind():
    assert type_alternatives(M) == [("2.1.1", "2.1.3")]  # not 3.1.3 (another pillar and ministry)


def test_readings_side_by_side_and_which_round():
    r = reduction_readings(M, H).set_index("reading")
    assert list(r.index) == ["actual", "actual_expected", "all_kinds", "by_type.substantive",
                             "by_type.substantive_2_1_3_for_2_1_1"]
    assert r.at["by_type.substantive_2_1_3_for_2_1_1", "recomputed"] == pytest.approx(0.141)
    assert r.at["by_type.substantive_2_1_3_for_2_1_1", "basis"] == "type, alternative choice"
    assert readings_that_round(r.reset_index()) == ["actual_expected", "by_type.substantive"]  # 0.201 and 0.19 -> 0.2


def test_no_headline_no_rows():
    assert by_type_checks(M, H.iloc[0:0]).empty
    assert reduction_readings(M, H.iloc[0:0]).empty


def test_2021_readings_that_round_to_the_headline():
    """Only actual + expected and the by-type sum (with 2.1.1 substantive) round to 1.7 Mt."""
    from conftest import REPO
    from mfgghg.data.ingest import build_measures
    from mfgghg.data.package import read_package

    reference = read_package(REPO / "data" / "reference")
    raw = read_package(REPO / "data" / "raw" / "2021", reference)
    m = build_measures(raw, reference)
    h = raw["published_headlines"]
    headlines = pd.DataFrame({"key": h.data["key"], "value_printed": h.text["value"], "unit_zh": h.data["unit_zh"],
                              "section_zh": h.data["section_zh"]})
    r = reduction_readings(m, headlines)
    assert readings_that_round(r) == ["actual_expected", "by_type.substantive"]
    assert sorted(a for _c, a in type_alternatives(m)) == ["2.1.3", "2.2.2"]


def test_table4_items_are_a_reading_of_the_headline_too():
    """Table 4's items print their own reductions (萬公噸): their sum is another sum the headline may be."""
    import pandas as pd

    from mfgghg.checks.headline_readings import table4_items_check

    headlines = pd.DataFrame({"key": ["reduction_report_year"], "value_printed": ["1.7"], "unit_zh": ["百萬公噸CO2e"],
                              "value_base": [1.7], "section_zh": ["摘要"]})
    table4 = pd.DataFrame({"reduction_10k_t_co2e": ["100.05", None, "74.0"]})  # (kept as printed text)
    check = table4_items_check(table4, headlines)
    assert check["check_id"].tolist() == ["headline.reduction_report_year.table4_items"]
    assert abs(check["recomputed"].iloc[0] - 1.7405) < 1e-9 and bool(check["agrees"].iloc[0])
    assert table4_items_check(None, headlines).empty
    assert table4_items_check(table4.assign(reduction_10k_t_co2e=None), headlines).empty

"""Intensity from Table 6 emissions over outside value added, against the report's −49%."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mfgghg.analysis.external_intensity import (average_annual_change, base_year, comparison_table,
                                                external_sources, figure_data, intensity_points,
                                                published_readings)
from mfgghg.errors import DataError

EMISSIONS = pd.DataFrame({"year": [2016, 2017, 2020], "actual_mt_co2e": [110.0, 120.0, 100.0]})
VALUE_ADDED = pd.DataFrame({"year": [2005, 2016, 2017], "manufacturing_value_added_twd": [1e9, 2.2e9, 2e9],
                            "source_unit": "百萬元", "source_title": "ETD"})
FACTS = pd.DataFrame([
    {"key": "emissions_baseline_2005", "value_base": 100.0, "base_unit": "mt_co2e", "year": 2005,
     "value_printed": "100", "source_title": "Paper", "source_date": "2018-01-01"},
    {"key": "intensity_average_annual_change_since_2005", "value_base": -4.0, "base_unit": "pct", "year": 2007,
     "value_printed": "-4", "source_title": "Article", "source_date": ""},
])
HEADLINES = pd.DataFrame([
    {"key": "intensity_change_2020_vs_2005", "value_base": -49.0, "value_printed": "-49", "section_zh": "摘要 二"},
    {"key": "intensity_target_change_2020_vs_2005", "value_base": -43.0, "value_printed": "-43",
     "section_zh": "摘要 二"},
    {"key": "emissions_2020", "value_base": 141.9, "value_printed": "141.9", "section_zh": "貳"},
])


def test_points_are_intensity_ratios_against_the_external_base_year():
    p = intensity_points(EMISSIONS, VALUE_ADDED, FACTS, 2005).set_index("year")
    assert list(p.index) == [2005, 2016, 2017]  # 2020 has no value added: no point
    assert p.at[2005, "index"] == 100 and p.at[2005, "change_vs_base_pct"] == 0
    # (110 / 2200) / (100 / 1000) = 0.5; (120 / 2000) / 0.1 = 0.6
    assert p.at[2016, "change_vs_base_pct"] == pytest.approx(-50.0)
    assert p.at[2017, "index"] == pytest.approx(60.0)
    assert p.at[2016, "average_annual_change_pct"] == pytest.approx(100 * (0.5 ** (1 / 11) - 1))
    assert set(p["origin"]) == {"external"}  # every point has an outside input
    assert p.at[2016, "emissions_origin"] == "report" and p.at[2005, "emissions_origin"] == "external"


def test_missing_inputs_are_data_errors():
    with pytest.raises(DataError, match="no value added for the base year 2005"):
        intensity_points(EMISSIONS, VALUE_ADDED[VALUE_ADDED["year"] != 2005], FACTS, 2005)
    with pytest.raises(DataError, match="emissions_baseline_2005"):
        intensity_points(EMISSIONS, VALUE_ADDED, FACTS.iloc[1:], 2005)


def test_the_base_year_is_the_reports_or_else_the_outside_baselines():
    assert base_year(HEADLINES, FACTS) == 2005
    later = HEADLINES.assign(key=HEADLINES["key"].str.replace("2005", "2010"))
    assert base_year(later, FACTS) == 2010  # the report's, whatever the outside data hold (then refused there)
    assert base_year(HEADLINES.iloc[2:], FACTS.assign(key=FACTS["key"].str.replace("2005", "2008"))) == 2008
    with pytest.raises(DataError, match="published_headlines.csv, column 'key': two base years.*2005, 2010"):
        base_year(pd.concat([HEADLINES, later.iloc[:1]]), FACTS)
    with pytest.raises(DataError, match="facts.csv, column 'key': no base year"):
        base_year(HEADLINES.iloc[2:], FACTS.iloc[1:])


def test_the_figures_outside_sources_are_those_of_the_facts_it_uses_each_once():
    facts = pd.concat([FACTS, FACTS.iloc[:1].assign(key="emissions_baseline_2010", source_title="Other"),
                       FACTS.iloc[:1].assign(key="target_2030", source_title="Unused")])
    points = intensity_points(EMISSIONS, VALUE_ADDED, facts, 2005)
    assert external_sources(points, VALUE_ADDED, facts) == ["ETD", "Paper", "Article"]


def test_average_annual_change():
    assert average_annual_change(0.81, 2) == pytest.approx(-10.0)
    assert math.isnan(average_annual_change(0.5, 0))


def test_published_readings_label_report_and_external():
    r = published_readings(HEADLINES, FACTS).set_index("kind")
    assert r.at["report result", "change_vs_base_pct"] == -49 and r.at["report result", "origin"] == "report"
    assert r.at["report result", "average_annual_change_pct"] == pytest.approx(100 * (0.51 ** (1 / 15) - 1))
    assert r.at["report target", "index"] == 57
    assert r.at["published average rate", "average_annual_change_pct"] == -4.0
    assert r.at["published average rate", "origin"] == "external"


def test_comparison_and_figure_data():
    p = intensity_points(EMISSIONS, VALUE_ADDED, FACTS, 2005)
    r = published_readings(HEADLINES, FACTS)
    c = comparison_table(p, r)
    assert c["what"].tolist() == ["Table 6 emissions / ETD value added"] * 2 + [
        "report result", "report target", "published average rate"]
    d = figure_data(p, r)
    rate = d[d["series"] == "published_average_rate"].set_index("year")["index"]
    assert list(rate.index) == [2005, 2006, 2007] and rate[2007] == pytest.approx(100 * 0.96 ** 2)
    assert set(d.loc[d["series"] == "worked_out", "origin"]) == {"external"}
    assert d.loc[d["series"] == "report_result", "index"].tolist() == [51]


def test_2021_points_2016_to_2018():
    from conftest import REPO
    from mfgghg.data.external import read_external_facts
    from mfgghg.data.package import read_package
    from mfgghg.data.trace_tables import build_external_value_added

    ext = read_package(REPO / "data" / "external", reference={})
    facts = read_external_facts(REPO / "data" / "external")
    emissions = pd.DataFrame({"year": [2016, 2017, 2018, 2019, 2020],
                              "actual_mt_co2e": [147.8, 148.8, 150.8, 144.7, 141.9]})  # Table 6, as printed
    p = intensity_points(emissions, build_external_value_added(ext), facts, 2005)
    assert p["year"].tolist() == [2005, 2016, 2017, 2018]
    assert (p["change_vs_base_pct"].iloc[1:] < -49).all()  # already below the report's 2020 -49% by 2016
    assert len(ext["intensity_comparison_caveats"].data) == 4


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_figure_draws_in_both_editions_and_saves(styled, tmp_path, lang):
    from mfgghg.i18n import _, set_lang
    from mfgghg.plots.external_intensity import CAPTIONS, EXTERNAL_STYLE, plot_intensity_vs_external
    from mfgghg.plots.style import cjk_texts, save_figure

    d = figure_data(intensity_points(EMISSIONS, VALUE_ADDED, FACTS, 2005), published_readings(HEADLINES, FACTS))
    set_lang(lang)
    try:
        fig = plot_intensity_vs_external(d, year=2021,
                                         external_sources=["Taipei Times (news report of official statements)"])
        fig.draw_without_rendering()
        labels = fig.axes[0].get_legend_handles_labels()[1]
        assert sum(("external" in label)
                   or ("外部資料" in label) for label in labels) == 2  # the points and the rate path
        if lang == "en":
            assert cjk_texts(fig) == []
        paths = save_figure(fig, "04_intensity_vs_external", tmp_path, d, _(CAPTIONS["plot_intensity_vs_external"]))
        assert all(p.exists() for p in paths)
    finally:
        set_lang("zh-TW")
    assert EXTERNAL_STYLE["marker"] != "o"  # external points drawn with their own marker


def test_value_added_is_ingested_in_twd_from_the_unit_of_each_row():
    """The raw file keeps the source's 百萬元 (NT$ million); the processed table is in NT$, the raw
    unit kept as source_unit. Each row is converted by its own unit."""
    from types import SimpleNamespace

    from conftest import REPO
    from mfgghg.data.package import read_package
    from mfgghg.data.trace_tables import build_external_value_added

    ext = read_package(REPO / "data" / "external", reference={})
    raw = ext["manufacturing_value_added"].data.sort_values("year").reset_index(drop=True)
    out = build_external_value_added(ext)
    assert {"manufacturing_value_added_twd", "total_economy_value_added_twd", "source_unit"} <= set(out.columns)
    assert "unit" not in out.columns and out["source_unit"].eq("百萬元").all() and out["origin"].eq("external").all()
    assert out["manufacturing_value_added_twd"].tolist() == (raw["manufacturing_value_added"] * 1e6).tolist()
    mixed = pd.DataFrame({"year": [2005, 2016], "manufacturing_value_added": [1000.0, 22.0],
                          "total_economy_value_added": [5000.0, 50.0], "unit": ["百萬元", "億元"]})
    got = build_external_value_added({"manufacturing_value_added": SimpleNamespace(data=mixed)})
    assert got["manufacturing_value_added_twd"].tolist() == [1e9, 2.2e9]
    assert got["total_economy_value_added_twd"].tolist() == [5e9, 5e9]
    for bad in ("NT$ million", "萬公噸CO2e"):  # not a unit; not money
        table = SimpleNamespace(data=mixed.assign(unit=["百萬元", bad]), path="external/manufacturing_value_added.csv")
        with pytest.raises(DataError,
                           match=r"manufacturing_value_added.csv, column 'unit': year 2016: .* not a money unit"):
            build_external_value_added({"manufacturing_value_added": table})


def test_a_long_yearly_series_and_an_index_above_the_base_stay_readable(styled):
    """Thirty years of worked-out points (a longer outside series): their changes would be written on
    each other, so those that would are left to the data file; an intensity above the base year's
    (an index over 115) stays inside the axis."""
    from mfgghg.plots.external_intensity import plot_intensity_vs_external
    from mfgghg.plots.layout import layout_problems

    d = figure_data(intensity_points(EMISSIONS, VALUE_ADDED, FACTS, 2005), published_readings(HEADLINES, FACTS))
    source = d.loc[d["series"] == "worked_out", "source"].iloc[-1]
    worked = pd.DataFrame({"year": range(2005, 2035), "index": [100 - 1.7 * i for i in range(30)],
                           "change_vs_base_pct": [-1.7 * i for i in range(30)], "series": "worked_out",
                           "origin": "external", "source": source})
    rising = d.assign(index=d["index"].where(d["series"] != "worked_out", d["index"] * 1.4))
    for data in (pd.concat([worked, d[d["series"] != "worked_out"]], ignore_index=True), rising):
        fig = plot_intensity_vs_external(data, year=2021)
        assert [str(p) for p in layout_problems(fig)] == []
        assert fig.axes[0].get_ylim()[1] >= data["index"].max()


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_a_year_with_nothing_to_compare_says_so(styled, lang):
    """Neither the report's intensity nor outside data for Table 6's years: the figure says so (it failed
    on limits from no years)."""
    from mfgghg.i18n import set_lang
    from mfgghg.plots.external_intensity import plot_intensity_vs_external
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.style import cjk_texts

    d = figure_data(intensity_points(EMISSIONS, VALUE_ADDED, FACTS, 2005), published_readings(HEADLINES, FACTS))
    set_lang(lang)
    try:
        fig = plot_intensity_vs_external(d.iloc[:0], year=2021)
        assert [str(p) for p in layout_problems(fig)] == []
        assert bool(cjk_texts(fig)) == (lang == "zh-TW")
        assert len(fig.axes[0].texts) == 1
    finally:
        set_lang("zh-TW")


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_a_change_that_cannot_be_computed_draws_no_label(styled, lang):
    """A worked-out point whose change against the base year cannot be computed (NaN) writes none, never
    "+nan%"; the other points keep theirs (plots.style.value_label)."""
    import warnings

    from conftest import missing_numbers_written

    from mfgghg.i18n import set_lang
    from mfgghg.plots.external_intensity import plot_intensity_vs_external
    from mfgghg.plots.layout import layout_problems

    d = figure_data(intensity_points(EMISSIONS, VALUE_ADDED, FACTS, 2005), published_readings(HEADLINES, FACTS))
    worked = d.index[(d["series"] == "worked_out") & (d["year"] > 2005)]
    d.loc[worked[0], "change_vs_base_pct"] = float("nan")
    set_lang(lang)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = plot_intensity_vs_external(d, year=2021)
        assert missing_numbers_written(fig) == []
        assert [str(p) for p in layout_problems(fig)] == []
        changes = [t.get_text() for t in fig.axes[0].texts if t.get_color() == "#555555"]
        assert changes == [f"{v:+.1f}%" for v in d.loc[worked[1:], "change_vs_base_pct"]]
    finally:
        set_lang("zh-TW")

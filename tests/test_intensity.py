"""Carbon intensity: printed points, an optional supplied series, and the decomposition (mfgghg.analysis.intensity)."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from conftest import drawn

from mfgghg.analysis import intensity as it
from mfgghg.checks import intensity as itc
from mfgghg.data.external import external_dir, read_external_facts
from mfgghg.data.supplied import load_intensity_series
from mfgghg.errors import DataError
from mfgghg.plots import intensity as plots
from mfgghg.plots.style import cjk_texts
from mfgghg.i18n import CJK, _
from mfgghg.data.ingest import load_processed
from mfgghg.data.paths import YearPaths, repo_root
from mfgghg.data.units import to_base, unit

matplotlib.use("Agg")
REPO = repo_root()


def headlines(rows):
    return pd.DataFrame([{"key": k, "value_printed": v, "unit_zh": u, "value_base": to_base(float(v), u),
                          "base_unit": unit(u).base, "section_zh": s} for k, v, u, s in rows],
                        columns=["key", "value_printed", "unit_zh", "value_base", "base_unit", "section_zh"])


H = headlines([
    ("intensity_change_2040_vs_2030", "-50", "%", "A"),
    ("intensity_target_change_2040_vs_2030", "-40", "%", "B"),
    ("emissions_2040", "100", "百萬公噸CO2e", "C"),
    ("target_emissions_2040", "120", "百萬公噸CO2e", "D"),
    ("gdp_change_2036_2040", "10", "%", "E"),
])


def facts(base_year=2030, value=100.0):
    return pd.DataFrame([{"key": f"emissions_baseline_{base_year}", "value": value, "unit": "百萬公噸CO2e",
                          "year": base_year, "relation": "equal", "source_title": "A paper",
                          "source_date": "2020-01-01",
                          "source_url": "https://example.org/a", "quote": "q", "note": "n", "value_printed": str(value),
                          "value_base": value, "base_unit": "mt_co2e", "origin": "external"}])


EMPTY_T6 = pd.DataFrame(columns=["year", "target_mt_co2e", "actual_mt_co2e"])


# ------------------------------------------------------------------------------------------- printed points

def test_published_intensity_and_index_points():
    p = it.published_intensity(H).set_index("kind")
    assert p.at["result", "index"] == 50 and p.at["target", "index"] == 60
    assert p.at["result", "base_year"] == 2030 and p.at["result", "year"] == 2040
    pts = it.index_points(it.published_intensity(H))
    assert pts["year"].tolist() == [2030, 2040, 2040]  # the printed points only
    assert pts["index"].tolist() == [100, 50, 60]


def test_a_year_without_an_intensity_result_gives_empty_tables_not_errors():
    h = headlines([("emissions_2040", "100", "百萬公噸CO2e", "C")])
    p = it.published_intensity(h)
    assert p.empty and it.index_points(p).empty
    assert it.decomposition(p, facts(), h, EMPTY_T6).empty
    assert itc.check_series(None, p).empty


def test_intensity_figures_against_different_base_years_are_refused():
    h = headlines([("intensity_change_2040_vs_2030", "-50", "%", "A"),
                   ("intensity_target_change_2040_vs_2031", "-40", "%", "B")])
    with pytest.raises(DataError, match="different base years"):
        it.published_intensity(h)


# ------------------------------------------------------------------------------------------- supplied series

def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_no_series(tmp_path):
    assert load_intensity_series(tmp_path) is None
    assert it.yearly_series(load_intensity_series(tmp_path), it.published_intensity(H)) is None
    assert it.describe_series(None).startswith(
        f"no yearly series supplied (no {it.SERIES_FILE} in the year's raw data)")


def test_the_real_2021_raw_folder_has_no_made_up_series():
    assert not (REPO / "data" / "raw" / "2021" / it.SERIES_FILE).exists()


def test_series_with_an_index_column_is_read_and_checked(tmp_path):
    # MADE-UP series for the test only
    write(tmp_path / it.SERIES_FILE, "year,index,source\n2030,100,made-up\n2035,70,made-up\n2040,50.3,made-up\n")
    s = it.yearly_series(load_intensity_series(tmp_path), it.published_intensity(H))
    assert s["index"].tolist() == [100, 70, 50.3]
    assert (s["index_basis"] == "given").all() and (s["origin"] == it.SUPPLIED).all()
    checks = itc.check_series(s, it.published_intensity(H)).set_index("check_id")
    assert checks.at["intensity.series.2030.base", "verdict"] == "equal"
    assert checks.at["intensity.series.2040.result", "verdict"] == "rounds to published"  # -49.7 prints as -50
    assert "3 rows, 2030-2040" in it.describe_series(s)


def test_series_with_intensity_only_is_indexed_on_the_base_year(tmp_path):
    write(tmp_path / it.SERIES_FILE, "year,intensity,source\n2040,2.0,made-up\n2030,4.0,made-up\n")
    s = it.yearly_series(load_intensity_series(tmp_path), it.published_intensity(H))
    assert s["year"].tolist() == [2030, 2040]
    assert s["index"].tolist() == [100, 50]
    assert (s["index_basis"] == "from intensity").all()


def test_series_that_disagrees_with_the_printed_result_is_shown_as_differing(tmp_path):
    write(tmp_path / it.SERIES_FILE, "year,index,source\n2040,55,made-up\n")
    checks = itc.check_series(it.yearly_series(load_intensity_series(tmp_path), it.published_intensity(H)),
                              it.published_intensity(H))
    assert checks["verdict"].tolist() == ["differs"]
    assert checks["difference"].iloc[0] == pytest.approx(5)


@pytest.mark.parametrize("text, message", [
    ("year,source\n2030,x\n", "needs a column intensity or index"),
    ("year,index,source\n2030,,x\n", "row 2, column 'index': row has no value in index"),
    ("year,index,source\n2030,100,x\n2030,90,x\n", "duplicate value"),
    ("year,index,source\n2030,abc,x\n", "expected a number"),
    ("year,index,source\n2030,-1,x\n", "must be >= 0"),
    ("year,index,source\n2030,100,\n", "column 'source': a value is required"),
    ("year,index,source,colour\n2030,100,x,red\n", "unknown column 'colour'"),
])
def test_bad_series_files_are_refused_with_one_line(tmp_path, text, message):
    write(tmp_path / it.SERIES_FILE, text)
    with pytest.raises(DataError, match=message) as err:
        load_intensity_series(tmp_path)
    assert "\n" not in str(err.value) and it.SERIES_FILE in str(err.value)


def test_intensity_without_its_base_year_cannot_be_indexed(tmp_path):
    write(tmp_path / it.SERIES_FILE, "year,intensity,source\n2035,3,x\n2040,2,x\n")
    with pytest.raises(DataError, match="base year 2030"):
        it.yearly_series(load_intensity_series(tmp_path), it.published_intensity(H))


# ------------------------------------------------------------------------------------------- decomposition

def test_output_ratio():
    assert it.output_ratio(1.0, -50) == pytest.approx(2.0)
    assert it.output_ratio(1.2, -40) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        it.output_ratio(1.0, -100)


def test_decomposition_readings_ranges_and_sources():
    d = it.decomposition(it.published_intensity(H), facts(), H, EMPTY_T6).set_index("reading")
    assert list(d.index) == ["result", "target_at_actual", "plan"]
    # result: emissions 100 -> 100, intensity x0.5 -> output x2
    assert d.at["result", "output_index"] == pytest.approx(200)
    assert d.at["result", "output_index_low"] == pytest.approx(100 / 0.505)   # -50 printed: -49.5 .. -50.5
    assert d.at["result", "output_index_high"] == pytest.approx(100 / 0.495)
    assert d.at["result", "output_cagr_pct"] == pytest.approx(100 * (2 ** 0.1 - 1))
    # target at the actual emissions: x1 / 0.6; plan: x1.2 / 0.6 = 2; a target has no rounding range
    assert d.at["target_at_actual", "output_index"] == pytest.approx(100 / 0.6)
    assert d.at["plan", "output_index"] == pytest.approx(200)
    assert d.at["plan", "output_index_low"] == d.at["plan", "output_index_high"]
    assert d.at["result", "emissions_base_origin"] == "external" and d.at["result", "origin"] == "derived"
    assert d.at["plan", "emissions_end_source"] == "D (target_emissions_2040)"
    inputs = it.decomposition_inputs(d.reset_index())
    assert len(inputs) == 5 and set(inputs["origin"]) == {"external", "report"}
    line = plots.decomposition_source_line(2041, d.reset_index())
    assert line == "資料來源：130年執行成果報告 A、B、C、D；外部資料：A paper"
    assert d.at["result", "emissions_base_source_title"] == "A paper"
    assert d.at["result", "emissions_base_source_date"] == "2020-01-01"


def test_decomposition_falls_back_to_table6_and_needs_the_external_baseline():
    h = H[~H["key"].isin(["emissions_2040", "target_emissions_2040"])]
    t6 = pd.DataFrame({"year": [2040], "target_mt_co2e": [120.0], "actual_mt_co2e": [100.0]})
    d = it.decomposition(it.published_intensity(h), facts(), h, t6).set_index("reading")
    assert d.at["plan", "emissions_end_mt_co2e"] == 120 and d.at["plan",
                                                                 "emissions_end_source"] == "表6 (target_mt_co2e)"
    # the source line names Table 6 once, without the column
    line = plots.decomposition_source_line(2041, d.reset_index())
    assert line == "資料來源：130年執行成果報告 A、B、表6；外部資料：A paper"
    with pytest.raises(DataError, match="emissions_baseline_2030"):
        it.decomposition(it.published_intensity(H), facts(base_year=2029), H, EMPTY_T6)


# ------------------------------------------------------------------------------------------- figures


def test_index_figure_draws_no_line_between_printed_points(styled):
    pts = it.index_points(it.published_intensity(H))
    fig = plots.plot_index(pts, year=2041)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    assert fig.texts[-1].get_text() == "資料來源：130年執行成果報告 A、B、圖2"  # drawn by the figure itself
    assert not [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 1]  # no yearly line invented
    assert "2030年 = 100" in ax.get_ylabel()
    assert any("外部資料" in t.get_text() for t in fig.texts)


def test_index_figure_plots_a_supplied_series(styled, tmp_path):
    write(tmp_path / it.SERIES_FILE, "year,index,source\n2030,100,made-up\n2035,70,made-up\n2040,50,made-up\n")
    s = it.yearly_series(load_intensity_series(tmp_path), it.published_intensity(H))
    pts = it.index_points(it.published_intensity(H))
    fig = plots.plot_index(pts, s, year=2041)
    fig.draw_without_rendering()
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) > 1]
    assert len(lines) == 1 and list(lines[0].get_xdata()) == [2030, 2035, 2040]
    data = it.index_figure_data(pts, s)
    assert set(data["origin"]) == {"report", it.SUPPLIED}


def test_decomposition_figure_and_empty_year(styled):
    d = it.decomposition(it.published_intensity(H), facts(), H, EMPTY_T6)
    fig = plots.plot_decomposition(d, year=2041)
    fig.draw_without_rendering()
    assert fig.texts[-1].get_text() == plots.decomposition_source_line(2041, d)
    assert fig.texts[-1].get_text() == "資料來源：130年執行成果報告 A、B、C、D；外部資料：A paper"
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("推算" in x for x in labels) and any("報告" in x for x in labels)
    assert len(it.decomposition_figure_data(d)) == 9
    empty = plots.plot_index(it.index_points(it.published_intensity(headlines([]))), year=2041)
    empty.draw_without_rendering()
    assert "未列出" in empty.axes[0].texts[0].get_text()
    assert empty.texts[-1].get_text() == "資料來源：130年執行成果報告 圖2"


# ------------------------------------------------------------------------------------------- the real 2021 data

def test_2021_decomposition():
    paths = YearPaths.for_year(2021)
    tables = load_processed(paths.processed)
    h = tables["published_headlines"]
    pub = it.published_intensity(h)
    assert pub.set_index("kind")["index"].to_dict() == {"result": 51, "target": 57}
    f = read_external_facts(external_dir(paths))
    d = it.decomposition(pub, f, h, tables["emissions"]).set_index("reading")
    # 141.905 / 142.276 / 0.51 and 146.544 / 142.276 / 0.57
    assert d.at["result", "output_change_pct"] == pytest.approx(100 * (141.905 / 142.276 / 0.51 - 1))
    assert d.at["plan", "output_change_pct"] == pytest.approx(100 * (146.544 / 142.276 / 0.57 - 1))
    assert d.at["result", "output_index_low"] < d.at["result", "output_index"] < d.at["result", "output_index_high"]
    checks = itc.external_checks(f, h)
    assert checks["verdict"].tolist() == ["equal"]


# ------------------------------------------------------------------------------------------- English edition


# (The notebooks' own 2021 figures, in each edition: tests/test_notebook_figures.py.)


def test_english_small_frames_series_and_empty_years(english, tmp_path):
    # The figures draw their source lines, so the sections must be ones the English edition knows.
    h = H.assign(section_zh=H["section_zh"].map({"A": "摘要 二", "B": "摘要 三", "C": "貳 二(一)", "D": "壹 二(一)",
                                                 "E": "摘要 三"}))
    write(tmp_path / it.SERIES_FILE, "year,index,source\n2030,100,made-up\n2035,70,made-up\n2040,50,made-up\n")
    s = it.yearly_series(load_intensity_series(tmp_path), it.published_intensity(h))
    pts = it.index_points(it.published_intensity(h))
    with_series = drawn(plots.plot_index(pts, s, year=2041))
    assert cjk_texts(with_series) == []
    assert "Yearly series (supplied by a user; sources in the data file)" in \
        [t.get_text() for t in with_series.axes[0].get_legend().get_texts()]
    assert with_series.texts[-1].get_text() == (
        "Source: 2041 (ROC 130) execution report, Summary item 2, Summary item 3, Figure 2")
    ltn = facts().assign(source_title="自由時報 (LTN)")  # a title recorded in Chinese is translated in the figure
    fig = drawn(plots.plot_decomposition(it.decomposition(it.published_intensity(h), ltn, h, EMPTY_T6), year=2041))
    assert cjk_texts(fig) == []
    assert fig.texts[0].get_text().startswith("External data: 2030 emissions (Liberty Times (LTN), 2020-01-01)")
    assert fig.texts[-1].get_text().endswith("; external: Liberty Times (LTN)")
    empty = it.published_intensity(headlines([]))
    for fig in (plots.plot_index(it.index_points(empty), year=2041),
                plots.plot_decomposition(it.decomposition(empty, facts(), H, EMPTY_T6), year=2041)):
        drawn(fig)
        assert cjk_texts(fig) == [] and "This report year states no change" in fig.axes[0].texts[0].get_text()


def test_every_figure_caption_has_an_english_edition(english):
    assert set(plots.CAPTIONS) == {"plot_index", "plot_decomposition"}
    for name, caption in plots.CAPTIONS.items():
        assert callable(getattr(plots, name))
        translated = _(caption)  # MissingTranslation if the English edition lacks it
        assert translated and not CJK.search(translated), name


def test_a_result_decades_after_the_base_year_is_written_inside_the_frame(styled):
    """A result 45 years after the base year (a later report's long view): a year is narrow, and the
    result's value, written beside it in the last year shown, reached past the frame."""
    from mfgghg.plots.layout import layout_problems

    pts = pd.DataFrame({"year": [2005, 2050, 2050], "index": [100.0, 51.0, 57.0],
                        "what": ["base year (= 100 by definition)", "result", "target"],
                        "origin": "report", "source": "摘要 二"})
    fig = plots.plot_index(pts, year=2051)
    assert [str(p) for p in layout_problems(fig)] == []


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_an_index_or_an_output_change_that_cannot_be_computed_draws_no_label(styled, edition):
    """A reading whose implied output cannot be computed (NaN) writes no index value and no output change
    under its name, never "nan"; the other readings keep theirs (plots.style.value_label)."""
    import warnings

    from conftest import missing_numbers_written

    from mfgghg.i18n import set_lang
    from mfgghg.plots.layout import layout_problems

    h = H.assign(section_zh=H["section_zh"].map({"A": "摘要 二", "B": "摘要 三", "C": "貳 二(一)", "D": "壹 二(一)",
                                                 "E": "摘要 三"}))
    d = it.decomposition(it.published_intensity(h), facts(), h, EMPTY_T6)
    gone = ["output_index", "output_index_low", "output_index_high", "output_change_pct", "output_cagr_pct"]
    d.loc[d["reading"] == "plan", gone] = float("nan")
    set_lang(edition)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = plots.plot_decomposition(d, year=2041)
        assert missing_numbers_written(fig) == []
        assert [str(p) for p in layout_problems(fig)] == []
        assert len(fig.axes[0].texts) == 3 * len(d) - 1
        ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        assert [t.count("\n") for t in ticks] == [1, 1, 0]  # (the plan's name alone)
    finally:
        set_lang("zh-TW")


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_a_target_or_a_result_that_is_no_number_writes_no_nan_in_the_legend(styled, edition):
    """A target or a result whose change the report prints no number for (NaN): the legend wrote "nan%";
    it draws no mark for it and says the report prints no value (plots.style.plain_value); the other keeps
    its value and mark."""
    import warnings

    from conftest import missing_numbers_written

    from mfgghg.i18n import set_lang
    from mfgghg.plots.layout import layout_problems

    def points(result, target):
        return pd.DataFrame({"year": [2005, 2030, 2030], "index": [100.0, result, target],
                             "what": ["base year (= 100 by definition)", "result", "target"],
                             "origin": "report", "source": "摘要 二"})

    set_lang(edition)
    try:
        for result, target in ((51.0, float("nan")), (float("nan"), 57.0)):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                fig = plots.plot_index(points(result, target), year=2031)
            assert missing_numbers_written(fig) == []
            assert [str(p) for p in layout_problems(fig)] == []
            legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
            if pd.isna(target):
                assert _("{year}年目標：報告未列數值").format(year=2030) in legend
                assert _("{year}年實績：較基準年下降 {pct}% (報告)").format(year=2030, pct="49") in legend
                assert not any(len(c.get_segments()) for c in fig.axes[0].collections
                               if isinstance(c, matplotlib.collections.LineCollection))
            else:
                assert _("{year}年實績：報告未列數值").format(year=2030) in legend
                assert _("{year}年目標：較{base}年下降 {pct}% (報告)").format(year=2030, base=2005, pct="43") in legend
                assert sum(len(c.get_offsets()) for c in fig.axes[0].collections
                           if isinstance(c, matplotlib.collections.PathCollection)) == 1  # (the base year's)
            matplotlib.pyplot.close(fig)
    finally:
        set_lang("zh-TW")


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_a_result_or_target_above_or_level_with_the_base_year_is_not_said_to_fall(styled, edition):
    """The legend wrote every change as a fall ("下降 {pct}%" of |index - 100|): a result above the base
    year (index 130) read as a 30% fall, and was drawn above the view (kept at 115). A rise is said as a
    rise, no change as level, and the view holds the highest index."""
    from mfgghg.i18n import set_lang
    from mfgghg.plots.layout import layout_problems

    points = pd.DataFrame({"year": [2005, 2030, 2030], "index": [100.0, 130.0, 100.0],
                           "what": ["base year (= 100 by definition)", "result", "target"],
                           "origin": "report", "source": "摘要 二"})
    set_lang(edition)
    try:
        fig = plots.plot_index(points, year=2031)
        assert [str(p) for p in layout_problems(fig)] == []
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert _("{year}年實績：較基準年上升 {pct}% (報告)").format(year=2030, pct="30") in legend
        assert fig.axes[0].get_ylim()[1] > 130
        assert _("{year}年目標：與{base}年持平 (報告)").format(year=2030, base=2005) in legend
        assert not any(("下降" in t or "below" in t) for t in legend), legend
        matplotlib.pyplot.close(fig)
    finally:
        set_lang("zh-TW")

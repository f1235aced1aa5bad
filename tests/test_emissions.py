"""Table 6 margins, the stated changes, external facts and notes (mfgghg.analysis.emissions)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from conftest import drawn

from mfgghg.analysis import emissions as em
from mfgghg.checks import emissions as emc
from mfgghg.checks.notes import NOTE_NAMESPACES, attach_notes, refuse_notes_outside_namespaces
from mfgghg.checks.verdict import concat_checks
from mfgghg.data.external import external_dir, read_external_facts
from mfgghg.errors import DataError
from mfgghg.plots import emissions as plots
from mfgghg.plots.style import cjk_texts, source_line
from mfgghg.i18n import CJK, MissingTranslation, _, set_lang
from mfgghg.data.ingest import build_table6_printed, load_processed
from mfgghg.data.paths import YearPaths, repo_root

matplotlib.use("Agg")
REPO = repo_root()


def emissions_table(targets, actuals, start=2016):
    years = list(range(start, start + len(targets)))
    ct = pd.Series(targets).cumsum().round(6)
    ca = pd.Series(actuals).cumsum().round(6)
    return pd.DataFrame({"year": years, "target_mt_co2e": targets, "actual_mt_co2e": actuals,
                         "cumulative_target_mt_co2e": ct, "cumulative_actual_mt_co2e": ca})


def headlines(rows):
    """Processed published_headlines rows from (key, printed, unit, section)."""
    from mfgghg.data.units import to_base, unit

    return pd.DataFrame([{"key": k, "value_printed": v, "unit_zh": u, "value_base": to_base(float(v), u),
                          "base_unit": unit(u).base, "section_zh": s} for k, v, u, s in rows],
                        columns=["key", "value_printed", "unit_zh", "value_base", "base_unit", "section_zh"])


# ------------------------------------------------------------------------------------------- margins

def test_margins_sign_percent_and_over_target_found_from_values():
    t = em.margins(emissions_table([100.0, 100.0, 100.0], [98.0, 103.0, 100.0], start=2030))
    assert t["margin_mt_co2e"].tolist() == [2.0, -3.0, 0.0]
    assert t["margin_pct"].tolist() == pytest.approx([2.0, -3.0, 0.0])
    # equal to the target is met, not over
    assert em.over_target_years(t) == [2031]
    assert t["cumulative_margin_mt_co2e"].tolist() == [2.0, -1.0, -1.0]
    assert t["cumulative_margin_pct"].iloc[1] == pytest.approx(-0.5)
    # budget left = period total target (300) minus cumulative emissions
    assert t["budget_left_mt_co2e"].tolist() == [202.0, 99.0, -1.0]


def test_margins_sorts_years_and_finds_several_overshoots():
    e = emissions_table([10.0, 10.0, 10.0, 10.0], [11.0, 9.0, 12.0, 9.5]).iloc[::-1]
    t = em.margins(e)
    assert t["year"].tolist() == [2016, 2017, 2018, 2019]
    assert em.over_target_years(t) == [2016, 2018]


def printed_from(e: pd.DataFrame) -> pd.DataFrame:
    def f(v):
        return f"{v:.1f}"

    return pd.DataFrame({"year": e["year"], "annual_target_million_t_co2e": e["target_mt_co2e"].map(f),
                         "annual_emissions_million_t_co2e": e["actual_mt_co2e"].map(f),
                         "cumulative_target_million_t_co2e": e["cumulative_target_mt_co2e"].map(f),
                         "cumulative_emissions_million_t_co2e": e["cumulative_actual_mt_co2e"].map(f)})


def test_reconcile_margins_agrees_and_catches_a_wrong_cumulative_column():
    e = emissions_table([100.0, 100.0], [98.0, 103.0])
    ok = emc.reconcile_margins(em.margins(e), printed_from(e))
    assert ok["verdict"].tolist() == ["equal", "equal"]
    bad = e.copy()
    bad.loc[1, "cumulative_actual_mt_co2e"] = 196.0  # printed cumulative 196 instead of 201
    checks = emc.reconcile_margins(em.margins(bad), printed_from(bad))
    assert checks["verdict"].tolist() == ["equal", "differs"]
    assert checks["published"].iloc[1] == pytest.approx(4.0)
    assert checks["recomputed"].iloc[1] == pytest.approx(-1.0)


def test_precise_vs_rounded_uses_table_and_text_precision():
    e = emissions_table([100.0, 50.0], [90.0, 49.0], start=2031)
    h = headlines([("target_emissions_2032", "50.04", "百萬公噸CO2e", "s1"),
                   ("target_emissions_2032_rounded", "50.0", "百萬公噸CO2e", "s2"),
                   ("emissions_2032", "49.16", "百萬公噸CO2e", "s1"),  # rounds to 49.2, Table 6 says 49.0
                   ("emissions_period_2031_2032", "139.01", "百萬公噸CO2e", "s1")])
    out = emc.precise_vs_rounded(h, printed_from(e)).set_index("check_id")
    assert out.at["emissions.precise.target_emissions_2032.table6", "verdict"] == "rounds to published"
    assert out.at["emissions.precise.target_emissions_2032.text", "verdict"] == "rounds to published"
    assert out.at["emissions.precise.emissions_2032.table6", "verdict"] == "differs"
    assert out.at["emissions.precise.emissions_period_2031_2032.table6", "verdict"] == "rounds to published"
    assert "emissions.precise.target_period_2031_2032.table6" not in out.index  # not printed: no row


def test_first_period_verdicts_separate_period_from_every_year():
    t = em.margins(emissions_table([100.0, 100.0], [103.0, 90.0], start=2031))
    v = em.first_period_verdicts(t, headlines([])).set_index("criterion")
    assert bool(v.at["final-year annual target", "met"])
    assert bool(v.at["period cumulative target", "met"])
    assert v.at["period cumulative target", "margin_mt_co2e"] == pytest.approx(7.0)
    assert not bool(v.at["every year's annual target", "met"])
    assert v.at["every year's annual target", "years_over"] == 1
    assert not bool(v.at["cumulative target to date, every year", "met"])  # first year already over


# ------------------------------------------------------------------------------------------- stated changes

STATED = [
    ("gdp_change_2016_2020", "16.56", "%", "摘要 三"),
    ("fuel_oil_change_2020_vs_2005", "-85", "%", "摘要 三"),
    ("emissions_change_2016_2020", "-1.3", "百萬公噸CO2e", "摘要 三"),
    ("emissions_change_pct_2016_2020", "-0.9", "%", "摘要 三"),
    ("intensity_change_2020_vs_2005", "-49", "%", "摘要 二"),  # notebook 04's, not a driver
    ("reduction_report_year", "1.7", "百萬公噸CO2e", "摘要 一"),
]


def test_stated_changes_parses_spans_and_leaves_out_non_drivers():
    c = em.stated_changes(headlines(STATED)).set_index("key")
    assert list(c.index) == ["gdp_change_2016_2020", "fuel_oil_change_2020_vs_2005", "emissions_change_2016_2020",
                             "emissions_change_pct_2016_2020"]
    assert (c.at["fuel_oil_change_2020_vs_2005", "from_year"], c.at["fuel_oil_change_2020_vs_2005",
                                                                    "to_year"]) == (2005, 2020)
    assert c.at["emissions_change_pct_2016_2020", "driver"] == "emissions"
    assert c.at["emissions_change_2016_2020", "stated"] == pytest.approx(-1.3)


def test_check_stated_changes_checks_emissions_only_and_says_why_not_the_rest():
    e = emissions_table([149.4, 150.4, 148.3, 146.9, 146.5], [147.8, 148.8, 150.8, 144.7, 141.9])
    checks = emc.check_stated_changes(em.stated_changes(headlines(STATED)), e).set_index("check_id")
    mt = checks.loc["emissions.stated_change.emissions_change_2016_2020"]
    assert mt["verdict"] == "differs" and mt["recomputed"] == pytest.approx(-5.9)
    pct = checks.loc["emissions.stated_change.emissions_change_pct_2016_2020"]
    assert pct["recomputed"] == pytest.approx(100 * (141.9 / 147.8 - 1))
    assert checks.at["emissions.stated_change.gdp_change_2016_2020", "verdict"] == emc.NO_SERIES
    assert pd.isna(checks.at["emissions.stated_change.gdp_change_2016_2020", "recomputed"])
    # a change that the table does reproduce agrees
    ok = headlines([("emissions_change_2016_2020", "-5.9", "百萬公噸CO2e", "s")])
    assert emc.check_stated_changes(em.stated_changes(ok), e)["verdict"].iloc[0] == "equal"
    # an emissions change outside the table's years cannot be checked either
    out = headlines([("emissions_change_2010_2020", "-5.9", "百萬公噸CO2e", "s")])
    assert emc.check_stated_changes(em.stated_changes(out), e)["verdict"].iloc[0] == emc.NO_SERIES


def test_readings_find_the_pair_of_cells_that_gives_the_stated_change():
    e = emissions_table([10.0, 8.0], [9.0, 7.0], start=2040)
    h = headlines([("emissions_change_2040_2041", "-1", "百萬公噸CO2e", "s")])
    r = emc.readings_of_stated_change(em.stated_changes(h), e)
    agreeing = r.loc[r["verdict"] != "differs", "reading"].tolist()
    assert len(r) == 4
    assert agreeing == ["2040 emissions -> 2041 target"]  # 8 - 9 = -1; 7 - 9 = -2, 8 - 10, 7 - 10


def test_drivers_figure_data_pairs_stated_with_recomputed():
    e = emissions_table([149.4, 150.4, 148.3, 146.9, 146.5], [147.8, 148.8, 150.8, 144.7, 141.9])
    changes = em.stated_changes(headlines(STATED))
    data = em.drivers_figure_data(changes, emc.check_stated_changes(changes, e))
    assert (data["origin"] == "derived").sum() == 2  # the two emissions changes only
    assert set(data.loc[data["origin"] == "derived", "unit"]) == {"%", "百萬公噸CO2e"}
    labels = data.drop_duplicates("key").set_index("key")["label"]
    assert labels["fuel_oil_change_2020_vs_2005"] == "燃料油消費量 (2020 較 2005)"
    assert labels["gdp_change_2016_2020"] == "GDP (2016-2020)"


def test_driver_label_in_both_editions():
    assert em.driver_label("煤炭消費量", 2020, 2016, False) == "煤炭消費量 (2016-2020)"  # span in order
    set_lang("en")
    try:
        assert em.driver_label("煤炭消費量", 2005, 2020, True) == "Coal consumption (2020 vs 2005)"
    finally:
        set_lang("zh-TW")


# ------------------------------------------------------------------------------------------- external facts

def test_real_external_facts_are_valid_and_sourced():
    facts = read_external_facts(REPO / "data" / "external")
    assert facts["source_url"].str.match(r"^https?://").all()
    assert (facts["origin"] == "external").all()
    base = em.fact(facts, "emissions_baseline_2005")
    assert base["value_base"] == pytest.approx(142.276) and base["base_unit"] == "mt_co2e"
    with pytest.raises(DataError, match="no external fact 'nope'"):
        em.fact(facts, "nope")


@pytest.fixture
def external_copy(tmp_path) -> Path:
    folder = tmp_path / "external"
    shutil.copytree(REPO / "data" / "external", folder)
    return folder


def test_external_facts_without_source_or_with_unknown_unit_are_refused(external_copy):
    facts = external_copy / "facts.csv"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("百萬公噸CO2e,2030", "furlongs,2030"), encoding="utf-8")
    with pytest.raises(DataError, match=r"facts.csv, row 7, column 'unit'"):
        read_external_facts(external_copy)
    facts.write_text(text.replace("https://ec.ltn.com.tw/article/breakingnews/5318882", "somewhere"), encoding="utf-8")
    with pytest.raises(DataError, match="column 'source_url'"):
        read_external_facts(external_copy)


def test_external_dir_prefers_a_sibling_of_the_raw_root(tmp_path, external_copy):
    (tmp_path / "raw" / "2021").mkdir(parents=True)
    paths = YearPaths.for_year(2021, tmp_path / "raw", tmp_path / "p", tmp_path / "f")
    assert external_dir(paths) == tmp_path / "external"
    assert external_dir(YearPaths.for_year(2021)) == REPO / "data" / "external"


def test_external_vs_report_compares_in_the_report_unit():
    facts = read_external_facts(REPO / "data" / "external")
    h = headlines([("target_emissions_2020", "146.5", "百萬公噸CO2e", "s"),
                   ("intensity_target_change_2020_vs_2005", "-40", "%", "s")])
    checks = emc.external_checks(facts, h)
    assert checks["check_id"].tolist() == ["emissions.external.target_emissions_2020"]  # intensity is 04's
    assert checks["verdict"].iloc[0] == "rounds to published"
    from mfgghg.checks.intensity import external_checks as intensity_external

    ic = intensity_external(facts, h)
    assert ic["check_id"].tolist() == ["intensity.external.intensity_target_change_2020_vs_2005"]
    assert ic["verdict"].iloc[0] == "differs"


def test_section_parts_split_listed_sections_and_keep_each_once():
    parts = em.section_parts(["表6", "摘要 三; 貳 二(一)", "摘要 三", " 貳 二(一) ;"])
    assert parts == ["表6", "摘要 三", "貳 二(一)"]
    assert source_line(2021, parts) == "資料來源：110年執行成果報告 表6、摘要 三、貳 二(一)"


def test_source_label_keeps_the_recorded_title_unless_drawn():
    row = {"source_title": "自由時報 (LTN)", "source_date": "2018-01-01"}
    assert emc.source_label(row) == "自由時報 (LTN), 2018-01-01"
    assert emc.source_label({"source_title": "Paper", "source_date": float("nan")}) == "Paper"
    set_lang("en")
    try:
        assert emc.source_label(row) == "自由時報 (LTN), 2018-01-01"  # tables keep the data as recorded
        assert emc.source_label(row, translate=True) == "Liberty Times (LTN), 2018-01-01"
    finally:
        set_lang("zh-TW")


# ------------------------------------------------------------------------------------------- notes

def test_notes_join_by_check_id_and_unknown_ids_raise():
    checks = pd.DataFrame({"check_id": ["emissions.a", "emissions.b"], "verdict": ["differs", "equal"]})
    notes = pd.DataFrame({"check_id": ["emissions.a", "intensity.z", "table5.x"],
                          "explanation": ["why a", "04's note", "another file's"],
                          "file": ["emissions_notes.csv", "emissions_notes.csv", "budget_notes.csv"]})
    out = attach_notes(checks, notes, owns=("emissions",))
    assert out["explanation"].tolist() == ["why a", ""]
    assert out["agrees"].tolist() == [False, True]
    with pytest.raises(DataError,
                       match=r"emissions_notes.csv, row 3, column 'check_id': note for unknown check 'intensity.z'"):
        attach_notes(checks.assign(check_id=["intensity.q", "intensity.r"]), notes, owns=("intensity",))
    refuse_notes_outside_namespaces(notes)  # every namespace here is known
    stray = pd.DataFrame({"check_id": ["emissions.a", "tabel6.x"], "explanation": ["?", "?"],
                          "file": ["emissions_notes.csv"] * 2})
    assert "tabel6" not in NOTE_NAMESPACES
    stray_note = r"emissions_notes.csv, row 3, column 'check_id': note for 'tabel6.x': check ids start with"
    with pytest.raises(DataError, match=stray_note):
        refuse_notes_outside_namespaces(stray)


def test_checks_with_notes_and_mismatches():
    a = pd.DataFrame([{"check_id": "emissions.x", "source": "", "description": "", "unit": "%", "published": 1.0,
                       "recomputed": 2.0, "difference": 1.0, "verdict": "differs"},
                      {"check_id": "emissions.y", "source": "", "description": "", "unit": "%", "published": 1.0,
                       "recomputed": float("nan"), "difference": float("nan"), "verdict": emc.NO_SERIES}])
    b = pd.DataFrame(columns=emc.CHECK_COLUMNS)
    notes = pd.DataFrame({"check_id": ["emissions.x"], "explanation": ["because"]})
    table = attach_notes(concat_checks([a, b]), notes, owns=("emissions",))
    assert concat_checks([b]).columns.tolist() == emc.CHECK_COLUMNS
    assert table["agrees"].tolist() == [False, False]
    m = emc.mismatches(table)
    assert m["check_id"].tolist() == ["emissions.x"]  # 'no series' is not a mismatch
    assert m["explanation"].iloc[0] == "because"


# ------------------------------------------------------------------------------------------- figures


def test_figures_draw_report_and_derived_distinctly(styled):
    e = emissions_table([100.0, 100.0, 100.0], [98.0, 103.0, 95.0], start=2030)
    t = em.margins(e)
    fig = plots.plot_annual(t, year=2030)
    fig.draw_without_rendering()  # a missing glyph would warn, and warnings from matplotlib fail the tests
    labels = [x.get_text() for x in fig.legends[0].get_texts()]  # (above the plot, clear of the lines)
    assert any("報告" in x for x in labels) and any("推算" in x for x in labels)
    assert "百萬公噸CO2e" in fig.axes[0].get_ylabel()
    assert fig.texts[-1].get_text() == "資料來源：119年執行成果報告 表6"  # drawn by the figure itself
    fig = plots.plot_cumulative(t, year=2030)
    fig.draw_without_rendering()
    assert fig.texts[-1].get_text() == "資料來源：119年執行成果報告 表6"
    assert len(fig.axes) == 2 and all(ax.get_ylabel() for ax in fig.axes)
    changes = em.stated_changes(headlines(STATED))
    fig = plots.plot_drivers(em.drivers_figure_data(changes, emc.check_stated_changes(changes, e)), year=2030)
    fig.draw_without_rendering()
    assert all(ax.get_xlabel().startswith("變化") for ax in fig.axes)
    assert fig.texts[-1].get_text() == "資料來源：119年執行成果報告 摘要 三、表6"
    empty = plots.plot_drivers(em.drivers_figure_data(em.stated_changes(headlines([])),
                                                      pd.DataFrame(columns=emc.CHECK_COLUMNS)), year=2030)
    empty.draw_without_rendering()
    assert "未列出" in empty.axes[0].texts[0].get_text()
    assert empty.texts[-1].get_text() == "資料來源：119年執行成果報告 表6"


def test_context_figure_keeps_external_values_apart(styled):
    facts = read_external_facts(REPO / "data" / "external")
    t = em.margins(emissions_table([149.4, 150.4], [147.8, 148.8]))
    data = em.context_figure_data(t, facts)
    ext = data[data["origin"] == "external"]
    assert len(ext) == (facts["base_unit"] == "mt_co2e").sum()
    assert ext["source"].str.len().gt(0).all()
    fig = plots.plot_context(data, year=2021)
    fig.draw_without_rendering()
    assert fig.texts[-1].get_text().startswith("資料來源：110年執行成果報告 表6；外部資料：")
    assert any("外部" in x.get_text() for x in fig.axes[0].get_legend().get_texts())


# ------------------------------------------------------------------------------------------- the real 2021 data

@pytest.fixture(scope="module")
def real():
    paths = YearPaths.for_year(2021)
    return paths, load_processed(paths.processed)


# ------------------------------------------------------------------------------------------- English edition


# (The notebooks' own 2021 figures, in each edition: tests/test_notebook_figures.py.)


def test_english_small_frames_placeholder_and_fallback_labels(english):
    e = emissions_table([100.0, 100.0, 100.0], [98.0, 103.0, 95.0], start=2030)
    empty = drawn(plots.plot_drivers(em.drivers_figure_data(em.stated_changes(headlines([])),
                                                            pd.DataFrame(columns=emc.CHECK_COLUMNS)), year=2030))
    assert cjk_texts(empty) == [] and "states no change" in empty.axes[0].texts[0].get_text()
    # an external series the figure has no marker for is still labelled in English
    facts = read_external_facts(REPO / "data" / "external")
    data = em.context_figure_data(em.margins(e), facts)
    data.loc[data["origin"] == "external", "series"] = "other"
    fig = drawn(plots.plot_context(data, year=2030))
    assert cjk_texts(fig) == []
    assert "other (external)" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_english_edition_refuses_an_untranslated_name(english):
    changes = em.stated_changes(headlines([("gdp_change_2016_2020", "1", "%", "no such section")]))
    data = em.drivers_figure_data(changes, emc.check_stated_changes(changes, emissions_table([1.0], [1.0])))
    with pytest.raises(MissingTranslation, match="no such section"):
        source_line(2021, em.section_parts(data["source"]))


def test_2021_over_target_years_and_margins_match_table6(real):
    paths, tables = real
    t = em.margins(tables["emissions"]).set_index("year")
    assert em.over_target_years(t.reset_index()) == [2018]  # 150.8 against 148.3
    assert t.at[2018, "margin_mt_co2e"] == pytest.approx(-2.5)
    assert t.at[2020, "margin_mt_co2e"] == pytest.approx(4.6)
    assert t.at[2020, "cumulative_margin_mt_co2e"] == pytest.approx(7.5)  # 741.5 - 734.0
    assert (t["cumulative_margin_mt_co2e"] > 0).all()
    checks = emc.reconcile_margins(t.reset_index(), tables["published_table6_printed"])
    assert (checks["verdict"] == "equal").all()


def test_2021_precise_figures_round_to_the_table(real):
    paths, tables = real
    checks = emc.precise_vs_rounded(tables["published_headlines"], tables["published_table6_printed"])
    assert len(checks) == 8
    assert (checks["verdict"] == "rounds to published").all()


def test_2021_stated_emissions_change_is_not_table6s_and_is_explained(real):
    _, tables = real
    changes = em.stated_changes(tables["published_headlines"])
    assert set(changes["driver"]) == set(em.DRIVER_LABELS)
    checks = attach_notes(concat_checks([emc.check_stated_changes(changes, tables["emissions"])]),
                                    tables["notes"], owns=("emissions",))
    m = emc.mismatches(checks).set_index("check_id")
    assert set(m.index) == {"emissions.stated_change.emissions_change_2016_2020",
                            "emissions.stated_change.emissions_change_pct_2016_2020"}
    assert m.at["emissions.stated_change.emissions_change_2016_2020", "published"] == pytest.approx(-1.3)
    assert m.at["emissions.stated_change.emissions_change_2016_2020", "recomputed"] == pytest.approx(-5.9)
    assert m["explanation"].str.len().gt(0).all()
    readings = emc.readings_of_stated_change(changes, tables["emissions"])
    assert set(readings.loc[readings["verdict"] != "differs", "reading"]) == {"2016 emissions -> 2020 target"}


def test_2021_notes_file_names_only_existing_checks():
    notes = pd.read_csv(REPO / "data" / "raw" / "2021" / "emissions_notes.csv", dtype=str)
    assert notes["check_id"].str.match(r"^(emissions|intensity)\.").all()
    described = json.loads((REPO / "data" / "raw" / "2021" / "datapackage.json").read_text(encoding="utf-8"))
    assert any(r["path"] == "emissions_notes.csv" for r in described["resources"])


def test_2021_processed_table6_printed_is_the_ingests(real):
    from mfgghg.data.ingest import ingest

    paths, tables = real
    built = build_table6_printed(ingest(paths).raw)
    pd.testing.assert_frame_equal(tables["published_table6_printed"].reset_index(drop=True), built,
                                  check_dtype=False)


def test_every_figure_caption_has_an_english_edition(english):
    assert set(plots.CAPTIONS) == {"plot_annual", "plot_cumulative", "plot_drivers", "plot_context"}
    for name, caption in plots.CAPTIONS.items():
        assert callable(getattr(plots, name))
        translated = _(caption)  # MissingTranslation if the English edition lacks it
        assert translated and not CJK.search(translated), name


def test_thirty_years_of_margins_stand_upright_clear_of_each_other(styled):
    """A longer series (30 years) in the usual width: the years and the margins written under them
    would run into each other; they stand upright instead (plots.style.turn_crowded_labels)."""
    from mfgghg.plots.layout import layout_problems

    targets = [150.0 + (i % 4) for i in range(30)]
    actuals = [150.0 + ((-1) ** i) * 3.3 + (i % 5) for i in range(30)]
    t = em.margins(emissions_table(targets, actuals, start=2021))
    for plot in (plots.plot_annual, plots.plot_cumulative):
        fig = plot(t, year=2050)
        assert [str(p) for p in layout_problems(fig)] == [], plot.__name__
        assert fig.axes[-1].get_xticklabels()[0].get_rotation() == 90
    short = plots.plot_annual(em.margins(emissions_table([100.0] * 3, [98.0, 103.0, 95.0])), year=2030)
    short.draw_without_rendering()
    assert short.axes[0].get_xticklabels()[0].get_rotation() == 0  # (few years: as before)


def test_long_names_of_changes_wrap_within_the_width(styled):
    """A stated change with a long name wraps, and the figure stays within 1,800 px (it grew past it)."""
    from mfgghg.plots.layout import layout_problems

    long_name = "工業部門燃料油與天然氣及其他化石燃料之消費總量與能源密集度變化"
    data = pd.DataFrame({"key": [f"k{i}" for i in range(6)], "label_zh": [long_name] * 3 + ["燃料油", "煤炭", "GDP"],
                         "from_year": 2016, "to_year": 2020, "against_base": False, "unit": "%",
                         "value": [-52.0, 12.0, 3.5, -29.0, 4.0, 16.56], "origin": "report", "source": "摘要 三"})
    data["label_zh"] = [f"{name}{i}" for i, name in enumerate(data["label_zh"])]
    fig = plots.plot_drivers(data, year=2021)
    assert [str(p) for p in layout_problems(fig)] == []
    assert "\n" in fig.axes[0].get_yticklabels()[0].get_text()


def test_a_period_of_one_year_so_far_keeps_its_total_label_off_the_points(styled):
    """A report on a period's first year: the year's cumulative values are the period's total, and the
    total's name, written from the first year, lay on its points; it moves right of them. No warning of
    identical limits either (a margin below 0 alone)."""
    import warnings

    from mfgghg.plots.layout import layout_problems

    for actual in (98.0, 103.0):
        t = em.margins(emissions_table([100.0], [actual], start=2026))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = plots.plot_cumulative(t, year=2027)
            assert [str(p) for p in layout_problems(fig)] == []


def test_outside_values_among_the_reports_years_are_written_off_its_lines(styled):
    """A later report whose Table 6 reaches past the outside points' years (2025's target, 2030's): the
    report's lines ran through the value written beside an outside point; it moves where no line
    runs (plots.style.move_off_lines)."""
    from mfgghg.plots.layout import layout_problems

    facts = read_external_facts(REPO / "data" / "external")
    years = 30
    t = em.margins(emissions_table([146.0 - 0.3 * i for i in range(years)], [140.0 + i % 7 for i in range(years)]))
    data = em.context_figure_data(t, facts)
    data = data[(data["origin"] == "report") | (data["year"] != 2020)]  # (2020's estimate lies on the lines)
    fig = plots.plot_context(data, year=2036)
    assert [str(p) for p in layout_problems(fig)] == []


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_a_margin_or_a_change_that_cannot_be_computed_draws_no_label(styled, edition):
    """A year Table 6 prints a target for but no emissions yet (its margins NaN), a change that cannot be
    recomputed and an outside value that is no number draw no label, never "nan" or "+nan"; the other
    years keep theirs (plots.style.value_label)."""
    import warnings

    from conftest import missing_numbers_written

    from mfgghg.plots.layout import layout_problems

    set_lang(edition)
    try:
        t = em.margins(emissions_table([100.0, 100.0, 100.0], [98.0, 103.0, float("nan")], start=2030))
        assert t["margin_mt_co2e"].isna().tolist() == [False, False, True]
        e = emissions_table([149.4, 150.4, 148.3, 146.9, 146.5], [147.8, 148.8, 150.8, 144.7, 141.9])
        changes = em.stated_changes(headlines(STATED))
        drivers = em.drivers_figure_data(changes, emc.check_stated_changes(changes, e))
        drivers.loc[drivers.index[drivers["origin"] == "derived"][0], "value"] = float("nan")
        facts = read_external_facts(REPO / "data" / "external")
        context = em.context_figure_data(em.margins(emissions_table([149.4, 150.4], [147.8, 148.8])), facts)
        outside = context.index[context["origin"] == "external"]
        context.loc[outside[0], "value_mt_co2e"] = float("nan")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            figures = {"annual": plots.plot_annual(t, year=2033), "cumulative": plots.plot_cumulative(t, year=2033),
                       "drivers": plots.plot_drivers(drivers, year=2021),
                       "context": plots.plot_context(context, year=2021)}
        for name, fig in figures.items():
            assert missing_numbers_written(fig) == [], name
            assert [str(p) for p in layout_problems(fig)] == [], name
        assert [x.get_text() for x in figures["annual"].axes[0].texts] == ["+2.0", "-3.0"]
        assert [x.get_text() for x in figures["cumulative"].axes[1].texts] == ["+2.0", "-1.0"]
        assert sum(len(ax.texts) for ax in figures["drivers"].axes) == len(drivers) - 1
        assert len(figures["context"].axes[0].texts) == len(outside) - 1
    finally:
        set_lang("zh-TW")


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_a_table6_without_rows_says_so(styled, edition):
    """A Table 6 without rows (the right columns, no year): the annual and cumulative figures say so
    under their titles, with their source line (they raised on limits and positions of no year)."""
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.style import figure_title

    set_lang(edition)
    try:
        empty = em.margins(emissions_table([100.0, 100.0], [98.0, 103.0])).iloc[:0]
        said = {"zh-TW": "表6未列排放值與目標值", "en": "Table 6 prints no emissions or targets"}[edition]
        titles = {"zh-TW": ["當年度目標值與排放值", "第一期累計目標值與累計排放值"],
                  "en": [_("當年度目標值與排放值"), _("第一期累計目標值與累計排放值")]}[edition]
        for plot, title in zip((plots.plot_annual, plots.plot_cumulative), titles):
            fig = plot(empty, year=2021)
            assert [str(p) for p in layout_problems(fig)] == [], plot.__name__
            assert [t.get_text() for t in fig.axes[0].texts] == [said]
            assert figure_title(fig) == title
            assert fig.texts[-1].get_text() == source_line(2021, ["表6"])
            assert bool(cjk_texts(fig)) == (edition == "zh-TW")
    finally:
        set_lang("zh-TW")


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_the_context_figure_of_a_table6_without_rows_draws_what_there_is(styled, edition):
    """The context figure with a Table 6 without rows: it drew empty report lines under legend entries;
    now the outside values are drawn alone and the legend says Table 6 prints nothing. Without outside
    values either, it draws the figure that says so (it drew an empty frame)."""
    import warnings

    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.style import figure_title

    set_lang(edition)
    try:
        facts = read_external_facts(REPO / "data" / "external")
        empty = em.margins(emissions_table([100.0, 100.0], [98.0, 103.0])).iloc[:0]
        said = {"zh-TW": "表6未列排放值與目標值", "en": "Table 6 prints no emissions or targets"}[edition]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            outside_only = plots.plot_context(em.context_figure_data(empty, facts), year=2021)
            nothing = plots.plot_context(em.context_figure_data(empty, facts.iloc[:0]), year=2021)
        for fig in (outside_only, nothing):
            assert [str(p) for p in layout_problems(fig)] == []
            assert figure_title(fig) == _("第一期排放值與前後期目標 (灰色空心為外部資料)")
            assert fig.texts[-1].get_text().startswith(source_line(2021, ["表6"]))
            assert bool(cjk_texts(fig)) == (edition == "zh-TW")
        ax = outside_only.axes[0]
        assert len(ax.lines) == 0  # (no report line)
        legend = ax.get_legend()
        assert legend.get_title().get_text() == said
        outside = {"zh-TW": "(外部)", "en": "(external)"}[edition]
        assert all(t.get_text().endswith(outside) for t in legend.get_texts())
        assert sum(len(c.get_offsets()) for c in ax.collections) == (facts["base_unit"] == "mt_co2e").sum()
        assert [t.get_text() for t in nothing.axes[0].texts] == [said]
    finally:
        set_lang("zh-TW")

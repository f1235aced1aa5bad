"""Unit tests of mfgghg.analysis.budget: small hand-made tables first, then assertions on the real 2021 data."""

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from mfgghg.analysis import budget
from mfgghg.checks import budget as budget_checks
from mfgghg.checks.notes import attach_notes, differences
from mfgghg.checks.verdict import AGREES
from mfgghg.errors import DataError
from mfgghg.plots import budget as plots
from mfgghg.plots.style import use_cjk_font
from mfgghg.i18n import CJK, MissingTranslation, _, set_lang
from mfgghg.data.ingest import ingest
from mfgghg.data.paths import YearPaths, roc_year


@pytest.fixture
def lang():
    """Choose the figures' edition within a test; back to zh-TW afterwards, whatever happens."""
    yield set_lang
    set_lang("zh-TW")


# ---------------------------------------------------------------------------------------------
# Hand-made tables: two pillars, three ministries, every kind of source and of reduction.


@pytest.fixture
def measures():
    return pd.DataFrame({
        "measure_id": ["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2", "2.2.1"],
        "pillar": [1, 1, 1, 2, 2, 2],
        "name_zh": ["甲", "乙", "丙", "丁", "戊", "己"],
        "lead_agency_zh": ["經濟部工業局", "國科會", "經濟部能源局", "經濟部國營會", "環保署", "商業司"],
        "ministry_zh": ["經濟部", "國科會", "經濟部", "經濟部", "環保署", "經濟部"],
        "measure_type": ["substantive", "capacity", "substantive", "substantive", "capacity", "capacity"],
        "reduction_t_co2e": [1000.0, float("nan"), 500.0, 2000.0, 100.0, float("nan")],
        "reduction_kind": ["actual", None, "potential", "expected", "actual", None],
    })


@pytest.fixture
def funding():
    # 2.2.1 has no row (the annex prints '-'); 1.2.1 has public and private money.
    return pd.DataFrame({
        "measure_id": ["1.1.1", "1.1.2", "1.2.1", "1.2.1", "2.1.1", "2.1.2"],
        "source_zh": ["公務預算", "作業基金", "能源基金", "民間投資", "國營事業預算", "公務預算"],
        "source_category": ["government_budget", "special_fund", "special_fund", "private_investment",
                            "soe_budget", "government_budget"],
        "is_public": [True, True, True, False, True, True],
        "amount_twd": [1_000_000.0, 200_000.0, 300_000.0, 700_000.0, 4_000_000.0, 50_000.0],
    })


def published(actual_1, actual_2, planned=(10_000_000.0, 20_000_000.0), rates=None):
    """A Table 5 in TWD with a total row; rates default to the rounded B/A."""
    actual = [actual_1, actual_2, actual_1 + actual_2]
    planned = [planned[0], planned[1], planned[0] + planned[1]]
    rates = rates or [round(100 * a / p) for a, p in zip(actual, planned)]
    return pd.DataFrame({"pillar": ["1", "2", "total"], "planned_twd": planned,
                         "actual_twd": actual, "execution_rate_pct": rates})


@pytest.fixture
def table5_all_sources():
    # Pillar 1, all sources: 1,000,000 + 200,000 + 300,000 + 700,000 = 2,200,000 (220 萬元).
    return published(2_200_000.0, 4_050_000.0)


def printed(table5: pd.DataFrame) -> pd.DataFrame:
    """A hand-made Table 5 (TWD) as the ingest ships it printed: whole 萬元 and whole percentages, as text."""
    return pd.DataFrame({"row_zh": table5["pillar"], "pillar": table5["pillar"],
                         "planned_10k_twd": [f"{v / 1e4:.0f}" for v in table5["planned_twd"]],
                         "actual_10k_twd": [f"{v / 1e4:.0f}" for v in table5["actual_twd"]],
                         "execution_rate_pct": [f"{v:.0f}" for v in table5["execution_rate_pct"]]})


def test_table5_checks_judge_at_the_decimals_printed(measures, funding, table5_all_sources):
    """The published side is the printed text: a rate printed '50.0' is judged at one decimal (a
    recomputed 50.4 differs), one printed '50' at none (it rounds to published)."""
    table = table5_all_sources.copy()
    table.loc[table["pillar"] == "1", "planned_twd"] = 2_200_000.0 / 0.504  # recomputed rate 50.4 %
    text = printed(table)
    for shown, expected in (("50.0", "differs"), ("50", "rounds to published")):
        text.loc[text["pillar"] == "1", "execution_rate_pct"] = shown
        r = budget_checks.reconcile_table5(measures, funding, table, text).set_index("check_id")
        assert r.at["budget.table5.1.rate.recomputed_actual", "published"] == 50
        assert r.at["budget.table5.1.rate.recomputed_actual", "verdict"] == expected


def test_table5_rebuilt_splits_public_and_private(measures, funding, table5_all_sources):
    t = budget.table5_rebuilt(measures, funding, table5_all_sources).set_index("pillar")
    assert t.at["1", "actual_all_sources_twd"] == 2_200_000
    assert t.at["1", "actual_public_twd"] == 1_500_000
    assert t.at["1", "actual_private_twd"] == 700_000
    assert t.at["total", "actual_all_sources_twd"] == 6_250_000
    assert t.at["total", "actual_difference_twd"] == 0
    assert t.at["2", "rate_recomputed_pct"] == pytest.approx(100 * 4_050_000 / 20_000_000)


def test_table5_rebuilt_needs_a_total_row(measures, funding, table5_all_sources):
    with pytest.raises(DataError, match="total"):
        budget.table5_rebuilt(measures, funding, table5_all_sources[table5_all_sources["pillar"] != "total"])


def test_reconcile_table5_prefixes_and_verdicts(measures, funding, table5_all_sources):
    r = budget_checks.reconcile_table5(measures, funding, table5_all_sources, printed(table5_all_sources))
    r = r.set_index("check_id")
    assert all(i.startswith("budget.table5.") for i in r.index)
    assert r.at["budget.table5.1.actual.all_sources", "verdict"] == "equal"
    assert r.at["budget.table5.1.actual.public_only", "verdict"] == "differs"
    assert r.at["budget.table5.1.actual.public_only", "difference"] == pytest.approx(-70)  # 民間投資, 萬元
    assert r.at["budget.table5.total.rate.recomputed_actual", "recomputed"] == pytest.approx(100 * 625 / 3000)


def test_source_inclusion_finds_the_sources_table5_counts(measures, funding, table5_all_sources):
    s = budget_checks.source_inclusion(measures, funding, table5_all_sources, printed(table5_all_sources))
    s = s.set_index("candidate")
    assert s["reproduces_table5"].to_dict() == {"all_sources": True, "public_only": False,
                                                "public_without_soe": False, "government_budget_only": False}
    public_table = published(1_500_000.0, 4_050_000.0)
    s = budget_checks.source_inclusion(measures, funding, public_table, printed(public_table)).set_index("candidate")
    assert s.loc[s["reproduces_table5"]].index.tolist() == ["public_only"]
    assert s.at["all_sources", "rows_agreeing"] == 1  # only pillar 2 (no private money there) agrees


def test_budget_headlines(measures, funding, table5_all_sources):
    headlines = pd.DataFrame({
        "key": ["actual_budget_x", "actual_budget_x_again", "planned_budget_y", "measures"],
        "value_printed": ["0.06", "0.07", "0.3", "6"],
        "unit_zh": ["億元", "億元", "億元", "項"],
        "section_zh": ["壹", "貳", "壹", "摘要"],
    })
    h = budget_checks.reconcile_budget_headlines(measures, funding, table5_all_sources, headlines)
    h = h.set_index("check_id")
    assert "budget.headline.measures.all_sources" not in h.index  # not a money figure
    assert h.at["budget.headline.actual_budget_x.all_sources", "verdict"] == "rounds to published"  # 0.0625
    assert h.at["budget.headline.actual_budget_x.public_only", "verdict"] == "rounds to published"  # 0.0555
    assert h.at["budget.headline.actual_budget_x_again.all_sources", "verdict"] == "differs"
    assert h.at["budget.headline.planned_budget_y.table5_total", "verdict"] == "equal"
    assert h.at["budget.headline.planned_budget_y.table5_sum_of_rows", "verdict"] == "equal"


def test_attach_notes_joins_by_check_id_and_rejects_unknown_ids():
    table = pd.DataFrame({"check_id": ["budget.a", "budget.b"], "verdict": ["differs", "equal"],
                          "agrees": [False, True]})
    # Notes of other namespaces (another notebook's checks) are left alone.
    notes = pd.DataFrame({"check_id": ["budget.a", "table5.1.actual", "goals.zzz"],
                          "explanation": ["why a", "other file", "x"],
                          "file": ["budget_notes.csv", "reconciliation_notes.csv", "status_notes.csv"]})
    out = attach_notes(table, notes, owns=budget_checks.BUDGET_NAMESPACES)
    assert out["explanation"].tolist() == ["why a", ""]
    assert out["agrees"].tolist() == [False, True]
    bad = pd.DataFrame({"check_id": ["budget.a", "budget.nope"], "explanation": ["x", "y"],
                        "file": ["budget_notes.csv"] * 2})
    with pytest.raises(DataError,
                       match=r"budget_notes.csv, row 3, column 'check_id': note for unknown check 'budget.nope'"):
        attach_notes(table, bad, owns=budget_checks.BUDGET_NAMESPACES)


def test_differences_and_unexplained():
    table = pd.DataFrame({
        "check_id": ["a", "b", "c", "d"], "published": [1, 1, 1, 1], "recomputed": [1, 1.2, 3, 4],
        "difference": [0, 0.2, 2, 3], "unit": ["萬元"] * 4,
        "verdict": ["equal", "rounds to published", "differs", "differs"],
        "agrees": [True, True, False, False], "explanation": ["", "", "known", ""]})
    assert differences(table)["check_id"].tolist() == ["b", "c", "d"]
    u = budget_checks.unexplained(table.set_index(pd.Index([10, 11, 12, 13])))
    assert u["check_id"].tolist() == ["d"]
    assert u.columns.tolist() == ["check_id", "published", "recomputed", "verdict"] and u.index.tolist() == [0]


def test_spending_by_source_orders_categories_and_shares(funding):
    s = budget.spending_by_source(funding)
    assert s["source_zh"].tolist() == ["公務預算", "能源基金", "作業基金", "國營事業預算", "民間投資"]
    assert s["share_pct"].sum() == pytest.approx(100)
    assert s.set_index("source_zh").at["公務預算", "measures"] == 2


def test_spending_by_group_and_source(measures, funding):
    t = budget.spending_by_group_and_source(measures, funding, "ministry_zh").set_index("ministry_zh")
    assert t.index.tolist() == ["經濟部", "國科會", "環保署", "total"]
    assert t.at["經濟部", "民間投資_twd"] == 700_000
    assert t.at["經濟部", "public_twd"] == 5_300_000
    assert (t["public_twd"] + t["private_twd"] == t["total_twd"]).all()
    assert t.at["total", "total_twd"] == funding["amount_twd"].sum()
    assert t.at["國科會", "private_share_pct"] == 0


def test_spending_by_group_rejects_funding_of_an_unknown_measure(measures, funding):
    f = pd.concat([funding, funding.iloc[[0]].assign(measure_id="9.9.9")], ignore_index=True)
    with pytest.raises(DataError, match="9.9.9"):
        budget.spending_by_group_and_source(measures, f)


def test_spending_per_measure_keeps_unfunded_measures_apart(measures, funding):
    pm = budget.spending_per_measure(measures, funding)
    row = pm.set_index("measure_id").loc["2.2.1"]
    assert not row["funding_printed"] and math.isnan(row["total_twd"])
    assert pm.set_index("measure_id").at["1.2.1", "sources_zh"] == "能源基金 + 民間投資"
    # Pillar 1: 經濟部 (1.1.1 and 1.2.1 tie, so by id) before 國科會; pillar 2: 經濟部 (unfunded 2.2.1 last) then
    # 環保署.
    assert pm["measure_id"].tolist() == ["1.1.1", "1.2.1", "1.1.2", "2.1.1", "2.2.1", "2.1.2"]
    sub = budget.spending_subtotals(pm).set_index(["pillar", "ministry_zh"])
    assert sub.at[("2", "經濟部"), "measures"] == 2 and sub.at[("2", "經濟部"), "funded"] == 1
    assert sub["share_pct"].sum() == pytest.approx(100)


def test_cost_per_tonne_keeps_potentials_apart(measures, funding):
    c = budget.cost_per_tonne(measures, funding).set_index("measure_id")
    assert c.index.tolist() == ["2.1.2", "1.1.1", "2.1.1", "1.2.1"]  # counted kinds ranked, potential last
    assert c.at["1.1.1", "twd_per_t_all"] == pytest.approx(1000)
    assert c.at["2.1.1", "twd_per_t_public"] == pytest.approx(2000)
    assert c.at["1.2.1", "kind_group"] == "potential" and c.at["1.2.1", "rank_all"] == 1
    assert c.at["1.2.1", "twd_per_t_public"] == pytest.approx(600)
    assert c.at["1.2.1", "twd_per_t_all"] == pytest.approx(2000)
    without = budget.measures_without_reduction(measures, funding)
    assert without["measure_id"].tolist() == ["1.1.2", "2.2.1"]


def test_cost_per_tonne_rejects_unknown_reduction_kinds(measures, funding):
    m = measures.assign(reduction_kind=measures["reduction_kind"].replace("expected", "hoped"))
    with pytest.raises(DataError, match="hoped"):
        budget.cost_per_tonne(m, funding)


def test_money_and_reduction_shares(measures, funding):
    s = budget.money_and_reduction_shares(measures, funding, "pillar").set_index("pillar")
    assert s.at["1", "reduction_t_co2e"] == 1000  # the potential of 1.2.1 is not counted...
    assert s.at["1", "potential_t_co2e"] == 500  # ...but kept apart
    assert s.at["1", "money_share_pct"] == pytest.approx(100 * 2_200_000 / 6_250_000)
    assert s.at["1", "reduction_share_pct"] == pytest.approx(100 * 1000 / 3100)
    assert s["public_money_share_pct"].sum() == pytest.approx(100)
    assert s.at["2", "reduction_minus_money_pts"] == pytest.approx(
        s.at["2", "reduction_share_pct"] - s.at["2", "money_share_pct"])


def test_cost_ratio_caption_uses_the_roc_year(lang):
    caption = plots.cost_ratio_caption(2030)
    assert "119年" in caption and "單一年度" in caption
    lang("en")
    caption = plots.cost_ratio_caption(2030)
    assert "2030" in caption and "119" not in caption and "年" not in caption


def test_labels_follow_the_edition(lang):
    assert plots.pillar_label(2) == "面向2" and plots.pillar_label("total") == "總計"
    assert plots.ministry_label("經濟部", short=True) == "經濟部"
    assert plots._short("推動製造部門低碳生產", 5) == "推動製造…"
    lang("en")
    assert plots.pillar_label(2) == "Pillar 2" and plots.pillar_label("total") == "Total"
    assert plots.ministry_label("經濟部") == "Ministry of Economic Affairs (MOEA)"
    assert plots.ministry_label("經濟部", short=True) == "MOEA"
    # 'Promote low-carbon production in manufacturing' cut to 3 × 8 characters, at a word.
    assert plots._short("推動製造部門低碳生產", 8) == "Promote low-carbon…"
    assert plots._short("推動廢棄物再利用", 8) == "Promote waste reuse"


def test_figure_source_in_both_editions(lang):
    parts, note = ["表5", "附件（實際經費）"], "實心＝公布值；斜線／點狀＝由附件推算。"
    assert plots.figure_source(2021, parts, note) == (
        "資料來源：110年執行成果報告 表5、附件（實際經費）。實心＝公布值；斜線／點狀＝由附件推算。")
    assert plots.figure_source(2021, parts) == "資料來源：110年執行成果報告 表5、附件（實際經費）"
    lang("en")
    assert plots.figure_source(2021, parts, note) == (
        "Source: 2021 (ROC 110) execution report, Table 5, Annex (actual funding). "
        "Solid = published; hatched/dotted = derived from the annex.")


def test_an_english_figure_never_falls_back_to_chinese(measures, funding, lang):
    lang("en")  # the hand-made measure names (甲, 乙, ...) have no English
    try:
        with pytest.raises(MissingTranslation, match="no English for '[甲乙丙丁戊己]'"):
            plots.plot_spending_per_measure(budget.spending_per_measure(measures, funding), year=2021)
    finally:
        plt.close("all")


def test_money_in_converts_and_renames():
    out = budget.money_in(pd.DataFrame({"a_twd": [1e8], "n": [1]}), "億元")
    assert out.columns.tolist() == ["a [億元]", "n"] and out.iloc[0, 0] == 1


def test_figures_draw_without_missing_glyphs(measures, funding, table5_all_sources):
    use_cjk_font()  # the CJK font; a missing glyph is a UserWarning, an error under pytest's settings
    cost = budget.cost_per_tonne(measures, funding)
    fig = plots.plot_cost_per_tonne(cost, 2, year=2021)
    assert len(fig.axes) == 2  # actual/expected, and potentials apart
    texts = [t.get_text() for t in fig.texts]
    assert plots.cost_ratio_caption(2021) in texts  # the caption is drawn by the figure itself
    assert any("2 項措施未報減碳量" in t for t in texts)
    assert "資料來源：110年執行成果報告 附件（實際經費、減碳量）。比值由附件推算。" in texts
    assert fig.axes[0].get_xscale() == "log"
    fig.draw_without_rendering()
    plt.close(fig)
    rebuilt = budget.table5_rebuilt(measures, funding, table5_all_sources)
    fig = plots.plot_table5(rebuilt, year=2021)
    assert len(budget.table5_figure_data(rebuilt)) == 3
    assert any(t.get_text().startswith("資料來源：110年執行成果報告 表5、附件（實際經費）") for t in fig.texts)
    fig.draw_without_rendering()
    plt.close(fig)


def test_cost_per_tonne_marks_each_row_line_diamond_and_dot_in_its_kinds_colour(measures, funding):
    """Per row (cheapest at the top): a line from the public-money ratio to the all-money ratio, a
    hollow diamond at the latter and a dot at the former, in the colour of its kind of reduction;
    lines under diamonds under dots."""
    from matplotlib.colors import to_hex

    from mfgghg.plots.style import PALETTE

    use_cjk_font()
    cost = budget.cost_per_tonne(measures, funding)
    fig = plots.plot_cost_per_tonne(cost, 0, year=2021)
    colour = {"actual": PALETTE[0], "expected": PALETTE[1], "potential": "#777777"}
    try:
        for ax, group in zip(fig.axes, ("actual_expected", "potential")):
            rows = cost[cost["kind_group"] == group].iloc[::-1]
            kinds = [colour[k].lower() for k in rows["reduction_kind"]]
            lines, diamonds, dots = sorted(ax.collections, key=lambda c: c.get_zorder())
            y = list(range(len(rows)))
            assert [seg.tolist() for seg in lines.get_segments()] == [
                [[p, yi], [a, yi]] for p, a, yi in zip(rows["twd_per_t_public"], rows["twd_per_t_all"], y)]
            assert [to_hex(c) for c in lines.get_colors()] == kinds
            assert diamonds.get_offsets().tolist() == [[a, yi] for a, yi in zip(rows["twd_per_t_all"], y)]
            assert [to_hex(c) for c in diamonds.get_edgecolors()] == kinds
            assert {to_hex(c) for c in diamonds.get_facecolors()} == {"#ffffff"}
            assert dots.get_offsets().tolist() == [[p, yi] for p, yi in zip(rows["twd_per_t_public"], y)]
            assert [to_hex(c) for c in dots.get_facecolors()] == kinds
            assert (lines.get_zorder(), diamonds.get_zorder(), dots.get_zorder()) == (1, 2, 3)
    finally:
        plt.close(fig)


# ---------------------------------------------------------------------------------------------
# The real 2021 data, built from data/raw (so these hold on a fresh clone).


@pytest.fixture(scope="module")
def tables_2021():
    return ingest(YearPaths.for_year(2021)).tables


def test_2021_annex_reproduces_table5_actual_within_printed_precision(tables_2021):
    t = tables_2021
    r = budget_checks.reconcile_table5(t["measures"], t["measure_funding"], t["published_budget"],
                                     t["published_table5_printed"]).set_index("check_id")
    for pillar in ("1", "2", "3", "total"):
        assert r.at[f"budget.table5.{pillar}.actual.all_sources", "verdict"] in AGREES
        assert abs(r.at[f"budget.table5.{pillar}.actual.all_sources", "difference"]) < 1  # under 1 萬元
    for pillar in ("1", "2", "3"):
        assert r.at[f"budget.table5.{pillar}.actual.public_only", "verdict"] == "differs"


def test_2021_table5_counts_all_sources_only(tables_2021):
    t = tables_2021
    s = budget_checks.source_inclusion(t["measures"], t["measure_funding"], t["published_budget"],
                                       t["published_table5_printed"])
    assert s.loc[s["reproduces_table5"], "candidate"].tolist() == ["all_sources"]


def test_2021_every_disagreement_is_explained(tables_2021):
    t = tables_2021
    c = budget_checks.budget_comparison(t["measures"], t["measure_funding"], t["published_budget"],
                                        t["published_table5_printed"], t["published_headlines"],
                                        t["notes"]).set_index("check_id")
    assert budget_checks.unexplained(c.reset_index()).empty
    assert c.at["budget.headline.actual_budget_report_year_section_2.all_sources", "verdict"] == "differs"  # 20.3 億元
    assert c.at["budget.table5.total.planned.sum_of_rows", "verdict"] == "within tolerance"


def test_2021_per_measure_money_and_cost(tables_2021):
    m, f = tables_2021["measures"], tables_2021["measure_funding"]
    pm = budget.spending_per_measure(m, f).set_index("measure_id")
    assert len(pm) == len(m)
    assert pm.loc[~pm["funding_printed"]].index.tolist() == ["3.4.1"]  # '-' in the annex
    assert pm["total_twd"].sum() == pytest.approx(f["amount_twd"].sum())
    cost = budget.cost_per_tonne(m, f)
    assert cost.loc[cost["kind_group"] == "potential", "measure_id"].tolist() == ["1.1.3"]
    assert len(cost) + len(budget.measures_without_reduction(m, f)) == len(m)


# (The notebooks' own 2021 figures, in each edition: tests/test_notebook_figures.py.)


def test_every_figure_caption_has_an_english_edition(lang):
    lang("en")
    assert set(plots.CAPTIONS) == {"plot_table5", "plot_spending_by_source", "plot_spending_per_measure",
                                   "plot_cost_per_tonne", "plot_shares"}
    for name, caption in plots.CAPTIONS.items():
        assert callable(getattr(plots, name))
        english = _(caption).format(roc=roc_year(2021), year=2021)  # MissingTranslation if there is none
        assert english and not CJK.search(english), name


def test_values_of_seven_pillars_stand_upright_clear_of_each_other_and_the_legend():
    """Seven pillars (other years): the values written over Table 5's bars, and the shares', run into
    each other at the usual width; they stand upright, above the bars and clear of the legend
    (plots.style.turn_crowded_labels, raise_above_legend)."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    n = 7
    money = [6.2e8 * (1 + i % 3) + 1.3e6 * i for i in range(n)]
    rebuilt = pd.DataFrame({"pillar": [str(i + 1) for i in range(n)], "name_zh": [f"面向名稱{i}" for i in range(n)],
                            "planned_published_twd": [3 * m for m in money], "actual_published_twd": money,
                            "actual_all_sources_twd": money, "actual_public_twd": [0.4 * m for m in money],
                            "actual_private_twd": [0.6 * m + 101.0 for m in money], "actual_difference_twd": 101.0,
                            "rate_published_pct": [33.0] * n, "rate_recomputed_pct": [33.3] * n})
    total = rebuilt.sum(numeric_only=True).to_frame().T.assign(pillar="total", name_zh="總計")
    total["rate_published_pct"], total["rate_recomputed_pct"] = 33.0, 33.3
    shares = pd.DataFrame({"pillar": [str(i + 1) for i in range(n)], "money_share_pct": [98.1 - i for i in range(n)],
                           "public_money_share_pct": [97.2 - i for i in range(n)],
                           "reduction_share_pct": [96.7 - i for i in range(n)]})
    ministries = shares.rename(columns={"pillar": "ministry_zh"})
    ministries["ministry_zh"] = ["經濟部", "國科會", "環保署"] * 2 + ["經濟部"]
    for fig in (plots.plot_table5(pd.concat([rebuilt, total], ignore_index=True), year=2021),
                plots.plot_shares(shares, ministries, year=2021)):
        try:
            assert [str(p) for p in layout_problems(fig)] == []
            assert {t.get_rotation() for t in fig.axes[0].texts} == {90}
        finally:
            plt.close(fig)


def test_few_measures_in_many_pillars_and_costs_in_the_millions_keep_their_legends_and_ticks_clear(
        measures, funding, lang, tmp_path, monkeypatch):
    """Ten measures in seven pillars: the lines between pillars ran under the per-measure legend inside
    the plot, which moves above it. Costs of millions of NT$ a tonne: the log axis's plain numbers
    (3,000,000, 4,000,000) ran into each other in English, and stand upright."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    per_measure = budget.spending_per_measure(measures, funding)
    many = pd.concat([per_measure] * 2, ignore_index=True).iloc[:10]
    many["measure_id"] = [f"{1 + i * 7 // 10}.1.{i}" for i in range(10)]
    many["pillar"] = [str(1 + i * 7 // 10) for i in range(10)]
    fig = plots.plot_spending_per_measure(many, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
        assert fig.legends and fig.axes[0].get_legend() is None
    finally:
        plt.close(fig)
    draft = tmp_path / "draft.csv"
    draft.write_text("zh_tw,en\n甲,Alpha\n乙,Beta\n丙,Gamma\n丁,Delta\n戊,Epsilon\n己,Zeta\n", encoding="utf-8")
    monkeypatch.setenv("MFGGHG_EXTRA_TRANSLATIONS", str(draft))
    cost = budget.cost_per_tonne(measures, funding)
    costly = pd.concat([cost] * 3, ignore_index=True)
    costly["twd_per_t_public"] = [1.5e6 * 1.3 ** i for i in range(len(costly))]
    costly["twd_per_t_all"] = costly["twd_per_t_public"] * 1.9
    lang("en")
    fig = plots.plot_cost_per_tonne(costly, 0, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
    finally:
        plt.close(fig)


def test_money_by_source_of_twenty_ministries_grows_the_figure():
    """Twenty ministries (a year with more lead agencies): in the usual height their bars and totals ran
    into each other and squeezed the pillars' panel; the figure grows with the rows."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    sources = ["公務預算", "能源基金", "民間投資"]

    def table(by, groups):
        t = pd.DataFrame({by: groups, **{f"{s}_twd": [1.0e7 * (1 + i % 4) for i in range(len(groups))]
                                         for s in sources}})
        total = t.drop(columns=by).sum().to_frame().T.assign(**{by: "total"})
        return pd.concat([t, total], ignore_index=True)

    fig = plots.plot_spending_by_source(table("pillar", [str(i) for i in range(1, 8)]),
                                        table("ministry_zh", [f"部會名稱{i}" for i in range(20)]), sources,
                                        {"民間投資"}, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
    finally:
        plt.close(fig)


def test_a_year_without_a_measure_with_money_and_a_reduction_says_so(measures, funding, lang):
    """No measure prints both its money and its reduction: the cost-per-tonne figure says so, in each
    edition (it failed making no panel)."""
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.style import cjk_texts

    use_cjk_font()
    empty = budget.cost_per_tonne(measures, funding).iloc[:0]
    for edition, said in (("zh-TW", "附件無同時列出經費與減碳量之措施"),
                          ("en", "No measure in the annex states both its funding and its reduction")):
        lang(edition)
        fig = plots.plot_cost_per_tonne(empty, 3, year=2021)
        try:
            assert [str(p) for p in layout_problems(fig)] == []
            assert said in [t.get_text() for t in fig.axes[0].texts]
            assert bool(cjk_texts(fig)) == (edition == "zh-TW")
        finally:
            plt.close(fig)


def test_shares_of_eight_ministries_by_their_english_names(lang, tmp_path, monkeypatch):
    """Eight lead ministries in English: their wrapped names ran into each other and, upright, leave the
    bars less height (a value near 100% crossed the frame); the narrow pillars' panel's legend covered its
    axis and moves above the figure."""
    from test_status import MINISTRIES_EN

    from mfgghg.plots.layout import layout_problems

    draft = tmp_path / "draft.csv"
    draft.write_text("zh_tw,en\n" + "".join(f"{zh},{en}\n" for zh, en in MINISTRIES_EN.items()), encoding="utf-8")
    monkeypatch.setenv("MFGGHG_EXTRA_TRANSLATIONS", str(draft))
    use_cjk_font()
    lang("en")
    ministries = ["經濟部", "國科會", "環保署", *MINISTRIES_EN][:8]

    def shares(by, groups):
        return pd.DataFrame({by: groups, "money_share_pct": [99.1 if i % 3 == 0 else 0.8 for i in range(len(groups))],
                             "public_money_share_pct": [98.2 if i % 3 == 0 else 1.6 for i in range(len(groups))],
                             "reduction_share_pct": [98.7 if i % 3 == 0 else 0.7 for i in range(len(groups))]})

    fig = plots.plot_shares(shares("pillar", ["1", "2", "3"]), shares("ministry_zh", ministries), year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
    finally:
        plt.close(fig)


def test_a_measure_with_private_money_only_has_no_public_mark_and_no_warning(measures, funding):
    """A measure reporting a reduction and only private money: its public ratio is 0, which a log axis
    cannot show (matplotlib warned, converting a masked element, and a run refuses a warning); it gets
    the all-money diamond only."""
    import warnings

    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    private_only = funding.assign(source_zh=funding["source_zh"].where(funding["measure_id"] != "2.1.1", "民間投資"),
                                  source_category=funding["source_category"].where(funding["measure_id"] != "2.1.1",
                                                                                   "private_investment"),
                                  is_public=funding["is_public"] & (funding["measure_id"] != "2.1.1"))
    cost = budget.cost_per_tonne(measures, private_only)
    assert (cost["twd_per_t_public"] == 0).any()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.plot_cost_per_tonne(cost, 0, year=2021)
        try:
            assert [str(p) for p in layout_problems(fig)] == []
            dots = max(fig.axes[0].collections, key=lambda c: c.get_zorder())
            assert len(dots.get_offsets()) == (cost["kind_group"] == "actual_expected").sum() - 1
        finally:
            plt.close(fig)


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_money_rates_and_shares_that_cannot_be_computed_draw_no_label(lang, edition):
    """A rate Table 5 leaves empty or that has no plan to divide by, a sum with a missing amount and shares
    of a total of 0 (NaN) draw no label, never "nan"; a share that cannot be computed is no bar of 0 either
    (plots.style.value_label)."""
    import warnings

    from conftest import missing_numbers_written

    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    lang(edition)
    money = [6.2e8, 1.3e8, 2.1e8]
    rebuilt = pd.DataFrame({"pillar": ["1", "2", "3"], "planned_published_twd": [float("nan"), 4e8, 6e8],
                            "actual_published_twd": [6.2e8, 1.3e8, float("nan")], "actual_all_sources_twd": money,
                            "actual_public_twd": [0.4 * m for m in money],
                            "actual_private_twd": [0.6 * m for m in money],
                            "rate_published_pct": [float("nan"), 33.0, 35.0]})
    rebuilt["rate_recomputed_pct"] = 100 * rebuilt["actual_all_sources_twd"] / rebuilt["planned_published_twd"]
    total = rebuilt.sum(numeric_only=True).to_frame().T.assign(pillar="total", rate_published_pct=34.0,
                                                               rate_recomputed_pct=34.1)
    sources = ["公務預算", "能源基金", "民間投資"]

    def by_source(by, groups):
        t = pd.DataFrame({by: groups, **{f"{s}_twd": [1.0e7 * (1 + i) for i in range(len(groups))] for s in sources}})
        t.loc[0, "能源基金_twd"] = float("nan")
        return pd.concat([t, t.drop(columns=by).sum().to_frame().T.assign(**{by: "total"})], ignore_index=True)

    def shares(by, groups):
        return pd.DataFrame({by: groups, "money_share_pct": [60.0, 30.0, 10.0],
                             "public_money_share_pct": [50.0, 25.0, 25.0], "reduction_share_pct": float("nan")})

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = {
            "table5": plots.plot_table5(pd.concat([rebuilt, total], ignore_index=True), year=2021),
            "sources": plots.plot_spending_by_source(by_source("pillar", ["1", "2", "3"]),
                                                     by_source("ministry_zh", ["經濟部", "國科會", "環保署"]), sources,
                                                     {"民間投資"}, year=2021),
            "shares": plots.plot_shares(shares("pillar", ["1", "2", "3"]),
                                        shares("ministry_zh", ["經濟部", "國科會", "環保署"]), year=2021)}
    try:
        for name, fig in figures.items():
            assert missing_numbers_written(fig) == [], name
            assert [str(p) for p in layout_problems(fig)] == [], name
        money_values, rates = ([t.get_text() for t in ax.texts] for ax in figures["table5"].axes)
        assert money_values == ["62,000", "62,000.00", "13,000", "13,000.00", "21,000.00"]
        assert rates == ["33", "32.5", "35", "35.0", "34", "34.1"]  # (pillar 1: neither rate)
        for ax in figures["sources"].axes:  # (drawn last, the first group's sum misses an amount)
            assert [t.get_text() for t in ax.texts] == ["0.90", "0.60"]
        for ax in figures["shares"].axes:
            assert [t.get_text() for t in ax.texts] == ["60.0", "30.0", "10.0", "50.0", "25.0", "25.0"]
            hatched = [p for p in ax.patches if p.get_hatch()]
            assert len(hatched) == 3 and not any(p.get_height() == 0 for p in hatched)
    finally:
        plt.close("all")


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_a_year_without_measures_says_so_in_the_money_figures(measures, funding, lang, edition):
    """Per-measure money and the shares without rows (the right columns, no measure): each figure says so
    under its title, with its source line (the shares raised dividing by no group; the per-measure figure
    drew an empty frame)."""
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.style import cjk_texts, figure_title

    use_cjk_font()
    lang(edition)
    per_measure = budget.spending_per_measure(measures, funding).iloc[:0]
    by_pillar = budget.money_and_reduction_shares(measures, funding, "pillar").iloc[:0]
    by_ministry = budget.money_and_reduction_shares(measures, funding, "ministry_zh").iloc[:0]
    said = {"zh-TW": ("附件未列措施", "附件未列措施之經費與減碳量"),
            "en": ("The annex lists no measures", "The annex lists no measure's funding or reduction")}[edition]
    titles = ("各措施實際經費（依面向、部會排序）", "經費占比與減碳量占比（附件逐項加總；減碳潛力不計）")
    figures = (plots.plot_spending_per_measure(per_measure, year=2021),
               plots.plot_shares(by_pillar, by_ministry, year=2021))
    try:
        for fig, message, title in zip(figures, said, titles):
            assert [str(p) for p in layout_problems(fig)] == []
            assert [t.get_text() for t in fig.axes[0].texts] == [message]
            assert figure_title(fig) == _(title)
            source = {"zh-TW": "資料來源：110年執行成果報告 附件",
                      "en": "Source: 2021 (ROC 110) execution report, Annex"}[edition]
            assert fig.texts[-1].get_text().startswith(source)
            assert bool(cjk_texts(fig)) == (edition == "zh-TW")
    finally:
        plt.close("all")


def test_two_ministries_of_one_english_name_stay_two_bars(lang, tmp_path, monkeypatch):
    """Two ministries whose English names are the same (環境部 translated as 環保署 was): in English their
    money by source was drawn on one bar (placed at its label) and their shares under two equal names; each
    keeps its bar, and its name is followed by its Chinese one (plots.style.distinct_labels)."""
    from mfgghg.plots.layout import layout_problems

    draft = tmp_path / "draft.csv"
    draft.write_text("zh_tw,en\n環境部,Environmental Protection Administration (EPA)\n", encoding="utf-8")
    monkeypatch.setenv("MFGGHG_EXTRA_TRANSLATIONS", str(draft))
    use_cjk_font()
    lang("en")
    ministries = ["經濟部", "環保署", "環境部"]
    sources = ["公務預算", "民間投資"]
    by_source = pd.DataFrame({"ministry_zh": ministries + ["total"], "公務預算_twd": [3e8, 1e8, 2e8, 6e8],
                              "民間投資_twd": [1e8, 0.0, 0.5e8, 1.5e8]})
    by_pillar = pd.DataFrame({"pillar": ["1", "total"], "公務預算_twd": [6e8, 6e8], "民間投資_twd": [1.5e8, 1.5e8]})
    shares = pd.DataFrame({"ministry_zh": ministries, "money_share_pct": [50.0, 20.0, 30.0],
                           "public_money_share_pct": [60.0, 10.0, 30.0], "reduction_share_pct": [70.0, 5.0, 25.0]})
    epa = "Environmental Protection Administration (EPA)"
    figures = {"sources": plots.plot_spending_by_source(by_pillar, by_source, sources, {"民間投資"}, year=2021),
               "shares": plots.plot_shares(shares.assign(ministry_zh=["1", "2", "3"]).rename(
                   columns={"ministry_zh": "pillar"}), shares, year=2021)}
    try:
        for name, fig in figures.items():
            assert [str(p) for p in layout_problems(fig)] == [], name
        ax = figures["sources"].axes[1]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert ticks == [f"{epa} [環境部]", f"{epa} [環保署]", "Ministry of Economic Affairs (MOEA)"]  # (bottom up)
        assert [t.get_text() for t in ax.texts] == ["2.50", "1.00", "4.00"]  # 億元, each ministry's own
        assert sorted({round(p.get_y() + p.get_height() / 2) for p in ax.patches}) == [0, 1, 2]
        ticks = [t.get_text().replace("\n", " ") for t in figures["shares"].axes[1].get_xticklabels()]
        assert ticks[0] == "Ministry of Economic Affairs (MOEA)" and ticks[1:] == [f"{epa} [環保署]", f"{epa} [環境部]"]
    finally:
        plt.close("all")
    lang("zh-TW")  # (in Chinese the names differ: as they are)
    fig = plots.plot_spending_by_source(by_pillar, by_source, sources, {"民間投資"}, year=2021)
    try:
        assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ministries[::-1]
    finally:
        plt.close(fig)


def many_pillars_table5(n: int) -> pd.DataFrame:
    """Table 5 rebuilt for ``n`` pillars (money in hundreds of millions, rates about a third) and its total row."""
    money = [6.2e8 * (1 + i % 3) + 1.3e6 * i for i in range(n)]
    rebuilt = pd.DataFrame({"pillar": [str(i + 1) for i in range(n)], "planned_published_twd": [3 * m for m in money],
                            "actual_published_twd": money, "actual_public_twd": [0.4 * m for m in money],
                            "actual_private_twd": [0.6 * m + 101.0 for m in money],
                            "rate_published_pct": [33.0 + 5 * (i % 4) for i in range(n)],
                            "rate_recomputed_pct": [33.3 + 5 * (i % 4) for i in range(n)]})
    total = rebuilt.sum(numeric_only=True).to_frame().T.assign(pillar="total", rate_published_pct=38.0,
                                                               rate_recomputed_pct=38.3)
    return pd.concat([rebuilt, total], ignore_index=True)


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_table5_of_twelve_pillars_shares_the_width_as_its_bars_are_many(lang, edition):
    """Twelve pillars (and a total) in Table 5: upright, the rates were still wider than their bars in the
    narrower rates' panel and ran into each other; the panels share the width as their bars are many."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    lang(edition)
    fig = plots.plot_table5(many_pillars_table5(12), year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
        money_panel, rates_panel = fig.axes
        assert rates_panel.get_position().width > money_panel.get_position().width  # (13 groups against 12)
        assert {t.get_rotation() for ax in fig.axes for t in ax.texts} == {90}
    finally:
        plt.close(fig)


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_shares_with_one_grouping_empty_draw_the_other_and_say_so(lang, edition):
    """Shares by pillar without shares by ministry, or the reverse: an empty panel was drawn beside the other
    (and the figure came out over 1,800 px wide); the panel with data is drawn alone, and the figure says
    that the other grouping has nothing."""
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.style import cjk_texts

    use_cjk_font()
    lang(edition)

    def shares(by, groups):
        return pd.DataFrame({by: groups, "money_share_pct": [60.0, 30.0, 10.0][:len(groups)],
                             "public_money_share_pct": [50.0, 25.0, 25.0][:len(groups)],
                             "reduction_share_pct": [70.0, 5.0, 25.0][:len(groups)]})

    nothing = _("附件未列措施之經費與減碳量")
    pillars, ministries = "依面向", "依部會（主辦機關所屬）"
    for by_pillar, by_ministry, shown, other in (
            (shares("pillar", ["1", "2", "3"]), shares("ministry_zh", []), pillars, ministries),
            (shares("pillar", []), shares("ministry_zh", ["經濟部", "國科會", "環保署"]), ministries, pillars)):
        fig = plots.plot_shares(by_pillar, by_ministry, year=2021)
        try:
            assert [str(p) for p in layout_problems(fig)] == []
            assert len(fig.axes) == 1
            ax = fig.axes[0]
            assert ax.get_title(loc="left") == _(shown)
            assert ax.get_title(loc="right") == _("{panel}：{message}").format(panel=_(other), message=nothing)
            assert [t.get_text() for t in ax.texts] == ["60.0", "30.0", "10.0", "50.0", "25.0", "25.0",
                                                        "70.0", "5.0", "25.0"]
            assert bool(cjk_texts(fig)) == (edition == "zh-TW")
        finally:
            plt.close(fig)


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_table5_of_fifteen_pillars_writes_the_published_values_where_two_do_not_fit(lang, edition):
    """Fifteen pillars in Table 5: even upright and sharing the width, a pillar's two values were wider
    together than its two bars and overlapped in the money panel; where they would, the published value is
    written and the derived one left to the data file (plots.style.thin_out_labels), in both panels."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    lang(edition)
    n = 15
    table = many_pillars_table5(n)
    money = table["actual_published_twd"].iloc[:n].tolist()
    fig = plots.plot_table5(table, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
        money_panel, rates_panel = fig.axes
        assert [t.get_text() for t in money_panel.texts if t.get_visible()] == [f"{m / 1e4:,.0f}" for m in money]
        assert [t.get_text() for t in rates_panel.texts if t.get_visible()] == \
            [f"{33.0 + 5 * (i % 4):.0f}" for i in range(n)] + ["38"]
        assert len(money_panel.texts) == 2 * n  # (every value written, the derived ones hidden)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_table5_of_twenty_pillars_writes_its_rates_clear_of_the_hatching(lang, edition):
    """Twenty pillars in Table 5: an upright rate was wider than its bar and ran into the hatched bar beside
    it, a little taller (21 problems); it is written on top of the taller bar of its pair, each value the
    published one, in both panels."""
    from mfgghg.plots.layout import layout_problems

    use_cjk_font()
    lang(edition)
    n = 20
    table = many_pillars_table5(n)
    fig = plots.plot_table5(table, year=2021)
    try:
        assert [str(p) for p in layout_problems(fig)] == []
        money_panel, rates_panel = fig.axes
        money = table["actual_published_twd"].iloc[:n].tolist()
        assert [t.get_text() for t in money_panel.texts if t.get_visible()] == [f"{m / 1e4:,.0f}" for m in money]
        shown = [t for t in rates_panel.texts if t.get_visible()]
        assert [t.get_text() for t in shown] == [f"{r:.0f}" for r in table["rate_published_pct"]]
        for t, p, r in zip(shown, table["rate_published_pct"], table["rate_recomputed_pct"]):
            assert t.xy[1] in (p, max(p, r)), (t.get_text(), t.xy)  # (at its bar, or on the taller of the pair)
            assert t.get_window_extent().y1 <= rates_panel.bbox.y1
    finally:
        plt.close(fig)

"""Figure 3 rebuilt from the text: the grid data, the facts said beside it, the figure in both editions."""

from __future__ import annotations

import pandas as pd
import pytest

from mfgghg.analysis.netzero import netzero_facts, strategy_figure_data
from mfgghg.checks.netzero import companies_check

DIRECTIONS = pd.DataFrame([
    [2, "能源轉換", "long_term", 1, "百分百使用綠電", "百分百使用綠電等", True],
    [1, "製程改善", "short_term", 2, "導入智慧節能管理", "設備汰舊更新及導入智慧節能管理", False],
    [1, "製程改善", "short_term", 1, "設備汰舊更新", "設備汰舊更新及導入智慧節能管理", False],
    [2, "能源轉換", "short_term", 1, "擴大使用天然氣", "擴大使用天然氣", False],
], columns=["strategy_no", "strategy_zh", "horizon", "item_no", "item_zh", "direction_zh", "list_open"]).assign(
    section_zh="貳 二(二)", quote_zh="q", note="")
HEADLINES = pd.DataFrame([
    {"key": "net_zero_companies", "value_printed": "3", "value_base": 3.0, "unit_zh": "家企業",
     "section_zh": "貳 二(二)"},
    {"key": "net_zero_companies_share_of_sector", "value_printed": "51", "value_base": 51.0, "unit_zh": "%",
     "section_zh": "貳 二(二)"},
    {"key": "second_period_aspect_strategies", "value_printed": "11", "value_base": 11.0, "unit_zh": "項",
     "section_zh": "貳 二(二)"},
])
COMPANIES = pd.DataFrame({"list_no": [1, 2], "company_zh": ["中鋼", "友達"], "section_zh": "貳 二(二)",
                          "quote_zh": "q"})


def test_grid_places_strategies_in_columns_and_short_term_above_long_term():
    cells = strategy_figure_data(DIRECTIONS)
    assert cells[["column", "row", "item_zh"]].values.tolist() == [
        [0, 0, "設備汰舊更新"], [0, 0, "導入智慧節能管理"], [1, 0, "擴大使用天然氣"], [1, 1, "百分百使用綠電"]]
    assert cells["horizon_zh"].tolist() == ["短期", "短期", "短期", "長期"]
    assert cells["list_open"].tolist() == [False, False, False, True]


def test_a_year_without_figure_3s_files_counts_nothing_of_them_and_the_figure_says_so(styled):
    """The three files are optional: what the headlines print is still said, nothing is counted from a
    file the year lacks, and the figure says there is nothing to draw, in each edition."""
    from matplotlib.text import Text

    from mfgghg.analysis.netzero import netzero_groups_figure_data
    from mfgghg.i18n import set_lang
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.netzero import plot_netzero_strategies
    from mfgghg.plots.style import cjk_texts

    cells = strategy_figure_data(None)
    assert cells.empty
    facts = netzero_facts(HEADLINES, None, None)
    assert facts["key"].tolist() == HEADLINES["key"].tolist() and set(facts["origin"]) == {"report"}
    assert netzero_facts(HEADLINES, COMPANIES, None)["key"].tolist()[-1] == "net_zero_companies_listed"
    assert companies_check(HEADLINES, None).empty
    said = {"zh-TW": ("本年無淨零轉型策略方向資料", "3家企業已提出淨零目標"),
            "en": ("No data on net-zero strategy directions for this year", "3 companies have set net-zero")}
    try:
        for edition, (placeholder, companies) in said.items():
            set_lang(edition)
            fig = plot_netzero_strategies(cells, facts, year=2021, groups=netzero_groups_figure_data(None))
            assert layout_problems(fig) == []
            shown = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
            assert placeholder in shown and any(companies in t for t in shown), shown
            assert not any(t in ("短期", "長期", "Short term", "Long term") for t in shown)
            assert bool(cjk_texts(fig)) == (edition == "zh-TW")
    finally:
        set_lang("zh-TW")


def test_the_target_year_is_the_one_the_companies_sentence_names(styled):
    """The year of the companies' net-zero targets is read from their quoted sentence (2050 in 2021), not
    written in the code: another year's report may name another; several are all said; none, none."""
    from matplotlib.text import Text

    from mfgghg.i18n import set_lang
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.netzero import plot_netzero_strategies

    def said(quotes, edition):
        facts = netzero_facts(HEADLINES, COMPANIES.assign(quote_zh=quotes), DIRECTIONS)
        set_lang(edition)
        try:
            fig = plot_netzero_strategies(strategy_figure_data(DIRECTIONS), facts, year=2021)
            assert layout_problems(fig) == []
            return facts.set_index("key"), [t.get_text() for t in fig.findobj(Text) if "3" in t.get_text()]
        finally:
            set_lang("zh-TW")

    facts, shown = said(["中鋼、友達等均已提出 2045 年淨零目標", "中鋼、友達等均已提出 2045 年淨零目標"], "zh-TW")
    assert facts.at["net_zero_target_year", "value"] == 2045 and facts.at["net_zero_target_year", "origin"] == "derived"
    assert any(t.startswith("3家企業已提出2045年淨零目標，排放量合計占製造部門51%以上") for t in shown), shown
    _facts, shown = said(["提出 2050 年淨零目標", "提出企業2040淨零目標"], "en")
    assert any(t.startswith("3 companies have set 2040, 2050 net-zero targets") for t in shown), shown
    facts, shown = said(["q", "q"], "zh-TW")
    assert "net_zero_target_year" not in facts.index
    assert any(t.startswith("3家企業已提出淨零目標") for t in shown) and not any("2050" in t for t in shown), shown


def test_unknown_horizon_is_refused():
    with pytest.raises(ValueError, match="unknown horizon 'mid_term'"):
        strategy_figure_data(DIRECTIONS.assign(horizon="mid_term"))


def test_facts_keep_report_and_derived_apart():
    f = netzero_facts(HEADLINES, COMPANIES, DIRECTIONS).set_index("key")
    assert f.at["second_period_aspect_strategies", "value"] == 11 and f.at["second_period_aspect_strategies",
                                                                           "origin"] == "report"
    assert f.at["net_zero_companies_listed", "value"] == 2 and f.at["net_zero_companies_listed", "origin"] == "derived"
    assert f.at["text_direction_items", "value"] == 4


def test_printed_number_of_companies_against_the_names_listed():
    row = companies_check(HEADLINES, COMPANIES).iloc[0]
    assert row["check_id"] == "headline.net_zero_companies.listed"
    assert (row["published"], row["recomputed"], row["verdict"]) == (3.0, 2.0, "differs")
    assert companies_check(HEADLINES.iloc[1:], COMPANIES).empty


def test_2021_lists_the_25_companies_and_12_text_items():
    from conftest import REPO
    from mfgghg.data.package import read_package

    raw = read_package(REPO / "data" / "raw" / "2021", read_package(REPO / "data" / "reference"))
    h = raw["published_headlines"]
    headlines = pd.DataFrame({"key": h.data["key"], "value_printed": h.text["value"], "unit_zh": h.data["unit_zh"],
                              "section_zh": h.data["section_zh"], "value_base": h.data["value"]})
    assert companies_check(headlines, raw["netzero_companies"].data).iloc[0]["verdict"] == "equal"
    cells = strategy_figure_data(raw["netzero_strategy_directions"].data)
    assert cells["strategy_zh"].drop_duplicates().tolist() == ["製程改善", "能源轉換", "循環經濟"]
    assert len(cells) == 12 and "11 strategies" in raw["netzero_strategy_directions"].data.loc[0, "note"]


# (The notebook's own 2021 figure, in each edition: tests/test_notebook_figures.py.)


def test_a_direction_whose_items_share_a_word_gives_a_second_count():
    """擴大使用天然氣及生質燃料 split as 擴大使用天然氣 + 擴大使用生質燃料 reads a shared verb into the second
    item: counted as one, the text has one item fewer; a direction whose items are printed as such does not."""
    import pandas as pd

    from mfgghg.analysis.netzero import netzero_facts, shared_word_directions

    directions = pd.DataFrame({
        "direction_zh": ["設備汰舊更新及導入智慧節能管理"] * 2 + ["擴大使用天然氣及生質燃料"] * 2,
        "item_zh": ["設備汰舊更新", "導入智慧節能管理", "擴大使用天然氣", "擴大使用生質燃料"]})
    assert shared_word_directions(directions) == {"擴大使用天然氣及生質燃料": 2}
    headlines = pd.DataFrame({"key": ["second_period_aspect_strategies"], "value_base": [3.0], "value_printed": ["3"],
                              "unit_zh": ["項"], "section_zh": ["貳 二(二)"]})
    facts = netzero_facts(headlines, pd.DataFrame({"company_zh": []}), directions).set_index("key")
    assert facts.at["text_direction_items", "value"] == 4
    assert facts.at["text_direction_items_if_joined", "value"] == 3
    assert facts.at["text_direction_items_if_joined", "joined_zh"] == "擴大使用天然氣及生質燃料"
    plain = directions.iloc[:2]
    assert shared_word_directions(plain) == {}
    assert "text_direction_items_if_joined" not in set(netzero_facts(headlines, pd.DataFrame(), plain)["key"])


def test_the_groups_are_ordered_as_the_text_and_unknown_roles_refused():
    import pandas as pd
    import pytest

    from mfgghg.analysis.netzero import netzero_groups_figure_data

    groups = pd.DataFrame({"group_no": [1, 1, 2], "group_zh": ["甲", "甲", "乙"],
                           "role": ["industry", "started", "members"],
                           "item_no": [1, 1, 1], "item_zh": ["鋼鐵", "110年2月", "30個產業公會"],
                           "list_open": [True, False, False], "section_zh": ["s"] * 3, "quote_zh": ["q"] * 3})
    out = netzero_groups_figure_data(groups)
    assert out["role"].tolist() == ["started", "industry", "members"]
    assert netzero_groups_figure_data(None).empty
    with pytest.raises(ValueError, match="unknown role 'chair'"):
        netzero_groups_figure_data(groups.assign(role="chair"))


def test_many_strategies_and_long_lists_fit_the_width_and_their_cells(styled):
    """Seven strategies (a year whose Figure 3 has more) narrow the columns so that the figure stays within
    1,800 px (it was 3,000), their names and items wrap to the column; eight items in a cell grow the grid
    (they ran into the cell below)."""
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.netzero import plot_netzero_strategies

    facts = netzero_facts(HEADLINES, None, None)
    rows = [[s + 1, f"策略方向名稱較長之第{s + 1}項", horizon, i + 1, f"推動製造部門低碳生產與循環經濟措施{s}{i}",
             "d", i == 0] for s in range(7) for horizon in ("short_term", "long_term") for i in range(3)]
    wide = pd.DataFrame(rows, columns=DIRECTIONS.columns[:7]).assign(section_zh="貳 二(二)", quote_zh="q", note="")
    long_lists = pd.concat([DIRECTIONS] + [DIRECTIONS.iloc[[1]].assign(item_no=i, item_zh=f"項目{i}")
                                           for i in range(3, 11)], ignore_index=True)
    for directions in (wide, long_lists):
        fig = plot_netzero_strategies(strategy_figure_data(directions), facts, year=2021)
        assert [str(p) for p in layout_problems(fig)] == []
        renderer = fig.canvas.get_renderer()
        boxes = [p.get_window_extent(renderer) for p in fig.axes[0].patches]
        for text in (t for t in fig.axes[0].texts if t.get_text().startswith("•")):  # each list inside its cell
            extent = text.get_window_extent(renderer)
            assert any(b.x0 <= extent.x0 and extent.x1 <= b.x1 and b.y0 <= extent.y0 for b in boxes), text.get_text()


def test_long_lists_in_a_cell_keep_the_figure_within_the_height_limit(styled):
    """Thirty items in a cell made Figure 3 about 3,500 px tall, and more items taller without end: the
    items are now written smaller (to a floor), then in two columns in the cell, so that the figure stays
    within the layout check's height, in both editions, each list inside its cell and clear of the other."""
    from mfgghg.i18n import set_lang
    from mfgghg.plots.layout import MAX_HEIGHT_PX, layout_problems, saved_region
    from mfgghg.plots.netzero import plot_netzero_strategies

    facts = netzero_facts(HEADLINES, None, None)
    items = DIRECTIONS["item_zh"].drop_duplicates().tolist()  # (texts with an English edition)

    def with_items(n):
        extra = pd.DataFrame([[1, "製程改善", "short_term", i + 3, items[i % len(items)], "d", False]
                              for i in range(n - 2)], columns=DIRECTIONS.columns[:7])
        return pd.concat([DIRECTIONS, extra.assign(section_zh="貳 二(二)", quote_zh="q", note="")], ignore_index=True)

    try:
        for edition in ("zh-TW", "en"):
            set_lang(edition)
            for n, columns in ((30, 1), (42, 2)):
                fig = plot_netzero_strategies(strategy_figure_data(with_items(n)), facts, year=2021)
                assert [str(p) for p in layout_problems(fig)] == [], (edition, n)
                renderer = fig.canvas.get_renderer()
                assert round(saved_region(fig, renderer).height) <= MAX_HEIGHT_PX
                lists = [t for t in fig.axes[0].texts if t.get_text().startswith("•")]
                first = [t for t in lists if t.get_position()[0] < 1.35]  # (the first strategy's cells)
                assert len(first) == columns, (edition, n)
                assert sum(t.get_text().count("•") for t in first) == n
                assert all(7 <= t.get_fontsize() <= 9.5 for t in lists)  # (the floor and the usual size)
                boxes = [p.get_window_extent(renderer) for p in fig.axes[0].patches]
                for text in lists:
                    extent = text.get_window_extent(renderer)
                    assert any(b.x0 <= extent.x0 and extent.x1 <= b.x1 and b.y0 <= extent.y0 for b in boxes), \
                        text.get_text()
    finally:
        set_lang("zh-TW")

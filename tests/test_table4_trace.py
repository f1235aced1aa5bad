"""Table 4 traced to its measures: counts and reductions item by item, on small hand-made frames."""

from __future__ import annotations

import math

import matplotlib.colors
import pandas as pd
import pytest

from mfgghg.checks.verdict import CHECK_COLUMNS
from mfgghg.checks.table4_trace import (EVIDENCE_COLUMNS, check_mapping, describe_mapping, mapped_counts,
                                        mapped_reductions, mapping_evidence, trace_figure_data, trace_table4,
                                        unmapped_measures)
from mfgghg.errors import DataError

MAP_COLUMNS = ["pillar", "item_no", "measure_id", "figure_no", "role", "measure_count", "measure_count_unit_zh",
               "count_inferred", "quote_zh", "item_quote_zh", "mapping_status", "note"]


def table4(rows):
    """Table 4 as printed: every cell text (pillar, item_no, title, count, unit, reduction)."""
    return pd.DataFrame(rows, columns=["pillar", "item_no", "title_zh", "count_value", "count_unit_zh",
                                       "reduction_10k_t_co2e"])


def mapping(rows):
    return pd.DataFrame([r + [False, "q", "iq", s, ""] for *r, s in rows],
                        columns=MAP_COLUMNS[:7] + ["count_inferred", "quote_zh", "item_quote_zh", "mapping_status",
                                                   "note"])


def measures(rows):
    return pd.DataFrame(rows, columns=["measure_id", "name_zh", "reduction_t_co2e", "reduction_kind"])


T4 = table4([["1", "1", "甲", "10", "家工廠", "5.0"],   # 6 + 4 = 10 firms; 3 + 2 = 5 萬 t
             ["1", "2", "乙", "7", "家工廠", "9.9"],    # 7 firms; the measure reports 1 萬 t: differs
             ["2", "1", "丙", "3", "家", ""],           # no reduction printed, none in the measures
             ["2", "2", "丁", "8", "場次", "4"]])       # no set adds up
MAP = mapping([[1, 1, "1.1.1", 1, "counted", 6, "家", "adds_up"],
               [1, 1, "1.1.1", 2, "counted", 4, "家", "adds_up"],   # a second figure of the same measure
               [1, 1, "1.1.2", 1, "named", 2, "場次", "adds_up"],   # named: its count does not add, its reduction does
               [1, 2, "1.2.1", 1, "counted", 7, "家", "adds_up"],
               [2, 1, "2.1.1", 1, "counted", 3, "家", "adds_up"],
               [2, 2, None, 1, None, None, None, "no_set_adds_up"]])
M = measures([["1.1.1", "a", 30000.0, "actual"], ["1.1.2", "b", 20000.0, "expected"],
              ["1.2.1", "c", 10000.0, "actual"], ["2.1.1", "d", None, None],
              ["3.1.1", "e", 5000.0, "actual"], ["3.1.2", "f", 9000.0, "potential"]])


def by_id(checks):
    return checks.set_index("check_id")


def test_counts_sum_counted_figures_only():
    counts = mapped_counts(MAP)
    assert counts[(1, 1)] == 10  # 6 + 4, the named 2 left out
    assert counts[(1, 2)] == 7 and (2, 2) not in counts.index


def test_reductions_sum_each_mapped_measure_once_counted_or_named():
    red = mapped_reductions(MAP, M)
    assert red[(1, 1)] == 50000.0  # 1.1.1 once (two figures) + 1.1.2 (named)
    assert red[(2, 1)] == 0.0  # a measure without a reduction adds nothing
    assert mapped_reductions(MAP, M, kinds=("actual",))[(1, 1)] == 30000.0


def test_one_count_and_one_reduction_row_per_item_with_verdicts():
    checks = trace_table4(T4, MAP, M)
    assert list(checks.columns) == CHECK_COLUMNS + ["agrees"]
    assert len(checks) == 2 * len(T4)
    c = by_id(checks)
    assert c.at["table4.item.1.1.count", "verdict"] == "equal"
    assert c.at["table4.item.1.1.reduction", "verdict"] == "equal"
    assert c.at["table4.item.1.1.reduction", "recomputed"] == 5.0  # in 萬公噸CO2e, as printed
    assert c.at["table4.item.1.2.reduction", "verdict"] == "differs"
    assert math.isclose(c.at["table4.item.1.2.reduction", "difference"], 1.0 - 9.9)
    assert c.at["table4.item.2.1.reduction", "verdict"] == "not printed"
    assert c.at["table4.item.1.1.count", "unit"] == "家工廠"
    assert "1.1.1, 1.1.2" in c.at["table4.item.1.1.reduction", "description"]


def test_an_unmapped_item_differs_and_says_no_set_adds_up():
    c = by_id(trace_table4(T4, MAP, M))
    for part in ("count", "reduction"):
        row = c.loc[f"table4.item.2.2.{part}"]
        assert math.isnan(row["recomputed"]) and row["verdict"] == "differs" and not row["agrees"]
        assert "no set" in row["description"]


def test_printed_precision_decides_rounding():
    t = table4([["1", "1", "甲", "10", "家", "5.1"]])
    m = measures([["1.1.1", "a", 50390.0, "actual"]])
    one = mapping([[1, 1, "1.1.1", 1, "counted", 10, "家", "adds_up"]])
    assert by_id(trace_table4(t, one, m)).at["table4.item.1.1.reduction", "verdict"] == "differs"  # 5.039 -> 5.0
    t.loc[0, "reduction_10k_t_co2e"] = "5.0"
    assert by_id(trace_table4(t, one, m)).at["table4.item.1.1.reduction", "verdict"] == "rounds to published"


def test_a_reduction_the_item_does_not_print_differs():
    t = table4([["3", "1", "戊", "1", "家", ""]])
    one = mapping([[3, 1, "3.1.1", 1, "counted", 1, "家", "adds_up"]])
    row = by_id(trace_table4(t, one, M)).loc["table4.item.3.1.reduction"]
    assert row["verdict"] == "differs" and row["recomputed"] == 0.5


def test_mapping_gaps_are_data_errors():
    with pytest.raises(DataError, match="no row for Table 4 item 2.2"):
        check_mapping(MAP[~((MAP["pillar"] == 2) & (MAP["item_no"] == 2))], T4)
    mixed = MAP.copy()
    mixed.loc[1, "mapping_status"] = "no_set_adds_up"
    with pytest.raises(DataError, match="more than one mapping_status"):
        check_mapping(mixed, T4)
    named = MAP.copy()
    named.loc[5, "measure_id"] = "2.2.1"
    with pytest.raises(DataError, match="no_set_adds_up but names a measure"):
        check_mapping(named, T4)
    unknown = MAP.copy()
    unknown.loc[3, "measure_id"] = "9.9.9"
    with pytest.raises(DataError, match="9.9.9 is not in the measures"):
        trace_table4(T4, unknown, M)


def test_measures_no_item_covers():
    out = unmapped_measures(MAP, M)
    assert out["measure_id"].tolist() == ["3.1.1"]  # 3.1.2's potential is not a counted kind


def test_figure_data_has_a_published_bar_and_measure_parts_per_item():
    d = trace_figure_data(T4, MAP, M)
    item = d[(d["pillar"] == 1) & (d["item_no"] == 1)]
    assert item[item["bar"] == "published"]["reduction_10k_t_co2e"].tolist() == [5.0]
    parts = item[item["bar"] == "measures"]
    assert parts["measure_id"].tolist() == ["1.1.1", "1.1.2"] and parts["reduction_10k_t_co2e"].sum() == 5.0
    assert set(item["origin"]) == {"report", "derived"}
    assert not ((d["pillar"] == 2) & (d["item_no"] == 1)).any()  # nothing printed, nothing to draw


def test_a_year_without_a_mapping_traces_nothing_and_says_so():
    """The mapping file is optional (the extractor does not draft it): no item is traced, nothing is
    listed as uncovered (which measures an item covers is then not known), and one line says why."""
    checks = trace_table4(T4, None, M)
    assert checks.empty and list(checks.columns) == CHECK_COLUMNS + ["agrees"]
    assert unmapped_measures(None, M).empty and trace_figure_data(T4, None, M).empty
    assert mapping_evidence(None).empty and list(mapping_evidence(None).columns) == EVIDENCE_COLUMNS
    assert describe_mapping(None).startswith("no table4_measure_map.csv in the year's raw data")
    assert describe_mapping(MAP) == ("table4_measure_map.csv: 4 items, 3 traced to measures whose counts add up, "
                                     "1 to none")
    assert mapping_evidence(MAP)["mapping_status"].tolist() == MAP["mapping_status"].tolist()


def test_the_figure_without_items_says_why_in_each_edition(styled):
    from matplotlib.text import Text

    from mfgghg.i18n import set_lang
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.style import cjk_texts
    from mfgghg.plots.table4_trace import plot_table4_items

    empty = trace_figure_data(T4, None, M)
    said = {("zh-TW", False): "表4項目未對應至附件措施 (無對應表)", ("zh-TW", True): "表4項目及其對應措施皆無減碳量",
            ("en", False): "Table 4's items are not mapped to the annex measures (no mapping file)",
            ("en", True): "Neither Table 4's items nor their measures have a reduction"}
    try:
        for (edition, mapped), text in said.items():
            set_lang(edition)
            fig = plot_table4_items(empty, year=2021, mapped=mapped)
            assert layout_problems(fig) == []
            shown = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
            assert text in shown and any(t.startswith(("資料來源", "Source:")) for t in shown), shown
            assert bool(cjk_texts(fig)) == (edition == "zh-TW")
    finally:
        set_lang("zh-TW")


# (The notebook's own 2021 figure, in each edition: tests/test_notebook_figures.py.)


def _real_inputs():
    """Table 4, the mapping and the measures of 2021 (titles must be in translations.csv)."""
    from conftest import REPO
    from mfgghg.data.ingest import build_measures
    from mfgghg.data.package import read_package

    reference = read_package(REPO / "data" / "reference")
    raw = read_package(REPO / "data" / "raw" / "2021", reference)
    return (raw["published_table4_results_summary"].text, raw["table4_measure_map"].data,
            build_measures(raw, reference))


def test_2021_items_that_disagree_with_their_measures():
    """The counts of every 2021 item add up; its reductions do not all (the figures of issue 20)."""
    c = by_id(trace_table4(*_real_inputs()))
    counts = c[c.index.str.endswith(".count")]
    assert counts["verdict"].eq("equal").all()
    differs = c[c.index.str.endswith(".reduction") & ~c["agrees"]].index.str.split(".").str[2:4].str.join(".")
    assert sorted(differs) == ["1.1", "1.3", "1.4", "2.2", "2.3", "3.1"]


# The alternative sets of measures that fit an item's words about as well as the map's (each named in
# the note of its row in data/raw/2021/table4_measure_map.csv): (pillar, item, measure) → measure.
ALTERNATIVE_SETS = {
    "item 2.3 as 2.3.2 + 2.2.2 (2.2.1 in the 557 instead)": {("2", "3", "2.2.1"): "2.3.2",
                                                              ("2", "2", "2.3.2"): "2.2.1"},
    "2.3.1's 5 件 in place of 2.1.3's 5 家 in the 557": {("2", "2", "2.1.3"): "2.3.1"},
}


@pytest.mark.parametrize("name", list(ALTERNATIVE_SETS))
def test_the_alternatives_named_in_the_2021_map_change_no_verdict(name):
    """What the notes say: under the alternative set every count still adds up and no verdict changes."""
    from mfgghg.data.ingest import load_processed
    from mfgghg.data.paths import YearPaths

    tables = load_processed(YearPaths.for_year(2021).processed)
    mapping = tables["table4_measure_map"]
    keys = list(zip(mapping["pillar"].astype(str), mapping["item_no"].astype(str), mapping["measure_id"]))
    swaps = ALTERNATIVE_SETS[name]
    assert all(k in keys for k in swaps), "the map no longer has the rows the alternative replaces"
    notes = " ".join(mapping["note"].fillna(""))
    assert all(new in notes for new in swaps.values())
    alternative = mapping.assign(measure_id=[swaps.get(k, k[2]) for k in keys])
    before = trace_table4(tables["published_table4_printed"], mapping, tables["measures"])
    after = trace_table4(tables["published_table4_printed"], alternative, tables["measures"])
    assert before["verdict"].tolist() == after["verdict"].tolist()
    assert (after.loc[after["check_id"].str.endswith(".count"), "verdict"] == before.loc[
        before["check_id"].str.endswith(".count"), "verdict"]).all()


def test_one_item_long_names_and_millions_keep_clear_of_each_other(styled):
    """Other years' items: one item alone (its verdict ran under the legend), names of 40 characters and
    values in the millions (written 1.20315e+06): the legend moves above the plot, names wrap, an id wider
    than its segment is left out, and values are written in full."""
    from matplotlib.text import Text

    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.table4_trace import plot_table4_items

    def item(pillar, no, title, published, parts, verdict="differs"):
        rows = [{"pillar": pillar, "item_no": no, "title_zh": title, "bar": "published", "measure_id": "",
                 "reduction_10k_t_co2e": published, "origin": "report", "mapping_status": "adds_up",
                 "verdict": verdict}]
        rows += [{**rows[0], "bar": "measures", "measure_id": m, "reduction_10k_t_co2e": v, "origin": "derived"}
                 for m, v in parts]
        return rows

    one = pd.DataFrame(item(1, 1, "製程改善與設備汰舊換新", 11.6, [("1.1.1", 119.4), ("1.1.2", 0.915)]))
    name = "推動製造部門低碳生產創新循環新材料輔導與推動計畫落實能源開發與使用評估制度"
    many = pd.DataFrame([row for i in range(6) for row in item(
        1 + i // 3, i + 1, f"{name}{i}", 1.2e6 if i == 0 else 5.0 * (i + 1),
        [(f"1.{i}.1", 2.0e6 if i == 0 else 1.0), (f"1.{i}.2", 3.0), (f"1.{i}.3", 8.0 if i == 4 else 0.5)])])
    for data in (one, many):
        fig = plot_table4_items(data, year=2021)
        assert [str(p) for p in layout_problems(fig)] == []
        shown = [t.get_text() for t in fig.findobj(Text) if t.get_visible()]
        assert not any("e+" in t for t in shown)


@pytest.mark.parametrize("edition", ["zh-TW", "en"])
def test_a_measure_without_a_reduction_draws_no_segment_and_no_sum(styled, edition):
    """An item one of whose measures has no number for its reduction (NaN), and one whose measures all lack
    it: a segment of no width was drawn for each and the sum written "" (only "[verdict]" was left), or the
    limits were no number; now the known measures draw their segments, the missing one none, and the
    sum says plainly that it is not available, never "nan"."""
    import warnings

    from conftest import missing_numbers_written

    from mfgghg.i18n import _, set_lang
    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.table4_trace import plot_table4_items

    def item(no, published, parts):
        rows = [{"pillar": 1, "item_no": no, "title_zh": "製程改善與設備汰舊換新", "bar": "published", "measure_id": "",
                 "reduction_10k_t_co2e": published, "origin": "report", "mapping_status": "adds_up",
                 "verdict": "differs"}]
        return rows + [{**rows[0], "bar": "measures", "measure_id": m, "reduction_10k_t_co2e": v, "origin": "derived"}
                       for m, v in parts]

    nan = float("nan")
    data = pd.DataFrame(item(1, 5.0, [("1.1.1", 3.0), ("1.1.2", nan), ("1.1.3", 1.5)])
                        + item(2, 2.0, [("1.2.1", nan)]) + item(3, 4.0, [("1.3.1", 4.0)]))
    set_lang(edition)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = plot_table4_items(data, year=2021)
        assert missing_numbers_written(fig) == []
        assert [str(p) for p in layout_problems(fig)] == []
        ax = fig.axes[0]
        verdict = _("不符")
        sums = [t.get_text() for t in ax.texts if t.get_text().endswith(f"[{verdict}]")]
        missing = f"{_('加總不可得：有措施缺減碳量')}  [{verdict}]"
        assert sums == [missing, missing, f"4  [{verdict}]"]
        segments = [p for p in ax.patches if p.get_facecolor()[:3] != matplotlib.colors.to_rgb("#0072B2")]
        assert sorted(p.get_width() for p in segments) == [1.5, 3.0, 4.0]  # (no segment for a missing value)
    finally:
        set_lang("zh-TW")

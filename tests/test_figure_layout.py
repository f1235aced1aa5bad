"""The layout check (mfgghg.plots.layout): that it catches each kind of fault on tiny bad figures, and
that every figure the notebooks save passes it, in both editions, for 2021 and for the made-up 2099.

The notebooks' figures are measured as they are saved (``layout_record.py``): in the kernels of the
figure sets' runs (``figure_sets_driver.py``: 2021 and 2099 in Chinese, 2099 in English), and, for the
edition those do not run, by the notebooks' own code run in a background process
(``notebook_figures_driver.py``). Either way the figures checked are the ones the notebooks draw, with
the notebooks' own calls and data.
"""

from __future__ import annotations


import matplotlib.pyplot as plt
import pytest

from mfgghg.plots.layout import LayoutError, check_layout, layout_problems

from language_helpers import english_prose


def kinds(fig) -> list[str]:
    return sorted({p.kind for p in layout_problems(fig)})


@pytest.fixture
def small(styled):
    def make(figsize=(4, 3)):
        fig, ax = plt.subplots(figsize=figsize)
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        return fig, ax

    return make


def test_a_clean_figure_passes(small):
    fig, ax = small()
    ax.plot([0, 10], [1, 2], marker="o")
    ax.text(5, 8, "label")
    ax.set_title("title")
    ax.set_xlabel("x")
    fig.tight_layout()
    assert layout_problems(fig) == []
    check_layout(fig, "clean")


def test_text_on_text_is_caught(small):
    fig, ax = small()
    ax.text(5, 5, "first label")
    ax.text(5.3, 5.1, "second label")
    fig.tight_layout()
    problems = layout_problems(fig)
    assert [p.kind for p in problems] == ["overlap"]
    assert "'first label'" in problems[0].detail and "'second label'" in problems[0].detail


def test_a_text_across_the_axes_frame_is_caught(small):
    fig, ax = small()
    ax.text(9.5, 5, "117.4 over the edge", clip_on=False)
    fig.tight_layout()
    assert "frame" in kinds(fig)
    with pytest.raises(LayoutError, match=r"straddle.*117.4|117.4.*straddles"):
        check_layout(fig, "straddling")


def test_a_data_line_through_a_label_is_caught(small):
    fig, ax = small()
    ax.axvline(5, ls="--", color="black")
    ax.text(5, 5, "83%", ha="center", va="center")
    fig.tight_layout()
    problems = layout_problems(fig)
    assert [p.kind for p in problems] == ["line"] and "'83%'" in problems[0].detail


def test_a_line_beside_a_label_is_not_a_fault(small):
    fig, ax = small()
    ax.axvline(5, ls="--", color="black")
    ax.text(5.3, 5, "83%", ha="left", va="center")
    fig.tight_layout()
    assert layout_problems(fig) == []


def test_a_marker_and_an_error_cap_on_a_label_are_caught(small):
    fig, ax = small()
    ax.scatter([2], [2], s=200)
    ax.text(2, 2, "dot", ha="center", va="center")
    fig.tight_layout()
    assert kinds(fig) == ["line"]
    fig, ax = small()
    ax.errorbar([5], [5], yerr=[[1], [1]], fmt="none", capsize=8)
    ax.annotate("195.6", (5, 6), ha="center", va="center")
    fig.tight_layout()
    assert kinds(fig) == ["line"]


def test_hatching_under_a_label_is_caught(small):
    fig, ax = small()
    ax.barh(5, 8, height=2, hatch="//", color="white", edgecolor="C0")
    ax.text(4, 5, "2.1.3", ha="center", va="center")
    fig.tight_layout()
    assert kinds(fig) == ["line"]


def test_a_boxed_label_hides_no_line(small):
    """A white box does not excuse a line through the label: it only hides the data."""
    fig, ax = small()
    ax.plot([0, 10], [5, 5])
    ax.text(5, 5, "+1.2", ha="center", va="center", bbox={"facecolor": "white", "edgecolor": "none"})
    fig.tight_layout()
    assert kinds(fig) == ["line"]


def test_something_outside_the_saved_image_is_caught(small):
    fig, ax = small()
    label = fig.text(1.2, 0.5, "off the canvas")
    label.set_in_layout(False)  # (the tight bounding box does not grow to include it)
    fig.tight_layout()
    assert "canvas" in kinds(fig)


def test_a_figure_wider_than_the_page_is_caught(small):
    fig, ax = small(figsize=(4, 3))
    fig.text(0.0, -0.05, "Source: " + "a very long source line " * 12, ha="left", va="top", fontsize=8)
    fig.tight_layout()
    problems = layout_problems(fig)
    assert [p.kind for p in problems] == ["width"]
    assert "px wide" in problems[0].detail
    assert layout_problems(fig, max_width_px=10_000) == []


def test_a_figure_taller_than_the_page_is_caught(small):
    """As a wide one: a figure that grows with its data (Figure 3 with long lists) grew to 3,500 px and
    more, and the check measured its width alone."""
    from mfgghg.plots.layout import MAX_HEIGHT_PX

    fig, ax = small(figsize=(4, 3))
    fig.text(0.0, -0.05, "\n".join(f"note {i}" for i in range(300)), ha="left", va="top", fontsize=8)
    fig.tight_layout()
    problems = layout_problems(fig)
    assert [p.kind for p in problems] == ["height"]
    assert "px tall" in problems[0].detail and f"at most {MAX_HEIGHT_PX}" in problems[0].detail
    assert layout_problems(fig, max_height_px=10_000) == []


def test_tick_labels_outside_the_view_are_not_counted(small):
    fig, ax = small()
    ax.set_xticks(range(0, 30, 2))  # ticks beyond the limits exist as artists but are not drawn
    ax.set_xlim(0, 10)
    fig.tight_layout()
    assert layout_problems(fig) == []


# --- every figure the notebooks save ----------------------------------------------------------------

# The notebooks' figures, recorded in the background (see the module's docstring).
EDITIONS = [(2021, "zh-TW"), (2021, "en"), (2099, "zh-TW"), (2099, "en")]


@pytest.mark.parametrize("year,lang", EDITIONS)
def test_every_saved_figure_passes_the_layout_check(year, lang, saved_figures):
    checked = saved_figures(year, lang)
    assert len(checked) >= 15, [f["name"] for f in checked]
    failures = [f"{year} {lang} {f['name']}:\n" + "\n".join(f"  {p}" for p in f["problems"])
                for f in checked if f["problems"]]
    assert not failures, "\n".join(failures)


# --- one language per edition ------------------------------------------------------------------------

def test_english_prose_is_found():
    assert english_prose("總減碳量 vs 措施加總") == ["vs"]
    assert english_prose("外部資料：Taipei Times (news report of official statements)") == [
        "news", "report", "of", "official", "statements"]
    assert english_prose("外部資料：Taipei Times（官方說法之新聞報導）；環境資訊中心 (e-info)；CO2e；GDP") == []


@pytest.mark.parametrize("year,lang", EDITIONS)
def test_each_edition_speaks_one_language(year, lang, saved_figures):
    """Chinese figures show no English prose; English figures, and the CSV beside each, no Chinese
    (but in a ``*_zh`` column, which keeps the Chinese name that identifies a thing)."""
    from mfgghg.i18n import CJK

    found = []
    for f in saved_figures(year, lang):
        if lang == "zh-TW":
            found += [f"{f['name']}: {t!r}" for t in f["texts"] if english_prose(t)]
            continue
        found += [f"{f['name']}: {t!r}" for t in f["texts"] if CJK.search(t)]
        table = f["table"]
        found += [f"{f['name']}.csv: column {c!r}" for c in table.columns if CJK.search(str(c))]
        for column in table.columns:
            if not str(column).endswith("_zh"):
                found += [f"{f['name']}.csv: {column} = {v!r}" for v in table[column].dropna().unique()
                          if isinstance(v, str) and CJK.search(v)]
    assert not found, "\n".join(found)


def test_the_english_csv_keeps_identifying_chinese_names_beside_their_english(english):
    import pandas as pd

    from mfgghg.plots.style import edition_data

    data = pd.DataFrame({"ministry_zh": ["經濟部"], "unit": ["萬公噸CO2e"], "source": ["摘要 三; 表 6"],
                         "公務預算_twd": [1.0], "value": [2.5]})
    table = edition_data(data)
    assert list(table.columns) == ["ministry_zh", "ministry_en", "unit", "source", "Government budget_twd", "value"]
    row = table.iloc[0]
    assert row["ministry_zh"] == "經濟部" and row["ministry_en"] == "Ministry of Economic Affairs (MOEA)"
    assert row["unit"] == "10,000 t CO2e" and row["source"] == "Summary item 3; Table 6" and row["value"] == 2.5
    from mfgghg.i18n import MissingTranslation

    with pytest.raises(MissingTranslation):
        edition_data(pd.DataFrame({"label": ["沒有翻譯的文字"]}))

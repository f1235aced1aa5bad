"""Figure 3 rebuilt from the text: three strategies, their short- and long-term directions."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch

from mfgghg.i18n import _
from mfgghg.plots.layout import MAX_HEIGHT_PX
from mfgghg.plots.style import (DPI, PALETTE, bold_text, figure_style, source_line, source_note, wrap_label,
                                wrap_to_width)

CAPTIONS = {
    "plot_netzero_strategies": "報告圖3（圖片）依貳 二(二)文字重建：三大策略之短期與長期方向，及該節所述之產業團體；"
                               "圖片所稱之策略文字未逐項列出，項數之兩種讀法見圖下說明。",
}


def _fact(facts: pd.DataFrame, key: str):
    found = facts[facts["key"] == key]
    return None if found.empty else found.iloc[0]


@figure_style
def plot_netzero_strategies(cells: pd.DataFrame, facts: pd.DataFrame, *, year: int,
                            groups: pd.DataFrame | None = None):
    """A grid: one column per strategy, short term above long term, the items listed in each cell;
    a list that ends with 等 says so. Under it the net-zero companies, the groups the section names
    (``groups``: :func:`mfgghg.analysis.netzero.netzero_groups_figure_data`) and what is known of the image's
    strategies: how many it names, and how many items the text's directions come to under each reading
    (values from ``facts``: see analysis.netzero.netzero_facts). Without strategies (``cells`` empty) the
    grid says so."""
    strategies = cells.drop_duplicates("column").sort_values("column")
    ncol = max(len(strategies), 1)
    # columns of 3.4 inches, narrower when there are so many that the figure would pass 1,800 px; their
    # texts wrap to the column, and the grid grows with the longest cell
    column_in = min(COLUMN_IN, (MAX_WIDTH_IN - 1.2) / ncol)
    width = column_in * ncol + 1.2 if len(strategies) else 8.0
    notes = _notes(facts, groups, width)
    lines = sum(n.count("\n") + 1 for n in notes)
    # the grid grows with the longest cell, up to what the tallest figure leaves beside the notes; longer
    # lists are written smaller, then in more columns per cell, as the width narrows the columns
    cell_texts, item_size, grid = _cells(cells, strategies, column_in, MAX_HEIGHT_IN - 0.5 - 0.2 * lines)
    fig, (ax, below) = plt.subplots(2, 1, figsize=(width, grid + 0.5 + 0.2 * lines),
                                    height_ratios=[grid, 0.2 * max(lines, 1)])
    below.axis("off")
    below.text(0.0, 1.0, "\n".join(notes), ha="left", va="top", fontsize=9, color="#333333", linespacing=1.4,
               transform=below.transAxes)
    ax.set_xlim(0, ncol + 0.35)
    ax.set_ylim(0.4, 2.75)
    ax.axis("off")
    if strategies.empty:  # (a year without netzero_strategy_directions.csv)
        ax.text(0.5, 0.5, _("本年無淨零轉型策略方向資料"), ha="center", va="center",
                transform=ax.transAxes)
    horizon_labels = ((0, "短期"), (1, "長期")) if len(strategies) else ()
    for row, label in horizon_labels:
        ax.text(0.15, 1.95 - row * 1.0, _(label), ha="center", va="center", fontsize=11, rotation=90, **bold_text())
    for _i, s in strategies.iterrows():
        x0 = 0.35 + s["column"]
        color = PALETTE[int(s["column"]) % len(PALETTE)]
        ax.add_patch(FancyBboxPatch((x0 + 0.04, 2.45), 0.92, 0.25, boxstyle="round,pad=0.02", color=color))
        name, size = _heading(_(s["strategy_zh"]), 0.85 * column_in, 0.25 * grid / 2.35)
        ax.text(x0 + 0.5, 2.575, name, ha="center", va="center", fontsize=size, color="white", **bold_text())
        for row in (0, 1):
            top = 2.35 - row * 1.0
            ax.add_patch(FancyBboxPatch((x0 + 0.04, top - 0.85), 0.92, 0.85, boxstyle="round,pad=0.02",
                                        facecolor="white", edgecolor=color, linewidth=1.5))
            parts = cell_texts[(s["column"], row)]
            for j, text in enumerate(parts):  # (side by side: a list too long for one column of the cell)
                ax.text(x0 + 0.1 + j * 0.86 / len(parts), top - 0.06, text, ha="left", va="top", fontsize=item_size,
                        linespacing=1.5)
    ax.set_title(_("製造部門淨零轉型策略 (報告圖3，依文字重建)"))
    source_note(fig, source_line(year, ("貳 二(二)", "圖3")))
    fig.tight_layout()
    return fig


COLUMN_IN = 3.4  # a strategy's column, in inches, when the figure has room for it
ITEM_CHARS = 15  # an item's line in such a column, in CJK characters (plots.style.wrap_label)
MAX_WIDTH_IN = 11.8  # the widest figure: 1,800 px at 150 dpi, less the saved image's padding
# the tallest: the layout check's limit at the PNG's dpi, less the saved image's padding (0.2 inches) and the
# source line (0.2), which is written a fiftieth of the figure's height under it (plots.style.source_note)
MAX_HEIGHT_IN = (MAX_HEIGHT_PX / DPI - 0.2 - 0.2) / 1.02
ITEM_SIZES = (9.5, 9, 8.5, 8, 7.5, 7)  # an item's font size in points: the usual, down to the smallest written
MAX_PARTS = 4  # columns a cell's list may be written in, side by side


def _grid_height(cell_lines: int, size: float) -> float:
    """The grid's height in inches for cells of ``cell_lines`` lines at ``size`` points. A cell is 0.85 of
    the grid's 2.35 units, less its margins; a line of ``size`` points at 1.5 times the font's line height
    (about 1.2 times its size); a tenth more for the title the axes makes room for."""
    return max(4.4, (cell_lines * size * 1.5 * 1.2 / 72 + 0.35) * 2.35 / 0.85 * 1.1)


def _cells(cells: pd.DataFrame, strategies: pd.DataFrame, column_in: float, room_in: float):
    """Each cell's list as the texts written side by side in it (one, unless the list is long), the items'
    font size, and the grid's height: the first of :data:`ITEM_SIZES`, in one column per cell, then in
    two and more (up to :data:`MAX_PARTS`, while a column holds a few characters), whose grid is within
    ``room_in`` inches; when none is, the one of the lowest grid (the layout check then says the figure is
    too tall)."""
    if strategies.empty:
        return {}, ITEM_SIZES[0], 1.0
    chosen = None
    for parts in range(1, MAX_PARTS + 1):
        # (inches an item's line may take after its bullet or indent; None: ITEM_CHARS characters)
        line_in = (0.85 * column_in - 0.1 * (parts - 1)) / parts - 0.25
        if parts > 1 and line_in < 0.8:
            break
        for size in ITEM_SIZES:
            if parts == 1 and size == ITEM_SIZES[0]:
                narrow = None if column_in >= COLUMN_IN else line_in
            else:
                narrow = line_in
            texts = {(c, row): _cell_text(cells[(cells["column"] == c) & (cells["row"] == row)], narrow, size,
                                          parts)
                     for c in strategies["column"] for row in (0, 1)}
            cell_lines = max([t.count("\n") + 1 for part in texts.values() for t in part] + [0])
            tried = texts, size, _grid_height(cell_lines, size)
            if tried[2] <= room_in:
                return tried
            if chosen is None or tried[2] < chosen[2]:
                chosen = tried
    return chosen


def _heading(name: str, width_in: float, height_in: float) -> tuple[str, float]:
    """A strategy's name wrapped to its box (``width_in`` by ``height_in``), and the font size, from 12
    points down, at which its lines fit the box's height (white on the box, outside it they would not show)."""
    for size in (12, 11, 10, 9, 8, 7):
        text = wrap_to_width(name, width_in, size)
        if (text.count("\n") + 1) * size * 1.25 / 72 <= height_in:
            break
    return text, size


def _cell_text(items: pd.DataFrame, width_in: float | None = None, size: float = ITEM_SIZES[0],
               parts: int = 1) -> list[str]:
    """One cell's items, one bullet each, wrapped to :data:`ITEM_CHARS` characters, or in a narrower
    column to ``width_in`` inches at ``size`` points; a list ending in 等 says so. The list is written as
    ``parts`` texts side by side (fewer when it is short), split between items, their longest as short
    as it can be."""
    def wrapped(text: str) -> str:
        return wrap_label(text, ITEM_CHARS) if width_in is None else wrap_to_width(text, width_in, size)

    items = items.sort_values("item_no")
    lines = ["• " + wrapped(_(t)).replace("\n", "\n   ") for t in items["item_zh"]]
    if len(items) and bool(items["list_open"].iloc[0]):
        lines.append(_("（原文列舉以「等」結尾）") if width_in is None else wrapped(_("（原文列舉以「等」結尾）")))
    if parts == 1 or len(lines) <= 1:
        return ["\n".join(lines)]
    heights = [line.count("\n") + 1 for line in lines]
    target = math.ceil(sum(heights) / parts)
    while True:  # (the shortest longest part: the fewest lines a part holds with at most ``parts`` parts)
        split, height = [[]], 0
        for line, h in zip(lines, heights):
            if split[-1] and height + h > target:
                split.append([])
                height = 0
            split[-1].append(line)
            height += h
        if len(split) <= parts:
            return ["\n".join(part) for part in split]
        target += 1


def _joined(items, open_list: bool = False) -> str:
    from mfgghg.i18n import get_lang

    text = (", " if get_lang() == "en" else "、").join(_(str(i)) for i in items)
    return _("{items}等").format(items=text) if open_list else text


GROUP_PARTS = {  # how each role of netzero_groups is said (Chinese; translated with _)
    "started": "{items}啟動", "partner": "結合{items}", "industry": "與{items}產業展開討論",
    "members": "成員：{items}", "strategy": "重點策略：{items}",
}


def _notes(facts: pd.DataFrame, groups: pd.DataFrame | None, width_in: float) -> list[str]:
    """The lines under the grid, each wrapped to the figure's width: companies, groups, the image's strategies."""
    notes = []
    companies, share = _fact(facts, "net_zero_companies"), _fact(facts, "net_zero_companies_share_of_sector")
    target = _fact(facts, "net_zero_target_year")  # (quoted with the companies' names: none without them)
    if companies is not None:
        n = companies["value_printed"]
        year = None if target is None else str(target["value_printed"]).replace("、", ", " if _is_en() else "、")
        if target is not None and share is not None:
            notes.append(_("{n}家企業已提出{year}年淨零目標，排放量合計占製造部門{pct}%以上 (報告)").format(
                n=n, year=year, pct=share["value_printed"]))
        elif target is not None:
            notes.append(_("{n}家企業已提出{year}年淨零目標 (報告)").format(n=n, year=year))
        elif share is not None:
            notes.append(_("{n}家企業已提出淨零目標，排放量合計占製造部門{pct}%以上 (報告)").format(
                n=n, pct=share["value_printed"]))
        else:
            notes.append(_("{n}家企業已提出淨零目標 (報告)").format(n=n))
    if groups is not None and len(groups):
        for _no, g in groups.groupby("group_no", sort=False):
            parts = []
            for role, items in g.groupby("role", sort=False):
                listed = _joined(items["item_zh"], bool(items["list_open"].any()))
                parts.append(_(GROUP_PARTS[role]).format(items=listed))
            notes.append(_("{group}：{parts} (報告)").format(group=_(g["group_zh"].iloc[0]),
                                                          parts=("; " if _is_en() else "；").join(parts)))
    image, items = _fact(facts, "second_period_aspect_strategies"), _fact(facts, "text_direction_items")
    joined = _fact(facts, "text_direction_items_if_joined")
    if image is not None and items is not None:
        if joined is not None:
            notes.append(_("報告圖3為圖片，稱{n}項策略，文字未逐項列出；文字所述方向依此處拆分為{items}項，若「{direction}」"
                           "視為一項則為{fewer}項；報告未說明圖中各項為何，此處僅重建文字所述方向").format(
                n=image["value_printed"], items=items["value_printed"], fewer=joined["value_printed"],
                direction=_joined(str(joined["joined_zh"]).split("、"))))
        else:
            notes.append(_("報告圖3為圖片，稱{n}項策略，文字未逐項列出；文字所述方向共{items}項；報告未說明圖中各項為何，"
                           "此處僅重建文字所述方向").format(n=image["value_printed"], items=items["value_printed"]))
    return [wrap_to_width(n, 0.98 * width_in, 9) for n in notes]


def _is_en() -> bool:
    from mfgghg.i18n import get_lang

    return get_lang() == "en"

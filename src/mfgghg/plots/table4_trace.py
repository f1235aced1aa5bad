"""Figure: each Table 4 item's printed reduction against the sum of the measures mapped to it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from mfgghg.i18n import _
from mfgghg.plots.style import (PALETTE, figure_style, fit_texts_in_axes, legend_above_if_covering, missing_value,
                                 placeholder_figure, plain_value, source_line, source_note, wrap_to_width)

CAPTIONS = {
    "plot_table4_items": ("表4各項目之減碳量（報告）與對應附件措施減碳量之加總"
                          "（推算；措施依件數對應，實質＋預期減碳）。"),
}

VERDICT_ZH = {
    "equal": "相同", "rounds to published": "四捨五入相符", "truncates to published": "無條件捨去相符",
    "within tolerance": "容許誤差內", "not printed": "報告未列", "differs": "不符",
}
UNIT_ZH = "萬公噸CO2e"
# the measures of an item, one segment each: light tints (dark text reads on them), alternating
MEASURE_COLORS = ["#9CC9E6", "#F3CB80", "#8FD3BE", "#EDA77F"]
LABEL_WIDTH_IN = 5.2  # the widest an item's name is written, at 9 points, before it wraps


@figure_style
def plot_table4_items(data: pd.DataFrame, *, year: int, mapped: bool = True):
    """Per item two bars: Table 4's printed reduction (solid) and its measures' reductions stacked
    (hatched, one segment per measure, labelled by measure id), with the item's verdict. Without items
    to show, a figure that says why: the year has no mapping file (``mapped`` False), or neither an
    item nor its measures have a reduction."""
    if data.empty:
        why = _("表4項目未對應至附件措施 (無對應表)") if not mapped else _("表4項目及其對應措施皆無減碳量")
        fig = placeholder_figure(_("表4各項目減碳量與其對應措施之加總"), why)
        source_note(fig, source_line(year, ("表4", "附件")))
        return fig
    items = data[["pillar", "item_no", "title_zh", "verdict"]].drop_duplicates(subset=["pillar", "item_no"])
    n = max(len(items), 1)
    fig, ax = plt.subplots(figsize=(9.5, 0.75 * n + 1.8))
    h = 0.38
    y = np.arange(len(items))[::-1]
    sums = data[data["bar"] == "measures"].groupby(["pillar", "item_no"])["reduction_10k_t_co2e"].sum()
    known = data["reduction_10k_t_co2e"].dropna()  # (a value that is no number sets no limit)
    xmax_all = max(float(known.max()) if len(known) else 0.0,
                   float(sums.max()) if len(sums) else 0.0, 1.0)
    labels = []
    unavailable = []  # (the sums said not to be available, in more words than a number)
    ids = []  # (a measure's id written on its segment, where the segment starts and ends)
    for yi, (_i, item) in zip(y, items.iterrows()):
        rows = data[(data["pillar"] == item["pillar"]) & (data["item_no"] == item["item_no"])]
        published = rows[rows["bar"] == "published"]["reduction_10k_t_co2e"]
        pub = float(published.iloc[0]) if len(published) and pd.notna(published.iloc[0]) else None
        if pub is not None:
            ax.barh(yi + h / 2, pub, height=h, color=PALETTE[0], label=_("表4所列 (報告)") if yi == y[0] else None)
            ax.annotate(plain_value(pub), (pub, yi + h / 2), xytext=(3, 0), textcoords="offset points", va="center",
                        fontsize=8)
        else:
            ax.annotate(_("表4未列減碳量"), (0, yi + h / 2), xytext=(3, 0), textcoords="offset points", va="center",
                        fontsize=8, color="#555555")
        left = 0.0
        parts = rows[rows["bar"] == "measures"]
        known = parts["reduction_10k_t_co2e"].map(lambda v: not missing_value(v))
        # a measure whose reduction is no number draws no segment, and the item's sum is not known
        for k, (_j, p) in enumerate(parts[known].iterrows()):
            v = float(p["reduction_10k_t_co2e"])
            # plain fills, told apart by white edges: a hatch would run over the measure ids written on them
            ax.barh(yi - h / 2, v, left=left, height=h, color=MEASURE_COLORS[k % len(MEASURE_COLORS)],
                    edgecolor="white", linewidth=1)
            if v > 0.06 * xmax_all:
                ids.append((ax.text(left + v / 2, yi - h / 2, p["measure_id"], ha="center", va="center", fontsize=7),
                            left, left + v))
            left += v
        verdict = _(VERDICT_ZH.get(item["verdict"], item["verdict"]))
        total = plain_value(round(left, 3)) if known.all() else _("加總不可得：有措施缺減碳量")
        written = ax.annotate(f"{total}  [{verdict}]", (left, yi - h / 2), xytext=(3, 0),
                              textcoords="offset points", va="center", fontsize=8, color="#333333")
        if not known.all():
            unavailable.append(written)
        labels.append(wrap_to_width(f"{item['pillar']}.{item['item_no']} {_(item['title_zh'])}", LABEL_WIDTH_IN, 9))
    handles, names = ax.get_legend_handles_labels()
    handles.append(Patch(facecolor=MEASURE_COLORS[0], edgecolor="white"))
    names.append(_("對應措施減碳量加總 (推算)"))
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=9)
    ax.set_xlim(0, xmax_all * 1.3)
    ax.set_xlabel(f"{_('減碳量')} ({_(UNIT_ZH)})")
    ax.set_title(_("表4各項目減碳量與其對應措施之加總"))
    ax.legend(handles, names, loc="lower right", fontsize=9)
    source_note(fig, source_line(year, ("表4", "附件")))
    fig.tight_layout()
    fit_texts_in_axes(ax, unavailable)  # (those words reach further than a number)
    renderer = fig.canvas.get_renderer()
    for text, start, end in ids:  # (an id wider than its segment, in a narrower plot, is left to the table)
        width = ax.transData.transform((end, 0))[0] - ax.transData.transform((start, 0))[0]
        text.set_visible(text.get_window_extent(renderer).width <= width)
    legend_above_if_covering(ax, ax.texts, fontsize=9)  # (one item: its verdict ran under the legend)
    return fig

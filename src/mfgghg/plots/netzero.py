"""Figure 3 rebuilt from the text: three strategies, their short- and long-term directions."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch

from mfgghg.i18n import _
from mfgghg.plots.style import PALETTE, bold_text, figure_style, source_line, source_note, wrap_label

CAPTIONS = {
    "plot_netzero_strategies": "報告圖3（圖片）依貳 二(二)文字重建：三大策略之短期與長期方向；圖中所稱11項策略文字未逐項列出。",
}


def _fact(facts: pd.DataFrame, key: str):
    found = facts[facts["key"] == key]
    return None if found.empty else found.iloc[0]


@figure_style
def plot_netzero_strategies(cells: pd.DataFrame, facts: pd.DataFrame, *, year: int):
    """A grid: one column per strategy, short term above long term, the items listed in each cell;
    a list that ends with 等 says so. Under it the net-zero companies and the note that the image's
    11 strategies are not listed in the text (values from ``facts``: see analysis.netzero.netzero_facts)."""
    strategies = cells.drop_duplicates("column").sort_values("column")
    ncol = max(len(strategies), 1)
    fig, ax = plt.subplots(figsize=(3.4 * ncol + 1.2, 5.6))
    ax.set_xlim(0, ncol + 0.35)
    ax.set_ylim(-0.15, 2.75)
    ax.axis("off")
    for row, label in ((0, "短期"), (1, "長期")):
        ax.text(0.15, 1.95 - row * 1.0, _(label), ha="center", va="center", fontsize=11, rotation=90, **bold_text())
    for _i, s in strategies.iterrows():
        x0 = 0.35 + s["column"]
        color = PALETTE[int(s["column"]) % len(PALETTE)]
        ax.add_patch(FancyBboxPatch((x0 + 0.04, 2.45), 0.92, 0.25, boxstyle="round,pad=0.02", color=color))
        ax.text(x0 + 0.5, 2.575, _(s["strategy_zh"]), ha="center", va="center", fontsize=12, color="white",
                **bold_text())
        for row in (0, 1):
            items = cells[(cells["column"] == s["column"]) & (cells["row"] == row)].sort_values("item_no")
            top = 2.35 - row * 1.0
            ax.add_patch(FancyBboxPatch((x0 + 0.04, top - 0.85), 0.92, 0.85, boxstyle="round,pad=0.02",
                                        facecolor="white", edgecolor=color, linewidth=1.5))
            lines = ["• " + wrap_label(_(t), 15).replace("\n", "\n   ") for t in items["item_zh"]]
            if len(items) and bool(items["list_open"].iloc[0]):
                lines.append(_("（原文列舉以「等」結尾）"))
            ax.text(x0 + 0.1, top - 0.06, "\n".join(lines), ha="left", va="top", fontsize=9.5, linespacing=1.5)
    notes = []
    companies, share = _fact(facts, "net_zero_companies"), _fact(facts, "net_zero_companies_share_of_sector")
    if companies is not None:
        if share is not None:
            notes.append(_("{n}家企業已提出2050年淨零目標，排放量合計占製造部門{pct}%以上 (報告)").format(
                n=companies["value_printed"], pct=share["value_printed"]))
        else:
            notes.append(_("{n}家企業已提出2050年淨零目標 (報告)").format(n=companies["value_printed"]))
    strategies_11 = _fact(facts, "second_period_aspect_strategies")
    if strategies_11 is not None:
        notes.append(_("報告圖3為圖片，所稱三大面向{n}項策略於文字中未逐項列出；此處僅重建文字所述方向").format(
            n=strategies_11["value_printed"]))
    ax.text(0.02, -0.1, "\n".join(notes), ha="left", va="bottom", fontsize=9, color="#333333")
    ax.set_title(_("製造部門淨零轉型策略 (報告圖3，依文字重建)"))
    source_note(fig, source_line(year, ("貳 二(二)", "圖3")))
    fig.tight_layout()
    return fig

"""Figure 2 against outside data: intensity worked out from Table 6 over ETD value added (external)
beside the report's result and target and the published average rate (external)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from mfgghg.i18n import _
from mfgghg.plots.style import (PALETTE, figure_style, fit_texts_in_axes, placeholder_figure, source_line, source_note,
                                 missing_value, thin_out_labels, value_label)

CAPTIONS = {
    "plot_intensity_vs_external": ("碳密集度指數（基準年＝100）：報告所列成果與目標，"
                                   "及以表6排放量除以外部實質附加價值推算之點（外部資料），與外部文章所述年均降幅。"),
}

EXTERNAL_STYLE = {"marker": "D", "facecolors": "none", "edgecolors": "#555555"}


@figure_style
def plot_intensity_vs_external(data: pd.DataFrame, *, year: int, external_sources=()):
    """Index (base year = 100) by year. Report points: filled circle (result) and dashed line (target);
    external points (any input from outside the report): open diamonds; the published average rate:
    dotted grey line, labelled external. ``external_sources``: the outside sources' titles (as in
    translations.csv) named in the source line."""
    if data.empty:  # (neither the report's intensity nor outside data for the years of Table 6)
        fig = placeholder_figure(_("碳密集度：報告數值與外部資料推算"), _("本報告年度無可與外部資料比較之碳密集度"))
        source_note(fig, source_line(year, ("表6", "摘要 二"), external_sources))
        return fig
    fig, ax = plt.subplots(figsize=(8.5, 5))
    changes = []  # the worked-out points' changes, written beside them
    worked = data[data["series"] == "worked_out"].sort_values("year")
    result = data[data["series"] == "report_result"]
    target = data[data["series"] == "report_target"]
    rate = data[data["series"] == "published_average_rate"].sort_values("year")
    base_year = int(worked["year"].min()) if len(worked) else None
    if len(rate):
        ax.plot(rate["year"], rate["index"], linestyle=":", color="#888888", linewidth=2,
                label=_("外部文章所述年均降幅之路徑 (外部資料)"))
    if len(target):
        # a target for its year: a point, not a line across the years before it (no path is printed)
        t = target.iloc[0]
        ax.scatter([t["year"]], [t["index"]], marker="s", s=80, facecolors="white", edgecolors=PALETTE[1],
                   linewidths=2, zorder=5, label=_("{year}年目標 (報告)").format(year=int(t["year"])))
        if text := value_label(t["index"], "g"):
            ax.annotate(text, (t["year"], t["index"]), xytext=(-9, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=9, color=PALETTE[1])
    if len(worked):
        ax.scatter(worked["year"], worked["index"], s=70, zorder=5, **EXTERNAL_STYLE,
                   label=_("表6排放量 / 外部實質附加價值 (外部資料)"))
        for _i, p in worked.iterrows():
            # (a change that cannot be computed, or a point without its index: no label)
            if p["year"] != base_year and not (missing_value(p["change_vs_base_pct"]) or missing_value(p["index"])):
                changes.append(ax.annotate(f"{p['change_vs_base_pct']:+.1f}%", (p["year"], p["index"]), xytext=(6, 4),
                            textcoords="offset points", fontsize=8, color="#555555"))
    if len(result):
        r = result.iloc[0]
        ax.scatter([r["year"]], [r["index"]], marker="o", s=110, color=PALETTE[0], zorder=6,
                   label=_("{year}年實績 (報告)").format(year=int(r["year"])))
        if not (missing_value(r["change_vs_base_pct"]) or missing_value(r["index"])):
            ax.annotate(f"{r['change_vs_base_pct']:+g}%", (r["year"], r["index"]), xytext=(9, 6),
                        textcoords="offset points", fontsize=9, color=PALETTE[0])
    years = data["year"].astype(int)
    ax.set_xlim(years.min() - 1, years.max() + 1)
    ax.set_ylim(0, max(115.0, float(data["index"].max()) * 1.1))  # (an intensity above the base year's too)
    ax.set_xlabel(_("年 (西元)"))
    ax.set_ylabel(_("碳密集度指數 ({base} = 100)").format(base=_("{year}年").format(year=base_year))
                  if base_year else _("碳密集度指數"))
    ax.set_title(_("碳密集度：報告數值與外部資料推算"))
    ax.legend(loc="lower left", fontsize=9)
    source_note(fig, source_line(year, ("表6", "摘要 二"), external_sources))
    fig.tight_layout()
    thin_out_labels(changes)  # (a long yearly series: its values would be written on each other)
    fit_texts_in_axes(ax)
    return fig

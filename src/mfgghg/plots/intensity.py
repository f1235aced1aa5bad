"""Figures of notebook 04 (carbon intensity): the printed points of the report's Figure 2 as an
index (with a supplied series where there is one), and the decomposition of the change.

Convention: see :mod:`mfgghg.plots.status`.
"""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mfgghg.i18n import _
from mfgghg.plots.style import (PALETTE, figure_style, fit_texts_in_axes, missing_value, placeholder_figure,
                                 plain_value, source_line, source_note, value_label)
from mfgghg.analysis.emissions import DERIVED, EXTERNAL, REPORT, section_parts, source_label
from mfgghg.plots.emissions import STYLE


# The caption of each figure (Chinese; the caller translates it with mfgghg.i18n._).
CAPTIONS = {
    "plot_index": "報告所列碳密集度基準年、目標與成果，以基準年＝100之指數表示；報告未列逐年數列，點與點之間不補值。",
    "plot_decomposition": "碳密集度變化拆解：排放量指數、碳密集度指數及其隱含之產出指數；基準年排放量為外部資料。",
}


def decomposition_source_line(year: int, decomp: pd.DataFrame) -> str:
    """The source line of the decomposition figure (current edition): the report sections its
    intensity and emissions come from, then the external sources' titles."""
    ends = decomp["emissions_end_source"].str.replace(r"\s+\([a-z0-9_]+\)$", "", regex=True)
    return source_line(year, section_parts([*decomp["intensity_source"], *ends]), decomp["emissions_base_source_title"])


def _against_base(index, said: tuple[str, str, str], **fmt) -> str:
    """A legend's words for a change against the base year (index 100): ``said`` is (a fall, a rise, level),
    each a Chinese text for ``_`` with ``{pct}`` for the change; "" where the index is no number (the caller
    says the report prints none)."""
    pct = plain_value(abs(index - 100))
    if not pct:
        return ""
    fall, rise, level = said
    return _(fall if index < 100 else rise if index > 100 else level).format(pct=pct, **fmt)


@figure_style
def plot_index(points: pd.DataFrame, series: pd.DataFrame | None = None, *, year: int):
    """Figure 2 as far as the data go: base year = 100, the printed result and the target line,
    and a supplied yearly series only when there is one. Nothing is drawn between printed points."""
    has_series = series is not None and len(series) > 0
    if points.empty and not has_series:
        fig = placeholder_figure(_("製造部門碳密集度"), _("本報告年度未列出碳密集度相對基準年之變化"))
        source_note(fig, source_line(year, section_parts([*points.loc[points["origin"] == REPORT, "source"], "圖2"])))
        return fig
    fig, ax = plt.subplots(figsize=(8.5, 5))
    years = list(points["year"]) + (list(series["year"]) if has_series else [])
    base_label = _("{year}年").format(year=int(points["year"].iloc[0])) if len(points) else _("基準年")
    if len(points):
        base_year = int(points["year"].iloc[0])
        result = points[points["what"] == "result"].iloc[0]
        end = int(result["year"])
        target = points[points["what"] == "target"]
        if len(target):
            t = target.iloc[0]
            # (a target that is no number: no line, and the legend says the report prints none, never "nan")
            said = _against_base(t["index"], ("{year}年目標：較{base}年下降 {pct}% (報告)",
                                              "{year}年目標：較{base}年上升 {pct}% (報告)",
                                              "{year}年目標：與{base}年持平 (報告)"), year=end, base=base_year)
            ax.hlines([t["index"]] if said else [], base_year, end, colors=PALETTE[1], linestyles="--", linewidth=2,
                      label=said or _("{year}年目標：報告未列數值").format(year=end))
            if text := value_label(t["index"], "g"):
                ax.annotate(_("目標 {value}").format(value=text), (base_year, t["index"]),
                            xytext=(4, 5), textcoords="offset points", color=PALETTE[1], fontsize=9)
        ax.scatter([base_year], [100], marker="s", s=80, color="#000000", zorder=5,
                   label=_("基準年 {base} = 100").format(base=base_year))
        said = _against_base(result["index"], ("{year}年實績：較基準年下降 {pct}% (報告)",
                                                "{year}年實績：較基準年上升 {pct}% (報告)",
                                                "{year}年實績：與基準年持平 (報告)"), year=end)
        ax.scatter([end] if said else [], [result["index"]] if said else [], marker="o", s=110, color=PALETTE[0],
                   zorder=5, label=said or _("{year}年實績：報告未列數值").format(year=end))
        if text := value_label(result["index"], "g"):
            ax.annotate(text, (end, result["index"]), xytext=(8, -4),
                        textcoords="offset points", color=PALETTE[0], fontsize=10)
        if not has_series:
            middle = 100 if missing_value(result["index"]) else (100 + result["index"]) / 2  # (halfway to the result)
            ax.text((base_year + end) / 2, middle + 8,
                    f"{_('報告未列出逐年數值：')}\n{_('兩點之間不繪線、不補值')}", ha="center", va="center", fontsize=9,
                    color="#555555")
    if has_series:
        ax.plot(series["year"], series["index"], linestyle="-.", marker=".", color=PALETTE[2], linewidth=1.5,
                label=_("年度序列 (使用者提供，來源見資料檔)"))
    ax.set_xlim(min(years) - 1, max(years) + 1)
    # (room above the highest index drawn: a printed result or target above the base year too)
    drawn = [*points["index"], *(series["index"] if has_series else [])]
    ax.set_ylim(0, max([115.0] + [1.1 * float(v) for v in drawn if not missing_value(v)]))
    ax.set_xlabel(_("年 (西元)"))
    ax.set_ylabel(_("碳密集度指數 ({base} = 100)").format(base=base_label))
    ax.set_title(_("製造部門碳密集度相對基準年 (報告圖2可由文字重建之部分)"))
    ax.legend(loc="lower left", fontsize=9)
    lines = [_("報告數值 (實績與目標)：基準年，及較基準年之變化 (%)") if len(points) else _("報告數值：無"),
             _("推算：指數 = 100 + 變化(%)；年度序列若僅給碳密集度，指數 = 當年 / 基準年 × 100") if has_series
             else _("推算：指數 = 100 + 變化(%)"),
             _("外部資料：無；年度序列為使用者提供，來源見資料檔") if has_series else _("外部資料：無")]
    fig.text(0.01, 0.005, "\n".join(lines), ha="left", va="bottom", fontsize=8, color="#333333")
    fig.subplots_adjust(bottom=0.25)
    fit_texts_in_axes(ax)  # (a result in the last year shown: its value written beside it reached past the frame)
    source_note(fig, source_line(year, section_parts([*points.loc[points["origin"] == REPORT, "source"], "圖2"])))
    return fig


@figure_style
def plot_decomposition(decomp: pd.DataFrame, *, year: int):
    """Emissions, intensity and implied output as indices (base year = 100), per reading."""
    if decomp.empty:
        fig = placeholder_figure(_("碳密集度分解"), _("本報告年度未列出碳密集度變化，無從分解"))
        source_note(fig, decomposition_source_line(year, decomp))
        return fig
    base, end = int(decomp["base_year"].iloc[0]), int(decomp["year"].iloc[0])
    fig, ax = plt.subplots(figsize=(9, 5.2))
    x = np.arange(len(decomp))
    w = 0.26
    bars = [
        ("emissions_index", _("排放量指數 (推算：報告排放 / 外部基準年排放)"), "#888888", STYLE[EXTERNAL]["hatch"]),
        ("intensity_index", _("碳密集度指數 (報告)"), PALETTE[0], None),
        ("output_index", _("隱含產出指數 (推算)"), PALETTE[2], STYLE[DERIVED]["hatch"]),
    ]
    for k, (col, label, color, hatch) in enumerate(bars):
        values = decomp[col]
        pos = x + (k - 1) * w
        ax.bar(pos, values, width=w, color="white" if hatch else color, edgecolor=color, hatch=hatch,
               linewidth=1.3, label=label)
        tops = values
        if col == "output_index":
            err = np.vstack([values - decomp["output_index_low"], decomp["output_index_high"] - values])
            ax.errorbar(pos, values, yerr=err, fmt="none", ecolor="#333333", capsize=4, linewidth=1)
            tops = decomp["output_index_high"]  # the value above its error bar, not under its cap
        for p, v, top in zip(pos, values, tops):
            if text := value_label(v, ".1f"):  # (an index that cannot be computed: no label)
                ax.annotate(text, (p, max(v, top)), xytext=(0, 4),
                            textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.axhline(100, color="#333333", linewidth=0.8)
    # (an output change that cannot be computed: the reading's name alone)
    ax.set_xticks(x, [_(lab) if not (value_label(c, "+.1f") and value_label(g, "+.2f")) else
                      f"{_(lab)}\n" + _("(產出 {change}%，年均 {cagr}%)").format(change=f"{c:+.1f}", cagr=f"{g:+.2f}")
                      for lab, c, g in zip(decomp["label_zh"], decomp["output_change_pct"], decomp["output_cagr_pct"])],
                  fontsize=9)
    ax.set_ylabel(_("指數 ({year}年 = 100)").format(year=base))
    ax.set_title(_("碳密集度 = 排放量 / 產出：{year}年較{base}年之隱含產出成長 (推算)").format(year=end, base=base))
    ax.set_ylim(0, max(decomp["output_index_high"].max(), decomp["emissions_index"].max()) * 1.45)
    ax.legend(loc="upper left", fontsize=8)
    first = decomp.iloc[0]
    source = source_label({"source_title": first["emissions_base_source_title"],
                           "source_date": first["emissions_base_source_date"]}, translate=True)
    notes = [_("外部資料：{year}年排放量 ({source})").format(year=base, source=source),
             _("報告數值：{year}年排放量、碳密集度變化 (實績與目標)").format(year=end),
             _("推算：排放量指數、隱含產出指數 = 排放量指數 / 碳密集度指數 × 100；誤差線為實績降幅印出位數之捨入範圍")]
    fig.text(0.01, 0.005, "\n".join(notes), ha="left", va="bottom", fontsize=8, color="#333333")
    fig.subplots_adjust(bottom=0.27)
    source_note(fig, decomposition_source_line(year, decomp))
    return fig

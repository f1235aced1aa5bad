"""Figures of notebook 03 (emissions against the targets): Table 6 by year and cumulated, the
changes the text states, and the report's figures beside outside ones (marked external).

Convention: see :mod:`mfgghg.plots.status`. ``STYLE`` is how each origin (report, derived,
external) is drawn, the same in every figure of notebooks 03 and 04.
"""

from __future__ import annotations


import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from mfgghg.i18n import _
from mfgghg.plots.style import (PALETTE, figure_style, fit_texts_in_axes, move_off_lines, placeholder_figure,
                                 source_line, source_note, turn_crowded_labels, value_label, wrap_to_width)
from mfgghg.analysis.emissions import DERIVED, EXTERNAL, MT, REPORT, driver_label, external_titles, section_parts
from mfgghg.data.units import from_base, unit



STYLE = {  # how each origin is drawn, the same in every figure of notebooks 03 and 04
    REPORT: {"linestyle": "-", "hatch": None},
    DERIVED: {"linestyle": "--", "hatch": "//"},
    EXTERNAL: {"linestyle": ":", "hatch": "..", "color": "#888888"},
}

# The caption of each figure (Chinese; the caller translates it with mfgghg.i18n._).
CAPTIONS = {
    "plot_annual": "表6各年排放值與當年度目標值；超過目標之年份標示，並註明差距。",
    "plot_cumulative": "表6累計排放值與累計目標值（上），及累計剩餘差距（下）。",
    "plot_drivers": "報告所述排放量、能源消費與GDP之變化（實心），及由表6逐年排放值推算者（斜線）。",
    "plot_context": "第一期排放值與目標值，及外部資料之基準年排放量與後續各期目標（灰色空心，外部資料）。",
}


@figure_style
def plot_annual(table: pd.DataFrame, *, year: int, unit_zh: str = MT):
    """Annual target against emissions, years over target marked, margins written on the plot."""
    title = _("當年度目標值與排放值")
    if table.empty:  # (a year whose Table 6 prints no row)
        return _no_table6(title, year)
    fig, ax = plt.subplots(figsize=(8, 4.8))
    years = table["year"]
    target = from_base(table["target_mt_co2e"], unit_zh)
    actual = from_base(table["actual_mt_co2e"], unit_zh)
    ax.plot(years, target, marker="s", color=PALETTE[1], linewidth=2, label=_("當年度目標值 (報告)"))
    ax.plot(years, actual, marker="o", color=PALETTE[0], linewidth=2, label=_("排放值 (報告)"))
    over = table["over_target"]
    ax.scatter(years[over], actual[over], s=160, facecolors="none", edgecolors=PALETTE[3], linewidths=2,
               zorder=5, label=_("超過當年度目標 (推算)"))
    lo, hi = min(target.min(), actual.min()), max(target.max(), actual.max())
    span = (hi - lo) or 1.0
    # the margins in a row of their own under the lines, each under its year: between the points a
    # label would sit on the lines
    row = lo - 0.16 * span
    margins = []
    for y, t, a, m in zip(years, target, actual, from_base(table["margin_mt_co2e"], unit_zh)):
        ax.plot([y, y], [t, a], linestyle=STYLE[DERIVED]["linestyle"], color="#555555", linewidth=1)
        if text := value_label(m, "+.1f"):  # (a year without its target or its emissions has no margin)
            margins.append(ax.text(y, row, text, ha="center", va="center", fontsize=9,
                                   color=PALETTE[3] if m < 0 else "#333333"))
    ax.plot([], [], linestyle="--", color="#555555", label=_("差距 = 目標 - 排放 (推算；數值列於下方)"))
    ax.set_xticks(years)
    ax.set_xlim(years.min() - 0.4, years.max() + 0.4)
    ax.set_xlabel(_("年 (西元)"))
    ax.set_ylabel(f"{_('排放量')} ({_(unit_zh)})")
    ax.set_title(title)
    ax.set_ylim(lo - 0.25 * span, hi + 0.1 * span)
    # many years: the years, and margins wider than a year's room, stand upright
    turn_crowded_labels(ax, ax.get_xticklabels())
    turn_crowded_labels(ax, margins, slot=1.0)
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9, frameon=False)
    source_note(fig, source_line(year, ["表6"]))
    return fig


@figure_style
def plot_cumulative(table: pd.DataFrame, *, year: int, unit_zh: str = MT):
    """Cumulative target against cumulative emissions (top) and the cumulative margin left (bottom):
    at the scale of the totals the margin would be invisible."""
    title = _("第一期累計目標值與累計排放值")
    if table.empty:
        return _no_table6(title, year)
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(8, 6.4), sharex=True, height_ratios=[2.2, 1])
    years = table["year"]
    ct = from_base(table["cumulative_target_mt_co2e"], unit_zh)
    ca = from_base(table["cumulative_actual_mt_co2e"], unit_zh)
    ax.plot(years, ct, marker="s", color=PALETTE[1], linewidth=2, label=_("第一期累計目標值 (報告)"))
    ax.plot(years, ca, marker="o", color=PALETTE[0], linewidth=2, label=_("累計排放值 (報告)"))
    ax.axhline(ct.iloc[-1], color=PALETTE[1], linestyle=":", linewidth=1.2)
    goal = ax.annotate(_("第一期排放總量目標"), (years.iloc[0], ct.iloc[-1]), xytext=(0, 4), textcoords="offset points",
                       fontsize=9, color=PALETTE[1])
    ax.set_ylabel(f"{_('累計排放量')}\n({_(unit_zh)})")
    ax.set_title(title)
    ax.set_ylim(0, ct.max() * 1.12)
    cm = from_base(table["cumulative_margin_mt_co2e"], unit_zh)
    am = from_base(table["margin_mt_co2e"], unit_zh)
    ax2.bar(years, cm, width=0.5, color="white", edgecolor=PALETTE[2], hatch=STYLE[DERIVED]["hatch"],
            linewidth=1.2, label=_("累計差距 = 累計目標 - 累計排放 (推算)"))
    ax2.plot(years, am, linestyle=STYLE[DERIVED]["linestyle"], marker="x", color="#555555",
             label=_("當年度差距 (推算)"))
    margins = []
    for y, m, a in zip(years, cm, am):
        text = value_label(m, "+.1f")
        if not text:  # (a margin that cannot be computed: no label)
            continue
        # above (below) both the bar and the year's own margin point, which the dashed line joins
        margins.append(ax2.annotate(text, (y, max(m, a) if m >= 0 else min(m, a)),
                                    xytext=(0, 6 if m >= 0 else -6), textcoords="offset points", ha="center",
                                    va="bottom" if m >= 0 else "top", fontsize=8))
    ax2.axhline(0, color="#333333", linewidth=0.8)
    lo, hi = min(cm.min(), am.min(), 0), max(cm.max(), am.max(), 0)  # (0 shown: a year's margin is a span)
    ax2.set_ylim(lo - 0.3 * (hi - lo), hi + 0.45 * (hi - lo))
    ax2.set_ylabel(f"{_('差距')}\n({_(unit_zh)})")
    ax2.set_xticks(years)
    ax2.set_xlabel(_("年 (西元)"))
    # one legend for both panels, in the upper one's empty corner: in the lower one it would cover
    # the margins' labels
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    fig.tight_layout()
    # many years: the years, and margins wider than a year's room, stand upright
    if turn_crowded_labels(ax2, ax2.get_xticklabels()):
        fig.tight_layout()
    _clear_of_first_points(ax, goal)
    turn_crowded_labels(ax2, margins, slot=1.0)
    fit_texts_in_axes(ax2)
    source_note(fig, source_line(year, ["表6"]))
    return fig


def _no_table6(title: str, year: int):
    """The figure of a Table 6 without rows: it says so, under the figure's title, with its source line."""
    fig = placeholder_figure(title, _("表6未列排放值與目標值"))
    source_note(fig, source_line(year, ["表6"]))
    return fig


def _clear_of_first_points(ax, label, pad_pt: float = 3.0) -> None:
    """Move ``label`` (written from the first year, just above the period's total) right of the first
    year's markers when it lies on them: a period's first year alone has reached its total already."""
    renderer = ax.figure.canvas.get_renderer()
    box = label.get_window_extent(renderer)
    px_per_pt = ax.figure.dpi / 72
    reach = 0.0
    for line in ax.lines:
        if line.get_marker() in (None, "None", "none", "", " ") or not len(line.get_xdata()):
            continue
        x, y = ax.transData.transform((line.get_xdata()[0], line.get_ydata()[0]))
        r = line.get_markersize() / 2 * px_per_pt + line.get_markeredgewidth() * px_per_pt
        if box.x0 - r < x < box.x1 + r and box.y0 - r < y < box.y1 + r:
            reach = max(reach, r)
    if reach:
        label.set_position((reach / px_per_pt + pad_pt, label.xyann[1]))


LABEL_WIDTH_IN = 3.0  # the widest a change's name is written, at 9 points, before it wraps


@figure_style
def plot_drivers(data: pd.DataFrame, *, year: int):
    """Stated changes (solid) and Table 6's recomputation (hatched): % on the left, Mt on the right."""
    if data.empty:
        fig = placeholder_figure(_("報告所述之變化"), _("本報告年度未列出排放量、能源消費或 GDP 之變化"))
        source_note(fig, source_line(year, section_parts([*data.loc[data["origin"] == REPORT, "source"], "表6"])))
        return fig
    units = list(dict.fromkeys(data["unit"]))
    ratios = [3, 1.3][:len(units)] if len(units) <= 2 else None
    # a long name wraps (at most about 3 inches of label), and the figure grows with the rows' lines
    data = data.assign(label=[wrap_to_width(driver_label(*r), LABEL_WIDTH_IN, 9) for r in
                              data[["label_zh", "from_year", "to_year", "against_base"]].itertuples(index=False)])
    lines = max(sum(lab.count("\n") + 1 for lab in dict.fromkeys(data.loc[data["unit"] == u, "label"])) for u in units)
    fig, axes = plt.subplots(1, len(units), figsize=(10, max(4.8, 0.32 * lines + 1.8)), width_ratios=ratios,
                             squeeze=False)
    for ax, u in zip(axes[0], units):
        d = data[data["unit"] == u].reset_index(drop=True)
        labels = list(dict.fromkeys(d["label"]))
        ypos = {lab: i for i, lab in enumerate(labels)}
        h = 0.38
        for _i, r in d.iterrows():
            derived = r["origin"] == DERIVED
            has_pair = (d["label"] == r["label"]).sum() > 1
            y = ypos[r["label"]] + ((h / 2 if derived else -h / 2) if has_pair else 0)
            color = PALETTE[2] if r["value"] >= 0 else PALETTE[3]
            ax.barh(y, r["value"], height=h, color="white" if derived else color, edgecolor=color,
                    hatch=STYLE[DERIVED]["hatch"] if derived else None, linewidth=1.2)
            text = value_label(r["value"], "+.2f").rstrip("0").rstrip(".") if not derived else \
                value_label(r["value"], "+.1f")
            if text:  # (a change that cannot be computed: no label)
                ax.annotate(text, (r["value"], y), xytext=(4 if r["value"] >= 0 else -4, 0), textcoords="offset points",
                            ha="left" if r["value"] >= 0 else "right", va="center", fontsize=8)
        ax.set_yticks(range(len(labels)), labels, fontsize=9)
        ax.invert_yaxis()
        ax.axvline(0, color="#333333", linewidth=0.8)
        lim = max(abs(d["value"]).max() * 1.35, 1)
        ax.set_xlim(-lim, lim)
        ax.set_xlabel(f"{_('變化')} ({'%' if unit(u).base == 'pct' else _(u)})")
    for ax, u in zip(axes[0], units):
        ax.set_title(_("報告所述之變化") if unit(u).base == "pct" else _("排放量變化"), fontsize=11)
    handles = [Patch(facecolor="#999999", edgecolor="#999999", label=_("報告所述 (報告)")),
               Patch(facecolor="white", edgecolor="#555555", hatch="//", label=_("由表6逐年排放值推算 (推算)"))]
    fig.legend(handles=handles, loc="upper center", ncol=2, fontsize=9, bbox_to_anchor=(0.5, 1.04))
    fig.tight_layout()
    for ax in axes[0]:
        fit_texts_in_axes(ax)
    source_note(fig, source_line(year, section_parts([*data.loc[data["origin"] == REPORT, "source"], "表6"])))
    return fig


@figure_style
def plot_context(data: pd.DataFrame, *, year: int, unit_zh: str = MT):
    """The first period in a longer view: external baseline and later targets drawn grey and open. Without
    Table 6's rows the outside values are drawn alone, the legend saying so; without either, a figure that
    says there is nothing to draw."""
    title = _("第一期排放值與前後期目標 (灰色空心為外部資料)")
    rep = data[data["origin"] == REPORT]
    ext = data[data["origin"] == EXTERNAL]
    if rep.empty and ext.empty:
        return _no_table6(title, year)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    for series, color, marker, label in (("emissions", PALETTE[0], "o", _("排放值 (報告 表6)")),
                                         ("target", PALETTE[1], "s", _("當年度目標值 (報告 表6)"))):
        d = rep[rep["series"] == series]
        if rep.empty:  # (a Table 6 without rows: no line, and no legend entry for one)
            continue
        ax.plot(d["year"], from_base(d["value_mt_co2e"], unit_zh), marker=marker, color=color, label=label)
    grey = STYLE[EXTERNAL]["color"]
    outside = []  # the outside values, written beside their points
    markers = {("emissions", "equal"): ("o", "基準年排放量 (外部)"), ("target", "equal"): ("s", "目標值 (外部)"),
               ("target", "below"): ("v", "目標: 低於此值 (外部)"), ("estimate", "about"): ("D", "估計值 (外部)")}
    for (series, relation), d in ext.groupby(["series", "relation"]):
        marker, label = markers.get((series, relation), ("X", None))
        label = _(label) if label else _("{series} (外部)").format(series=series)
        values = from_base(d["value_mt_co2e"], unit_zh)
        ax.scatter(d["year"], values, marker=marker, s=70, facecolors="white", edgecolors=grey, linewidths=1.8,
                   label=label, zorder=4)
        for y, v in zip(d["year"], values):
            if text := value_label(v, "g"):
                outside.append(ax.annotate(text, (y, v), xytext=(7, 0), textcoords="offset points",
                                           va="center", fontsize=8, color="#555555"))
    ax.set_xlabel(_("年 (西元)"))
    ax.set_ylabel(f"{_('排放量')} ({_(unit_zh)})")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8, ncol=2, title=_("表6未列排放值與目標值") if rep.empty else None,
              title_fontsize=8)
    move_off_lines(ax, outside)  # (the report's years reaching the outside points': its lines ran through them)
    fit_texts_in_axes(ax)  # (no layout engine: the axes are where they will be saved)
    source_note(fig, source_line(year, ["表6"], external_titles(data)))
    return fig

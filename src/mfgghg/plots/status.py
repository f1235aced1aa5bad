"""Figures of notebook 02 (execution status): each measure's reduction by kind, the headline and
Table 4 beside the measures, the goals against the year's results, and Tables 2-3 recomputed.

The convention of every module of this room: a figure function takes the data behind the figure
(computed by :mod:`mfgghg.analysis`), and the report year for its source line; it draws its title
and its source line in the current edition (every text through :func:`mfgghg.i18n._`) and returns
the :class:`~matplotlib.figure.Figure`, which stays open and the caller's to change, show or save
(:func:`mfgghg.plots.style.save_figure`). ``CAPTIONS`` holds each figure's caption (Chinese,
translated by the caller with ``_``). Nothing here changes matplotlib's global state.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from mfgghg.i18n import CJK, _, get_lang
from mfgghg.plots.style import (PALETTE, distinct_labels, figure_style, fit_texts_in_axes, keep_texts_apart,
                                 label_log_ticks_plainly, missing_value,
                                 omit_unseen_minor_ticks, placeholder_figure, plain_value, source_line, source_note,
                                 raise_above_legend, turn_crowded_labels, turn_crowded_values, value_label,
                                 wrap_label)
from mfgghg.analysis.status import GOAL_BASIS_LABELS, GOAL_GROUP_LABELS, KIND_LABELS, TYPE_LABELS
from mfgghg.checks.verdict import REDUCTION_KIND_SETS
from mfgghg.data.ingest import measure_id_key
from mfgghg.data.paths import roc_year
from mfgghg.data.units import from_base, size_in

SHOWN_UNIT = "萬公噸CO2e"  # Figure 1's totals, both panels


# The caption of each figure (Chinese; the caller translates it with mfgghg.i18n._).
CAPTIONS = {
    "plot_measure_reductions": ("附件各措施當年之減碳量，依附件所列類別（實質、預期、潛力）；"
                                "標題列出其和與摘要總計相符之類別，為符合總計的讀法之一（報告未說明總計如何加總）。"),
    "plot_reduction_totals": "摘要之減碳總量與各措施依類別之加總，及表4各面向減碳量與該面向措施之加總。",
    "plot_goals": "附件各項數字目標與當年成果之比較：每年目標對目標值，多年目標對線性進度，水準目標對目標水準。",
    "plot_status": "由各措施重算之表2、表3；斜線：計為達成但經目標分析標示者。",
}


def _name(text) -> str:
    """A name shown in a figure (pillar, ministry, measure, unit) in the current edition; ids and
    numbers, which need no translation, as they are."""
    text = str(text)
    return _(text) if CJK.search(text) else text


def _first_lines(text: str, width: int, max_lines: int = 1) -> str:
    """The first ``max_lines`` lines of :func:`~mfgghg.plots.style.wrap_label`, with an ellipsis where the text
    goes on."""
    lines = wrap_label(text, width).splitlines()
    return "\n".join(lines[:max_lines]) + ("…" if len(lines) > max_lines else "")


def _joined(items) -> str:
    return (", " if get_lang() == "en" else "、").join(items)


HATCH_FLAGGED = "///"


NOT_ACHIEVED_COLOR = PALETTE[3]


TYPE_COLORS = {"substantive": PALETTE[0], "capacity": PALETTE[2]}


@figure_style
def plot_status(status_data: pd.DataFrame, pillar_names: dict, *, year: int):
    """Status by group (Table 2 by pillar, Table 3 by ministry) from
    :func:`mfgghg.analysis.status.status_chart_data`: bars per measure type, split into achieved,
    achieved-but-flagged (hatched: derived from the goals analysis) and not achieved. Pillar
    ``pillar_names`` (pillar → Chinese name) and ministries are shown in the current edition."""
    groups = (("依政策內涵 (表2)", "pillar", pillar_names), ("依主辦機關 (表3)", "ministry_zh", {}))
    panels = [(title, status_data[status_data["by"] == by], labels)
              for title, by, labels in groups if (status_data["by"] == by).any()]
    source = source_line(year, ["表2", "表3", "附件"])
    if not panels:  # (a year without measures: no group to count)
        fig = placeholder_figure(_("措施執行情形 (表2、表3)"), _("本報告年度未列措施之執行情形"))
        source_note(fig, source)
        return fig
    ratios = [max(len(set(counts["group"])), 3) for _title, counts, _labels in panels]
    # panels as wide as their groups are many (twelve ministries beside three pillars)
    fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), 4.8), sharey=True,
                             **({"width_ratios": ratios} if len(set(ratios)) > 1 else {}))
    axes = list(axes) if len(panels) > 1 else [axes]
    width = 0.38
    for ax, (title, counts, labels) in zip(axes, panels):
        groups = list(dict.fromkeys(counts["group"]))  # (the Chinese names: two never merge, whatever their labels)
        for j, mtype in enumerate(TYPE_LABELS):
            c = counts[counts["measure_type"] == mtype].set_index("group").reindex(groups)
            x = [i + (j - 0.5) * width for i in range(len(groups))]
            unflagged = c["achieved_unflagged"].fillna(0).to_numpy()
            flagged = c["achieved_flagged"].fillna(0).to_numpy()
            failed = c["not_achieved"].fillna(0).to_numpy()
            color = TYPE_COLORS[mtype]
            ax.bar(x, unflagged, width, color=color, edgecolor="white")
            ax.bar(x, flagged, width, bottom=unflagged, color="white", edgecolor=color, hatch=HATCH_FLAGGED)
            ax.bar(x, failed, width, bottom=unflagged + flagged, color=NOT_ACHIEVED_COLOR, edgecolor="white")
            for xi, sub, rate in zip(x, c["subtotal"].fillna(0), c["rate_pct"]):
                # (upright, "no measures" would reach over the neighbouring bar)
                rate_text = value_label(rate, ".0f")  # ("": a rate that cannot be computed draws no label)
                label, turn = (_("無措施"), 90) if sub == 0 else (f"{rate_text}%" if rate_text else "", 0)
                if label:
                    ax.annotate(label, (xi, sub), xytext=(0, 3), textcoords="offset points", ha="center",
                                va="bottom", fontsize=8, rotation=turn)
        names = distinct_labels([labels.get(g, g) for g in groups], _name)
        ax.set_xticks(range(len(groups)), [wrap_label(name, 9) for name in names], fontsize=9)
        ax.set_ylim(0, max(c["subtotal"].max() for _title, c, _labels in panels) * 1.15)  # room for the rates
        ax.set_title(_("{title}；柱上數字為執行率 (達成/小計)").format(title=_(title)), fontsize=10)
        ax.set_ylabel(_("措施數 (項)"))
    handles = [Patch(color=TYPE_COLORS[t], label=_("{type}：達成 (報告所列)").format(type=_(TYPE_LABELS[t])))
               for t in TYPE_LABELS]
    handles += [Patch(facecolor="white", edgecolor="#555555", hatch=HATCH_FLAGGED,
                      label=_("達成但有註記 (本分析推導：目標、成果或期程)")),
                Patch(color=NOT_ACHIEVED_COLOR, label=_("未達成 (報告所列)"))]
    fig.tight_layout()
    # many groups: group names that would run into each other stand upright, and so do rates wider than
    # their bars (they would reach over the neighbouring bar)
    if any([turn_crowded_labels(ax, ax.get_xticklabels()) for ax in axes]):
        for ax, (_title, counts, labels) in zip(axes, panels):  # (upright, a name has room for longer lines)
            if ax.get_xticklabels()[0].get_rotation() == 90:
                names = distinct_labels([labels.get(g, g) for g in dict.fromkeys(counts["group"])], _name)
                ax.set_xticks(range(len(names)), [wrap_label(name, 18) for name in names], fontsize=9, rotation=90)
        fig.tight_layout()
    for ax in axes:
        turn_crowded_values(ax, slot=width)
    fig.legend(handles=handles, loc="lower center", ncol=2, bbox_to_anchor=(0.5, 1.0), fontsize=8, frameon=False)
    source_note(fig, source)
    return fig


KIND_STYLE = {
    "actual": {"color": PALETTE[0], "hatch": None},
    "expected": {"color": PALETTE[1], "hatch": "//"},
    "potential": {"color": "#BBBBBB", "hatch": ".."},
}


@figure_style
def plot_measure_reductions(reductions: pd.DataFrame, counted: tuple, *, year: int):
    """Figure 1 from the annex: each measure's reported reduction (萬公噸CO2e, log scale), in
    measure order, grouped by pillar and strategy, its kind shown by colour and hatch.
    Names are shown in the current edition."""
    source = source_line(year, ["附件 (各措施減碳量)"])
    r = reductions.iloc[reductions["measure_id"].map(measure_id_key).argsort()].reset_index(drop=True)
    values = from_base(r["reduction_t_co2e"], "萬公噸CO2e")
    rows_height = max(0.34 * len(r), 2.4)  # inches; a year with few measures still fits the axis label
    fig, ax = plt.subplots(figsize=(8.5, rows_height + 1.6))
    y = list(range(len(r)))[::-1]
    strategies = list(dict.fromkeys(r["strategy_id"]))
    values_written = []  # (text, value)
    for yi, row, v in zip(y, r.itertuples(), values):
        if strategies.index(row.strategy_id) % 2:
            ax.axhspan(yi - 0.5, yi + 0.5, color="#F2F2F2", zorder=0)
        style = KIND_STYLE[row.reduction_kind]
        ax.barh(yi, v, color=style["color"] if not style["hatch"] else "white",
                edgecolor=style["color"] if style["hatch"] else "white", hatch=style["hatch"], zorder=2)
        if plain_value(v):  # (a reduction that is no number has no bar and no value)
            values_written.append((ax.text(v * 1.08, yi, plain_value(v), va="center", fontsize=7), v))
    for p, g in r.groupby("pillar"):
        top = y[g.index.min()]
        ax.axhline(top + 0.5, color="#555555", lw=0.8)
        ax.text(1.01, top, _("政策內涵 {p}").format(p=p), transform=ax.get_yaxis_transform(), va="top", fontsize=8)
    # English names are longer than the Chinese: two lines rather than a name cut short
    lines = 2 if get_lang() == "en" else 1
    ax.set_yticks(y, [f"{row.measure_id} {_first_lines(_name(row.name_zh), 18, lines)}" for row in r.itertuples()],
                  fontsize=8)
    ax.set_xscale("log")
    positive = values[values > 0]
    if len(positive):  # bars start at 0, which a log axis cannot show: start a power of ten below the smallest
        ax.set_xlim(10 ** math.floor(math.log10(positive.min() / 1.2)), positive.max() * 3)
    for text, v in values_written:
        if not v > 0:  # (a reduction of 0 has no bar on a log axis: its value is written at the axis)
            text.set_x(ax.get_xlim()[0] * 1.08)
    ax.set_xlabel(_("減碳量 ({unit}，對數刻度)").format(unit=_("萬公噸CO2e")))
    label_log_ticks_plainly(ax.xaxis)
    omit_unseen_minor_ticks(ax.xaxis)
    ax.set_ylabel(wrap_label(_("具體措施 (依政策內涵、推動策略排列；灰底區隔策略)"), int(rows_height * 72 / 13)))
    counted_txt = _joined(_(KIND_LABELS[k]) for k in counted) if counted else _("無")
    title = _("各措施減碳量；其和與報告總減碳量相符之類別：{kinds} (讀法之一，報告未說明)")
    ax.set_title(title.format(kinds=counted_txt), fontsize=10)
    handles = [Patch(facecolor=s["color"] if not s["hatch"] else "white", edgecolor=s["color"], hatch=s["hatch"],
                     label=_(KIND_LABELS[k])) for k, s in KIND_STYLE.items()]
    fig.tight_layout()
    fit_texts_in_axes(ax, [t for t, _v in values_written])  # (values spanning many decades reach further)
    # above the plot: inside it, the lines between pillars would run through the legend
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False,
               title=_("附件標示之減碳類別") + " " + _("(皆為附件所列數值)"), title_fontsize=8)
    source_note(fig, source)
    return fig


@figure_style
def plot_reduction_totals(checks: pd.DataFrame, by_pillar: pd.DataFrame, counted: tuple, pillar_labels: dict,
                          *, year: int, key: str = "reduction_report_year"):
    """Left: the headline reduction (printed) beside the measures' sums by kind (derived).
    Right: Table 4's reductions per pillar (printed) beside the measures' by kind (derived).
    Pillar labels are shown in the current edition."""
    source = source_line(year, ["摘要", "表4", "附件"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1, 2.2]})
    c = checks.set_index("check_id")
    sums = {name: c.at[f"headline.{key}.{name}", "recomputed"] for name in REDUCTION_KIND_SETS
            if f"headline.{key}.{name}" in c.index}
    sum_labels = []  # the kind sets' sums, written beside their stack
    if not sums:  # the year's text prints no total reduction
        left.text(0.5, 0.5, _("報告未列總減碳量"), ha="center", va="center", transform=left.transAxes)
    else:
        first = f"headline.{key}.{next(iter(sums))}"
        headline, unit = c.at[first, "published"], c.at[first, "unit"]
        # in the right panel's unit, so that the two panels are read on one scale
        to_shown = size_in(unit, "t_co2e") / size_in(SHOWN_UNIT, "t_co2e")
        headline_shown = headline * to_shown
        previous = 0.0
        for name, total in sums.items():  # kind sets are nested: actual, + expected, + potential
            s = KIND_STYLE[REDUCTION_KIND_SETS[name][-1]]
            total = total * to_shown
            left.bar(1, total - previous, 0.6, bottom=previous, color=s["color"] if not s["hatch"] else "white",
                     edgecolor=s["color"], hatch=s["hatch"])
            # (a kind that adds nothing adds no label on top of the last; a sum that is no number, none)
            if (total > previous or previous == 0.0) and (text := value_label(total, ".4g")):
                sum_labels.append(left.text(1.33, total, text, va="center", fontsize=7))
            previous = total
        left.bar(0, headline_shown, 0.6, color=PALETTE[7])
        if not missing_value(headline):
            left.text(0, headline_shown, f"{headline_shown:.4g}\n({headline:g} {_(unit)})", ha="center",
                      va="bottom", fontsize=7)
    left.set_xticks([0, 1], [wrap_label(_("報告總減碳量"), 9) + "\n" + _("(報告所列)"),
                             wrap_label(_("各措施加總"), 9) + "\n" + _("(本分析推導)")], fontsize=9)
    left.set_xlim(-0.6, 1.9)
    left.set_ylabel(_("減碳量 ({unit})").format(unit=_(SHOWN_UNIT)))
    left.set_title(_("總減碳量與措施加總"), fontsize=10)

    body = by_pillar[by_pillar["pillar"] != "total"]
    x = range(len(body))
    t4 = from_base(body["table4_t_co2e"], SHOWN_UNIT)
    printed = t4.notna().to_numpy()
    # a pillar for which Table 4 prints no reduction gets no bar (not a bar of 0)
    right.bar([i - 0.2 for i, p in zip(x, printed) if p], t4[printed], 0.38, color=PALETTE[7])
    bottom = pd.Series(0.0, index=body.index)
    for kind, s in KIND_STYLE.items():
        v = from_base(body[f"{kind}_t_co2e"], "萬公噸CO2e")
        right.bar([i + 0.2 for i in x], v, 0.38, bottom=bottom, color=s["color"] if not s["hatch"] else "white",
                  edgecolor=s["color"], hatch=s["hatch"])
        bottom = bottom + v
    counted_v = from_base(body["counted_t_co2e"], "萬公噸CO2e")
    for i, a, b, top in zip(x, t4, counted_v, bottom):
        if pd.isna(a):
            right.text(i - 0.2, 0, wrap_label(_("表4未列減碳量"), 4), ha="center", va="bottom", fontsize=7,
                       color="#555555")
        else:
            right.text(i - 0.2, a, f"{a:g}", ha="center", va="bottom", fontsize=7)
        if text := value_label(b, ".4g"):
            right.text(i + 0.2, top, _("計入 {value}").format(value=text), ha="center", va="bottom",
                       fontsize=7)
    right.set_xticks(list(x), [wrap_label(_name(pillar_labels.get(p, p)), 12) for p in body["pillar"]], fontsize=8)
    right.set_ylabel(_("減碳量 ({unit})").format(unit=_(SHOWN_UNIT)))
    top = pd.concat([pd.Series(t4, dtype=float), bottom]).max()
    right.set_ylim(0, 1.1 * top if pd.notna(top) and top > 0 else 1.0)  # room for the value labels
    right.set_title(_("表4 各政策內涵減碳量與該政策內涵措施加總"), fontsize=10)
    handles = [Patch(color=PALETTE[7], label=_("報告所列 (總減碳量、表4)"))]
    handles += [Patch(facecolor=s["color"] if not s["hatch"] else "white", edgecolor=s["color"], hatch=s["hatch"],
                      label=_("措施 {kind} (本分析加總)").format(kind=_(KIND_LABELS[k])))
                for k, s in KIND_STYLE.items()]
    right.legend(handles=handles, loc="upper right", fontsize=8)
    source_note(fig, source)
    fig.tight_layout()
    for _round in range(3):  # (widening the axis for a label moved up brings the labels closer again)
        moved = keep_texts_apart(left, sum_labels)
        if not (fit_texts_in_axes(left) or moved):  # (nothing moved: the next round would find the same)
            break
    # many pillars: names that would run into each other, and values wider than their bars, stand upright;
    # the legend stays clear of them and of the hatched bars
    if turn_crowded_labels(right, right.get_xticklabels()):
        fig.tight_layout()
    turn_crowded_labels(right, right.texts, slot=0.38)
    fit_texts_in_axes(right)
    raise_above_legend(right, right.texts + [p for p in right.patches if p.get_hatch()])
    return fig


ASSESSMENT_COLORS = {
    "met": PALETTE[0], "reached": PALETTE[0], "at or above linear pace": PALETTE[5],
    "short": PALETTE[3], "below linear pace": PALETTE[1], "below level": PALETTE[1],
}


ASSESSMENT_LEGEND = [  # assessments sharing a colour share an entry
    (("met", "reached"), "達成目標 (每年、累計或水準)"),
    (("at or above linear pace",), "累計目標：不低於線性進度"),
    (("short",), "未達每年目標"),
    (("below linear pace", "below level"), "低於線性進度或目標水準"),
]


def _pct_label(pct: float) -> str:
    """Whole percent, unless rounding would show a shortfall as 100%."""
    return f"{pct:.1f}%" if 99.5 <= pct < 100 else f"{pct:.0f}%"


@figure_style
def plot_goals(progress: pd.DataFrame, *, year: int):
    """Result / goal (%) per goal, in panels by goal basis. 100% dashed; the linear pace of a
    multi-year goal as a black tick; values not printed as numbers (inferred) hatched; goals
    without a comparable result named at the left. ``year`` (Gregorian) names the results
    ("110年成果"); indicators and units are shown in the current edition."""
    source = source_line(year, ["附件 (預期效益、執行成果)"])
    result_label = _("{roc}年成果").format(roc=roc_year(year), year=year)
    groups = [g for g in GOAL_GROUP_LABELS if (progress["goal_group"] == g).any()]
    if not groups:
        fig = placeholder_figure(_("附件數字目標與成果"), _("附件未列數字目標"))
        source_note(fig, source)
        return fig
    sizes = [int((progress["goal_group"] == g).sum()) for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(9.5, 0.24 * sum(sizes) + 1.2 * len(groups) + 1),
                             gridspec_kw={"height_ratios": sizes}, sharex=True)
    axes = list(axes) if len(groups) > 1 else [axes]
    xmax = max(100.0, float((100 * progress["ratio"]).max()) * 1.15)
    label_rows = []
    for ax, group in zip(axes, groups):
        g = progress[progress["goal_group"] == group].reset_index(drop=True)
        y = list(range(len(g)))[::-1]
        row_labels = []  # (text, the vertical marks of its row that it must not cross)
        for yi, r in zip(y, g.itertuples()):
            marks = [100.0] + ([100 * r.elapsed_share] if group == "multi_year" and pd.notna(r.ratio) else [])
            if pd.isna(r.ratio):
                text = (_("無{result}").format(result=result_label) if r.assessment == "no result" else
                        _("單位不同 ({goal} / {result})").format(goal=_name(r.unit_zh), result=_name(r.result_unit_zh)))
                row_labels.append((ax.text(xmax * 0.01, yi, text, va="center", fontsize=7, color=PALETTE[3]), marks))
                continue
            color = ASSESSMENT_COLORS[r.assessment]
            hatch = "//" if r.value_inferred else None
            ax.barh(yi, 100 * r.ratio, color="white" if hatch else color, edgecolor=color, hatch=hatch)
            row_labels.append((ax.text(100 * r.ratio + xmax * 0.01, yi, _pct_label(100 * r.ratio), va="center",
                                       fontsize=6.5), marks))
            if group == "multi_year":
                ax.plot([100 * r.elapsed_share] * 2, [yi - 0.42, yi + 0.42], color="black", lw=1.2)
        ax.axvline(100, color="black", ls="--", lw=0.9)
        label_rows.append((ax, row_labels))
        not_started = _("[期程未開始]") + " "
        labels = [f"{'' if r.period_started else not_started}{r.measure_id}-{r.goal_no} "
                  f"{_first_lines(_name(r.indicator_zh), 16)}"
                  f"{'' if group == 'yearly' else f' ({_(GOAL_BASIS_LABELS[r.goal_basis])})'}" for r in g.itertuples()]
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_ylim(-0.7, len(g) - 0.3)
        ax.set_title(_(GOAL_GROUP_LABELS[group]), fontsize=10, loc="left")
        ax.set_xlim(0, xmax)
    axes[-1].set_xlabel(_("{result} / 目標 (%)，依附件數字計算").format(result=result_label))
    handles = [Patch(color=ASSESSMENT_COLORS[keys[0]], label=_(label)) for keys, label in ASSESSMENT_LEGEND]
    handles += [Patch(facecolor="white", edgecolor="#555555", hatch="//", label=_("成果非附件數字 (本分析推定)")),
                plt.Line2D([], [], color="black", lw=1.2, label=_("線性進度 (期程已過比例)")),
                plt.Line2D([], [], color="black", ls="--", lw=0.9, label=_("100% 目標"))]
    fig.tight_layout()
    for ax, row_labels in label_rows:
        _clear_of_marks(ax, row_labels)
    fig.legend(handles=handles, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 1.0), fontsize=8, frameon=False)
    source_note(fig, source)
    return fig


def _clear_of_marks(ax, row_labels, pad_px: float = 3.0) -> None:
    """Move each row's label to the right of any vertical mark of its row (the 100% line, the linear
    pace) that it would cross, measured with the canvas's renderer once the figure is laid out; then
    widen the axis if a label now ends beyond the frame."""
    renderer = ax.figure.canvas.get_renderer()
    to_data = ax.transData.inverted()
    for text, marks in row_labels:
        for _round in range(len(marks)):
            box = text.get_window_extent(renderer)
            x0, x1 = to_data.transform([(box.x0, 0), (box.x1, 0)])[:, 0]
            crossed = [m for m in marks if x0 - 1e-9 <= m <= x1]
            if not crossed:
                break
            edge = ax.transData.transform((max(crossed), 0))[0] + pad_px
            text.set_x(to_data.transform((edge, 0))[0])
    fit_texts_in_axes(ax, [t for t, _marks in row_labels])

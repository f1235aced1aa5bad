"""Figures of notebook 05 (budget): Table 5 rebuilt, money by source, per measure, cost per tonne,
and shares of money against shares of reductions.

Convention: see :mod:`mfgghg.plots.status`.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mfgghg.i18n import _, get_lang
from mfgghg.plots.layout import TOLERANCE_PX
from mfgghg.plots.style import (PALETTE, boxes_overlap, distinct_labels, figure_style, fit_texts_in_axes,
                                 label_log_ticks_plainly,
                                 legend_above_if_covering, omit_unseen_minor_ticks, placeholder_figure,
                                 raise_above_legend, source_line, thin_out_labels,
                                 source_note, turn_crowded_labels, turn_crowded_values, value_label, wrap_label)
from matplotlib.collections import LineCollection

from mfgghg.analysis.budget import KIND_ZH, MONEY_UNIT
from mfgghg.analysis.status import KIND_LABELS
from mfgghg.data.paths import roc_year
from mfgghg.data.units import from_base



HATCH_DERIVED = "//"


HATCH_PRIVATE = ".."


# The caption of each figure (Chinese; the caller translates it with mfgghg.i18n._ and fills in
# ``roc``, the ROC year, where the template names it).
CAPTIONS = {
    "plot_table5": "表5各面向實際經費（公布值）與附件逐項加總（公部門經費與民間投資）之比較，及執行率。",
    "plot_spending_by_source": "實際經費依經費來源（公務預算、各基金、國營事業預算、民間投資），依面向及部會。",
    "plot_spending_per_measure": "各措施實際經費，公部門經費與民間投資分列；附件未列經費者標示。",
    "plot_cost_per_tonne": ("比值＝{roc}年單一年度經費 ÷ {roc}年該措施所報單一年度減碳量；"
                            "非全期或設備壽命期間之減碳成本，潛力值與實際/預期值分開列示"),
    "plot_shares": "各面向、部會之經費占比與實質＋預期減碳量占比；減碳潛力不計入。",
}


def cost_ratio_caption(year: int) -> str:
    """What the cost-per-tonne ratio is, for the figure, in the current edition (ROC year computed,
    never typed)."""
    return _(CAPTIONS["plot_cost_per_tonne"]).format(roc=roc_year(year), year=year)


def figure_source(year: int, report_parts, note: str | None = None) -> str:
    """A figure's source line (:func:`mfgghg.plots.style.source_line`) followed by a note on how to read
    it (e.g. which marks are derived), both in the current edition."""
    line = source_line(year, report_parts)
    return _("{source}。{note}").format(source=line, note=_(note)) if note else line


def pillar_label(pillar) -> str:
    """'面向1' / 'Pillar 1'; the total row is '總計' / 'Total'."""
    return _("總計") if str(pillar) == "total" else _("面向{pillar}").format(pillar=pillar)


def ministry_label(name: str, short: bool = False) -> str:
    """A ministry in the current edition; ``short`` keeps only the abbreviation an English name
    ends with ('Ministry of Economic Affairs (MOEA)' → 'MOEA'), for labels that also carry a measure."""
    text = _(name)
    m = re.search(r"\(([A-Z]{2,})\)$", text) if short else None
    return m.group(1) if m else text


def _short(name: str, n: int = 16) -> str:
    """A measure name in the current edition, cut to ``n`` characters; an English letter is about half
    as wide as a CJK character and says less, so English names keep three times as many, cut at a word."""
    text = _(name)
    if get_lang() != "en":
        return text if len(text) <= n else text[: n - 1] + "…"
    limit = 3 * n
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@figure_style
def plot_table5(rebuilt: pd.DataFrame, *, year: int):
    """Left: the report year's actual money per pillar, published (solid) against the annex summed
    (hatched: public and private stacked). Right: execution rates, published against recomputed."""
    body = rebuilt[rebuilt["pillar"] != "total"]
    x = np.arange(len(body))
    w = 0.38
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11.2, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    pub = from_base(body["actual_published_twd"], MONEY_UNIT)
    public = from_base(body["actual_public_twd"], MONEY_UNIT)
    private = from_base(body["actual_private_twd"], MONEY_UNIT)
    ax1.bar(x - w / 2, pub, w, color=PALETTE[0], label=_("表5 公布值"))
    ax1.bar(x + w / 2, public, w, color="white", edgecolor=PALETTE[2], hatch=HATCH_DERIVED,
            label=_("附件逐項加總：公部門經費（推算）"))
    ax1.bar(x + w / 2, private, w, bottom=public, color="white", edgecolor=PALETTE[1], hatch=HATCH_PRIVATE,
            label=_("附件逐項加總：民間投資（推算）"))
    written = {ax1: ([], []), ax2: ([], [])}  # each panel's published values and derived ones
    for xi, p, a in zip(x, pub, public + private):  # (a value that is no number: no label)
        for xy, text, kept in (((xi - w / 2, p), value_label(p, ",.0f"), written[ax1][0]),
                               ((xi + w / 2, a), value_label(a, ",.2f"), written[ax1][1])):
            if text:
                kept.append(ax1.annotate(text, xy, ha="center", va="bottom", fontsize=8))
    ax1.set_xticks(x, [pillar_label(p) for p in body["pillar"]])
    ax1.set_ylabel(_("實際經費（{unit}）").format(unit=_(MONEY_UNIT)))
    ax1.set_title(_("實際經費：表5 與附件逐項加總"))
    ax1.legend(fontsize=8, loc="upper left")
    ax1.margins(y=0.3)  # room above the bars for the legend (wider in English)

    x2 = np.arange(len(rebuilt))
    ax2.bar(x2 - w / 2, rebuilt["rate_published_pct"], w, color=PALETTE[0], label=_("表5 公布執行率"))
    ax2.bar(x2 + w / 2, rebuilt["rate_recomputed_pct"], w, color="white", edgecolor=PALETTE[4],
            hatch=HATCH_DERIVED, label=_("附件加總 ÷ 表5 預期經費（推算）"))
    for xi, p, r in zip(x2, rebuilt["rate_published_pct"], rebuilt["rate_recomputed_pct"]):
        # (a rate not printed, or over a plan of 0: no label)
        for xy, text, kept in (((xi - w / 2, p), value_label(p, ".0f"), written[ax2][0]),
                               ((xi + w / 2, r), value_label(r, ".1f"), written[ax2][1])):
            if text:
                kept.append(ax2.annotate(text, xy, ha="center", va="bottom", fontsize=8))
    ax2.set_xticks(x2, [pillar_label(p) for p in rebuilt["pillar"]])
    ax2.set_ylabel(_("執行率 B/A（%）"))
    ax2.set_title(_("執行率：實際經費 ÷ 全期預期經費"))
    ax2.legend(fontsize=8, loc="upper right")
    ax2.margins(y=0.2)
    fig.tight_layout()
    # many pillars: names that would run into each other, and values wider than their bars, stand upright
    if any([turn_crowded_labels(ax, ax.get_xticklabels()) for ax in (ax1, ax2)]):
        fig.tight_layout()
    moved = {}
    for ax in (ax1, ax2):
        turned = turn_crowded_values(ax, slot=w)
        raised = raise_above_legend(ax, ax.texts)
        moved[ax] = turned or raised
    # more pillars still: upright values, a line high, are wider than their bars and run into each other
    # (the rates' panel, a fifth narrower per bar): the panels share the width as their bars are many
    # (a panel whose values and limits did not move is as it was just found: not crowded)
    if any([moved[ax] and turn_crowded_labels(ax, ax.texts, slot=w) for ax in (ax1, ax2)]):
        ax1.get_subplotspec().get_gridspec().set_width_ratios([len(body), len(rebuilt)])
        fig.tight_layout()
        for ax in (ax1, ax2):
            turn_crowded_values(ax, slot=w, refit=True)
            raise_above_legend(ax, ax.texts)
    # more pillars still (fifteen): a pillar's two upright values are wider together than its two bars; where
    # they would overlap, the published value is written and the derived one left to the data file
    # (thin_out_labels keeps the last text it is given and then each that overlaps none kept: the published
    # values first, the last of them given last)
    for published, derived in written.values():
        if published:
            thin_out_labels(published[:-1] + derived + published[-1:])
    # more pillars still (twenty): an upright value is wider than its bar and runs into the hatching of the
    # taller bar beside it; it is written on top of that bar instead, and the panel makes room for it
    for ax, (published, derived) in written.items():
        if _lift_off_hatching(ax, published + derived):
            thin_out_labels(published[:-1] + derived + published[-1:])
            fit_texts_in_axes(ax)
            raise_above_legend(ax, ax.texts)
    fig.suptitle(_("{roc}年行動方案經費：表5公布值與附件逐項加總").format(roc=roc_year(year), year=year), y=1.02)
    source_note(fig, figure_source(year, ["表5", "附件（實際經費）"], "實心＝公布值；斜線／點狀＝由附件推算。"))
    return fig


def _lift_off_hatching(ax, values) -> bool:
    """Raise each of ``values`` (annotations written at the top of a bar, in data coordinates) whose text
    meets a hatched bar of ``ax`` to the top of the tallest bar it meets, as the layout check sees the
    hatching (:mod:`mfgghg.plots.layout`). Returns whether any moved. Call it once the figure is laid out."""
    renderer = ax.figure.canvas.get_renderer()
    # (the bars stay where they are: each measured once, not once for each value)
    hatched = [(bar.get_window_extent(renderer), bar.get_y() + bar.get_height())
               for bar in ax.patches if bar.get_visible() and bar.get_hatch()]
    moved = False
    for value in values:
        if not value.get_visible():
            continue
        box = value.get_window_extent(renderer)
        tops = [top for extent, top in hatched if boxes_overlap(box, extent, TOLERANCE_PX)]
        x, y = value.xy
        if tops and max(tops) > y:
            value.xy = (x, max(tops))
            value.set_position((x, max(tops)))
            moved = True
    return moved


@figure_style
def plot_spending_by_source(by_pillar: pd.DataFrame, by_ministry: pd.DataFrame, sources: list[str],
                            private_sources: set[str], *, year: int):
    """Stacked horizontal bars of the year's money by source, per pillar and per ministry (億元)."""
    rows = [max(1, len(by_pillar) - 1), max(1, len(by_ministry) - 1)]
    # taller with many pillars and ministries: a bar and its total a line of text high at least
    fig, axes = plt.subplots(2, 1, figsize=(11, max(6.5, 0.3 * sum(rows) + 2.8)), gridspec_kw={"height_ratios": rows})
    panels = ((axes[0], by_pillar, "pillar", "依面向"), (axes[1], by_ministry, "ministry_zh", "依部會（主辦機關所屬）"))
    for ax, table, by, title in panels:
        t = table[table[by] != "total"].iloc[::-1]
        # a bar per row, at its own place (at its label's, two ministries of one English name were one bar)
        places = np.arange(len(t))
        labels = distinct_labels(t[by], pillar_label if by == "pillar" else ministry_label)
        left = np.zeros(len(t))
        public_colours = iter(PALETTE[:6] * 2)  # the two last PALETTE colours (yellow, black) stay unused
        for s in sources:
            v = from_base(t[f"{s}_twd"].to_numpy(), "億元")
            if s in private_sources:
                ax.barh(places, v, left=left, color="white", edgecolor="#333333", hatch=HATCH_PRIVATE,
                        label=_("{source}（民間）").format(source=_(s)))
            else:
                ax.barh(places, v, left=left, color=next(public_colours), edgecolor="white", label=_(s))
            left += v
        ax.set_yticks(places, labels)
        for y, total in enumerate(left):
            if text := value_label(total, ".2f"):  # (a sum with a missing amount: no label)
                ax.annotate(text, (total, y), xytext=(3, 0), textcoords="offset points",
                            va="center", fontsize=8)
        ax.set_xlabel(_("實際經費（{unit}）").format(unit=_("億元")))
        ax.set_title(_(title), loc="left", fontsize=11)
        ax.margins(x=0.08)
    axes[0].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(_("實際經費來源（附件逐項加總）"))
    fig.tight_layout()
    for ax in axes:
        fit_texts_in_axes(ax)
    source_note(fig, figure_source(year, ["附件（實際經費，依經費來源）"],
                                   "各值由附件逐項加總（推算）；點狀＝民間投資。"))
    return fig


@figure_style
def plot_spending_per_measure(per_measure: pd.DataFrame, *, year: int):
    """One bar per measure (public solid, private hatched), in the table's order, grouped by pillar."""
    title = _("各措施實際經費（依面向、部會排序）")
    if per_measure.empty:  # (a year whose annex lists no measure)
        fig = placeholder_figure(title, _("附件未列措施"))
        source_note(fig, figure_source(year, ["附件（實際經費）"]))
        return fig
    pm = per_measure.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(11, 0.3 * len(pm) + 1.5))
    y = np.arange(len(pm))
    public = from_base(pm["public_twd"].fillna(0.0), MONEY_UNIT)
    private = from_base(pm["private_twd"].fillna(0.0), MONEY_UNIT)
    ax.barh(y, public, color=PALETTE[0], label=_("公部門經費（公務預算、基金、國營事業預算）"))
    ax.barh(y, private, left=public, color="white", edgecolor=PALETTE[1], hatch=HATCH_PRIVATE, label=_("民間投資"))
    for yi, row, tot in zip(y, pm.itertuples(), public + private):
        text = f"{tot:,.0f}" if row.funding_printed else _("未列經費（-）")
        ax.annotate(text, (tot, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    label = _("{measure} {name}（{ministry}）")
    ax.set_yticks(y, [label.format(measure=m, name=_short(n), ministry=ministry_label(mi, short=True))
                      for m, n, mi in zip(pm["measure_id"], pm["name_zh"], pm["ministry_zh"])], fontsize=8)
    # A line between pillars so the grouping is visible.
    changes = [i for i in range(1, len(pm)) if pm.at[i, "pillar"] != pm.at[i - 1, "pillar"]]
    for i in changes:
        ax.axhline(i - 0.5, color="#555555", lw=0.8)
    ax.set_xlabel(_("實際經費（{unit}）").format(unit=_(MONEY_UNIT)))
    ax.set_ylim(-0.6, len(pm) - 0.4)
    ax.margins(x=0.1)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title)
    fig.tight_layout()
    legend_above_if_covering(ax, ax.texts + ax.lines)  # (few measures: the lines between pillars run under it)
    source_note(fig, figure_source(year, ["附件（實際經費）"]))
    return fig


@figure_style
def plot_cost_per_tonne(cost: pd.DataFrame, n_without: int, *, year: int):
    """NT$ per t CO2e per measure on a log axis: public money (filled) and all money (hollow),
    actual/expected in the upper panel, potentials apart in a grey lower panel."""
    caption = cost_ratio_caption(year)
    groups = [g for g in ("actual_expected", "potential") if (cost["kind_group"] == g).any()]
    if not groups:  # (a year whose annex prints no measure with both money and a reduction)
        fig = placeholder_figure(_("每公噸減碳之經費（推算）"), _("附件無同時列出經費與減碳量之措施"))
        if n_without:
            fig.text(0.01, 0.02, _("另有 {n} 項措施未報減碳量，未列入本圖（見表）。").format(n=n_without),
                     ha="left", va="bottom", fontsize=8, color="#555555")
        source_note(fig, figure_source(year, ["附件（實際經費、減碳量）"], "比值由附件推算。"))
        return fig
    heights = [max(1, int((cost["kind_group"] == g).sum())) for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(11, 0.38 * sum(heights) + 2.6), sharex=True,
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    kind_colour = {"actual": PALETTE[0], "expected": PALETTE[1], "potential": "#777777"}
    for ax, g in zip(axes[:, 0], groups):
        c = cost[cost["kind_group"] == g].iloc[::-1].reset_index(drop=True)
        y = np.arange(len(c))
        colours = [kind_colour[k] for k in c["reduction_kind"]]
        public, everything = c["twd_per_t_public"].to_numpy(), c["twd_per_t_all"].to_numpy()
        # One artist for each kind of mark, all rows in it (three artists a row cost a third of this
        # figure's drawing time): lines under hollow diamonds under dots, row by row as before.
        # A ratio of 0 (a measure with private money only, or none) has no place on a log axis: no mark
        both, all_, pub = (public > 0) & (everything > 0), everything > 0, public > 0
        ax.add_collection(LineCollection([[(p, yi), (a, yi)] for p, a, yi in zip(public[both], everything[both],
                                                                                   y[both])],
                                         colors=[c for c, b in zip(colours, both) if b], linewidths=1, zorder=1))
        # The hollow diamond is drawn first and larger, so a public-only measure (both ratios
        # equal) shows the dot inside the diamond.
        ax.scatter(everything[all_], y[all_], marker="D", facecolor="white",
                   edgecolors=[c for c, b in zip(colours, all_) if b], zorder=2, s=64)
        ax.scatter(public[pub], y[pub], marker="o", c=[c for c, b in zip(colours, pub) if b], zorder=3, s=18)
        label = _("{measure} {name}［{kind}］")
        ax.set_yticks(y, [label.format(measure=r.measure_id, name=_short(r.name_zh, 14),
                                       kind=_(KIND_ZH[r.reduction_kind])) for r in c.itertuples()], fontsize=8)
        ax.set_ylim(-0.7, len(c) - 0.3)
        ax.set_xscale("log")
        if g == "potential":
            ax.set_facecolor("#f2f2f2")
            ax.set_title(_("減碳潛力（非實際減碳，另列，不與上方比較）"), loc="left", fontsize=10)
        else:
            ax.set_title(_("實質／預期減碳（依全部經費之每公噸成本排序）"), loc="left", fontsize=10)
    handles = [
        plt.Line2D([], [], marker="o", ls="", color="#333333", label=_("公部門經費 ÷ 減碳量")),
        plt.Line2D([], [], marker="D", ls="", markerfacecolor="white", markeredgecolor="#333333",
                   label=_("全部經費（含民間投資）÷ 減碳量")),
    ] + [plt.Line2D([], [], marker="s", ls="", color=kind_colour[k], label=_(KIND_LABELS[k]))
         for k in kind_colour if (cost["reduction_kind"] == k).any()]
    # Rows are ranked cheapest first from the top, so the upper right is empty when there are enough
    # rows; with few rows the legend would cover points and goes beside the plot instead.
    if heights[0] >= 2 * len(handles):
        axes[0, 0].legend(handles=handles, fontsize=8, loc="upper right")
    else:
        axes[0, 0].legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[-1, 0].set_xlabel(_("元／公噸CO2e（對數尺度）"))
    label_log_ticks_plainly(axes[-1, 0].xaxis)
    omit_unseen_minor_ticks(axes[-1, 0].xaxis)  # (the panels share it)
    height = fig.get_figheight()
    # Layout first, then title and caption in margins given in inches (tight_layout would reserve
    # room for the suptitle a second time), so they sit just above the plot for any number of measures.
    fig.tight_layout(rect=(0, 0.3 / height, 1, 1 - 0.75 / height))
    # (costs over many decades: the plain numbers of neighbouring ticks run into each other; upright)
    if turn_crowded_labels(axes[-1, 0], axes[-1, 0].get_xticklabels(which="both")):
        fig.tight_layout(rect=(0, 0.3 / height, 1, 1 - 0.75 / height))
    fig.suptitle(_("每公噸減碳之經費（推算）"), y=1 - 0.1 / height, va="top")
    fig.text(0.5, 1 - 0.45 / height, caption, ha="center", va="top", fontsize=8.5, color="#333333")
    if n_without:
        fig.text(0.01, 0.05 / height, _("另有 {n} 項措施未報減碳量，未列入本圖（見表）。").format(n=n_without),
                 ha="left", va="bottom", fontsize=8, color="#555555")
    source_note(fig, figure_source(year, ["附件（實際經費、減碳量）"], "比值由附件推算。"))
    return fig


@figure_style
def plot_shares(by_pillar: pd.DataFrame, by_ministry: pd.DataFrame, *, year: int):
    """Each group's share of money (all, public) beside its share of actual + expected reductions."""
    suptitle = _("經費占比與減碳量占比（附件逐項加總；減碳潛力不計）")
    source = figure_source(year, ["附件（實際經費、減碳量）"], "占比由附件推算；減碳潛力不計入。")
    if by_pillar.empty and by_ministry.empty:  # (a year whose annex lists no measure)
        fig = placeholder_figure(suptitle, _("附件未列措施之經費與減碳量"))
        source_note(fig, source)
        return fig
    groupings = ((by_pillar, "pillar", "依面向"), (by_ministry, "ministry_zh", "依部會（主辦機關所屬）"))
    shown = [g for g in groupings if not g[0].empty]  # (one grouping without rows: its panel is not drawn)
    if len(shown) == 2:
        fig, axes = plt.subplots(1, 2, figsize=(12, 4.6),
                                 gridspec_kw={"width_ratios": [len(by_pillar), len(by_ministry)]})
    else:
        fig, ax = plt.subplots(figsize=(8, 4.6))
        axes = [ax]
    series = (("money_share_pct", _("全部經費占比"), PALETTE[0], None),
              ("public_money_share_pct", _("公部門經費占比"), PALETTE[5], None),
              ("reduction_share_pct", _("實質＋預期減碳量占比"), PALETTE[2], HATCH_DERIVED))
    w = 0.27
    panels = [(ax, *grouping) for ax, grouping in zip(axes, shown)]
    for ax, table, by, title in panels:
        x = np.arange(len(table))
        for i, (col, label, colour, hatch) in enumerate(series):
            # a share that cannot be computed (of a total of 0) has no bar and no label, not one of 0
            v = table[col].to_numpy(dtype=float)
            ax.bar(x + (i - 1) * w, v, w, color="white" if hatch else colour, edgecolor=colour, hatch=hatch,
                   label=label)
            for xi, vi in zip(x, v):
                if text := value_label(vi, ".1f"):
                    ax.annotate(text, (xi + (i - 1) * w, vi), ha="center", va="bottom", fontsize=7)
        # Long (English) ministry names wrap so neighbouring ticks do not run into each other.
        names = distinct_labels(table[by], pillar_label if by == "pillar" else ministry_label)
        ax.set_xticks(x, [name if by == "pillar" else wrap_label(name, 8) for name in names])
        ax.set_ylabel(_("占全部之比例（%）"))
        ax.set_title(_(title), loc="left", fontsize=11)
        ax.set_ylim(0, 105)
    for _table, _by, title in (g for g in groupings if g[0].empty):  # (the other panel says it has nothing)
        axes[0].set_title(_("{panel}：{message}").format(panel=_(title), message=_("附件未列措施之經費與減碳量")),
                          loc="right", fontsize=9, color="#555555")
    axes[0].legend(fontsize=8, loc="upper right")
    fig.suptitle(suptitle)
    fig.tight_layout()
    # many groups: names that would run into each other, and values wider than their bars, stand upright
    names_turned = any([turn_crowded_labels(ax, ax.get_xticklabels()) for ax in axes])
    if names_turned:
        for ax, (_ax, table, by, _title) in zip(axes, panels):  # (upright, a name has room for longer lines)
            if by != "pillar" and ax.get_xticklabels()[0].get_rotation() == 90:
                ax.set_xticks(np.arange(len(table)), [wrap_label(name, 16) for name in
                                                      distinct_labels(table[by], ministry_label)], rotation=90)
        fig.tight_layout()
    for ax in axes:
        # (upright names leave the bars less height: a value near 100% would cross the frame at 105)
        turn_crowded_values(ax, slot=w, refit=names_turned)
        raise_above_legend(ax, ax.texts)
    # (a narrow pillars' panel beside many ministries: the legend would cover its axis)
    legend_above_if_covering(axes[0], axes[0].texts + axes[0].get_yticklabels(), ncol=3)
    source_note(fig, source)
    return fig

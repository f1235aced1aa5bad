"""Table 6: yearly emissions against their targets, the first-period budget, and the changes the text states.

Sign convention: a *margin* is target minus emissions, so a positive margin is room left under
the target and a negative one is an overshoot. Values are in the base unit of the processed
tables (``_mt_co2e``); percentages are of the target.

Three kinds of number appear side by side and are kept apart in tables (column ``origin``) and
figures: ``report`` (printed in the report), ``derived`` (computed here from report values) and
``external`` (from ``data/external/facts.csv``, with its source).
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from mfgghg.data.package import load_descriptor, read_resource
from mfgghg.errors import DataError
from mfgghg.data.external import EXTERNAL, external_dir, read_external_facts  # noqa: F401 - part of this module's API
from mfgghg.plots.style import PALETTE, figure_style
from mfgghg.i18n import _
from mfgghg.data.paths import normalize_year
from mfgghg.checks.reconcile import CHECK_COLUMNS, with_agreement, AGREES, check_notes_known, check_row, join_notes
from mfgghg.data.units import from_base, printed_decimals, unit

MT = "百萬公噸CO2e"  # the unit Table 6 and the text print emissions in
TABLE6 = "published_table6_emissions"
NOTES_FILE = "emissions_notes.csv"
NOTE_PREFIXES = ("emissions", "intensity")  # check-id namespaces of notebooks 03 and 04
NO_SERIES = "no series in the report"
REPORT, DERIVED = "report", "derived"

# What the text's stated 2016-2020 changes are changes of (the 摘要 三 / 貳 二(一) paragraph).
DRIVER_LABELS = {
    "gdp": "GDP",
    "fuel_oil": "燃料油消費量",
    "coal": "煤炭消費量",
    "electricity": "電力消費量",
    "emissions": "溫室氣體排放量",
}
# <driver>_change[_pct]_<from>_<to>  (a period)  or  <driver>_change[_pct]_<to>_vs_<from>  (against a base year)
_PERIOD_KEY = re.compile(r"^(?P<driver>[a-z_]+?)_change(?P<pct>_pct)?_(?P<start>\d{4})_(?P<end>\d{4})$")
_VS_KEY = re.compile(r"^(?P<driver>[a-z_]+?)_change(?P<pct>_pct)?_(?P<end>\d{4})_vs_(?P<start>\d{4})$")


# ---------------------------------------------------------------------------------------------
# External facts


def fact(facts: pd.DataFrame, key: str) -> pd.Series:
    """One external fact by key; a DataError naming the file if it is not there."""
    found = facts[facts["key"] == key]
    if found.empty:
        raise DataError("data/external/facts.csv", f"no external fact {key!r} (add it with its source)", column="key")
    return found.iloc[0]


def section_parts(sections) -> list[str]:
    """Report sections as single parts for :func:`mfgghg.plots.style.source_line`: the processed tables
    list several sections of one figure as ``"摘要 三; 貳 二(一)"``; each part once, in order."""
    parts = [p.strip() for s in sections for p in str(s).split(";") if p.strip()]
    return list(dict.fromkeys(parts))


def source_label(row, translate: bool = False) -> str:
    """'Title, date' of an external fact. In tables the title stays as recorded; in figures
    (``translate=True``) it is in the current edition."""
    date = row.get("source_date")
    title = _(row["source_title"]) if translate else str(row["source_title"])
    return f"{title}, {date}" if isinstance(date, str) and date else title


def external_vs_report(facts: pd.DataFrame, headlines: pd.DataFrame, prefix: str, keys=None) -> pd.DataFrame:
    """External facts that the report also prints: the report's figure beside the outside source's.

    ``published`` is the report's value, ``recomputed`` the external one (same unit)."""
    h = headlines.set_index("key")
    rows = []
    for _i, f in facts.iterrows():
        if f["key"] not in h.index or (keys is not None and f["key"] not in keys):
            continue
        r = h.loc[f["key"]]
        recomputed = from_base(f["value_base"], r["unit_zh"])
        rows.append(check_row(f"{prefix}.external.{f['key']}", f"{r['section_zh']} vs external",
                              f"report's {f['key']} against {source_label(f)} (external)",
                              r["value_printed"], recomputed, r["unit_zh"]))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def external_checks(facts: pd.DataFrame, headlines: pd.DataFrame) -> pd.DataFrame:
    """Notebook 03's cross-checks: external emission figures the report also prints (intensity is 04's)."""
    keys = [k for k in facts["key"] if not k.startswith("intensity")]
    return external_vs_report(facts, headlines, "emissions", keys)




# ---------------------------------------------------------------------------------------------
# Table 6


def table6_printed(raw_dir) -> pd.DataFrame:
    """Table 6 as printed (text cells), with the Gregorian year: the decimals the report used."""
    raw_dir = Path(raw_dir)
    resource = next((r for r in load_descriptor(raw_dir)["resources"] if r["name"] == TABLE6), None)
    if resource is None:
        raise DataError(raw_dir / "datapackage.json", f"no resource {TABLE6!r} (Table 6)")
    table = read_resource(raw_dir, resource)
    text = table.text.copy()
    text.insert(0, "year", table.data["roc_year"].map(normalize_year).astype(int))
    return text.sort_values("year").reset_index(drop=True)


def margins(emissions: pd.DataFrame) -> pd.DataFrame:
    """Table 6 with margins: per year and cumulated, in Mt and % of the target, and the budget left.

    ``over_target`` is found from the values (emissions above that year's target), never named by
    hand; ``budget_left_mt_co2e`` is the period's cumulative target minus what was emitted so far."""
    e = emissions.sort_values("year").reset_index(drop=True)
    out = pd.DataFrame({"year": e["year"].astype(int)})
    out["target_mt_co2e"] = e["target_mt_co2e"]
    out["actual_mt_co2e"] = e["actual_mt_co2e"]
    out["margin_mt_co2e"] = (e["target_mt_co2e"] - e["actual_mt_co2e"]).round(6)  # drop float noise (0.1 printed)
    out["margin_pct"] = 100 * out["margin_mt_co2e"] / e["target_mt_co2e"]
    out["over_target"] = e["actual_mt_co2e"] > e["target_mt_co2e"]
    out["cumulative_target_mt_co2e"] = e["cumulative_target_mt_co2e"]
    out["cumulative_actual_mt_co2e"] = e["cumulative_actual_mt_co2e"]
    out["cumulative_margin_mt_co2e"] = (e["cumulative_target_mt_co2e"] - e["cumulative_actual_mt_co2e"]).round(6)
    out["cumulative_margin_pct"] = 100 * out["cumulative_margin_mt_co2e"] / e["cumulative_target_mt_co2e"]
    period_budget = e["cumulative_target_mt_co2e"].iloc[-1]
    out["budget_left_mt_co2e"] = (period_budget - e["cumulative_actual_mt_co2e"]).round(6)
    return out


def over_target_years(table: pd.DataFrame) -> list[int]:
    """Years whose emissions were above that year's target."""
    return [int(y) for y in table.loc[table["over_target"], "year"]]


def reconcile_margins(table: pd.DataFrame, printed: pd.DataFrame) -> pd.DataFrame:
    """Cumulative margin from Table 6's printed cumulative columns against the running sum of
    the annual margins: do the two halves of the table tell the same story?"""
    decimals = max(printed_decimals(s) for col in printed.columns if col != "year" for s in printed[col]
                   if str(s) and col.endswith("t_co2e"))
    running = table["margin_mt_co2e"].cumsum()
    rows = []
    for i, year in enumerate(table["year"]):
        n = i + 1
        rows.append(check_row(
            f"emissions.table6.{year}.cumulative_margin", "表 6",
            f"{year}: cumulative target minus cumulative emissions (printed columns) vs sum of annual margins",
            f"{table['cumulative_margin_mt_co2e'].iloc[i]:.{decimals}f}", running.iloc[i], MT,
            tolerance=0.1 * n))  # each annual margin holds two values rounded to half a unit
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def period_of(table: pd.DataFrame) -> tuple[int, int]:
    return int(table["year"].min()), int(table["year"].max())


def precise_keys(start: int, end: int) -> dict[str, str]:
    """Headline keys of the precisely printed figures → Table 6 column (final row) they round to."""
    return {
        f"target_emissions_{end}": "annual_target_million_t_co2e",
        f"emissions_{end}": "annual_emissions_million_t_co2e",
        f"target_period_{start}_{end}": "cumulative_target_million_t_co2e",
        f"emissions_period_{start}_{end}": "cumulative_emissions_million_t_co2e",
    }


def precise_vs_rounded(headlines: pd.DataFrame, printed: pd.DataFrame) -> pd.DataFrame:
    """The text's precise figures (e.g. 3 decimals in 貳 二) against Table 6's and the text's rounded ones."""
    h = headlines.set_index("key")
    start, end = int(printed["year"].min()), int(printed["year"].max())
    last = printed[printed["year"] == end].iloc[0]
    rows = []
    for key, column in precise_keys(start, end).items():
        if key not in h.index:
            continue
        precise = float(h.at[key, "value_base"])
        factor = unit(h.at[key, "unit_zh"]).factor
        rows.append(check_row(f"emissions.precise.{key}.table6", "表 6",
                              f"{key} ({h.at[key, 'section_zh']}, as printed precisely) vs Table 6, {end}",
                              last[column], precise, MT, factor))
        if f"{key}_rounded" in h.index:
            r = h.loc[f"{key}_rounded"]
            rows.append(check_row(f"emissions.precise.{key}.text", r["section_zh"],
                                  f"{key} (as printed precisely) vs the text's rounded figure",
                                  r["value_printed"], precise, r["unit_zh"], factor))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def first_period_verdicts(table: pd.DataFrame, headlines: pd.DataFrame) -> pd.DataFrame:
    """Was each target met? Final year and whole period at Table 6's and at the precise figures,
    then every year's annual target and the cumulative target to date in every year."""
    h = headlines.set_index("key")
    start, end = period_of(table)
    last = table.iloc[-1]
    keys = precise_keys(start, end)
    k_target, k_emis, k_ptarget, k_pemis = keys
    rows = [
        ("final-year annual target", "表 6", last["target_mt_co2e"], last["actual_mt_co2e"]),
        ("period cumulative target", "表 6", last["cumulative_target_mt_co2e"], last["cumulative_actual_mt_co2e"]),
    ]
    if k_target in h.index and k_emis in h.index:
        rows.insert(1, ("final-year annual target (precise)", f"{h.at[k_target, 'section_zh']}",
                        h.at[k_target, "value_base"], h.at[k_emis, "value_base"]))
    if k_ptarget in h.index and k_pemis in h.index:
        rows.append(("period cumulative target (precise)", f"{h.at[k_ptarget, 'section_zh']}",
                     h.at[k_ptarget, "value_base"], h.at[k_pemis, "value_base"]))
    out = pd.DataFrame(rows, columns=["criterion", "source", "target_mt_co2e", "actual_mt_co2e"])
    out.insert(1, "year", end)
    out["margin_mt_co2e"] = (out["target_mt_co2e"] - out["actual_mt_co2e"]).round(6)
    out["margin_pct"] = 100 * out["margin_mt_co2e"] / out["target_mt_co2e"]
    out["met"] = out["margin_mt_co2e"] >= 0
    every = pd.DataFrame([
        {"criterion": "every year's annual target", "year": f"{start}-{end}", "source": "表 6",
         "years_over": len(over_target_years(table)), "met": not table["over_target"].any()},
        {"criterion": "cumulative target to date, every year", "year": f"{start}-{end}", "source": "表 6",
         "years_over": int((table["cumulative_margin_mt_co2e"] < 0).sum()),
         "met": bool((table["cumulative_margin_mt_co2e"] >= 0).all())},
    ])
    result = pd.concat([out, every], ignore_index=True)
    result["years_over"] = result["years_over"].astype("Int64")
    return result


# ---------------------------------------------------------------------------------------------
# The changes the text states (GDP, fuel oil, coal, electricity, emissions)


def stated_changes(headlines: pd.DataFrame) -> pd.DataFrame:
    """The text's stated changes of the drivers, one row each, with the years they span.

    Only keys of the form ``<driver>_change[_pct]_<from>_<to>`` or ``..._<to>_vs_<from>`` whose
    driver is one of :data:`DRIVER_LABELS` (intensity is notebook 04's)."""
    rows = []
    for _i, r in headlines.iterrows():
        m = _PERIOD_KEY.match(r["key"]) or _VS_KEY.match(r["key"])
        if not m or m["driver"] not in DRIVER_LABELS:
            continue
        rows.append({
            "key": r["key"], "driver": m["driver"], "label_zh": DRIVER_LABELS[m["driver"]],
            "from_year": int(m["start"]), "to_year": int(m["end"]), "unit_zh": r["unit_zh"],
            "value_printed": r["value_printed"], "stated": float(r["value_base"]) / unit(r["unit_zh"]).factor,
            "value_base": float(r["value_base"]), "section_zh": r["section_zh"], "origin": REPORT,
        })
    cols = ["key", "driver", "label_zh", "from_year", "to_year", "unit_zh", "value_printed", "stated",
            "value_base", "section_zh", "origin"]
    return pd.DataFrame(rows, columns=cols)


def _change(start_value: float, end_value: float, unit_zh: str) -> float:
    """A change in the stated unit: percent of the start value, or a difference in base units."""
    if unit(unit_zh).base == "pct":
        return 100 * (end_value / start_value - 1)
    return end_value - start_value


def check_stated_changes(changes: pd.DataFrame, emissions: pd.DataFrame) -> pd.DataFrame:
    """Each stated change against the report's own yearly emissions (Table 6), where it can be.

    Only emissions have a yearly series in the report; GDP, fuel, coal and electricity get the
    verdict ``no series in the report`` rather than an invented comparison."""
    by_year = emissions.set_index("year")["actual_mt_co2e"]
    rows = []
    for _i, c in changes.iterrows():
        check_id = f"emissions.stated_change.{c['key']}"
        desc = f"{c['label_zh']} {c['from_year']}-{c['to_year']}"
        if c["driver"] == "emissions" and c["from_year"] in by_year.index and c["to_year"] in by_year.index:
            recomputed = _change(by_year[c["from_year"]], by_year[c["to_year"]], c["unit_zh"])
            rows.append(check_row(check_id, c["section_zh"], f"{desc}: stated vs Table 6 emissions",
                                  c["value_printed"], recomputed, c["unit_zh"], unit(c["unit_zh"]).factor))
        else:
            rows.append({"check_id": check_id, "source": c["section_zh"],
                         "description": f"{desc}: stated; the report prints no yearly series to check it against",
                         "unit": c["unit_zh"], "published": c["stated"], "recomputed": float("nan"),
                         "difference": float("nan"), "verdict": NO_SERIES})
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def readings_of_stated_change(changes: pd.DataFrame, emissions: pd.DataFrame) -> pd.DataFrame:
    """Which pair of Table 6 cells reproduces the stated emissions change?

    For the stated span, every combination of start (target or emissions) and end (target or
    emissions) in the stated unit, with the verdict at the printed precision. Helps explain a
    stated change that the emissions columns alone do not give."""
    e = emissions.set_index("year")
    cells = {"emissions": "actual_mt_co2e", "target": "target_mt_co2e"}
    rows = []
    for _i, c in changes[changes["driver"] == "emissions"].iterrows():
        if c["from_year"] not in e.index or c["to_year"] not in e.index:
            continue
        for start_kind, start_col in cells.items():
            for end_kind, end_col in cells.items():
                a, b = e.at[c["from_year"], start_col], e.at[c["to_year"], end_col]
                r = check_row(c["key"], "表 6", "", c["value_printed"], _change(a, b, c["unit_zh"]),
                              c["unit_zh"], unit(c["unit_zh"]).factor)
                rows.append({"key": c["key"], "unit": c["unit_zh"],
                             "reading": f"{c['from_year']} {start_kind} -> {c['to_year']} {end_kind}",
                             "start_mt_co2e": a, "end_mt_co2e": b, "stated": r["published"],
                             "from_table6": r["recomputed"], "verdict": r["verdict"]})
    return pd.DataFrame(rows, columns=["key", "unit", "reading", "start_mt_co2e", "end_mt_co2e", "stated",
                                       "from_table6", "verdict"])


# ---------------------------------------------------------------------------------------------
# Notes


def attach_notes(checks: pd.DataFrame, notes: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Explanations from ``emissions_notes.csv`` joined by check_id.

    Notes of this notebook's namespace (``prefix.``) must name an existing check, and every note in
    the file must belong to one of the namespaces; otherwise a DataError."""
    out = checks.copy()
    mine = notes
    if "file" in notes.columns:
        mine = notes[notes["file"] == NOTES_FILE]
    ids = mine["check_id"].astype(str)
    stray = ids[~ids.str.split(".").str[0].isin(NOTE_PREFIXES)]
    if len(stray):
        raise DataError(NOTES_FILE, f"note for {stray.iloc[0]!r}: check ids start with "
                        f"{' or '.join(p + '.' for p in NOTE_PREFIXES)}", column="check_id")
    own = mine[ids.str.startswith(prefix + ".")].drop(columns="file", errors="ignore")
    check_notes_known(own, NOTES_FILE, out["check_id"])
    return join_notes(out, own)


def checks_with_notes(parts, notes: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """A notebook's comparison tables in one, with ``agrees`` and the explanations of its notes."""
    frames = [p for p in parts if len(p)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHECK_COLUMNS)
    table = with_agreement(table)
    return attach_notes(table, notes, prefix)


def mismatches(checks: pd.DataFrame) -> pd.DataFrame:
    """Comparisons whose numbers disagree (not those that cannot be made), both numbers shown."""
    out = checks[~checks["agrees"] & (checks["verdict"] != NO_SERIES)]
    return out[["check_id", "description", "unit", "published", "recomputed", "difference", "verdict",
                "explanation"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Figures

STYLE = {  # how each origin is drawn, the same in every figure of notebooks 03 and 04
    REPORT: {"linestyle": "-", "hatch": None},
    DERIVED: {"linestyle": "--", "hatch": "//"},
    EXTERNAL: {"linestyle": ":", "hatch": "..", "color": "#888888"},
}


@figure_style
def placeholder_figure(title: str, message: str):
    """A figure that says there is nothing to draw (a report year without these figures), so the
    notebook still writes every figure file and the reader sees why it is empty. ``title`` and
    ``message`` are shown as given: callers pass them through ``_``."""
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555555", transform=ax.transAxes)
    return fig


@figure_style
def plot_annual(table: pd.DataFrame, unit_zh: str = MT):
    """Annual target against emissions, years over target marked, margins written on the plot."""
    fig, ax = plt.subplots(figsize=(8, 4.8))
    years = table["year"]
    target = from_base(table["target_mt_co2e"], unit_zh)
    actual = from_base(table["actual_mt_co2e"], unit_zh)
    ax.plot(years, target, marker="s", color=PALETTE[1], linewidth=2, label=_("當年度目標值 (報告)"))
    ax.plot(years, actual, marker="o", color=PALETTE[0], linewidth=2, label=_("排放值 (報告)"))
    over = table["over_target"]
    ax.scatter(years[over], actual[over], s=160, facecolors="none", edgecolors=PALETTE[3], linewidths=2,
               zorder=5, label=_("超過當年度目標 (推算)"))
    for y, t, a, m in zip(years, target, actual, from_base(table["margin_mt_co2e"], unit_zh)):
        ax.plot([y, y], [t, a], linestyle=STYLE[DERIVED]["linestyle"], color="#555555", linewidth=1)
        ax.annotate(f"{m:+.1f}", (y, (t + a) / 2), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=9, color=PALETTE[3] if m < 0 else "#333333",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.plot([], [], linestyle="--", color="#555555", label=_("差距 = 目標 - 排放 (推算)"))
    ax.set_xticks(years)
    ax.set_xlim(years.min() - 0.4, years.max() + 0.6)
    ax.set_xlabel(_("年 (西元)"))
    ax.set_ylabel(f"{_('排放量')} ({_(unit_zh)})")
    ax.set_title(_("當年度目標值與排放值"))
    lo, hi = min(target.min(), actual.min()), max(target.max(), actual.max())
    ax.set_ylim(lo - 0.25 * (hi - lo), hi + 0.2 * (hi - lo))
    ax.legend(loc="lower left", fontsize=9)
    return fig


@figure_style
def plot_cumulative(table: pd.DataFrame, unit_zh: str = MT):
    """Cumulative target against cumulative emissions (top) and the cumulative margin left (bottom):
    at the scale of the totals the margin would be invisible."""
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(8, 6.4), sharex=True, height_ratios=[2.2, 1])
    years = table["year"]
    ct = from_base(table["cumulative_target_mt_co2e"], unit_zh)
    ca = from_base(table["cumulative_actual_mt_co2e"], unit_zh)
    ax.plot(years, ct, marker="s", color=PALETTE[1], linewidth=2, label=_("第一期累計目標值 (報告)"))
    ax.plot(years, ca, marker="o", color=PALETTE[0], linewidth=2, label=_("累計排放值 (報告)"))
    ax.axhline(ct.iloc[-1], color=PALETTE[1], linestyle=":", linewidth=1.2)
    ax.annotate(_("第一期排放總量目標"), (years.iloc[0], ct.iloc[-1]), xytext=(0, 4), textcoords="offset points",
                fontsize=9, color=PALETTE[1])
    ax.set_ylabel(f"{_('累計排放量')}\n({_(unit_zh)})")
    ax.set_title(_("第一期累計目標值與累計排放值"))
    ax.set_ylim(0, ct.max() * 1.12)
    ax.legend(loc="lower right", fontsize=9)
    cm = from_base(table["cumulative_margin_mt_co2e"], unit_zh)
    am = from_base(table["margin_mt_co2e"], unit_zh)
    ax2.bar(years, cm, width=0.5, color="white", edgecolor=PALETTE[2], hatch=STYLE[DERIVED]["hatch"],
            linewidth=1.2, label=_("累計差距 = 累計目標 - 累計排放 (推算)"))
    ax2.plot(years, am, linestyle=STYLE[DERIVED]["linestyle"], marker="x", color="#555555",
             label=_("當年度差距 (推算)"))
    for y, m in zip(years, cm):
        ax2.annotate(f"{m:+.1f}", (y, m), xytext=(0, 3 if m >= 0 else -10), textcoords="offset points",
                     ha="center", fontsize=8)
    ax2.axhline(0, color="#333333", linewidth=0.8)
    lo, hi = min(cm.min(), am.min(), 0), max(cm.max(), am.max())
    ax2.set_ylim(lo - 0.3 * (hi - lo), hi + 0.45 * (hi - lo))
    ax2.set_ylabel(f"{_('差距')}\n({_(unit_zh)})")
    ax2.set_xticks(years)
    ax2.set_xlabel(_("年 (西元)"))
    ax2.legend(loc="upper left", fontsize=8, ncol=2)
    fig.tight_layout()
    return fig


def driver_label(label_zh: str, from_year: int, to_year: int, against_base: bool) -> str:
    """'GDP (2016-2020)', or 'fuel oil (2020 vs 2005)' for a change against a base year, in the
    current edition."""
    if against_base:
        return _("{label} ({year} 較 {base})").format(label=_(label_zh), year=to_year, base=from_year)
    lo, hi = sorted((from_year, to_year))
    return f"{_(label_zh)} ({lo}-{hi})"


DRIVERS_COLUMNS = ["key", "label", "label_zh", "from_year", "to_year", "against_base", "unit", "value", "origin",
                   "source"]


def drivers_figure_data(changes: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """The stated changes beside Table 6's recomputation where there is one (origin report/derived).
    ``label`` is the figure's label in the current edition; ``label_zh`` and the years are what it is built from."""
    rec = checks.set_index("check_id")
    rows = []
    for _i, c in changes.iterrows():
        against_base = bool(_VS_KEY.match(c["key"]))
        common = {"key": c["key"], "label": driver_label(c["label_zh"], c["from_year"], c["to_year"], against_base),
                  "label_zh": c["label_zh"], "from_year": c["from_year"], "to_year": c["to_year"],
                  "against_base": against_base, "unit": c["unit_zh"]}
        rows.append({**common, "value": c["stated"], "origin": REPORT, "source": c["section_zh"]})
        r = rec.loc[f"emissions.stated_change.{c['key']}"]
        if r["verdict"] != NO_SERIES:
            rows.append({**common, "value": r["recomputed"], "origin": DERIVED, "source": "表 6"})
    return pd.DataFrame(rows, columns=DRIVERS_COLUMNS)


@figure_style
def plot_drivers(data: pd.DataFrame):
    """Stated changes (solid) and Table 6's recomputation (hatched): % on the left, Mt on the right."""
    if data.empty:
        return placeholder_figure(_("報告所述之變化"), _("本報告年度未列出排放量、能源消費或 GDP 之變化"))
    units = list(dict.fromkeys(data["unit"]))
    ratios = [3, 1.3][:len(units)] if len(units) <= 2 else None
    fig, axes = plt.subplots(1, len(units), figsize=(10, 4.8), width_ratios=ratios, squeeze=False)
    data = data.assign(label=[driver_label(*r) for r in
                              data[["label_zh", "from_year", "to_year", "against_base"]].itertuples(index=False)])
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
            ax.annotate(f"{r['value']:+.2f}".rstrip("0").rstrip(".") if not derived else f"{r['value']:+.1f}",
                        (r["value"], y), xytext=(4 if r["value"] >= 0 else -4, 0), textcoords="offset points",
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
    return fig


def context_figure_data(table: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Table 6 emissions and targets (report) with the external baseline and later targets."""
    rows = []
    for _i, r in table.iterrows():
        rows.append({"year": r["year"], "series": "emissions", "value_mt_co2e": r["actual_mt_co2e"],
                     "relation": "equal", "origin": REPORT, "source": "表 6"})
        rows.append({"year": r["year"], "series": "target", "value_mt_co2e": r["target_mt_co2e"],
                     "relation": "equal", "origin": REPORT, "source": "表 6"})
    for _i, f in facts[facts["base_unit"] == "mt_co2e"].iterrows():
        series = "emissions" if f["key"].startswith("emissions") else \
            "estimate" if f["key"].startswith("estimate") else "target"
        rows.append({"year": f["year"], "series": series, "value_mt_co2e": f["value_base"], "relation": f["relation"],
                     "origin": EXTERNAL, "source": source_label(f), "source_title": f["source_title"]})
    return pd.DataFrame(rows, columns=["year", "series", "value_mt_co2e", "relation", "origin", "source",
                                       "source_title"])


def external_titles(data: pd.DataFrame) -> list[str]:
    """The titles of the external sources a figure's data draw on (for the source line)."""
    return list(dict.fromkeys(data.loc[data["origin"] == EXTERNAL, "source_title"]))


@figure_style
def plot_context(data: pd.DataFrame, unit_zh: str = MT):
    """The first period in a longer view: external baseline and later targets drawn grey and open."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    rep = data[data["origin"] == REPORT]
    ext = data[data["origin"] == EXTERNAL]
    for series, color, marker, label in (("emissions", PALETTE[0], "o", _("排放值 (報告 表6)")),
                                         ("target", PALETTE[1], "s", _("當年度目標值 (報告 表6)"))):
        d = rep[rep["series"] == series]
        ax.plot(d["year"], from_base(d["value_mt_co2e"], unit_zh), marker=marker, color=color, label=label)
    grey = STYLE[EXTERNAL]["color"]
    markers = {("emissions", "equal"): ("o", "基準年排放量 (外部)"), ("target", "equal"): ("s", "目標值 (外部)"),
               ("target", "below"): ("v", "目標: 低於此值 (外部)"), ("estimate", "about"): ("D", "估計值 (外部)")}
    for (series, relation), d in ext.groupby(["series", "relation"]):
        marker, label = markers.get((series, relation), ("X", None))
        label = _(label) if label else _("{series} (外部)").format(series=series)
        values = from_base(d["value_mt_co2e"], unit_zh)
        ax.scatter(d["year"], values, marker=marker, s=70, facecolors="white", edgecolors=grey, linewidths=1.8,
                   label=label, zorder=4)
        for y, v in zip(d["year"], values):
            ax.annotate(f"{v:g}", (y, v), xytext=(7, 0), textcoords="offset points", va="center", fontsize=8, color="#555555")
    ax.set_xlabel(_("年 (西元)"))
    ax.set_ylabel(f"{_('排放量')} ({_(unit_zh)})")
    ax.set_title(_("第一期排放值與前後期目標 (灰色空心為外部資料)"))
    ax.legend(loc="lower left", fontsize=8, ncol=2)
    return fig

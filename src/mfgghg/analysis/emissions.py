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

import pandas as pd

from mfgghg.errors import DataError
from mfgghg.data.external import EXTERNAL
from mfgghg.i18n import _
from mfgghg.checks.emissions import MT, NO_SERIES, precise_keys, source_label  # noqa: F401 - MT: the plots take it from here
from mfgghg.data.units import unit


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


# ---------------------------------------------------------------------------------------------
# Table 6


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


def period_of(table: pd.DataFrame) -> tuple[int, int]:
    return int(table["year"].min()), int(table["year"].max())


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

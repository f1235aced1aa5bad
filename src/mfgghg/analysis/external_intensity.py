"""The report's carbon-intensity fall (Figure 2) held against outside data.

The report prints the intensity change of 2020 against 2005 (−49%) but no yearly series and not
which output it divides by. Here intensity = emissions / real value added is worked out for the
years where both are at hand: emissions from the report's Table 6 (2016–2020) and, for 2005, from
the external facts (``emissions_baseline_2005``); value added from ETD (release 2021a, to 2018).
Every point whose inputs include an outside value is labelled ``external``. The published average
rate (e-info, ``intensity_average_annual_change_since_2005``) is set beside it as an average, and
the report's −49% as the report's. What may differ between them is data
(``data/external/intensity_comparison_caveats.csv``), shown as it is.

pandas only: no plotting here (see :mod:`mfgghg.plots.external_intensity`).
"""

from __future__ import annotations

import re

import pandas as pd

from mfgghg.errors import DataError

REPORT, DERIVED, EXTERNAL = "report", "derived", "external"
BASELINE_KEY = "emissions_baseline_{year}"
AVERAGE_RATE_PREFIX = "intensity_average_annual_change"
_RESULT_KEY = re.compile(r"^intensity_change_(?P<end>\d{4})_vs_(?P<base>\d{4})$")
_TARGET_KEY = re.compile(r"^intensity_target_change_(?P<end>\d{4})_vs_(?P<base>\d{4})$")

POINT_COLUMNS = ["year", "base_year", "emissions_mt_co2e", "emissions_origin", "emissions_source",
                 "value_added_twd", "value_added_origin", "value_added_source",
                 "intensity_ratio", "change_vs_base_pct", "index", "average_annual_change_pct", "origin", "what"]


def _fact(facts: pd.DataFrame, key: str) -> pd.Series:
    found = facts[facts["key"] == key]
    if found.empty:
        raise DataError("data/external/facts.csv", f"no external fact {key!r} (add it with its source)", column="key")
    return found.iloc[0]


def _source(row) -> str:
    date = row.get("source_date")
    return f"{row['source_title']}, {date}" if isinstance(date, str) and date else str(row["source_title"])


def average_annual_change(ratio: float, years: int) -> float:
    """The constant yearly change (%) that compounds to ``ratio`` over ``years`` years."""
    if years <= 0 or ratio <= 0:
        return float("nan")
    return 100 * (ratio ** (1 / years) - 1)


def base_year(headlines: pd.DataFrame, facts: pd.DataFrame) -> int:
    """The base year to work intensity out against: the one the report states for its intensity change
    (headline keys ``intensity_change_<end>_vs_<base>``, ``intensity_target_change_<end>_vs_<base>``) or,
    where it states none, the year of the external base-year emissions (``emissions_baseline_<year>``).
    Two different base years are refused in one line."""
    keys = headlines["key"].astype(str)
    stated = {int(m["base"]) for m in map(_RESULT_KEY.match, keys) if m}
    stated |= {int(m["base"]) for m in map(_TARGET_KEY.match, keys) if m}
    baseline = re.compile("^" + BASELINE_KEY.format(year=r"(?P<year>\d{4})") + "$")
    held = {int(m["year"]) for m in map(baseline.match, facts["key"].astype(str)) if m}
    years, file = (stated, "published_headlines.csv") if stated else (held, "data/external/facts.csv")
    if len(years) != 1:
        raise DataError(file, f"{'two base years' if years else 'no base year'} for the intensity change"
                              f"{': ' + ', '.join(map(str, sorted(years))) if years else ''}", column="key")
    return years.pop()


def intensity_points(emissions: pd.DataFrame, value_added: pd.DataFrame, facts: pd.DataFrame,
                     base_year: int) -> pd.DataFrame:
    """Intensity against ``base_year`` (:func:`base_year`), for it and every Table 6 year with value added.

    ``emissions``: processed emissions (year, actual_mt_co2e; origin report, 表 6); ``value_added``:
    the processed external series (year, manufacturing_value_added_twd, source_title); ``facts``: the
    external facts with base-unit values (the base year's emissions, key ``emissions_baseline_<base_year>``)."""
    va = value_added.set_index("year")
    if base_year not in va.index:
        raise DataError("data/external/manufacturing_value_added.csv", f"no value added for the base year {base_year}",
                        column="year")
    base_fact = _fact(facts, BASELINE_KEY.format(year=base_year))
    if base_fact["base_unit"] != "mt_co2e":
        raise DataError("data/external/facts.csv", f"{base_fact['key']} is not in Mt CO2e", column="unit")
    e_base, va_base = float(base_fact["value_base"]), float(va.at[base_year, "manufacturing_value_added_twd"])

    def row(year, e, e_origin, e_source, what):
        v = float(va.at[year, "manufacturing_value_added_twd"])
        ratio = (e / v) / (e_base / va_base)
        return {"year": int(year), "base_year": base_year, "emissions_mt_co2e": e, "emissions_origin": e_origin,
                "emissions_source": e_source, "value_added_twd": v,
                "value_added_origin": EXTERNAL, "value_added_source": str(va.at[year, "source_title"]),
                "intensity_ratio": ratio, "change_vs_base_pct": 100 * (ratio - 1), "index": 100 * ratio,
                "average_annual_change_pct": average_annual_change(ratio, int(year) - base_year),
                "origin": EXTERNAL, "what": what}

    rows = [row(base_year, e_base, EXTERNAL, _source(base_fact), "base year (= 100 by definition)")]
    for _i, r in emissions.sort_values("year").iterrows():
        year = int(r["year"])
        if year in va.index and year != base_year:
            rows.append(row(year, float(r["actual_mt_co2e"]), REPORT, "表6",
                            "Table 6 emissions over ETD value added, against the external base year"))
    out = pd.DataFrame(rows, columns=POINT_COLUMNS)
    out.loc[out["year"] == base_year, "average_annual_change_pct"] = float("nan")
    return out


def external_sources(points: pd.DataFrame, value_added: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    """The outside sources the intensity figure draws on, each once, in order: the value-added series'
    and those of the facts it uses (the base year's emissions, the published average rate)."""
    keys = facts["key"].astype(str)
    used = keys.str.startswith(AVERAGE_RATE_PREFIX) | keys.isin(
        [BASELINE_KEY.format(year=y) for y in points["base_year"].unique()])
    return list(dict.fromkeys([*value_added["source_title"], *facts.loc[used, "source_title"]]))


PUBLISHED_COLUMNS = ["kind", "key", "year", "base_year", "change_vs_base_pct", "index", "average_annual_change_pct",
                     "value_printed", "origin", "source"]


def published_readings(headlines: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """The report's intensity result and target (change against the base year; its average yearly
    change derived) and the published average rate (external), one row each."""
    rows = []
    for _i, r in headlines.iterrows():
        for kind, pattern in (("report result", _RESULT_KEY), ("report target", _TARGET_KEY)):
            m = pattern.match(str(r["key"]))
            if m:
                end, base = int(m["end"]), int(m["base"])
                change = float(r["value_base"])
                rows.append({"kind": kind, "key": r["key"], "year": end, "base_year": base,
                             "change_vs_base_pct": change, "index": 100 + change,
                             "average_annual_change_pct": average_annual_change(1 + change / 100, end - base),
                             "value_printed": r["value_printed"], "origin": REPORT, "source": r["section_zh"]})
    for _i, f in facts[facts["key"].str.startswith(AVERAGE_RATE_PREFIX)].iterrows():
        rows.append({"kind": "published average rate", "key": f["key"], "year": int(f["year"]), "base_year": None,
                     "change_vs_base_pct": float("nan"), "index": float("nan"),
                     "average_annual_change_pct": float(f["value_base"]), "value_printed": f["value_printed"],
                     "origin": EXTERNAL, "source": _source(f)})
    out = pd.DataFrame(rows, columns=PUBLISHED_COLUMNS)
    out["base_year"] = out["base_year"].astype("Int64")
    return out


COMPARISON_COLUMNS = ["what", "year", "base_year", "change_vs_base_pct", "average_annual_change_pct", "origin",
                      "source"]


def comparison_table(points: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """The worked-out points beside the report's figures and the published average rate: change
    against the base year and average yearly change, each with its origin and source."""
    rows = []
    for _i, p in points.iloc[1:].iterrows():
        rows.append({"what": "Table 6 emissions / ETD value added", "year": p["year"], "base_year": p["base_year"],
                     "change_vs_base_pct": p["change_vs_base_pct"],
                     "average_annual_change_pct": p["average_annual_change_pct"],
                     "origin": p["origin"], "source": f"{p['emissions_source']}; {p['value_added_source']}; "
                                                      f"base year: external"})
    for _i, r in published.iterrows():
        rows.append({"what": r["kind"], "year": r["year"], "base_year": r["base_year"],
                     "change_vs_base_pct": r["change_vs_base_pct"],
                     "average_annual_change_pct": r["average_annual_change_pct"],
                     "origin": r["origin"], "source": r["source"]})
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    out["base_year"] = out["base_year"].astype("Int64")
    return out


FIGURE_COLUMNS = ["year", "index", "change_vs_base_pct", "series", "origin", "source"]


def figure_data(points: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """The points of the figure (index, base year = 100): the worked-out points (external), the
    report's result and target (report), and the path of the published average rate from the base
    year to its year (external: a constant rate drawn, not a series)."""
    rows = []
    for _i, p in points.iterrows():
        rows.append({"year": p["year"], "index": p["index"], "change_vs_base_pct": p["change_vs_base_pct"],
                     "series": "worked_out", "origin": p["origin"],
                     "source": f"{p['emissions_source']}; {p['value_added_source']}"})
    base_year = int(points["base_year"].iloc[0]) if len(points) else None
    for _i, r in published.iterrows():
        if r["origin"] == REPORT:
            rows.append({"year": r["year"], "index": r["index"], "change_vs_base_pct": r["change_vs_base_pct"],
                         "series": "report_result" if r["kind"] == "report result" else "report_target",
                         "origin": REPORT, "source": r["source"]})
        elif base_year is not None:
            for year in range(base_year, int(r["year"]) + 1):
                ratio = (1 + r["average_annual_change_pct"] / 100) ** (year - base_year)
                rows.append({"year": year, "index": 100 * ratio, "change_vs_base_pct": 100 * (ratio - 1),
                             "series": "published_average_rate", "origin": EXTERNAL, "source": r["source"]})
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)

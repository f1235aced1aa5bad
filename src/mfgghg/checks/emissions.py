"""Checks of emissions (notebooks 01 and 03): Table 6's cumulative columns against its annual ones,
the text's precise and rounded figures against Table 6, the stated changes against Table 6's
emissions, and the figures the report shares with outside sources (external)."""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.verdict import CHECK_COLUMNS, check_row
from mfgghg.data.units import from_base, printed_decimals, unit
from mfgghg.i18n import outside_title

MT = "百萬公噸CO2e"  # the unit Table 6 and the text print emissions in
NO_SERIES = "no series in the report"  # the verdict of a stated change with nothing to check it against


def source_label(row, translate: bool = False) -> str:
    """'Title, date' of an external fact. In tables the title stays as recorded; in figures
    (``translate=True``) it is in the current edition."""
    date = row.get("source_date")
    title = outside_title(row["source_title"]) if translate else str(row["source_title"])
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


def reconcile_emissions(emissions: pd.DataFrame, table6_printed: pd.DataFrame) -> pd.DataFrame:
    """Table 6's cumulative columns (as printed, ``published_table6_printed``, keyed by year) against
    running sums of its annual columns."""
    rows = []
    e = emissions.sort_values("year").reset_index(drop=True)
    cum_target = e["target_mt_co2e"].cumsum()
    cum_actual = e["actual_mt_co2e"].cumsum()
    printed = table6_printed.set_index("year")
    for i, year in enumerate(e["year"]):
        n = i + 1
        t = printed.loc[year]
        rows.append(check_row(f"table6.{year}.cumulative_target", "表 6",
                              f"{year}: cumulative target vs sum of annual targets",
                              t["cumulative_target_million_t_co2e"], cum_target[i], "百萬公噸CO2e", tolerance=0.05 * n))
        rows.append(check_row(f"table6.{year}.cumulative_actual", "表 6",
                              f"{year}: cumulative emissions vs sum of annual emissions",
                              t["cumulative_emissions_million_t_co2e"], cum_actual[i], "百萬公噸CO2e",
                              tolerance=0.05 * n))
    return pd.DataFrame(rows)


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


def change_in_unit(start_value: float, end_value: float, unit_zh: str) -> float:
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
            recomputed = change_in_unit(by_year[c["from_year"]], by_year[c["to_year"]], c["unit_zh"])
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
                r = check_row(c["key"], "表 6", "", c["value_printed"], change_in_unit(a, b, c["unit_zh"]),
                              c["unit_zh"], unit(c["unit_zh"]).factor)
                rows.append({"key": c["key"], "unit": c["unit_zh"],
                             "reading": f"{c['from_year']} {start_kind} -> {c['to_year']} {end_kind}",
                             "start_mt_co2e": a, "end_mt_co2e": b, "stated": r["published"],
                             "from_table6": r["recomputed"], "verdict": r["verdict"]})
    return pd.DataFrame(rows, columns=["key", "unit", "reading", "start_mt_co2e", "end_mt_co2e", "stated",
                                       "from_table6", "verdict"])


def mismatches(checks: pd.DataFrame) -> pd.DataFrame:
    """Comparisons whose numbers disagree (not those that cannot be made), both numbers shown."""
    out = checks[~checks["agrees"] & (checks["verdict"] != NO_SERIES)]
    return out[["check_id", "description", "unit", "published", "recomputed", "difference", "verdict",
                "explanation"]].reset_index(drop=True)

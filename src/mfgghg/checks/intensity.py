"""Checks of carbon intensity (notebook 04): a supplied yearly series against the printed figures,
and the intensity figures the report shares with outside sources (external)."""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.emissions import external_vs_report
from mfgghg.checks.verdict import CHECK_COLUMNS, check_row


def external_checks(facts: pd.DataFrame, headlines: pd.DataFrame) -> pd.DataFrame:
    """Notebook 04's cross-checks: external intensity figures the report also prints."""
    keys = [k for k in facts["key"] if k.startswith("intensity")]
    return external_vs_report(facts, headlines, "intensity", keys)


def check_series(indexed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """A supplied series against the printed figures: its base year must be 100 and its result-year
    change must be the printed one (at the printed precision). Empty without a series."""
    rows = []
    if indexed is None or published.empty:
        return pd.DataFrame(rows, columns=CHECK_COLUMNS)
    by_year = indexed.set_index("year")["index"]
    base = int(published["base_year"].iloc[0])
    if base in by_year.index:
        rows.append(check_row(f"intensity.series.{base}.base", "definition", f"supplied series: {base} index = 100",
                              "100", by_year[base], "index"))
    for _i, r in published[published["kind"] == "result"].iterrows():
        if r["year"] in by_year.index:
            rows.append(check_row(f"intensity.series.{r['year']}.result", r["section_zh"],
                                  f"supplied series: {r['year']} change vs {base} against the printed result",
                                  r["value_printed"], by_year[r["year"]] - 100, "%"))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)

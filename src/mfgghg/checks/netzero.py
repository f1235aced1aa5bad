"""Checks of the net-zero section (notebook 03): the printed number of companies against the names listed."""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.verdict import CHECK_COLUMNS, check_row, with_agreement


def companies_check(headlines: pd.DataFrame, companies: pd.DataFrame | None) -> pd.DataFrame:
    """The printed number of net-zero companies against the names the text lists
    (``headline.net_zero_companies.listed``); empty where the headline is not printed or the year has
    no list of the names (``netzero_companies.csv``)."""
    h = headlines.set_index("key")
    rows = []
    if "net_zero_companies" in h.index and companies is not None:
        rows.append(check_row("headline.net_zero_companies.listed", h.at["net_zero_companies", "section_zh"],
                              "companies responding with net-zero targets vs the names listed",
                              h.at["net_zero_companies", "value_printed"], len(companies),
                              h.at["net_zero_companies", "unit_zh"]))
    return with_agreement(pd.DataFrame(rows, columns=CHECK_COLUMNS))

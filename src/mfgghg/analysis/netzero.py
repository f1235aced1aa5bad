"""The report's Figure 3 (net-zero strategies of the manufacturing sector) rebuilt from its text.

The figure is an image; 貳 二(二) describes three strategies (製程改善, 能源轉換, 循環經濟), each with a
short-term and a long-term direction and their items (``netzero_strategy_directions.csv``). The image
also names 11 strategies which the text does not list: that count (headline
``second_period_aspect_strategies``) is said beside the rebuilt figure, never filled in. The 25
companies with 2050 net-zero targets (``netzero_companies.csv``) and their share of the sector's
emissions are headline data.
"""

from __future__ import annotations

import pandas as pd

HORIZONS = ("short_term", "long_term")
HORIZON_ZH = {"short_term": "短期", "long_term": "長期"}
FIGURE_COLUMNS = ["strategy_no", "strategy_zh", "horizon", "horizon_zh", "row", "column", "item_no", "item_zh",
                  "list_open", "quote_zh"]
FACT_KEYS = ("net_zero_companies", "net_zero_companies_share_of_sector", "second_period_aspect_strategies")


def strategy_figure_data(directions: pd.DataFrame) -> pd.DataFrame:
    """One row per item, placed in the figure's grid: a column per strategy (in the text's order),
    a row per horizon (short term above long term)."""
    d = directions.copy()
    unknown = sorted(set(d["horizon"]) - set(HORIZONS))
    if unknown:
        raise ValueError(f"unknown horizon {unknown[0]!r}; known: {', '.join(HORIZONS)}")
    d["strategy_no"] = d["strategy_no"].astype(int)
    d["item_no"] = d["item_no"].astype(int)
    order = sorted(d["strategy_no"].unique())
    d["column"] = d["strategy_no"].map({s: i for i, s in enumerate(order)})
    d["row"] = d["horizon"].map({h: i for i, h in enumerate(HORIZONS)})
    d["horizon_zh"] = d["horizon"].map(HORIZON_ZH)
    d["list_open"] = d["list_open"].astype(bool)
    return d.sort_values(["column", "row", "item_no"])[FIGURE_COLUMNS].reset_index(drop=True)


def netzero_facts(headlines: pd.DataFrame, companies: pd.DataFrame, directions: pd.DataFrame) -> pd.DataFrame:
    """The figures said beside Figure 3: the headline values (as printed, origin report) and what the
    rebuilt data count (companies listed, items in the text; origin derived)."""
    h = headlines.set_index("key")
    rows = [{"key": k, "value": float(h.at[k, "value_base"]), "value_printed": h.at[k, "value_printed"],
             "unit_zh": h.at[k, "unit_zh"], "origin": "report", "source": h.at[k, "section_zh"]}
            for k in FACT_KEYS if k in h.index]
    rows.append({"key": "net_zero_companies_listed", "value": float(len(companies)),
                 "value_printed": str(len(companies)),
                 "unit_zh": "家企業", "origin": "derived", "source": "netzero_companies.csv"})
    rows.append({"key": "text_direction_items", "value": float(len(directions)), "value_printed": str(len(directions)),
                 "unit_zh": "項", "origin": "derived", "source": "netzero_strategy_directions.csv"})
    return pd.DataFrame(rows, columns=["key", "value", "value_printed", "unit_zh", "origin", "source"])

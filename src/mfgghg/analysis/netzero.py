"""The report's Figure 3 (net-zero strategies of the manufacturing sector) rebuilt from its text.

The figure is an image; 貳 二(二) describes three strategies (製程改善, 能源轉換, 循環經濟), each with a
short-term and a long-term direction and their items (``netzero_strategy_directions.csv``). The image
also names 11 strategies which the text does not list: that count (headline
``second_period_aspect_strategies``) is said beside the rebuilt figure, never filled in. The number
of companies with net-zero targets and their share of the sector's emissions are headline data; the
companies' names and the target year their sentence names (2050 in the 2021 report) come from
``netzero_companies.csv`` (:func:`net_zero_target_years`). The text's directions come to a number
of items that depends on how a direction with a shared word is split (:func:`shared_word_directions`):
both counts are said. The two groups the section names (產業淨零工作小組, 產業碳中和聯盟:
``netzero_groups.csv``) are shown with it.

The three files are optional: a year without one (None) has nothing of it to draw or count, and
what the headlines print is still said.
"""

from __future__ import annotations

import re

import pandas as pd

HORIZONS = ("short_term", "long_term")
HORIZON_ZH = {"short_term": "短期", "long_term": "長期"}
FIGURE_COLUMNS = ["strategy_no", "strategy_zh", "horizon", "horizon_zh", "row", "column", "item_no", "item_zh",
                  "list_open", "quote_zh"]
FACT_KEYS = ("net_zero_companies", "net_zero_companies_share_of_sector", "second_period_aspect_strategies")
# "提出 2050 年淨零目標", "2050淨零": a year of four digits just before 淨零 (年 and PDF spaces between)
TARGET_YEAR = re.compile(r"(\d{4})\s*年?\s*淨零")


def net_zero_target_years(companies: pd.DataFrame | None) -> list[int]:
    """The net-zero target years the companies' quoted sentences name, earliest first; empty without the file
    or where no sentence names one."""
    if companies is None or "quote_zh" not in companies:
        return []
    found = companies["quote_zh"].dropna().astype(str).str.findall(TARGET_YEAR).explode().dropna()
    return sorted({int(y) for y in found})


def strategy_figure_data(directions: pd.DataFrame | None) -> pd.DataFrame:
    """One row per item, placed in the figure's grid: a column per strategy (in the text's order),
    a row per horizon (short term above long term); empty without the file."""
    if directions is None:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
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


def netzero_facts(headlines: pd.DataFrame, companies: pd.DataFrame | None,
                  directions: pd.DataFrame | None) -> pd.DataFrame:
    """The figures said beside Figure 3: the headline values (as printed, origin report) and what the
    rebuilt data count or quote (companies listed, their target year, items in the text; origin derived;
    not counted where the year lacks the file)."""
    h = headlines.set_index("key")
    rows = [{"key": k, "value": float(h.at[k, "value_base"]), "value_printed": h.at[k, "value_printed"],
             "unit_zh": h.at[k, "unit_zh"], "origin": "report", "source": h.at[k, "section_zh"]}
            for k in FACT_KEYS if k in h.index]
    columns = ["key", "value", "value_printed", "unit_zh", "origin", "source", "joined_zh"]
    if companies is not None:
        rows.append({"key": "net_zero_companies_listed", "value": float(len(companies)),
                     "value_printed": str(len(companies)),
                     "unit_zh": "家企業", "origin": "derived", "source": "netzero_companies.csv"})
        years = net_zero_target_years(companies)
        if years:  # (several years: all are said, the first as the value)
            rows.append({"key": "net_zero_target_year", "value": float(years[0]),
                         "value_printed": "、".join(map(str, years)), "unit_zh": "年", "origin": "derived",
                         "source": "netzero_companies.csv"})
    if directions is None:
        return pd.DataFrame(rows, columns=columns)
    rows.append({"key": "text_direction_items", "value": float(len(directions)), "value_printed": str(len(directions)),
                 "unit_zh": "項", "origin": "derived", "source": "netzero_strategy_directions.csv"})
    joined = shared_word_directions(directions)
    if joined:
        fewer = len(directions) - sum(n - 1 for n in joined.values())
        rows.append({"key": "text_direction_items_if_joined", "value": float(fewer), "value_printed": str(fewer),
                     "unit_zh": "項", "origin": "derived", "source": "netzero_strategy_directions.csv",
                     "joined_zh": "、".join(joined)})
    return pd.DataFrame(rows, columns=columns)


def shared_word_directions(directions: pd.DataFrame) -> dict[str, int]:
    """The printed directions whose split into items is a reading, with their number of items: those in
    which an item is not printed as such, because a word of the direction governs several items
    (擴大使用天然氣及生質燃料 as 擴大使用天然氣 + 擴大使用生質燃料). Counted as one item each, the text
    has fewer items; the report does not say which count its figure's strategies are."""
    out = {}
    for direction, items in directions.groupby("direction_zh", sort=False)["item_zh"]:
        if len(items) > 1 and any(str(item) not in str(direction) for item in items):
            out[str(direction)] = len(items)
    return out


GROUP_ROLES = ("started", "partner", "industry", "members", "strategy")


def netzero_groups_figure_data(groups: pd.DataFrame | None) -> pd.DataFrame:
    """The groups that 貳 二(二) names beside Figure 3 (``netzero_groups.csv``), one row per printed item,
    in the text's order; empty without the file."""
    columns = ["group_no", "group_zh", "role", "item_no", "item_zh", "list_open", "section_zh", "quote_zh"]
    if groups is None or groups.empty:
        return pd.DataFrame(columns=columns)
    unknown = sorted(set(groups["role"]) - set(GROUP_ROLES))
    if unknown:
        raise ValueError(f"unknown role {unknown[0]!r} in netzero_groups; known: {', '.join(GROUP_ROLES)}")
    g = groups.assign(_r=groups["role"].map({r: i for i, r in enumerate(GROUP_ROLES)}))
    return g.sort_values(["group_no", "_r", "item_no"])[columns].reset_index(drop=True)

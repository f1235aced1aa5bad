"""Carbon intensity against its base year (the report's Figure 2) and what the reported fall implies.

The report prints the base year, the intensity target (change against the base year) and the
result, but not the yearly series its figure plots. This module

- turns the printed figures into an index (base year = 100) without adding any yearly point;
- uses a yearly series only when a user supplies one as ``data/raw/<year>/intensity_series.csv``
  (read and validated by the ingest, :mod:`mfgghg.data.supplied`, into the processed table
  ``intensity_series``);
- decomposes the change: intensity = emissions / output, so
  output ratio = emissions ratio / intensity ratio. The base-year emissions are not in the report
  and come from ``data/external/facts.csv`` (labelled external); everything computed is 'derived'.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from mfgghg.analysis.emissions import DERIVED, EXTERNAL, REPORT, fact
from mfgghg.checks.emissions import source_label
from mfgghg.errors import DataError
from mfgghg.data.units import rounding_tolerance

SERIES_FILE = "intensity_series.csv"
SUPPLIED = "supplied"  # origin of a user-supplied series: outside the report, its source named per row

_RESULT_KEY = re.compile(r"^intensity_change_(?P<end>\d{4})_vs_(?P<base>\d{4})$")
_TARGET_KEY = re.compile(r"^intensity_target_change_(?P<end>\d{4})_vs_(?P<base>\d{4})$")


# ---------------------------------------------------------------------------------------------
# What the report prints


def published_intensity(headlines: pd.DataFrame) -> pd.DataFrame:
    """The printed intensity result and target: change (%) against the base year, and as an index."""
    rows = []
    for _i, r in headlines.iterrows():
        for kind, pattern in (("result", _RESULT_KEY), ("target", _TARGET_KEY)):
            m = pattern.match(r["key"])
            if m:
                change = float(r["value_base"])
                rows.append({"kind": kind, "key": r["key"], "base_year": int(m["base"]), "year": int(m["end"]),
                             "change_pct": change, "value_printed": r["value_printed"],
                             "index": 100 + change, "section_zh": r["section_zh"], "origin": REPORT})
    out = pd.DataFrame(rows, columns=["kind", "key", "base_year", "year", "change_pct", "value_printed", "index",
                                      "section_zh", "origin"])
    if not (out["kind"] == "result").any():
        return out.iloc[0:0]  # a report year without an intensity result: nothing to show, not an error
    if out["base_year"].nunique() > 1:
        raise DataError("published_headlines.csv", "intensity figures against different base years", column="key")
    return out.sort_values("kind").reset_index(drop=True)


def index_points(published: pd.DataFrame) -> pd.DataFrame:
    """The points the printed figures give on an index with the base year = 100: nothing in between."""
    if published.empty:
        return pd.DataFrame(columns=["year", "index", "what", "origin", "source"])
    base = int(published["base_year"].iloc[0])
    sections = [p.strip() for s in published["section_zh"] for p in s.split(";")]
    rows = [{"year": base, "index": 100.0, "what": "base year (= 100 by definition)", "origin": REPORT,
             "source": "; ".join(dict.fromkeys(sections))}]
    for _i, r in published.iterrows():
        rows.append({"year": r["year"], "index": r["index"], "what": r["kind"], "origin": REPORT,
                     "source": r["section_zh"]})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# An optional yearly series supplied by a user


def index_series(series: pd.DataFrame, base_year: int, file: str = SERIES_FILE) -> pd.DataFrame:
    """The supplied series as an index (base year = 100): ``index`` where given, else computed from
    ``intensity`` over the base year's intensity (which the file must then hold)."""
    out = series.copy()
    out["index_basis"] = np.where(out["index"].notna(), "given", "from intensity")
    need = out["index"].isna()
    if need.any():
        base = out.loc[out["year"] == base_year, "intensity"]
        if base.empty or pd.isna(base.iloc[0]) or base.iloc[0] <= 0:
            raise DataError(file, f"intensity without a positive value for the base year {base_year}: "
                            "cannot index it (add that row, or give an index column)", column="intensity")
        out.loc[need, "index"] = 100 * out.loc[need, "intensity"] / base.iloc[0]
    out["origin"] = SUPPLIED
    return out[["year", "index", "index_basis", "intensity", "source", "origin"]]


def yearly_series(series: pd.DataFrame | None, published: pd.DataFrame) -> pd.DataFrame | None:
    """The supplied series (the processed table ``intensity_series``, None when the year has none) as
    an index on the printed base year."""
    if series is None:
        return None
    base = int(published["base_year"].iloc[0]) if len(published) else None
    if base is None and series["index"].isna().any():
        raise DataError(SERIES_FILE, "intensity values need a base year, and the report prints none: "
                        "give an index column (base year = 100)", column="intensity")
    return index_series(series, base, SERIES_FILE)


def describe_series(series: pd.DataFrame | None) -> str:
    """One line saying whether a yearly series was supplied and what was done with it."""
    if series is None:
        return (f"no yearly series supplied (no {SERIES_FILE} in the year's raw data): only the printed points "
                "are plotted, nothing between them")
    years = f"{int(series['year'].min())}-{int(series['year'].max())}"
    return (f"yearly series from {SERIES_FILE}: {len(series)} rows, {years}, "
            f"sources: {'; '.join(dict.fromkeys(series['source']))}")


# ---------------------------------------------------------------------------------------------
# Decomposition: intensity = emissions / output


def output_ratio(emissions_ratio: float, intensity_change_pct: float) -> float:
    """Output in the end year over output in the base year, from intensity = emissions / output."""
    intensity_ratio = 1 + intensity_change_pct / 100
    if intensity_ratio <= 0:
        raise ValueError(f"an intensity change of {intensity_change_pct}% leaves no intensity")
    return emissions_ratio / intensity_ratio


def decomposition(published: pd.DataFrame, facts: pd.DataFrame, headlines: pd.DataFrame,
                  emissions: pd.DataFrame) -> pd.DataFrame:
    """The output growth the intensity change implies, from the base year (external emissions) to
    the result year (report emissions). Three readings:

    - ``result``: the reported intensity change at the reported emissions;
    - ``target_at_actual``: the target change at the reported emissions (the output growth the
      target needed, given what was emitted);
    - ``plan``: the target change at the target emissions (the growth the plan's two targets assume).

    A printed result is rounded, so ``output_*_low``/``_high`` span half a printed unit either way;
    a target is exact. Empty when the report year prints no intensity result."""
    if published.empty:
        return pd.DataFrame(columns=DECOMPOSITION_COLUMNS)
    res = published[published["kind"] == "result"].iloc[0]
    base, end = int(res["base_year"]), int(res["year"])
    base_fact = fact(facts, f"emissions_baseline_{base}")
    e_base = float(base_fact["value_base"])
    h = headlines.set_index("key")
    t6 = emissions.set_index("year")

    def report_emissions(key, column):
        # the precise figure of the text where printed, else Table 6
        if key in h.index:
            return float(h.at[key, "value_base"]), f"{h.at[key, 'section_zh']} ({key})"
        if end in t6.index:
            return float(t6.at[end, column]), f"表6 ({column})"
        raise DataError("published_headlines.csv", f"no {key} and no Table 6 row for {end}", column="key")

    e_end, e_end_src = report_emissions(f"emissions_{end}", "actual_mt_co2e")
    readings = [("result", "實績降幅 × 實際排放", res, e_end, e_end_src)]
    target = published[published["kind"] == "target"]
    if len(target):
        t = target.iloc[0]
        t_end, t_end_src = report_emissions(f"target_emissions_{end}", "target_mt_co2e")
        readings += [("target_at_actual", "目標降幅 × 實際排放", t, e_end, e_end_src),
                     ("plan", "目標降幅 × 目標排放", t, t_end, t_end_src)]
    rows = []
    for name, label, r, e, e_src in readings:
        tol = rounding_tolerance(r["value_printed"]) if r["kind"] == "result" else 0.0
        er = e / e_base
        ratio = output_ratio(er, r["change_pct"])
        low, high = output_ratio(er, r["change_pct"] + tol), output_ratio(er, r["change_pct"] - tol)
        rows.append({
            "reading": name, "label_zh": label, "base_year": base, "year": end,
            "emissions_base_mt_co2e": e_base, "emissions_base_origin": EXTERNAL,
            "emissions_base_source": source_label(base_fact),
            "emissions_base_source_title": base_fact["source_title"],
            "emissions_base_source_date": base_fact.get("source_date"),
            "emissions_end_mt_co2e": e, "emissions_end_origin": REPORT, "emissions_end_source": e_src,
            "intensity_change_pct": r["change_pct"], "intensity_kind": r["kind"], "intensity_source": r["section_zh"],
            "emissions_index": 100 * er, "intensity_index": 100 + r["change_pct"],
            "output_index": 100 * ratio, "output_index_low": 100 * low, "output_index_high": 100 * high,
            "output_change_pct": 100 * (ratio - 1),
            "output_cagr_pct": 100 * (ratio ** (1 / (end - base)) - 1),
            "origin": DERIVED,
        })
    return pd.DataFrame(rows, columns=DECOMPOSITION_COLUMNS)


DECOMPOSITION_COLUMNS = [
    "reading", "label_zh", "base_year", "year", "emissions_base_mt_co2e", "emissions_base_origin",
    "emissions_base_source", "emissions_base_source_title", "emissions_base_source_date", "emissions_end_mt_co2e",
    "emissions_end_origin", "emissions_end_source",
    "intensity_change_pct", "intensity_kind", "intensity_source", "emissions_index", "intensity_index",
    "output_index", "output_index_low", "output_index_high", "output_change_pct", "output_cagr_pct", "origin",
]


def decomposition_inputs(decomp: pd.DataFrame) -> pd.DataFrame:
    """The inputs of the decomposition, one per row, with unit, origin and source."""
    rows = []
    for _i, d in decomp.iterrows():
        rows.append({"quantity": f"emissions {d['base_year']}", "value": d["emissions_base_mt_co2e"],
                     "unit": "mt_co2e", "origin": d["emissions_base_origin"], "source": d["emissions_base_source"]})
        rows.append({"quantity": f"emissions {d['year']} ({'target' if d['reading'] == 'plan' else 'actual'})",
                     "value": d["emissions_end_mt_co2e"], "unit": "mt_co2e", "origin": d["emissions_end_origin"],
                     "source": d["emissions_end_source"]})
        rows.append({"quantity": f"intensity change {d['year']} vs {d['base_year']} ({d['intensity_kind']})",
                     "value": d["intensity_change_pct"], "unit": "pct", "origin": REPORT,
                     "source": d["intensity_source"]})
    return pd.DataFrame(rows, columns=["quantity", "value", "unit", "origin",
                                       "source"]).drop_duplicates(subset=["quantity", "value"]).reset_index(drop=True)



def index_figure_data(points: pd.DataFrame, series: pd.DataFrame | None) -> pd.DataFrame:
    data = points.assign(index_basis="printed change + 100")
    if series is not None:
        s = series.assign(what="supplied yearly series")[["year", "index", "what", "origin", "source", "index_basis"]]
        data = pd.concat([data, s], ignore_index=True)
    return data


def decomposition_figure_data(decomp: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _i, d in decomp.iterrows():
        for measure, origin in (("emissions_index", "derived from report + external"),
                                ("intensity_index", REPORT), ("output_index", DERIVED)):
            rows.append({"reading": d["reading"], "label_zh": d["label_zh"], "measure": measure,
                         "index": d[measure], "low": d["output_index_low"] if measure == "output_index" else np.nan,
                         "high": d["output_index_high"] if measure == "output_index" else np.nan,
                         "origin": origin, "base_year": d["base_year"], "year": d["year"]})
    return pd.DataFrame(rows)

"""Carbon intensity against its base year (the report's Figure 2) and what the reported fall implies.

The report prints the base year, the intensity target (change against the base year) and the
result, but not the yearly series its figure plots. This module

- turns the printed figures into an index (base year = 100) without adding any yearly point;
- reads a yearly series only when a user supplies one as ``data/raw/<year>/intensity_series.csv``
  (described and validated by ``data/schemas/intensity_series.json``);
- decomposes the change: intensity = emissions / output, so
  output ratio = emissions ratio / intensity ratio. The base-year emissions are not in the report
  and come from ``data/external/facts.csv`` (labelled external); everything computed is 'derived'.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mfgghg.data.package import HEADER_ROW, line_of, read_resource
from mfgghg.analysis.emissions import (DERIVED, EXTERNAL, REPORT, STYLE, external_vs_report, fact, placeholder_figure,
                        section_parts, source_label)
from mfgghg.errors import DataError
from mfgghg.plots.style import PALETTE, figure_style, source_line
from mfgghg.i18n import _
from mfgghg.nb import rel as nb_rel
from mfgghg.data.paths import resolve
from mfgghg.checks.reconcile import CHECK_COLUMNS, check_row
from mfgghg.data.units import rounding_tolerance

SERIES_FILE = "intensity_series.csv"
SCHEMA_PATH = "data/schemas/intensity_series.json"
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


def external_checks(facts: pd.DataFrame, headlines: pd.DataFrame) -> pd.DataFrame:
    """Notebook 04's cross-checks: external intensity figures the report also prints."""
    keys = [k for k in facts["key"] if k.startswith("intensity")]
    return external_vs_report(facts, headlines, "intensity", keys)


# ---------------------------------------------------------------------------------------------
# An optional yearly series supplied by a user


def series_schema(path=None) -> dict:
    """The description of ``intensity_series.csv`` (a data-package resource)."""
    path = resolve(path or SCHEMA_PATH)
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, "missing: the description of intensity_series.csv") from None


def _header(path: Path) -> list[str]:
    """The column names of a CSV (the data itself is read through its description)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [c.strip() for c in next(csv.reader(fh), [])]
    except UnicodeDecodeError:
        raise DataError(path, "not UTF-8 text") from None


def load_intensity_series(raw_dir, schema: dict | None = None) -> pd.DataFrame | None:
    """``<raw_dir>/intensity_series.csv`` validated, or None when there is no such file.

    The file has ``year``, ``source`` and at least one of the columns in the schema's
    ``oneOfColumns`` (``intensity``, ``index``); every row needs a value in one of them."""
    raw_dir = Path(raw_dir)
    schema = schema or series_schema()
    path = raw_dir / schema["path"]
    if not path.is_file():
        return None
    one_of = schema["oneOfColumns"]
    header = _header(path)
    present = [c for c in one_of if c in header]
    if not present:
        raise DataError(path, f"needs a column {' or '.join(one_of)}", HEADER_ROW)
    resource = copy.deepcopy(schema)
    resource["schema"]["fields"] = [f for f in schema["schema"]["fields"] if f["name"] not in one_of or f["name"] in present]
    data = read_resource(raw_dir, resource).data
    empty = data[present].isna().all(axis=1)
    if empty.any():
        i = empty.idxmax()
        raise DataError(path, f"row has no value in {' or '.join(present)}", line_of(i), present[0])
    for c in one_of:
        if c not in data.columns:
            data[c] = np.nan
    return data[["year", *one_of, "source"]].sort_values("year").reset_index(drop=True)


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


def yearly_series(raw_dir, published: pd.DataFrame, schema: dict | None = None) -> pd.DataFrame | None:
    """The supplied series of a report year as an index on the printed base year, or None without a file."""
    series = load_intensity_series(raw_dir, schema)
    if series is None:
        return None
    base = int(published["base_year"].iloc[0]) if len(published) else None
    if base is None and series["index"].isna().any():
        raise DataError(Path(raw_dir) / SERIES_FILE, "intensity values need a base year, and the report prints none: "
                        "give an index column (base year = 100)", column="intensity")
    return index_series(series, base, Path(raw_dir) / SERIES_FILE)


def describe_series(series: pd.DataFrame | None, raw_dir) -> str:
    """One line saying whether a yearly series was supplied and what was done with it."""
    path = Path(raw_dir) / SERIES_FILE
    if series is None:
        return (f"no yearly series supplied ({nb_rel(path)} not found): only the printed points are plotted, "
                "nothing between them")
    years = f"{int(series['year'].min())}-{int(series['year'].max())}"
    return f"yearly series from {nb_rel(path)}: {len(series)} rows, {years}, sources: {'; '.join(dict.fromkeys(series['source']))}"


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
    "emissions_base_source", "emissions_base_source_title", "emissions_base_source_date", "emissions_end_mt_co2e", "emissions_end_origin", "emissions_end_source",
    "intensity_change_pct", "intensity_kind", "intensity_source", "emissions_index", "intensity_index",
    "output_index", "output_index_low", "output_index_high", "output_change_pct", "output_cagr_pct", "origin",
]


def decomposition_source_line(year: int, published: pd.DataFrame, decomp: pd.DataFrame) -> str:
    """The source line of the decomposition figure (current edition): report sections used, then the
    external sources' titles."""
    sections = [*published["section_zh"], *decomp["emissions_end_source"].str.replace(r"\s+\([a-z0-9_]+\)$", "", regex=True)]
    return source_line(year, section_parts(sections), decomp["emissions_base_source_title"])


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
    return pd.DataFrame(rows, columns=["quantity", "value", "unit", "origin", "source"]).drop_duplicates(subset=["quantity", "value"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Figures


def index_figure_data(points: pd.DataFrame, series: pd.DataFrame | None) -> pd.DataFrame:
    data = points.assign(index_basis="printed change + 100")
    if series is not None:
        s = series.assign(what="supplied yearly series")[["year", "index", "what", "origin", "source", "index_basis"]]
        data = pd.concat([data, s], ignore_index=True)
    return data


@figure_style
def plot_index(points: pd.DataFrame, series: pd.DataFrame | None = None):
    """Figure 2 as far as the data go: base year = 100, the printed result and the target line,
    and a supplied yearly series only when there is one. Nothing is drawn between printed points."""
    has_series = series is not None and len(series) > 0
    if points.empty and not has_series:
        return placeholder_figure(_("製造部門碳密集度"), _("本報告年度未列出碳密集度相對基準年之變化"))
    fig, ax = plt.subplots(figsize=(8.5, 5))
    years = list(points["year"]) + (list(series["year"]) if has_series else [])
    base_label = _("{year}年").format(year=int(points["year"].iloc[0])) if len(points) else _("基準年")
    if len(points):
        base_year = int(points["year"].iloc[0])
        result = points[points["what"] == "result"].iloc[0]
        end = int(result["year"])
        target = points[points["what"] == "target"]
        if len(target):
            t = target.iloc[0]
            ax.hlines(t["index"], base_year, end, colors=PALETTE[1], linestyles="--", linewidth=2,
                      label=_("{year}年目標：較{base}年下降 {pct}% (報告)").format(
                          year=end, base=base_year, pct=f"{abs(t['index'] - 100):g}"))
            ax.annotate(_("目標 {value}").format(value=f"{t['index']:g}"), (base_year, t["index"]), xytext=(4, 5),
                        textcoords="offset points", color=PALETTE[1], fontsize=9)
        ax.scatter([base_year], [100], marker="s", s=80, color="#000000", zorder=5,
                   label=_("基準年 {base} = 100").format(base=base_year))
        ax.scatter([end], [result["index"]], marker="o", s=110, color=PALETTE[0], zorder=5,
                   label=_("{year}年實績：較基準年下降 {pct}% (報告)").format(
                       year=end, pct=f"{abs(result['index'] - 100):g}"))
        ax.annotate(f"{result['index']:g}", (end, result["index"]), xytext=(8, -4), textcoords="offset points",
                    color=PALETTE[0], fontsize=10)
        if not has_series:
            ax.text((base_year + end) / 2, (100 + result["index"]) / 2 + 8,
                    f"{_('報告未列出逐年數值：')}\n{_('兩點之間不繪線、不補值')}", ha="center", va="center", fontsize=9,
                    color="#555555")
    if has_series:
        ax.plot(series["year"], series["index"], linestyle="-.", marker=".", color=PALETTE[2], linewidth=1.5,
                label=_("年度序列 (使用者提供，來源見資料檔)"))
    ax.set_xlim(min(years) - 1, max(years) + 1)
    ax.set_ylim(0, max(115, float(series["index"].max()) * 1.1 if has_series else 0))
    ax.set_xlabel(_("年 (西元)"))
    ax.set_ylabel(_("碳密集度指數 ({base} = 100)").format(base=base_label))
    ax.set_title(_("製造部門碳密集度相對基準年 (報告圖2可由文字重建之部分)"))
    ax.legend(loc="lower left", fontsize=9)
    lines = [_("報告數值 (實績與目標)：基準年，及較基準年之變化 (%)") if len(points) else _("報告數值：無"),
             _("推算：指數 = 100 + 變化(%)；年度序列若僅給碳密集度，指數 = 當年 / 基準年 × 100") if has_series
             else _("推算：指數 = 100 + 變化(%)"),
             _("外部資料：無；年度序列為使用者提供，來源見資料檔") if has_series else _("外部資料：無")]
    fig.text(0.01, 0.005, "\n".join(lines), ha="left", va="bottom", fontsize=8, color="#333333")
    fig.subplots_adjust(bottom=0.25)
    return fig


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


@figure_style
def plot_decomposition(decomp: pd.DataFrame):
    """Emissions, intensity and implied output as indices (base year = 100), per reading."""
    if decomp.empty:
        return placeholder_figure(_("碳密集度分解"), _("本報告年度未列出碳密集度變化，無從分解"))
    base, end = int(decomp["base_year"].iloc[0]), int(decomp["year"].iloc[0])
    fig, ax = plt.subplots(figsize=(9, 5.2))
    x = np.arange(len(decomp))
    w = 0.26
    bars = [
        ("emissions_index", _("排放量指數 (推算：報告排放 / 外部基準年排放)"), "#888888", STYLE[EXTERNAL]["hatch"]),
        ("intensity_index", _("碳密集度指數 (報告)"), PALETTE[0], None),
        ("output_index", _("隱含產出指數 (推算)"), PALETTE[2], STYLE[DERIVED]["hatch"]),
    ]
    for k, (col, label, color, hatch) in enumerate(bars):
        values = decomp[col]
        pos = x + (k - 1) * w
        ax.bar(pos, values, width=w, color="white" if hatch else color, edgecolor=color, hatch=hatch,
               linewidth=1.3, label=label)
        if col == "output_index":
            err = np.vstack([values - decomp["output_index_low"], decomp["output_index_high"] - values])
            ax.errorbar(pos, values, yerr=err, fmt="none", ecolor="#333333", capsize=4, linewidth=1)
        for p, v in zip(pos, values):
            ax.annotate(f"{v:.1f}", (p, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
    ax.axhline(100, color="#333333", linewidth=0.8)
    ax.set_xticks(x, [f"{_(lab)}\n" + _("(產出 {change}%，年均 {cagr}%)").format(change=f"{c:+.1f}", cagr=f"{g:+.2f}")
                      for lab, c, g in zip(decomp["label_zh"], decomp["output_change_pct"], decomp["output_cagr_pct"])],
                  fontsize=9)
    ax.set_ylabel(_("指數 ({year}年 = 100)").format(year=base))
    ax.set_title(_("碳密集度 = 排放量 / 產出：{year}年較{base}年之隱含產出成長 (推算)").format(year=end, base=base))
    ax.set_ylim(0, max(decomp["output_index_high"].max(), decomp["emissions_index"].max()) * 1.45)
    ax.legend(loc="upper left", fontsize=8)
    first = decomp.iloc[0]
    source = source_label({"source_title": first["emissions_base_source_title"],
                           "source_date": first["emissions_base_source_date"]}, translate=True)
    notes = [_("外部資料：{year}年排放量 ({source})").format(year=base, source=source),
             _("報告數值：{year}年排放量、碳密集度變化 (實績與目標)").format(year=end),
             _("推算：排放量指數、隱含產出指數 = 排放量指數 / 碳密集度指數 × 100；誤差線為實績降幅印出位數之捨入範圍")]
    fig.text(0.01, 0.005, "\n".join(notes), ha="left", va="bottom", fontsize=8, color="#333333")
    fig.subplots_adjust(bottom=0.27)
    return fig


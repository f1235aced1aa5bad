"""Published figures beside the same figures recomputed from measure-level data.

A published number is printed at some precision, so "equal" is too strict and
"close" too loose. Each comparison gets a verdict:

- ``equal``: the recomputed value is the printed one;
- ``rounds to published``: rounding the recomputed value to the printed decimals gives it;
- ``truncates to published``: cutting the recomputed value at the printed decimals gives it
  (the report sometimes truncates);
- ``within tolerance``: within an explicit tolerance given for that check (e.g. a total of
  individually rounded rows);
- ``not printed``: the report prints '-' (or nothing) where the recomputation has no value;
- ``differs``: none of the above. Differences are shown and explained, never forced to zero.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pandas as pd

from mfgghg.data.units import printed_decimals

AGREES = ("equal", "rounds to published", "truncates to published", "within tolerance", "not printed")
# The columns of every check table (one row per comparison), before ``agrees`` and ``explanation``.
CHECK_COLUMNS = ["check_id", "source", "description", "unit", "published", "recomputed", "difference", "verdict"]
REL_EPS = 1e-9


def verdict(published, recomputed, decimals: int, tolerance: float | None = None) -> str:
    """How a recomputed value stands to a published one printed with ``decimals`` places."""
    p_missing = published is None or (isinstance(published, float) and math.isnan(published))
    r_missing = recomputed is None or (isinstance(recomputed, float) and math.isnan(recomputed))
    if p_missing:
        return "not printed" if r_missing or recomputed == 0 else "differs"
    if r_missing:
        return "differs"
    p, r = float(published), float(recomputed)
    if abs(p - r) <= REL_EPS * max(1.0, abs(p)):
        return "equal"
    q = Decimal(1).scaleb(-decimals)
    rd = Decimal(repr(r))
    if float(rd.quantize(q, rounding=ROUND_HALF_UP)) == p:
        return "rounds to published"
    if float(rd.quantize(q, rounding=ROUND_DOWN)) == p:
        return "truncates to published"
    if tolerance is not None and abs(p - r) <= tolerance + REL_EPS * max(1.0, abs(p)):
        return "within tolerance"
    return "differs"


def with_agreement(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``agrees``: whether its verdict is one of :data:`AGREES` (the one place it is set)."""
    return table.assign(agrees=table["verdict"].isin(AGREES))


def check_row(check_id: str, source: str, description: str, published_text, recomputed, unit: str,
              factor: float = 1.0, tolerance: float | None = None) -> dict:
    """One reconciliation row. ``published_text`` is the value as printed (its decimals set the
    precision); ``recomputed`` is in the same unit as the printed value, after dividing base-unit
    values by ``factor``."""
    text = "" if published_text is None else str(published_text).strip()
    published = float(text.replace(",", "")) if text not in ("", "-", "nan", "<NA>") else float("nan")
    recomputed = float(recomputed) / factor if recomputed is not None else float("nan")
    return {
        "check_id": check_id,
        "source": source,
        "description": description,
        "unit": unit,
        "published": published,
        "recomputed": recomputed,
        "difference": recomputed - published,
        "verdict": verdict(published, recomputed, printed_decimals(text), tolerance),
    }


# ---------------------------------------------------------------------------------------------
# Tables 2 and 3: measure counts by status


def status_counts(measures: pd.DataFrame, by: str) -> pd.DataFrame:
    """Achieved / not achieved / subtotal / rate per ``by`` group and measure type, with a total.

    Long form like the published tables: group, measure_type (substantive, capacity, all),
    achieved, not_achieved, subtotal, rate_pct. The rate is NaN where a group has no measures.
    """
    m = measures.assign(group=measures[by].astype(str))
    groups = list(dict.fromkeys(m["group"])) + ["total"]
    rows = []
    for group in groups:
        g = m if group == "total" else m[m["group"] == group]
        for mtype in ("substantive", "capacity", "all"):
            t = g if mtype == "all" else g[g["measure_type"] == mtype]
            achieved = int((t["status"] == "achieved").sum())
            not_achieved = int((t["status"] == "not_achieved").sum())
            subtotal = achieved + not_achieved
            rows.append({
                "group": group, "measure_type": mtype, "achieved": achieved, "not_achieved": not_achieved,
                "subtotal": subtotal, "rate_pct": 100 * achieved / subtotal if subtotal else float("nan"),
            })
    return pd.DataFrame(rows)


def reconcile_status(measures: pd.DataFrame, published_status: pd.DataFrame, published_text: dict) -> pd.DataFrame:
    """Tables 2 (by pillar) and 3 (by ministry) cell by cell: published, recomputed, verdict."""
    rows = []
    for table, by, label in (("table2", "pillar", "表 2"), ("table3", "ministry_zh", "表 3")):
        recomputed = status_counts(measures, by).set_index(["group", "measure_type"])
        pub = published_status[published_status["table"] == table]
        text = published_text[table]
        for _, r in pub.iterrows():
            key = (str(r["group"]), r["measure_type"])
            rec = recomputed.loc[key] if key in recomputed.index else None
            for col in ("achieved", "not_achieved", "subtotal", "rate_pct"):
                rows.append(check_row(
                    f"{table}.{key[0]}.{key[1]}.{col}", label, f"{by}={key[0]}, {key[1]}: {col}",
                    text.get((key[0], key[1], col), r[col]), None if rec is None else rec[col],
                    "%" if col == "rate_pct" else "項",
                ))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Table 5: money


def funding_by_pillar(measures: pd.DataFrame, funding: pd.DataFrame, public_only: bool = False) -> pd.Series:
    """Report-year funding (TWD) summed per pillar; with ``public_only`` private investment is left out."""
    f = funding[funding["is_public"]] if public_only else funding
    pillar = measures.set_index("measure_id")["pillar"].astype(str)
    sums = f.groupby(f["measure_id"].map(pillar))["amount_twd"].sum()
    return sums.reindex(sorted(pillar.unique()), fill_value=0.0)


def reconcile_budget(measures, funding, published_budget, budget_text: dict) -> pd.DataFrame:
    """Table 5's report-year column against per-measure funding (all sources, and public only), and its
    total against the sum of its rows."""
    rows = []
    all_sources = funding_by_pillar(measures, funding)
    public = funding_by_pillar(measures, funding, public_only=True)
    pub = published_budget.set_index("pillar")
    for pillar in [p for p in pub.index if p != "total"]:
        rows.append(check_row(f"table5.{pillar}.actual.all_sources", "表 5",
                              f"pillar {pillar}: report-year actual vs annex funding, all sources",
                              budget_text[(pillar, "actual")], all_sources.get(pillar), "萬元", 1e4))
        rows.append(check_row(f"table5.{pillar}.actual.public_only", "表 5",
                              f"pillar {pillar}: report-year actual vs annex funding, public sources only",
                              budget_text[(pillar, "actual")], public.get(pillar), "萬元", 1e4))
    rows.append(check_row("table5.total.actual.all_sources", "表 5", "total: report-year actual vs annex funding, all sources",
                          budget_text[("total", "actual")], all_sources.sum(), "萬元", 1e4))
    body = pub.drop(index="total")
    n = len(body)
    for col, label in (("actual_twd", "actual"), ("planned_twd", "planned")):
        rows.append(check_row(f"table5.total.{label}.sum_of_rows", "表 5",
                              f"total {label} vs the sum of the printed rows",
                              budget_text[("total", label)], body[col].sum(), "萬元", 1e4,
                              tolerance=0.5 * n))  # each row may be off by half a unit
    for pillar in pub.index:
        rate = 100 * pub.at[pillar, "actual_twd"] / pub.at[pillar, "planned_twd"]
        rows.append(check_row(f"table5.{pillar}.rate", "表 5", f"pillar {pillar}: execution rate B/A from the printed A and B",
                              budget_text[(pillar, "rate")], rate, "%"))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Table 6: emissions


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
        rows.append(check_row(f"table6.{year}.cumulative_target", "表 6", f"{year}: cumulative target vs sum of annual targets",
                              t["cumulative_target_million_t_co2e"], cum_target[i], "百萬公噸CO2e", tolerance=0.05 * n))
        rows.append(check_row(f"table6.{year}.cumulative_actual", "表 6", f"{year}: cumulative emissions vs sum of annual emissions",
                              t["cumulative_emissions_million_t_co2e"], cum_actual[i], "百萬公噸CO2e", tolerance=0.05 * n))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Headlines


REDUCTION_KIND_SETS = {
    "actual": ("actual",),
    "actual_expected": ("actual", "expected"),
    "all_kinds": ("actual", "expected", "potential"),
}


def reduction_total(measures: pd.DataFrame, kinds) -> float:
    """Sum of the measures' reported reductions (t CO2e) of the given kinds."""
    return float(measures.loc[measures["reduction_kind"].isin(kinds), "reduction_t_co2e"].sum())


def reconcile_headlines(measures, funding, published_budget, headlines: pd.DataFrame) -> pd.DataFrame:
    """Headline figures of the text that measure-level data can recompute."""
    h = headlines.set_index("key")
    rows = []

    def add(key, check_id, description, recomputed, factor=1.0, tolerance=None):
        if key in h.index:
            rows.append(check_row(check_id, h.at[key, "section_zh"], description, h.at[key, "value_printed"],
                                  recomputed, h.at[key, "unit_zh"], factor, tolerance))

    add("measures", "headline.measures", "number of measures in the annex", len(measures))
    add("strategies", "headline.strategies", "number of strategies (distinct x.y of the measure ids)",
        measures["strategy_id"].nunique())
    add("substantive_measures", "headline.substantive_measures", "measures typed substantive",
        (measures["measure_type"] == "substantive").sum())
    add("capacity_measures", "headline.capacity_measures", "measures typed capacity",
        (measures["measure_type"] == "capacity").sum())
    for name, kinds in REDUCTION_KIND_SETS.items():
        add("reduction_report_year", f"headline.reduction_report_year.{name}",
            f"report-year reduction vs sum of measure reductions of kind {' + '.join(kinds)}",
            reduction_total(measures, kinds), 1e6)
    add("reduction_heading_report_year", "headline.reduction_heading_report_year",
        "section heading's reduction vs sum of actual + expected measure reductions",
        reduction_total(measures, REDUCTION_KIND_SETS["actual_expected"]), 1e6)
    total = funding["amount_twd"].sum()
    public = funding.loc[funding["is_public"], "amount_twd"].sum()
    add("actual_budget_report_year", "headline.actual_budget_report_year.all_sources", "report-year spending vs annex funding, all sources", total, 1e8)
    add("actual_budget_report_year", "headline.actual_budget_report_year.public_only", "report-year spending vs annex funding, public only", public, 1e8)
    add("actual_budget_report_year_section_2", "headline.actual_budget_report_year_section_2",
        "report-year spending (second mention) vs annex funding, all sources", total, 1e8)
    planned = published_budget.set_index("pillar").at["total", "planned_twd"]
    add("planned_budget_2021_2025", "headline.planned_budget_2021_2025",
        "planned money of the plan period vs Table 5's printed total (per-measure plans are not printed)", planned, 1e8)
    return pd.DataFrame(rows)


def reconcile_table4(measures: pd.DataFrame, printed: pd.DataFrame) -> pd.DataFrame:
    """Table 4's reductions summed per pillar against the measures' actual + expected reductions.

    ``printed`` is Table 4 as printed (text cells, ``published_table4_printed``): the sum of a
    pillar's printed reductions is compared at the most decimals its cells print."""
    rows = []
    kinds = REDUCTION_KIND_SETS["actual_expected"]
    m = measures[measures["reduction_kind"].isin(kinds)]
    by_pillar = m.groupby(m["pillar"].astype(int))["reduction_t_co2e"].sum()
    text = printed["reduction_10k_t_co2e"].fillna("").astype(str).str.strip()
    t4 = pd.DataFrame({"pillar": printed["pillar"].astype(int), "printed": text,
                       "value": pd.to_numeric(text.str.replace(",", ""), errors="coerce")})
    for pillar, g in t4.groupby("pillar"):
        decimals = max((printed_decimals(s) for s in g["printed"] if s), default=0)
        rows.append(check_row(f"table4.{pillar}.reduction", "表 4",
                              f"pillar {pillar}: sum of Table 4 reductions vs measures' actual + expected",
                              f"{g['value'].sum():.{decimals}f}", by_pillar.get(int(pillar), 0.0), "萬公噸CO2e", 1e4))
    decimals = max((printed_decimals(s) for s in t4["printed"] if s), default=0)
    rows.append(check_row("table4.total.reduction", "表 4", "all pillars: sum of Table 4 reductions vs measures' actual + expected",
                          f"{t4['value'].sum():.{decimals}f}", by_pillar.sum(), "萬公噸CO2e", 1e4))
    return pd.DataFrame(rows)


def reconciliation_table(ingested, notes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every published aggregate beside its recomputation, with verdict and explanation.

    Explanations come from ``notes`` or else the year's notes (every ``*_notes.csv``); a note in the
    namespaces of these checks (:data:`RECONCILIATION_NAMESPACES`) must name one of them."""
    raw, t = ingested.raw, ingested.tables
    if notes is None:
        notes = t.get("notes")
    refuse_notes_outside_namespaces(notes)
    status_text = {}
    for table, name, key in (("table2", "published_table2_by_pillar", "pillar"),
                             ("table3", "published_table3_by_ministry", "ministry_zh")):
        tx = raw[name].text
        d = {}
        for letter, mtype in (("a", "substantive"), ("b", "capacity"), ("c", "all")):
            sub = "c_total" if letter == "c" else f"{letter}_subtotal"
            for col, src in (("achieved", f"{letter}1_achieved"), ("not_achieved", f"{letter}2_not_achieved"),
                             ("subtotal", sub), ("rate_pct", f"{letter}_rate_pct")):
                for g, v in zip(tx[key], tx[src]):
                    d[(g, mtype, col)] = v
        status_text[table] = d
    t5 = raw["published_table5_budget"].text
    budget_text = {}
    for _, r in t5.iterrows():
        budget_text[(r["pillar"], "actual")] = r["actual_10k_twd"]
        budget_text[(r["pillar"], "planned")] = r["planned_10k_twd"]
        budget_text[(r["pillar"], "rate")] = r["execution_rate_pct"]
    parts = [
        reconcile_status(t["measures"], t["published_status"], status_text),
        reconcile_budget(t["measures"], t["measure_funding"], t["published_budget"], budget_text),
        reconcile_emissions(t["emissions"], t["published_table6_printed"]),
        reconcile_table4(t["measures"], t["published_table4_printed"]),
        reconcile_headlines(t["measures"], t["measure_funding"], t["published_budget"], t["published_headlines"]),
    ]
    from mfgghg.checks.headline_readings import by_type_checks
    from mfgghg.checks.table4_trace import trace_table4

    if "table4_measure_map" in t:  # Table 4 item by item, through the measures its counts map to
        parts.append(trace_table4(t["published_table4_printed"], t["table4_measure_map"], t["measures"]))
    parts.append(by_type_checks(t["measures"], t["published_headlines"]))  # the headline read by measure type
    return attach_notes(pd.concat(parts, ignore_index=True), notes, owns=RECONCILIATION_NAMESPACES)


CHECK_GROUPS = {
    "table2": "表 2 status by pillar",
    "table3": "表 3 status by ministry",
    "table4": "表 4 results summary",
    "table5": "表 5 budget",
    "table6": "表 6 emissions",
    "headline": "headline figures of the text",
}


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per published table: how many checks, how many agree, how many differ."""
    group = table["check_id"].str.split(".").str[0].map(CHECK_GROUPS).fillna("other")
    s = table.groupby(group, sort=False).agg(checks=("check_id", "size"), agree=("agrees", "sum"))
    s["differ"] = s["checks"] - s["agree"]
    s.index.name = "published"
    return s.reset_index()


# The namespaces of check ids (their first part) and who owns each: the notebook whose checks a
# note in that namespace must name. A note in no namespace here is refused by the ingest's check.
NOTE_NAMESPACES = {
    "table2": "01_ingest", "table3": "01_ingest", "table4": "01_ingest", "table5": "01_ingest",
    "table6": "01_ingest", "headline": "01_ingest",
    "goals": "02_execution_status", "emissions": "03_emissions_vs_target",
    "intensity": "04_carbon_intensity", "budget": "05_budget",
}
RECONCILIATION_NAMESPACES = tuple(k for k, v in NOTE_NAMESPACES.items() if v == "01_ingest")


def namespace_of(check_ids: pd.Series) -> pd.Series:
    return check_ids.astype(str).str.split(".").str[0]


def join_notes(table: pd.DataFrame, notes: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` with an ``explanation`` per check_id from ``notes`` ('' where none)."""
    if notes is None or not len(notes):
        return table.assign(explanation="")
    expl = notes.drop_duplicates("check_id").set_index("check_id")["explanation"]
    return table.assign(explanation=table["check_id"].map(expl).fillna(""))


def _note_files(notes: pd.DataFrame):
    """(file name, that file's notes in file order): processed notes.csv names its files; a raw
    ``*_notes.csv`` read alone is one file."""
    if "file" not in notes.columns:
        yield "notes", notes.reset_index(drop=True)
        return
    for name, own in notes.groupby("file", sort=False):
        yield name, own.reset_index(drop=True)


def refuse_unknown_notes(notes: pd.DataFrame | None, owns, known_ids) -> None:
    """A note in one of the namespaces ``owns`` must explain one of ``known_ids``: otherwise a
    DataError naming its file and row (a note for a check that no longer exists is never silently
    dropped)."""
    from mfgghg.errors import DataError

    if notes is None or not len(notes):
        return
    owns, known = set(owns), set(known_ids)
    for file_name, own in _note_files(notes):
        for i, check_id in enumerate(own["check_id"].astype(str)):
            if check_id.split(".")[0] in owns and check_id not in known:
                raise DataError(file_name, f"note for unknown check {check_id!r}", row=i + 2, column="check_id")


def refuse_notes_outside_namespaces(notes: pd.DataFrame | None) -> None:
    """Every note's check id must start with a namespace of :data:`NOTE_NAMESPACES`."""
    from mfgghg.errors import DataError

    if notes is None or not len(notes):
        return
    for file_name, own in _note_files(notes):
        stray = ~namespace_of(own["check_id"]).isin(list(NOTE_NAMESPACES))
        if stray.any():
            i = int(stray.idxmax())
            raise DataError(file_name, f"note for {own['check_id'].iloc[i]!r}: check ids start with one of "
                            f"{', '.join(n + '.' for n in NOTE_NAMESPACES)}", row=i + 2, column="check_id")


def concat_checks(parts) -> pd.DataFrame:
    """Several check tables as one (empty ones skipped; no rows gives the columns of a check table)."""
    frames = [p for p in parts if len(p)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHECK_COLUMNS)


def attach_notes(table: pd.DataFrame, notes: pd.DataFrame | None, owns=()) -> pd.DataFrame:
    """The one way to give checks their explanations: ``table`` (rows with a ``check_id``; a table of
    :data:`CHECK_COLUMNS` also gets ``agrees``) with an ``explanation`` per check_id from ``notes`` (processed ``notes.csv``, or one raw
    ``*_notes.csv``). ``owns``: the namespaces whose every note must explain a check of ``table``
    (see :func:`refuse_unknown_notes`); pass all of a notebook's checks of those namespaces at once."""
    if "verdict" in table.columns:  # (flags carry a check id, no verdict)
        table = with_agreement(table)
    refuse_unknown_notes(notes, owns, table["check_id"])
    return join_notes(table, notes)


def unexplained_differences(table: pd.DataFrame) -> pd.DataFrame:
    """Checks whose published and recomputed values differ and that no note explains."""
    return table[~table["agrees"] & (table["explanation"].fillna("") == "")]


def enforce(table: pd.DataFrame, strict: bool) -> pd.DataFrame:
    """The unexplained differences; with ``strict`` any of them is an error (one line per run)."""
    from mfgghg.errors import ReconciliationError

    open_issues = unexplained_differences(table)
    if strict and len(open_issues):
        first = open_issues.iloc[0]
        raise ReconciliationError(
            f"{len(open_issues)} published figure(s) differ from their recomputation without an explanation, "
            f"first {first['check_id']}: published {first['published']:g}, recomputed {first['recomputed']:g} "
            f"{first['unit']} (explain it in a *_notes.csv, or run without --strict)"
        )
    return open_issues

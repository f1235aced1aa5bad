"""Raw report tables → tidy processed tables in base units.

``ingest(paths)`` reads and validates ``data/raw/<year>/`` and returns the
processed tables; ``write_tables`` writes them all or nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mfgghg.data.external import external_dir, facts_table
from mfgghg.data.package import RawTable, line_of, load_descriptor, read_package
from mfgghg.data.provenance import file_sections, merge_sources, package_sources
from mfgghg.data.supplied import load_intensity_series
from mfgghg.data.trace_tables import build_trace_tables
from mfgghg.errors import DataError
from mfgghg.data.paths import YearPaths, follow_umask, normalize_year, swap_in
from mfgghg.data.units import to_base

MEASURE_COLUMNS = [
    "measure_id", "pillar", "strategy_id", "name_zh", "lead_agency_zh", "co_agency_zh", "ministry_zh",
    "period_start", "period_end", "is_new", "measure_type", "measure_type_basis", "status",
    "reduction_t_co2e", "reduction_kind", "expected_benefits_zh", "results_zh",
]
# The raw files every year needs: the ingest builds its tables from them. The others are optional: the
# notes (``*_notes``), the Table 4 map and Figure 3's text (data.trace_tables), the yearly intensity series.
REQUIRED_RESOURCES = (
    "annex_measures", "annex_funding", "measure_attributes", "pillars", "measure_goals", "highlight_cases",
    "published_table2_by_pillar", "published_table3_by_ministry", "published_table4_results_summary",
    "published_table5_budget", "published_table6_emissions", "published_headlines",
)


@dataclass
class Ingested:
    """Everything one report year gives: the validated raw tables and the processed ones."""

    year: int
    raw: dict[str, RawTable]
    reference: dict[str, RawTable]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    # The package-level sources of the raw, reference and external packages read (the report and the
    # outside sources, each with its publisher): the processed package names them (write_tables).
    sources: list[dict] = field(default_factory=list)
    # Where each file read comes from, as its package says (``annex_measures.csv``, ``reference/…``,
    # ``external/…`` → section): the processed tables name the sections of the files they are built from.
    sections: dict[str, str] = field(default_factory=dict)


def parse_period(text: str, path, row: int, column: str = "period_roc") -> tuple[int, int]:
    """Gregorian (start, end) from a ROC period as printed: ``'110-114'`` or ``'111'``."""
    parts = [int(p) for p in str(text).split("-")]
    start, end = parts[0], parts[-1]
    if end < start:
        raise DataError(path, f"period {text!r} ends before it starts", row, column)
    return normalize_year(start), normalize_year(end)


def build_measures(raw: dict[str, RawTable], reference: dict[str, RawTable]) -> pd.DataFrame:
    annex = raw["annex_measures"]
    a = annex.data.copy()
    attrs = raw["measure_attributes"].data.set_index("measure_id")
    missing = sorted(set(a["measure_id"]) - set(attrs.index))
    if missing:
        raise DataError(raw["measure_attributes"].path, f"no row for measure {missing[0]} of annex_measures.csv",
                        column="measure_id")
    agencies = reference["agencies"].data.set_index("agency_zh")["ministry_zh"]
    kinds = reference["reduction_kinds"].data.set_index("kind_zh")["kind"]
    pillars = set(raw["pillars"].data["pillar"].astype(int))

    out = pd.DataFrame({"measure_id": a["measure_id"]})
    out["pillar"] = a["measure_id"].str.split(".").str[0].astype(int)
    unknown = ~out["pillar"].isin(pillars)
    if unknown.any():
        i = unknown.idxmax()
        raise DataError(annex.path, f"pillar {out.at[i, 'pillar']} of {a.at[i, 'measure_id']} is not in pillars.csv",
                        line_of(i), "measure_id")
    out["strategy_id"] = a["measure_id"].str.rsplit(".", n=1).str[0]
    out["name_zh"] = a["name_zh"]
    out["lead_agency_zh"] = a["lead_agency_zh"]
    out["co_agency_zh"] = a["co_agency_zh"]
    out["ministry_zh"] = a["lead_agency_zh"].map(agencies)
    periods = [parse_period(p, annex.path, line_of(i)) for i, p in a["period_roc"].items()]
    out["period_start"] = [p[0] for p in periods]
    out["period_end"] = [p[1] for p in periods]
    out["is_new"] = a["is_new"].astype(bool)
    out["measure_type"] = a["measure_id"].map(attrs["measure_type"])
    out["measure_type_basis"] = a["measure_id"].map(attrs["measure_type_basis"])
    out["status"] = a["measure_id"].map(attrs["status"])
    has_value = a["reduction_10k_t_co2e"].notna()
    has_kind = a["reduction_kind_zh"].notna()
    mismatch = has_value != has_kind
    if mismatch.any():
        i = mismatch.idxmax()
        col = "reduction_kind_zh" if has_value[i] else "reduction_10k_t_co2e"
        raise DataError(annex.path, "a reduction needs both a value and a kind", line_of(i), col)
    out["reduction_t_co2e"] = to_base(a["reduction_10k_t_co2e"], annex.unit("reduction_10k_t_co2e")).round(6)
    out["reduction_kind"] = a["reduction_kind_zh"].map(kinds)
    out["expected_benefits_zh"] = a["expected_benefits_zh"]
    out["results_zh"] = a["results_zh"]
    return out[MEASURE_COLUMNS].sort_values("measure_id", key=_id_sort_key).reset_index(drop=True)


def measure_id_key(measure_id) -> tuple[int, ...]:
    """Sort key of a measure id: 1.1.2 before 1.1.10."""
    return tuple(int(p) for p in str(measure_id).split("."))


def _id_sort_key(ids: pd.Series) -> pd.Series:
    return ids.map(measure_id_key)


def build_funding(raw: dict[str, RawTable], reference: dict[str, RawTable]) -> pd.DataFrame:
    f = raw["annex_funding"]
    src = reference["funding_sources"].data.set_index("source_zh")
    out = pd.DataFrame({
        "measure_id": f.data["measure_id"],
        "source_zh": f.data["source_zh"],
        "source_category": f.data["source_zh"].map(src["category"]),
        "is_public": f.data["source_zh"].map(src["is_public"]).astype(bool),
        "amount_twd": to_base(f.data["amount_10k_twd"], f.unit("amount_10k_twd")).round(2),
    })
    return out.sort_values(["measure_id", "source_zh"], key=lambda s: _id_sort_key(s) if s.name == "measure_id"
                           else s) \
        .reset_index(drop=True)


def build_emissions(raw: dict[str, RawTable]) -> pd.DataFrame:
    t6 = raw["published_table6_emissions"]
    d = t6.data
    u = t6.unit("annual_target_million_t_co2e")
    return pd.DataFrame({
        "year": d["roc_year"].map(normalize_year).astype(int),
        "target_mt_co2e": to_base(d["annual_target_million_t_co2e"], u),
        "actual_mt_co2e": to_base(d["annual_emissions_million_t_co2e"], t6.unit("annual_emissions_million_t_co2e")),
        "cumulative_target_mt_co2e": to_base(d["cumulative_target_million_t_co2e"],
                                             t6.unit("cumulative_target_million_t_co2e")),
        "cumulative_actual_mt_co2e": to_base(d["cumulative_emissions_million_t_co2e"],
                                             t6.unit("cumulative_emissions_million_t_co2e")),
    }).sort_values("year").reset_index(drop=True)


STATUS_GROUPS = {"a": "substantive", "b": "capacity", "c": "all"}


def build_published_status(raw: dict[str, RawTable]) -> pd.DataFrame:
    """Tables 2 and 3 in long form: table, group, measure_type, achieved, not_achieved, subtotal, rate_pct."""
    frames = []
    for name, table_id, key in (("published_table2_by_pillar", "table2", "pillar"),
                                ("published_table3_by_ministry", "table3", "ministry_zh")):
        d = raw[name].data
        for letter, mtype in STATUS_GROUPS.items():
            n1, n2 = (f"{letter}1_achieved", f"{letter}2_not_achieved")
            sub = "c_total" if letter == "c" else f"{letter}_subtotal"
            frames.append(pd.DataFrame({
                "table": table_id, "group": d[key].astype(str), "measure_type": mtype,
                "achieved": d[n1], "not_achieved": d[n2], "subtotal": d[sub], "rate_pct": d[f"{letter}_rate_pct"],
            }))
    return pd.concat(frames, ignore_index=True)


def build_published_budget(raw: dict[str, RawTable]) -> pd.DataFrame:
    t5 = raw["published_table5_budget"]
    d = t5.data
    return pd.DataFrame({
        "pillar": d["pillar"].astype(str),
        "planned_twd": to_base(d["planned_10k_twd"], t5.unit("planned_10k_twd")),
        "actual_twd": to_base(d["actual_10k_twd"], t5.unit("actual_10k_twd")),
        "execution_rate_pct": d["execution_rate_pct"],
    })


def build_published_headlines(raw: dict[str, RawTable]) -> pd.DataFrame:
    from mfgghg.data.units import unit

    h = raw["published_headlines"]
    d = h.data
    return pd.DataFrame({
        "key": d["key"],
        "value_printed": h.text["value"],
        "unit_zh": d["unit_zh"],
        "value_base": [to_base(v, u) for v, u in zip(d["value"], d["unit_zh"])],
        "base_unit": [unit(u).base for u in d["unit_zh"]],
        "section_zh": d["section_zh"],
    })


def build_published_results_summary(raw: dict[str, RawTable]) -> pd.DataFrame:
    """Table 4 with its reductions in t CO2e."""
    t4 = raw["published_table4_results_summary"]
    d = t4.data
    out = d.drop(columns=["reduction_10k_t_co2e"]).copy()
    out["reduction_t_co2e"] = to_base(d["reduction_10k_t_co2e"], t4.unit("reduction_10k_t_co2e")).round(6)
    return out


def build_measure_goals(raw: dict[str, RawTable], measures: pd.DataFrame) -> pd.DataFrame:
    """The annex's numeric goals and the year's results (``measure_goals.csv``), checked against each
    other and against the annex: every measure_id must be a measure of the year."""
    table = raw["measure_goals"]
    g = table.data

    def fail(mask: pd.Series, column: str, message: str):
        if mask.any():
            raise DataError(table.path, message, line_of(mask.idxmax()), column)

    has_result = g["result_value"].notna()
    fail(has_result & g["result_unit_zh"].isna(), "result_unit_zh", "a result needs its unit")
    fail(has_result & g["result_source"].isna(), "result_source", "a result needs its source column")
    fail(has_result & g["quote_result_zh"].isna(), "quote_result_zh", "a result needs the quote it comes from")
    fail(has_result == (g["result_basis"] == "none"), "result_basis",
         "result_basis is 'none' exactly when there is no result")
    fail((g["goal_basis"] == "level_by_year") & g["goal_year"].isna(), "goal_year",
         "a level_by_year goal needs its goal_year")
    fail(~g["measure_id"].isin(set(measures["measure_id"])), "measure_id", "not a measure of the annex")
    return g.copy()


# The published tables whose cells ship as printed (every cell as text, '' where the report prints
# '-'): processed name -> raw name. Their printed decimals set the precision every check of them is
# judged at (mfgghg.checks); the typed tables beside them hold the values.
PRINTED_TABLES = {
    "published_table2_printed": "published_table2_by_pillar",
    "published_table3_printed": "published_table3_by_ministry",
    "published_table4_printed": "published_table4_results_summary",
    "published_table5_printed": "published_table5_budget",
}


def build_printed(raw: dict[str, RawTable], name: str) -> pd.DataFrame:
    """A published table as printed (every cell as text)."""
    return raw[name].text.copy()


def build_table6_printed(raw: dict[str, RawTable]) -> pd.DataFrame:
    """Table 6 as printed (text cells), with the Gregorian year: the decimals the report used."""
    table = raw["published_table6_emissions"]
    text = table.text.copy()
    text.insert(0, "year", table.data["roc_year"].map(normalize_year).astype(int))
    return text.sort_values("year").reset_index(drop=True)


def build_notes(raw: dict[str, RawTable]) -> pd.DataFrame:
    """Every explanation file of the year (``*_notes.csv``) in one table, keyed by check_id."""
    frames = [t.data.assign(file=t.path.name) for name, t in raw.items() if name.endswith("_notes")]
    if not frames:
        return pd.DataFrame(columns=["check_id", "explanation", "file"])
    return pd.concat(frames, ignore_index=True)[["check_id", "explanation", "file"]]


def ingest(paths: YearPaths) -> Ingested:
    """Read and validate a report year's raw data and build every processed table."""
    raw_dir = paths.require_raw()
    require_resources(raw_dir)
    reference = read_package(paths.reference)
    raw = read_package(raw_dir, reference)
    external = read_package(external_dir(paths), reference={})  # read once: facts and the outside series
    packages = {"": load_descriptor(raw_dir), "reference/": load_descriptor(paths.reference),
                "external/": load_descriptor(external_dir(paths))}
    result = Ingested(paths.year, raw, reference, sources=merge_sources(*map(package_sources, packages.values())),
                      sections={k: v for prefix, d in packages.items() for k, v in file_sections(d, prefix).items()})
    measures = build_measures(raw, reference)
    result.tables = {
        "measures": measures,
        "measure_funding": build_funding(raw, reference),
        "emissions": build_emissions(raw),
        "published_status": build_published_status(raw),
        "published_budget": build_published_budget(raw),
        "published_headlines": build_published_headlines(raw),
        "published_results_summary": build_published_results_summary(raw),
        "pillars": raw["pillars"].data.copy(),
        "highlight_cases": raw["highlight_cases"].data.copy(),
        "notes": build_notes(raw),
        "measure_goals": build_measure_goals(raw, measures),
        **{printed: build_printed(raw, name) for printed, name in PRINTED_TABLES.items()},
        "published_table6_printed": build_table6_printed(raw),
        "external_facts": facts_table(external["facts"]),
    }
    # Table 4's measures, Figure 3's strategies and the outside data for Figure 2 (where the year has them)
    result.tables.update(build_trace_tables(raw, external))
    series = load_intensity_series(raw_dir)  # (supplied by a user, for some years only)
    if series is not None:
        result.tables["intensity_series"] = series
    return result


def require_resources(raw_dir: Path) -> None:
    """The year's ``datapackage.json`` lists every file of :data:`REQUIRED_RESOURCES`; a DataError names
    the first it lacks."""
    listed = {r["name"] for r in load_descriptor(raw_dir)["resources"]}
    missing = [name for name in REQUIRED_RESOURCES if name not in listed]
    if missing:
        raise DataError(Path(raw_dir) / "datapackage.json",
                        f"no resource {missing[0]!r} ({missing[0]}.csv): every year needs it"
                        + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""))


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g")


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path, year: int | None = None,
                 sources=(), sections=None) -> list[Path]:
    """Write every table to ``out_dir`` all at once: into a sibling temporary folder
    first, then swapped in, so a failure never leaves a half-written year. With ``year``, the folder's
    ``datapackage.json`` describes every table (``data.processed_package``), naming ``sources``
    (``Ingested.sources``: the report and outside sources, with their publishers) and, per table, the
    sections its files come from (``sections``: ``Ingested.sections``). When ``out_dir``
    already holds exactly these files, byte for byte, it is left alone (re-running the ingest
    on unchanged data changes nothing, and readers never see the folder being swapped)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        for name, df in tables.items():
            write_csv(df, tmp / f"{name}.csv")
        if year is not None:  # (a table without a description fails here, before anything is replaced)
            from mfgghg.data.processed_package import write_processed_descriptor

            write_processed_descriptor(tmp, tables, year, sources, sections)
        if not same_files(tmp, out_dir):
            follow_umask(tmp)  # (mkdtemp made it private)
            swap_in(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [out_dir / f"{name}.csv" for name in tables] + ([out_dir / "datapackage.json"] if year is not None else [])


def same_files(a: Path, b: Path) -> bool:
    """Whether folders ``a`` and ``b`` hold the same file names with the same bytes."""
    if not (a.is_dir() and b.is_dir()):
        return False
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return False
    return all((a / n).is_file() and (b / n).is_file() and (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def load_processed(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """The processed tables of one year, as written by the ingest notebook, typed as their
    ``datapackage.json`` describes them: ``string`` fields stay text ("1.1" is a strategy, not a
    number), integers with gaps are nullable, and the tables kept as printed
    (``mfgghg:asPrinted``) keep an empty cell as an empty text."""
    processed_dir = Path(processed_dir)
    descriptor_path = processed_dir / "datapackage.json"
    if not descriptor_path.is_file():
        raise DataError(descriptor_path if processed_dir.is_dir() else processed_dir,
                        "no processed tables here: run notebooks/01_ingest.ipynb (or make figures) first")
    from mfgghg.data.processed_package import read_processed_descriptor

    tables = {}
    for resource in read_processed_descriptor(descriptor_path)["resources"]:
        fields = resource["schema"]["fields"]
        as_printed = bool(resource.get("mfgghg:asPrinted", False))
        dtypes = {f["name"]: (str if f["type"] == "string" else "float64") for f in fields
                  if f["type"] in ("string", "number")}
        path = processed_dir / resource["path"]
        try:
            df = pd.read_csv(path, dtype=dtypes, encoding="utf-8", keep_default_na=not as_printed)
        except (OSError, ValueError) as err:
            raise DataError(path, f"cannot be read as its datapackage.json describes it ({err})") from None
        for f in fields:
            column = df[f["name"]]
            if f["type"] == "integer":
                df[f["name"]] = column.astype("Int64" if column.isna().any() else "int64")
            elif f["type"] == "boolean":
                df[f["name"]] = column.astype("boolean" if column.isna().any() else bool)
        tables[resource["name"]] = df
    return tables

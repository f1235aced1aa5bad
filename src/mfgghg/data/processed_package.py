"""The ``datapackage.json`` of a year's processed tables (``data/processed/<year>/``).

The descriptor is a Frictionless (Data Package v1) tabular data package: per table its name,
path, title, description, source (the raw files and report sections it is built from: the sections
the year's packages name for those files, else the metadata's) and
schema (fields with type, description and, for quantities, ``unit``; ``primaryKey``;
``foreignKeys`` between the tables). ``frictionless validate data/processed/2021/datapackage.json``
checks the tables against it.

The package names what made it and on what terms (:mod:`mfgghg.data.provenance`): ``version`` (the
project's; not the commit, since the folder is committed and cannot name the commit that holds it),
``licenses`` (CC BY 4.0 for the project's derived data) and ``sources``: the sources named by the raw,
reference and external packages the ingest read, each with its publisher (``mfgghg:publisher``) and
the note that its own terms apply.

What is said about each table is data, not code: :data:`METADATA_PATH`
(``processed_tables.json`` beside this module). The writer refuses a table without metadata, a
column without a description, a described column the table lacks and a column whose name
promises a base unit (``_t_co2e``, ``_mt_co2e``, ``_twd``, ``_pct``) that declares another: a new
table or column cannot be written undocumented. Tables marked ``"optional": true`` in the
metadata are described only when present; the others must be present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from mfgghg.errors import DataError

if TYPE_CHECKING:  # (annotations only: the runner writes descriptors without importing pandas)
    import pandas as pd

METADATA_PATH = Path(__file__).with_name("processed_tables.json")
DESCRIPTOR_NAME = "datapackage.json"
FIELD_TYPES = ("string", "integer", "number", "boolean")
# Column-name endings that name a unit: the column must declare that unit. Processed columns are in
# base units (the first four); tables kept as printed keep the raw files' names, whose endings name
# the printed unit (as in mfgghg.data.package.SUFFIX_UNITS). The longest matching ending counts.
SUFFIX_UNITS = {"_t_co2e": "t_co2e", "_mt_co2e": "mt_co2e", "_twd": "twd", "_pct": "pct",
                "_10k_t_co2e": "萬公噸CO2e", "_million_t_co2e": "百萬公噸CO2e", "_10k_twd": "萬元"}
# Extra field properties copied from the metadata into the descriptor.
FIELD_EXTRAS = ("unit", "mfgghg:unitField")


def load_metadata(path: Path = METADATA_PATH) -> dict:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path, "missing: the processed tables' metadata") from None
    except json.JSONDecodeError as err:
        raise DataError(path, f"not valid JSON ({err.msg})", row=err.lineno) from None


def _as_list(fields) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


def _field(table: str, column: str, meta: dict | None) -> dict:
    if meta is None:
        raise DataError(METADATA_PATH, f"table {table!r}: column {column!r} is not described "
                                       f"(add it to the table's fields with type and description)", column=column)
    if not str(meta.get("description", "")).strip():
        raise DataError(METADATA_PATH, f"table {table!r}: column {column!r} has no description", column=column)
    if meta.get("type") not in FIELD_TYPES:
        raise DataError(METADATA_PATH, f"table {table!r}: column {column!r} has type {meta.get('type')!r}; "
                                       f"one of {', '.join(FIELD_TYPES)} is needed", column=column)
    suffix = max((s for s in SUFFIX_UNITS if column.endswith(s)), key=len, default=None)
    if suffix is not None:
        unit = SUFFIX_UNITS[suffix]
        if meta.get("unit") != unit:
            raise DataError(METADATA_PATH, f"table {table!r}: a column named *{suffix} must declare unit {unit!r}, "
                                           f"not {meta.get('unit')!r}", column=column)
    out = {"name": column, "type": meta["type"], "description": meta["description"]}
    out.update({k: meta[k] for k in FIELD_EXTRAS if k in meta})
    return out


def _resource(name: str, df: pd.DataFrame, meta: dict, present: set[str], year: int,
              sections: dict[str, str]) -> dict:
    for key in ("title", "description"):
        if not str(meta.get(key, "")).strip():
            raise DataError(METADATA_PATH, f"table {name!r} has no {key}")
    source = meta.get("source") or {}
    if not source.get("raw") or not source.get("sections"):
        raise DataError(METADATA_PATH, f"table {name!r}: source needs its raw files and report sections")
    described = meta.get("fields") or {}
    columns = [str(c) for c in df.columns]
    absent = [c for c in described if c not in columns]
    if absent:
        raise DataError(METADATA_PATH, f"table {name!r}: described column {absent[0]!r} is not in the table "
                                       f"(the table has {', '.join(columns)})", column=absent[0])
    fields = [_field(name, c, described.get(c)) for c in columns]
    schema: dict = {"fields": fields}
    key = _as_list(meta.get("primaryKey", []))
    for c in key:
        if c not in columns:
            raise DataError(METADATA_PATH, f"table {name!r}: primary key column {c!r} is not in the table", column=c)
    if key:
        schema["primaryKey"] = key
    foreign = []
    for fk in meta.get("foreignKeys", []):
        own, other = _as_list(fk["fields"]), fk["reference"]["resource"]
        if other not in present:
            raise DataError(METADATA_PATH, f"table {name!r}: foreign key to {other!r}, which is not among the "
                                           f"tables written", column=own[0])
        foreign.append({"fields": own, "reference": {"resource": other, "fields": _as_list(fk["reference"]["fields"])}})
    if foreign:
        schema["foreignKeys"] = foreign
    # The sections the year's packages name for the table's files (they move between reports: each
    # year's raw package says where its report prints them); the metadata's where they name none
    named = list(dict.fromkeys(sections[f] for f in source["raw"] if f in sections))
    raw = [f if "/" in f else f"data/raw/{year}/{f}" for f in source["raw"]]
    raw = [f"data/{f}" if f.startswith(("reference/", "external/")) else f for f in raw]
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": meta["title"],
        "description": meta["description"],
        "sources": [{"title": f} for f in raw],
        "source": {"raw_files": raw, "report_sections": named or list(source["sections"])},
        "schema": schema,
        **({"mfgghg:asPrinted": True} if meta.get("asPrinted") else {}),
    }


def processed_descriptor(tables: dict[str, pd.DataFrame], year: int, sources=(), sections=None) -> dict:
    """The Frictionless descriptor of ``tables`` (name → table, written as ``<name>.csv``); ``sources``
    are the package-level sources of the packages they were built from (``Ingested.sources``), and
    ``sections`` the section each of their files comes from (``Ingested.sections``: file → section)."""
    from mfgghg.data.provenance import DATA_LICENSE, project_version

    meta = load_metadata()
    known = meta["tables"]
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise DataError(METADATA_PATH, f"table {unknown[0]!r} has no metadata: describe it (title, description, "
                                       f"source, every column) before writing it")
    missing = sorted(n for n, m in known.items() if not m.get("optional", False) and n not in tables)
    if missing:
        raise DataError(METADATA_PATH, f"table {missing[0]!r} is not marked optional but was not given")
    present = set(tables)
    package = {k: str(v).format(year=year) for k, v in meta["package"].items()}
    return {
        **package,
        "profile": "tabular-data-package",
        "report_year": int(year),
        "version": project_version(),
        "licenses": [dict(DATA_LICENSE)],
        **({"sources": [dict(s) for s in sources]} if sources else {}),
        "resources": [_resource(n, tables[n], known[n], present, int(year), sections or {}) for n in sorted(tables)],
    }


def descriptor_text(descriptor: dict) -> str:
    """Deterministic bytes: keys sorted, resources in name order, UTF-8 text, one trailing newline."""
    return json.dumps(descriptor, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_processed_descriptor(path: Path) -> dict:
    """A processed ``datapackage.json`` as written by :func:`write_processed_descriptor`."""
    path = Path(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(path, f"not valid JSON ({err.msg})", row=err.lineno) from None
    for i, resource in enumerate(descriptor.get("resources", [])):
        if not {"name", "path", "schema"} <= set(resource):
            raise DataError(path, f"resource {i + 1} needs name, path and schema")
    return descriptor


def write_processed_descriptor(folder: Path, tables: dict[str, pd.DataFrame], year: int, sources=(),
                               sections=None) -> Path:
    """Write ``folder/datapackage.json`` describing ``tables``; returns its path."""
    path = Path(folder) / DESCRIPTOR_NAME
    text = descriptor_text(processed_descriptor(tables, year, sources, sections))
    path.write_text(text, encoding="utf-8", newline="\n")
    return path

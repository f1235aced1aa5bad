"""Read raw files through their description (``datapackage.json``) and validate them.

Each raw folder has a ``datapackage.json`` valid under the Frictionless (Data Package v1)
spec: ``frictionless validate data/raw/2021/datapackage.json`` passes. Per file it gives its
source in the report, and per column its type, unit and constraints. That description is the
single source of truth: the pandera schema that validates a file is built from it, so
documentation and checks cannot drift apart.

Frictionless keys this module reads: ``type``, ``constraints`` (``required``, ``unique``,
``minimum``, ``maximum``, ``enum``, ``pattern``), ``schema.primaryKey`` (a key of several
columns must be unique) and ``schema.foreignKeys`` (references to another file of the same
package: every value must be a value of the referenced column).

Custom keys used beside the Frictionless ones (the spec allows extra properties; the project's
own are namespaced ``mfgghg:``, except the two older ones below that other modules read):
- ``unit`` on a field: the unit as printed (a key of :data:`mfgghg.data.units.UNITS`).
- ``unit_field`` on a numeric field: the name of the column that holds each row's unit, for
  files whose rows have different units (e.g. goals counted in 家, 場次 or 萬公噸CO2e).
- ``mfgghg:foreignKey`` on a field, ``{"package": "reference", "resource": <name>, "field": <name>}``:
  a reference into another package (the shared reference lists, ``data/reference``): every
  value must be a value of that column. Checked when the reference tables are given.
- ``mfgghg:enumFrom`` on a field, ``"units"``: allowed values are the known unit names.
- ``mfgghg:notation`` on a field, ``roc_year`` or ``roc_period``: ROC years as printed
  (``110年``, ``110～114``) are normalised to ``110`` / ``110-114`` before the type check (see
  :mod:`mfgghg.data.normalise`, which reads these keys itself); the form itself is checked by the field's ``pattern``.

The pre-Frictionless spellings (``constraints.enum_from``, ``constraints.foreign_key``, a
``format`` of ``roc_year``/``roc_period``) are refused with a DataError naming the new key.
"""

from __future__ import annotations

import json
import logging
import os
import re
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mfgghg.errors import DataError
from mfgghg.data.normalise import normalise_column, read_csv_text
from mfgghg.data.units import UNITS


def _import_pandera():
    """``pandera.pandas``, without what importing it leaves in ``os.environ``: pandera sets
    SPARK_LOCAL_IP and PYARROW_IGNORE_TIMEZONE for pyspark (``pandera.external_config``), which this
    project does not use; a researcher's kernel, and every process it starts, keeps its environment."""
    set_by_pandera = [k for k in ("SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE") if k not in os.environ]
    import pandera.pandas

    for key in set_by_pandera:
        os.environ.pop(key, None)
    return pandera.pandas


pa = _import_pandera()

log = logging.getLogger("mfgghg")

HEADER_ROW = 1  # line number of the header; data row i (0-based) is on line i + 2


def line_of(index: int) -> int:
    return int(index) + HEADER_ROW + 1


@dataclass
class RawTable:
    """One validated raw file: typed values, the text as printed, and its description."""

    name: str
    path: Path
    data: pd.DataFrame
    text: pd.DataFrame
    resource: dict
    notes: list[str] = dataclasses.field(default_factory=list)

    def describe(self, name: str) -> dict:
        return next(f for f in self.resource["schema"]["fields"] if f["name"] == name)

    def unit(self, column: str) -> str:
        return self.describe(column)["unit"]


def load_descriptor(folder: Path) -> dict:
    path = Path(folder) / "datapackage.json"
    if not path.is_file():
        raise DataError(path, "missing: every raw folder needs a datapackage.json describing its files")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(path, f"not valid JSON ({err.msg})", row=err.lineno) from None


def read_text_table(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A CSV as text: every cell a string, blank rows dropped, with notes of what was normalised."""
    if not path.is_file():
        raise DataError(path, "missing file listed in datapackage.json")
    try:
        return read_csv_text(path)
    except pd.errors.ParserError as err:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        if found:
            expected, line, saw = map(int, found.groups())
            raise DataError(
                path, f"expected {expected} fields, found {saw} (quote text that contains commas)", line
            ) from None
        raise DataError(path, f"not a well-formed CSV ({str(err).strip()})") from None
    except pd.errors.EmptyDataError:
        raise DataError(path, "empty file (a header line is needed)", 1) from None


def _convert(series: pd.Series, field: dict, path: Path) -> pd.Series:
    """Typed column from text; the first unconvertible cell is a DataError."""
    name, type_ = field["name"], field["type"]
    blank = series.eq("")
    if type_ == "string":
        return series.where(~blank, None).astype(object)
    if type_ == "boolean":
        mapping = {"true": True, "false": False}
        bad = ~blank & ~series.str.lower().isin(mapping)
        if bad.any():
            i = bad.idxmax()
            raise DataError(path, f"expected true or false, found {series[i]!r}", line_of(i), name)
        return series.str.lower().map(mapping).where(~blank, None).astype("boolean")
    if type_ in ("number", "integer"):
        values = pd.to_numeric(series.where(~blank, None), errors="coerce")
        bad = ~blank & values.isna()
        if bad.any():
            i = bad.idxmax()
            raise DataError(path, f"expected a number, found {series[i]!r}", line_of(i), name)
        if type_ == "integer":
            frac = ~values.isna() & (values % 1 != 0)
            if frac.any():
                i = frac.idxmax()
                raise DataError(path, f"expected a whole number, found {series[i]!r}", line_of(i), name)
            return values.astype("Int64")
        return values.astype("float64")
    raise DataError(path, f"datapackage.json gives unknown type {type_!r}", column=name)


NOTATIONS = ("roc_year", "roc_period")
LEGACY_KEYS = {
    "enum_from": 'a field property "mfgghg:foreignKey" (or "mfgghg:enumFrom": "units")',
    "foreign_key": 'the schema\'s "foreignKeys"',
}


def values_from(field: dict) -> str | None:
    """Where a field's allowed values come from, as ``reference:<resource>.<field>`` (a
    ``mfgghg:foreignKey`` into another package) or ``units``; None if nowhere."""
    ref = field.get("mfgghg:foreignKey")
    if ref:
        return f"{ref.get('package', 'reference')}:{ref['resource']}.{ref['field']}"
    return field.get("mfgghg:enumFrom")


def check_descriptor(folder: Path, resource: dict) -> None:
    """Keys of the pre-Frictionless descriptors are refused, naming what replaced them."""
    where = Path(folder) / "datapackage.json"
    for field in resource["schema"]["fields"]:
        name = field["name"]
        for key, instead in LEGACY_KEYS.items():
            if key in field.get("constraints", {}):
                raise DataError(where, f"{resource['path']}: constraint {key!r} is not in the Frictionless spec; "
                                       f"use {instead}", column=name)
        if field.get("format") in NOTATIONS:
            raise DataError(where, f"{resource['path']}: format {field['format']!r} is not in the Frictionless spec; "
                                   f"use \"mfgghg:notation\": {field['format']!r} with a pattern", column=name)
        notation = field.get("mfgghg:notation")
        if notation is not None and notation not in NOTATIONS:
            raise DataError(where, f"{resource['path']}: unknown mfgghg:notation {notation!r}; "
                                   f"known: {', '.join(NOTATIONS)}", column=name)


def _allowed_values(spec: str, reference: dict[str, "RawTable"]) -> list:
    if spec == "units":
        return list(UNITS)
    kind, _, target = spec.partition(":")
    table, _, column = target.partition(".")
    return reference[table].data[column].dropna().tolist()


def build_schema(resource: dict, reference: dict[str, RawTable] | None = None) -> pa.DataFrameSchema:
    """The pandera schema a resource's description implies."""
    columns = {}
    for field in resource["schema"]["fields"]:
        c = field.get("constraints", {})
        checks = []
        if "minimum" in c:
            checks.append(pa.Check.ge(c["minimum"], error=f"must be >= {c['minimum']}"))
        if "maximum" in c:
            checks.append(pa.Check.le(c["maximum"], error=f"must be <= {c['maximum']}"))
        if "enum" in c:
            checks.append(pa.Check.isin(c["enum"], error=f"must be one of {', '.join(map(str, c['enum']))}"))
        spec = values_from(field)
        if spec and reference is not None:
            allowed = _allowed_values(spec, reference)
            checks.append(pa.Check.isin(allowed, error=f"must be one of {', '.join(map(str, allowed))}"))
        if "pattern" in c:
            checks.append(pa.Check.str_matches(c["pattern"], error=f"must match {c['pattern']}"))
        dtype = {"string": object, "boolean": "boolean", "integer": "Int64", "number": "float64"}[field["type"]]
        columns[field["name"]] = pa.Column(
            dtype,
            checks=checks,
            nullable=not c.get("required", False),
            unique=c.get("unique", False),
            required=True,
        )
    return pa.DataFrameSchema(columns, strict=True, name=resource["name"])


def _first_failure(err: pa.errors.SchemaErrors, path: Path, data: pd.DataFrame) -> DataError:
    cases = err.failure_cases.copy()
    cases["line"] = cases["index"].map(lambda i: line_of(i) if pd.notna(i) else None)
    row = cases.sort_values("line", na_position="first").iloc[0]
    check = str(row["check"])
    column = row["column"] if pd.notna(row["column"]) else None
    value = row["failure_case"]
    line = int(row["line"]) if pd.notna(row["line"]) else None
    if check == "not_nullable":
        message = "a value is required here"
    elif check == "field_uniqueness":
        # pandera lists every copy; the error belongs on the first repeat, not the original
        repeat = data[column].duplicated() & data[column].notna()
        line = line_of(repeat.idxmax())
        message = f"duplicate value {value!r} (must be unique)"
    else:
        message = f"{value!r} {check}"
    return DataError(path, message, line, column)


# Column-name endings that promise a unit: the description must declare that unit.
SUFFIX_UNITS = {"_10k_t_co2e": "萬公噸CO2e", "_10k_twd": "萬元", "_million_t_co2e": "百萬公噸CO2e", "_pct": "%"}


def check_units(folder: Path, resource: dict) -> None:
    """Every number column declares a known unit (or names the column holding each row's unit),
    and a column whose name promises a unit declares that one."""
    where = Path(folder) / "datapackage.json"
    names = {f["name"] for f in resource["schema"]["fields"]}
    for field in resource["schema"]["fields"]:
        name, unit = field["name"], field.get("unit")
        if field["type"] == "number" and unit is None and field.get("unit_field") not in names:
            raise DataError(where, f"{resource['path']}: number column declares no unit", column=name)
        if unit is not None and unit not in UNITS:
            raise DataError(where, f"{resource['path']}: unknown unit {unit!r}; known: {', '.join(UNITS)}", column=name)
        for suffix, expected in SUFFIX_UNITS.items():
            if name.endswith(suffix) and unit != expected:
                raise DataError(where, f"{resource['path']}: a column named *{suffix} must declare unit {expected!r}, "
                                       f"not {unit!r}", column=name)


def read_resource(folder: Path, resource: dict, reference: dict[str, RawTable] | None = None) -> RawTable:
    """Read, type and validate one file of a data package."""
    check_descriptor(folder, resource)
    check_units(folder, resource)
    path = Path(folder) / resource["path"]
    text, notes = read_text_table(path)
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    missing = [n for n in names if n not in text.columns]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(missing)}", HEADER_ROW, missing[0])
    unknown = [c for c in text.columns if c not in names]
    if unknown:
        raise DataError(
            path, f"unknown column {unknown[0]!r}; datapackage.json lists {', '.join(names)}", HEADER_ROW, unknown[0]
        )
    text = text[names]
    for f in fields:
        text[f["name"]], note = normalise_column(text[f["name"]], f)
        if note:
            notes.append(note)
    data = pd.DataFrame({f["name"]: _convert(text[f["name"]], f, path) for f in fields}, index=text.index)
    try:
        build_schema(resource, reference).validate(data, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise _first_failure(err, path, data) from None
    key_columns = resource["schema"].get("primaryKey")
    if key_columns and len(key_columns) > 1:
        dup = data.duplicated(subset=key_columns)
        if dup.any():
            i = dup.idxmax()
            raise DataError(path, f"duplicate key {tuple(data.loc[i, key_columns])} (must be unique)", line_of(i),
                            key_columns[-1])
    for note in notes:
        log.info("%s: %s", path.name, note)
    return RawTable(resource["name"], path, data, text, resource, notes)


def read_package(folder: Path, reference: dict[str, RawTable] | None = None) -> dict[str, RawTable]:
    """Every file of a folder's data package, validated, with foreign keys checked."""
    folder = Path(folder)
    descriptor = load_descriptor(folder)
    tables = {r["name"]: read_resource(folder, r, reference) for r in descriptor["resources"]}
    where = folder / "datapackage.json"
    for table in tables.values():
        for key in table.resource["schema"].get("foreignKeys", []):
            own, target = _as_list(key["fields"]), _as_list(key["reference"]["fields"])
            other = key["reference"].get("resource") or table.name  # "" is the table itself (the spec)
            if other not in tables:
                raise DataError(where, f"{table.resource['path']}: foreign key to {other!r}, which is not a "
                                       f"resource of this package", column=own[0])
            if len(own) != len(target):
                raise DataError(where, f"{table.resource['path']}: foreign key fields {own} and "
                                       f"reference fields {target} differ in number", column=own[0])
            if len(own) == 1:
                known = set(tables[other].data[target[0]].dropna())
                values = table.data[own[0]]
                bad = values.notna() & ~values.isin(known)
            else:
                known = set(tables[other].data[target].dropna().itertuples(index=False, name=None))
                rows = table.data[own]
                values = pd.Series(list(rows.itertuples(index=False, name=None)), index=rows.index)
                bad = rows.notna().all(axis=1) & ~values.isin(known)
            if bad.any():
                i = bad.idxmax()
                column = target[0] if len(target) == 1 else ", ".join(target)
                raise DataError(
                    table.path, f"{values[i]!r} is not a {column} of {tables[other].path.name}", line_of(i), own[-1]
                )
    return tables


def _as_list(fields: str | list[str]) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)

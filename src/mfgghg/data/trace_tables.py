"""Processed tables of the Table 4 trace, Figure 3 and the outside check of Figure 2 (issue 20).

Builders in the manner of :mod:`mfgghg.data.ingest`'s ``build_*``: each takes a validated package
(``raw``: the year's raw files; ``external``: ``data/external``) as ``dict[str, RawTable]`` and returns
one processed table. Each returns None where the year lacks the file (the tables are optional in
``processed_tables.json``), so a year without them still ingests.
"""

from __future__ import annotations

import pandas as pd

from mfgghg.data.package import RawTable
from mfgghg.data.units import UNITS, to_base
from mfgghg.errors import DataError

TRACE_TABLES = {  # processed table -> raw resource it is built from
    "table4_measure_map": "table4_measure_map",
    "netzero_strategy_directions": "netzero_strategy_directions",
    "netzero_companies": "netzero_companies",
    "netzero_groups": "netzero_groups",
}
EXTERNAL_TABLES = {
    "external_value_added": "manufacturing_value_added",
    "external_intensity_caveats": "intensity_comparison_caveats",
}


def _copy(package: dict[str, RawTable], name: str) -> pd.DataFrame | None:
    table = package.get(name)
    return None if table is None else table.data.copy().reset_index(drop=True)


def build_table4_measure_map(raw: dict[str, RawTable]) -> pd.DataFrame | None:
    """``table4_measure_map.csv`` as validated (counts are counts: no unit to convert)."""
    out = _copy(raw, "table4_measure_map")
    if out is not None:
        out = out.sort_values(["pillar", "item_no", "measure_id", "figure_no"],
                              na_position="last").reset_index(drop=True)
    return out


def build_netzero_strategy_directions(raw: dict[str, RawTable]) -> pd.DataFrame | None:
    """``netzero_strategy_directions.csv`` as validated, in the text's order."""
    out = _copy(raw, "netzero_strategy_directions")
    if out is not None:
        order = {"short_term": 0, "long_term": 1}
        out = out.assign(_h=out["horizon"].map(order)).sort_values(["strategy_no", "_h", "item_no"]) \
            .drop(columns="_h").reset_index(drop=True)
    return out


def build_netzero_companies(raw: dict[str, RawTable]) -> pd.DataFrame | None:
    """``netzero_companies.csv`` as validated, in the printed order."""
    out = _copy(raw, "netzero_companies")
    return None if out is None else out.sort_values("list_no").reset_index(drop=True)


def build_netzero_groups(raw: dict[str, RawTable]) -> pd.DataFrame | None:
    """``netzero_groups.csv`` as validated, in the text's order."""
    out = _copy(raw, "netzero_groups")
    return None if out is None else out.sort_values(["group_no", "role", "item_no"]).reset_index(drop=True)


VALUE_ADDED_COLUMNS = {"manufacturing_value_added": "manufacturing_value_added_twd",
                       "total_economy_value_added": "total_economy_value_added_twd"}


def build_external_value_added(external: dict[str, RawTable]) -> pd.DataFrame | None:
    """ETD real value added in NT$ (the raw file keeps the source's 百萬元, named per row in ``unit``;
    kept as ``source_unit``), origin 'external'."""
    out = _copy(external, "manufacturing_value_added")
    if out is None:
        return None
    for year, name in zip(out["year"], out["unit"]):
        if name not in UNITS or UNITS[name].base != "twd":
            raise DataError(external["manufacturing_value_added"].path,
                            f"year {year}: {name!r} is not a money unit of mfgghg.data.units", column="unit")
    for raw_column in VALUE_ADDED_COLUMNS:
        out[raw_column] = [to_base(v, u) for v, u in zip(out[raw_column], out["unit"])]
    out = out.rename(columns={**VALUE_ADDED_COLUMNS, "unit": "source_unit"})
    out["origin"] = "external"
    return out.sort_values("year").reset_index(drop=True)


def build_external_intensity_caveats(external: dict[str, RawTable]) -> pd.DataFrame | None:
    """What may differ between the report's intensity and the one worked out with outside data."""
    return _copy(external, "intensity_comparison_caveats")


def build_trace_tables(raw: dict[str, RawTable], external: dict[str, RawTable]) -> dict[str, pd.DataFrame]:
    """Every table of this module the packages allow (absent files give no table)."""
    built = {
        "table4_measure_map": build_table4_measure_map(raw),
        "netzero_strategy_directions": build_netzero_strategy_directions(raw),
        "netzero_companies": build_netzero_companies(raw),
        "netzero_groups": build_netzero_groups(raw),
        "external_value_added": build_external_value_added(external),
        "external_intensity_caveats": build_external_intensity_caveats(external),
    }
    return {name: table for name, table in built.items() if table is not None}

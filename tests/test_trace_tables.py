"""The processed tables of issue 20: built from the packages, optional where a year lacks the file,
and described well enough for a valid Frictionless package."""

from __future__ import annotations

import pandas as pd
from frictionless import validate

from conftest import FIXTURE_DATA, REPO
from mfgghg.checks.table4_trace import trace_table4
from mfgghg.data.ingest import build_measures, write_csv
from mfgghg.data.package import read_package
from mfgghg.data.processed_package import write_processed_descriptor
from mfgghg.data.trace_tables import build_trace_tables

EXTERNAL = read_package(REPO / "data" / "external", reference={})


def test_2021_tables_and_their_processed_package(tmp_path):
    reference = read_package(REPO / "data" / "reference")
    raw = read_package(REPO / "data" / "raw" / "2021", reference)
    tables = build_trace_tables(raw, EXTERNAL)
    assert set(tables) == {"table4_measure_map", "netzero_strategy_directions", "netzero_companies",
                           "netzero_groups", "external_value_added", "external_intensity_caveats"}
    assert tables["netzero_groups"]["group_zh"].drop_duplicates().tolist() == ["產業淨零工作小組", "產業碳中和聯盟"]
    assert tables["external_value_added"]["origin"].eq("external").all()
    assert tables["netzero_strategy_directions"]["horizon"].tolist()[:3] == ["short_term", "short_term", "long_term"]
    from mfgghg.data.ingest import ingest
    from mfgghg.data.paths import YearPaths

    every = {**ingest(YearPaths.for_year(2021)).tables, **tables}
    for name, df in every.items():
        write_csv(df, tmp_path / f"{name}.csv")
    report = validate(write_processed_descriptor(tmp_path, every, 2021))
    assert report.valid, report.flatten(["type", "message"])


def test_a_year_without_the_files_gets_no_tables():
    reference = read_package(FIXTURE_DATA / "reference")
    raw = read_package(FIXTURE_DATA / "raw" / "2099", reference)
    without = {k: v for k, v in raw.items() if k not in ("table4_measure_map", "netzero_companies", "netzero_groups")}
    tables = build_trace_tables(without, {})
    assert set(tables) == {"netzero_strategy_directions"}


def test_synthetic_year_traces_one_item_and_leaves_one_unmapped():
    reference = read_package(FIXTURE_DATA / "reference")
    raw = read_package(FIXTURE_DATA / "raw" / "2099", reference)
    tables = build_trace_tables(raw, EXTERNAL)
    c = trace_table4(raw["published_table4_results_summary"].text, tables["table4_measure_map"],
                     build_measures(raw, reference)).set_index("check_id")
    assert c.at["table4.item.1.1.count", "verdict"] == "equal"
    assert c.at["table4.item.1.1.reduction", "verdict"] == "differs"  # 10 against the printed 12.5, on purpose
    assert c.at["table4.item.2.1.reduction", "verdict"] == "differs" and pd.isna(c.at["table4.item.2.1.reduction",
                                                                                      "recomputed"])
    assert c.at["table4.item.2.1.count", "verdict"] == "not printed"

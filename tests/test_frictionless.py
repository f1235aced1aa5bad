"""The data packages are valid under the Frictionless spec (frictionless 5, as a library), and
the processed tables' descriptor is written from metadata that must describe every table and column."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from frictionless import validate

from conftest import FIXTURE_DATA, REPO, line_of_value, set_cell
from mfgghg.data import processed_package
from mfgghg.data.external import read_external_facts
from mfgghg.data.ingest import ingest, write_csv, write_tables
from mfgghg.data.package import load_descriptor, read_package, read_resource
from mfgghg.data.paths import ROC_OFFSET, YearPaths
from mfgghg.data.processed_package import processed_descriptor, write_processed_descriptor
from mfgghg.errors import DataError

PACKAGES = [
    REPO / "data" / "raw" / "2021",
    REPO / "data" / "reference",
    REPO / "data" / "external",
    REPO / "data" / "processed" / "2021",  # committed, as notebook 01 writes it
    FIXTURE_DATA / "raw" / "2099",
    FIXTURE_DATA / "reference",
]


def errors(report) -> list[list[str]]:
    return report.flatten(["type", "message"])


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_committed_packages_are_valid_frictionless(folder):
    report = validate(folder / "datapackage.json")
    assert report.valid, errors(report)
    assert report.stats["tasks"] == len(load_descriptor(folder)["resources"])


@pytest.mark.parametrize("folder", [PACKAGES[0], PACKAGES[4]], ids=["2021", "2099"])
def test_raw_descriptors_use_spec_keys_and_namespaced_custom_ones(folder):
    """No constraint or format outside the spec; references within the package are foreignKeys,
    references to the reference lists are mfgghg:foreignKey."""
    descriptor = load_descriptor(folder)
    fields = [f for r in descriptor["resources"] for f in r["schema"]["fields"]]
    assert not [f["name"] for f in fields if {"enum_from", "foreign_key"} & set(f.get("constraints", {}))]
    assert not [f["name"] for f in fields if f.get("format") in ("roc_year", "roc_period")]
    by_name = {r["name"]: r for r in descriptor["resources"]}
    assert {"fields": ["measure_id"], "reference": {"resource": "annex_measures", "fields": ["measure_id"]}} \
        in by_name["annex_funding"]["schema"]["foreignKeys"]
    lead = next(f for f in by_name["annex_measures"]["schema"]["fields"] if f["name"] == "lead_agency_zh")
    assert lead["mfgghg:foreignKey"] == {"package": "reference", "resource": "agencies", "field": "agency_zh"}
    period = next(f for f in by_name["annex_measures"]["schema"]["fields"] if f["name"] == "period_roc")
    assert period["mfgghg:notation"] == "roc_period" and period["constraints"]["pattern"]


def test_a_broken_field_type_fails_with_frictionless_message(tmp_path):
    copy = tmp_path / "2021"
    shutil.copytree(PACKAGES[0], copy)
    descriptor = load_descriptor(copy)
    descriptor["resources"][0]["schema"]["fields"][0]["type"] = "integr"
    (copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    report = validate(copy / "datapackage.json")
    assert not report.valid
    assert ["field-error", 'Field is not valid: field type "integr" is not supported'] in errors(report)


def test_a_legacy_constraint_fails_frictionless_and_is_refused_by_the_reader(tmp_path):
    copy = tmp_path / "2021"
    shutil.copytree(PACKAGES[0], copy)
    descriptor = load_descriptor(copy)
    funding = next(r for r in descriptor["resources"] if r["name"] == "annex_funding")
    funding["schema"]["fields"][0]["constraints"]["foreign_key"] = "annex_measures.measure_id"
    (copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    report = validate(copy / "datapackage.json")
    assert any(t == "field-error" and 'constraint "foreign_key" is' in m for t, m in errors(report))
    with pytest.raises(DataError, match=r"constraint 'foreign_key' is not in the Frictionless spec; "
                                        r"use the schema's \"foreignKeys\"") as info:
        read_resource(copy, funding)
    assert info.value.file == str(copy / "datapackage.json") and info.value.column == "measure_id"


def test_a_same_package_foreign_key_is_checked_by_both(data_copy):
    """A funding row for a measure the annex does not have: frictionless names the foreign key,
    the project's reader names file, row and column."""
    raw = data_copy / "raw" / "2021"
    set_cell(raw / "annex_funding.csv", 2, "measure_id", "9.9.9")
    report = validate(raw / "datapackage.json")
    assert "foreign-key" in [t for t, _ in errors(report)]
    with pytest.raises(DataError) as info:
        read_package(raw, read_package(data_copy / "reference"))
    assert info.value.message == "'9.9.9' is not a measure_id of annex_measures.csv"
    assert (info.value.file, info.value.row, info.value.column) == (str(raw / "annex_funding.csv"), 2, "measure_id")


def test_a_cross_package_reference_is_checked_by_the_reader(data_copy):
    """mfgghg:foreignKey (not a Frictionless check): an agency missing from the reference list."""
    raw = data_copy / "raw" / "2021"
    agencies = data_copy / "reference" / "agencies.csv"
    row = line_of_value(agencies, "agency_zh", "經濟部工業局")
    set_cell(agencies, row, "agency_zh", "某機關")
    with pytest.raises(DataError, match="must be one of") as info:
        read_package(raw, read_package(data_copy / "reference"))
    assert info.value.file == str(raw / "annex_measures.csv") and info.value.column in (
        "lead_agency_zh", "co_agency_zh")


def test_roc_notation_is_still_normalised(data_copy):
    """mfgghg:notation roc_period: '110～114年' is read as 110-114, then checked by the pattern."""
    raw = data_copy / "raw" / "2021"
    measures = raw / "annex_measures.csv"
    set_cell(measures, 2, "period_roc", "110～114年")
    resource = next(r for r in load_descriptor(raw)["resources"] if r["name"] == "annex_measures")
    table = read_resource(raw, resource)
    assert table.data.loc[0, "period_roc"] == "110-114"
    assert any(n.startswith("column period_roc: normalised ROC year notation") for n in table.notes)


# --- the processed tables' descriptor ---------------------------------------------------------


@pytest.fixture(scope="module")
def ingested():
    return ingest(YearPaths.for_year(2021))


def _optional_tables(ingested) -> dict[str, pd.DataFrame]:
    """The tables the ingest may also write, built here from the validated raw files."""
    raw = ingested.raw
    t6 = raw["published_table6_emissions"].text.copy()
    t6.insert(0, "year", raw["published_table6_emissions"].data["roc_year"].astype(int) + ROC_OFFSET)
    return {
        "measure_goals": raw["measure_goals"].data.copy(),
        "published_table4_printed": raw["published_table4_results_summary"].text.copy(),
        "published_table6_printed": t6,
        "external_facts": read_external_facts(REPO / "data" / "external"),
        "intensity_series": pd.DataFrame({"year": [2020, 2021], "intensity": [1.5, 1.4], "index": [100.0, 93.3],
                                          "source": ["a named source", "a named source"]}),
    }


def _write(folder, tables, year=2021):
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        write_csv(df, folder / f"{name}.csv")
    return write_processed_descriptor(folder, tables, year)


def test_processed_package_of_the_ingest_is_valid(ingested, tmp_path):
    path = _write(tmp_path / "p", ingested.tables)
    assert path == tmp_path / "p" / "datapackage.json"
    report = validate(path)
    assert report.valid, errors(report)
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == sorted(ingested.tables)
    assert report.stats["tasks"] == len(ingested.tables)
    by_name = {r["name"]: r for r in descriptor["resources"]}
    for name, df in ingested.tables.items():
        r = by_name[name]
        assert r["path"] == f"{name}.csv" and r["title"] and r["description"]
        assert r["source"]["raw_files"] and r["source"]["report_sections"]
        assert [f["name"] for f in r["schema"]["fields"]] == list(df.columns)
        assert all(f["description"] for f in r["schema"]["fields"])
        assert r["schema"]["primaryKey"]
    funding = by_name["measure_funding"]["schema"]
    assert {"fields": ["measure_id"], "reference": {"resource": "measures", "fields": ["measure_id"]}} \
        in funding["foreignKeys"]
    units = {f["name"]: f.get("unit") for r in descriptor["resources"] for f in r["schema"]["fields"]}
    assert units["amount_twd"] == "twd" and units["reduction_t_co2e"] == "t_co2e"
    assert units["actual_mt_co2e"] == "mt_co2e" and units["rate_pct"] == "pct"
    assert "data/raw/2021/annex_funding.csv" in by_name["measure_funding"]["source"]["raw_files"]
    assert "data/reference/funding_sources.csv" in by_name["measure_funding"]["source"]["raw_files"]


def test_processed_package_with_the_optional_tables_is_valid(ingested, tmp_path):
    tables = {**ingested.tables, **_optional_tables(ingested)}
    path = _write(tmp_path / "p", tables)
    report = validate(path)
    assert report.valid, errors(report)
    names = [r["name"] for r in json.loads(path.read_text(encoding="utf-8"))["resources"]]
    assert {"measure_goals", "published_table4_printed", "published_table6_printed", "external_facts",
            "intensity_series"} <= set(names)


def test_processed_descriptor_bytes_are_deterministic(ingested, tmp_path):
    first = _write(tmp_path / "a", ingested.tables).read_bytes()
    reordered = dict(reversed(list(ingested.tables.items())))
    second = _write(tmp_path / "b", reordered).read_bytes()
    assert first == second and first.endswith(b"}\n") and not first.endswith(b"\n\n")
    assert "輔導產業".encode("utf-8") not in first  # only descriptions, no data...
    assert "主辦機關".encode("utf-8") in first  # ...and not \u-escaped (ensure_ascii=False)
    assert first.startswith(b'{\n "description"')  # indent=1, keys sorted


def test_processed_package_foreign_key_violation_fails_frictionless(ingested, tmp_path):
    tables = dict(ingested.tables)
    funding = tables["measure_funding"].copy()
    funding.loc[0, "measure_id"] = "9.9.9"
    tables["measure_funding"] = funding
    report = validate(_write(tmp_path / "p", tables))
    assert not report.valid
    assert any(t == "foreign-key" and "9.9.9" in m for t, m in errors(report))


def test_processed_package_foreign_key_to_a_missing_table_fails_frictionless(ingested, tmp_path):
    path = _write(tmp_path / "p", ingested.tables)
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    funding = next(r for r in descriptor["resources"] if r["name"] == "measure_funding")
    funding["schema"]["foreignKeys"][0]["reference"]["resource"] = "no_such_table"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    report = validate(path)
    assert not report.valid
    assert any(t == "resource-error" and 'as resource "no_such_table" does not exist' in m for t, m in errors(report))


def test_a_table_without_metadata_is_refused(ingested):
    tables = {**ingested.tables, "undocumented": pd.DataFrame({"a": [1]})}
    with pytest.raises(DataError, match="table 'undocumented' has no metadata") as info:
        processed_descriptor(tables, 2021)
    assert info.value.file == str(processed_package.METADATA_PATH)


def test_an_undescribed_column_is_refused(ingested, tmp_path):
    tables = dict(ingested.tables)
    tables["measures"] = tables["measures"].assign(new_column=1)
    with pytest.raises(DataError, match="table 'measures': column 'new_column' is not described") as info:
        write_processed_descriptor(tmp_path, tables, 2021)
    assert info.value.column == "new_column"
    assert not (tmp_path / "datapackage.json").exists()


def test_metadata_gaps_are_refused(ingested, monkeypatch, tmp_path):
    """An empty description, a described column the table lacks, a unit suffix with another unit,
    a required table missing: each is a one-line DataError naming the table."""
    original = processed_package.load_metadata()

    def with_change(change):
        meta = json.loads(json.dumps(original))
        change(meta["tables"])
        path = tmp_path / "meta.json"
        path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        monkeypatch.setattr(processed_package, "load_metadata", lambda: json.loads(path.read_text(encoding="utf-8")))

    with_change(lambda t: t["pillars"].update(description=" "))
    with pytest.raises(DataError, match="table 'pillars' has no description"):
        processed_descriptor(ingested.tables, 2021)
    with_change(lambda t: t["pillars"]["fields"]["name_zh"].update(description=""))
    with pytest.raises(DataError, match="table 'pillars': column 'name_zh' has no description"):
        processed_descriptor(ingested.tables, 2021)
    with_change(lambda t: t["pillars"]["fields"].update(gone={"type": "string", "description": "x"}))
    with pytest.raises(DataError, match="described column 'gone' is not in the table"):
        processed_descriptor(ingested.tables, 2021)
    with_change(lambda t: t["measure_funding"]["fields"]["amount_twd"].update(unit="t_co2e"))
    with pytest.raises(DataError, match=r"a column named \*_twd must declare unit 'twd'"):
        processed_descriptor(ingested.tables, 2021)
    monkeypatch.setattr(processed_package, "load_metadata", lambda: original)
    without = {k: v for k, v in ingested.tables.items() if k != "notes"}
    with pytest.raises(DataError, match="table 'notes' is not marked optional but was not given"):
        processed_descriptor(without, 2021)
    # optional tables may be absent: the ingest's ten tables alone are described
    assert len(processed_descriptor(ingested.tables, 2021)["resources"]) == len(ingested.tables)


# --- what every package says of its origin: version, licence, sources with their publishers ---------


def assert_names_licence_sources_and_version(descriptor: dict, where: str) -> None:
    from mfgghg.data.provenance import DATA_LICENSE, PUBLISHER_KEY, project_version

    assert descriptor.get("version") == project_version(), (where, "version: bump it with pyproject.toml's")
    assert DATA_LICENSE in descriptor.get("licenses", []), where
    sources = descriptor.get("sources", [])
    assert sources, where
    for source in sources:
        assert str(source.get("title", "")).strip() and str(source.get(PUBLISHER_KEY, "")).strip(), (where, source)
        assert str(source.get("mfgghg:terms", "")).strip(), (where, source)  # whose terms apply to it
        assert not source.get("path") or source["path"].startswith(("http://", "https://")), (where, source)


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_committed_package_names_its_licence_sources_with_publishers_and_version(folder):
    assert_names_licence_sources_and_version(load_descriptor(folder), str(folder))


def test_the_raw_report_source_names_its_publisher_and_no_address_it_does_not_give():
    from mfgghg.data.provenance import PUBLISHER_KEY

    report = load_descriptor(REPO / "data" / "raw" / "2021")["sources"]
    assert len(report) == 1 and report[0]["title"].startswith("製造部門溫室氣體排放管制行動方案110年執行成果報告")
    assert report[0][PUBLISHER_KEY].startswith("經濟部") and "path" not in report[0]
    assert "not stated" in report[0]["mfgghg:note"]


def test_the_processed_package_of_a_made_up_year_and_its_figure_set_copy(tmp_path):
    """The ingest of the synthetic year names the synthetic raw source first, then the reference lists'
    and the outside sources; the copy shipped with the figure set adds the commit; frictionless
    accepts both."""
    from mfgghg.data.provenance import COMMIT_KEY, current_commit
    from mfgghg.runner.publish import ship_processed_data

    paths = YearPaths.for_year(2099, raw_root=FIXTURE_DATA / "raw", processed_root=tmp_path / "processed")
    ingested = ingest(paths)
    write_tables(ingested.tables, paths.processed, 2099, sources=ingested.sources, sections=ingested.sections)
    descriptor = load_descriptor(paths.processed)
    assert_names_licence_sources_and_version(descriptor, "processed 2099")
    titles = [s["title"] for s in descriptor["sources"]]
    assert titles[0].startswith("SYNTHETIC TEST DATA") and any("110年執行成果報告" in t for t in titles)
    assert any("Taipei Times" in t for t in titles) and len(titles) == len(set(titles))
    assert COMMIT_KEY not in descriptor
    report = validate(paths.processed / "datapackage.json")
    assert report.valid, errors(report)

    figures = tmp_path / "figures" / "2099"
    ship_processed_data(paths.processed, figures)
    shipped = load_descriptor(figures / "data")
    assert shipped.pop(COMMIT_KEY) == current_commit().text
    assert shipped == descriptor
    report = validate(figures / "data" / "datapackage.json")
    assert report.valid, errors(report)


def test_the_processed_tables_titles_and_descriptions_hold_for_any_year():
    """The processed tables' metadata is written into every year's package: a title, description or
    section that named a numbered part of the body (貳 二(二)) or a count of one year's report would be
    wrong in another year's, where the parts move and the counts change (the raw package of each year
    says where its files come from)."""
    import re

    body_part = re.compile(r"[壹貳參肆伍陸柒捌玖拾]\s*[一二三四五六七八九十]")
    count = re.compile(r"(?<![表\w.])\d+ (?:strategies|companies|measures|groups|items)")
    for name, meta in processed_package.load_metadata()["tables"].items():
        for key in ("title", "description"):
            assert not body_part.search(meta[key]) and not count.search(meta[key]), (name, key, meta[key])
        # (the sections said where a year's packages name none for the table's files)
        assert not any(body_part.search(s) for s in meta["source"]["sections"]), (name, meta["source"]["sections"])


def test_a_processed_table_names_the_sections_its_years_files_come_from(data_copy, tmp_path):
    """The sections move between reports: a year's raw package says where its report prints each file,
    and the processed tables built from those files name the same places, each once, in the files' order
    (the metadata's sections only where no file names one)."""
    raw = data_copy / "raw" / "2021"
    descriptor = json.loads((raw / "datapackage.json").read_text(encoding="utf-8"))
    # (measures are built from annex_measures, measure_attributes, pillars and two reference lists: the
    # first two now name one section, said once)
    moved = {"highlight_cases": "參 三(一) 亮點成果", "netzero_companies": "參 二(三) 淨零轉型",
             "annex_measures": "附件一、執行情形", "measure_attributes": "附件一、執行情形"}
    for resource in descriptor["resources"]:
        if resource["name"] in moved:
            resource["source"]["section"] = moved[resource["name"]]
    (raw / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    ingested = ingest(YearPaths.for_year(2021, raw_root=data_copy / "raw"))
    from mfgghg.checks.reconcile import reconciliation_table

    tables = dict(ingested.tables, reconciliation=reconciliation_table(ingested))
    write_tables(tables, tmp_path / "p", 2021, sources=ingested.sources, sections=ingested.sections)
    written = load_descriptor(tmp_path / "p")
    sections = {r["name"]: r["source"]["report_sections"] for r in written["resources"]}
    assert sections["highlight_cases"] == ["參 三(一) 亮點成果"]
    assert sections["netzero_companies"] == ["參 二(三) 淨零轉型"]
    reference = json.loads((data_copy / "reference" / "datapackage.json").read_text(encoding="utf-8"))
    said = {r["name"]: r["source"]["section"] for r in reference["resources"] if r.get("source", {}).get("section")}
    assert sections["measures"] == ["附件一、執行情形", "表 2 row labels",
                                    *(said[n] for n in ("agencies", "reduction_kinds") if n in said)]
    assert "agencies" in said  # (a reference list's section is named too)
    # a table whose files name no section keeps the metadata's
    notes = processed_package.load_metadata()["tables"]["reconciliation"]["source"]["sections"]
    assert sections["reconciliation"] == notes


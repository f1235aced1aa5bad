"""The ingest on the real 2021 data, and what it does with broken input."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from conftest import REPO, line_of_value, set_cell
from mfgghg.errors import DataError, ParameterError
from mfgghg.data.ingest import ingest, load_processed, write_csv, write_tables
from mfgghg.data.paths import YearPaths
from mfgghg.runner.pipeline import run_year
from mfgghg.checks.budget import funding_by_pillar
from mfgghg.checks.reconcile import reconciliation_table
from mfgghg.checks.status import status_counts


@pytest.fixture(scope="module")
def ingested_2021():
    return ingest(YearPaths.for_year(2021))


def test_37_measures_in_three_pillars_and_17_strategies(ingested_2021):
    m = ingested_2021.tables["measures"]
    assert len(m) == 37 and m["measure_id"].is_unique
    assert m["pillar"].value_counts().sort_index().tolist() == [12, 17, 8]
    assert m["strategy_id"].nunique() == 17
    assert set(m["ministry_zh"]) == {"經濟部", "國科會", "環保署"}
    assert m.loc[m["measure_id"] == "3.4.1", ["period_start", "period_end"]].values.tolist() == [[2022, 2022]]


@pytest.mark.parametrize("table, by", [("table2", "pillar"), ("table3", "ministry_zh")])
def test_counts_by_type_equal_tables_2_and_3(ingested_2021, table, by):
    t = ingested_2021.tables
    recomputed = status_counts(t["measures"], by).set_index(["group", "measure_type"])
    published = t["published_status"].query("table == @table").set_index(["group", "measure_type"])
    for key, row in published.iterrows():
        for col in ("achieved", "not_achieved", "subtotal"):
            if pd.isna(row[col]):  # the report prints '-' where a group has no such measure
                assert recomputed.loc[key, "subtotal"] == 0
            else:
                assert recomputed.loc[key, col] == row[col], (key, col)


def test_funding_by_pillar_matches_table5_within_rounding(ingested_2021):
    t = ingested_2021.tables
    sums = funding_by_pillar(t["measures"], t["measure_funding"]) / 1e4  # 萬元, as printed
    published = t["published_budget"].set_index("pillar")["actual_twd"] / 1e4
    for pillar, value in sums.items():
        assert abs(value - published[pillar]) < 1, pillar  # printed in whole 萬元 (rounded or truncated)
    assert abs(sums.sum() - published["total"]) < 1


def test_emissions_equal_table6(ingested_2021):
    e = ingested_2021.tables["emissions"]
    raw = ingested_2021.raw["published_table6_emissions"].data
    assert e["year"].tolist() == [2016, 2017, 2018, 2019, 2020]
    assert e["target_mt_co2e"].tolist() == raw["annual_target_million_t_co2e"].tolist()
    assert e["actual_mt_co2e"].tolist() == raw["annual_emissions_million_t_co2e"].tolist()
    assert e["cumulative_actual_mt_co2e"].iloc[-1] == 734.0


def test_units_converted_to_base(ingested_2021):
    m = ingested_2021.tables["measures"].set_index("measure_id")
    f = ingested_2021.tables["measure_funding"]
    assert m.at["1.1.1", "reduction_t_co2e"] == 1_194_000  # 119.4 萬公噸
    assert f.query("measure_id == '1.3.1'")["amount_twd"].item() == pytest.approx(75_547_425)  # 7,554.7425 萬元


def test_reconciliation_explains_every_difference(ingested_2021):
    r = reconciliation_table(ingested_2021)
    differ = r[~r["agrees"]]
    assert len(differ) > 0  # the report has real inconsistencies; they must stay visible
    assert (differ["explanation"].str.len() > 0).all(), differ.loc[differ["explanation"] == "", "check_id"].tolist()
    v = r.set_index("check_id")["verdict"]
    assert v["headline.reduction_report_year.actual_expected"] == "rounds to published"
    assert v["headline.reduction_report_year.actual"] == "differs"
    assert v["table5.1.actual.public_only"] == "differs"


def test_committed_processed_tables_are_what_the_ingest_writes(ingested_2021, tmp_path):
    """data/processed/2021 is committed for JupyterLab users; it must be the ingest's output."""
    committed = load_processed(REPO / "data" / "processed" / "2021")
    fresh_dir = tmp_path / "p"
    tables = dict(ingested_2021.tables, reconciliation=reconciliation_table(ingested_2021))
    write_tables(tables, fresh_dir, 2021, sources=ingested_2021.sources, sections=ingested_2021.sections)
    for name in tables:
        committed_csv = REPO / "data" / "processed" / "2021" / f"{name}.csv"
        assert (fresh_dir / f"{name}.csv").read_bytes() == committed_csv.read_bytes(), name
    assert set(tables) <= set(committed)
    # the descriptor too: it names the version, the licence and the sources, never the commit
    committed_descriptor = (REPO / "data" / "processed" / "2021" / "datapackage.json").read_bytes()
    assert (fresh_dir / "datapackage.json").read_bytes() == committed_descriptor
    assert b"mfgghg:commit" not in committed_descriptor


def test_the_committed_synthetic_year_is_what_its_script_writes(tmp_path):
    """The made-up year 2099 and its reference lists are written by tests/fixtures/make_synthetic_year.py,
    never edited by hand: the script regenerates them byte for byte (run it after changing the raw
    layout or data/reference, which the fixture copies)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_synthetic_year", REPO / "tests" / "fixtures" /
                                                  "make_synthetic_year.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path / "data")
    committed = REPO / "tests" / "fixtures" / "data"

    def files(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    written, kept = files(tmp_path / "data"), files(committed)
    assert sorted(written) == sorted(kept)
    assert [name for name in written if written[name] != kept[name]] == []


def test_write_tables_leaves_an_identical_folder_untouched_and_replaces_a_different_one(tmp_path):
    out = tmp_path / "2021"
    write_tables({"a": pd.DataFrame({"x": [1]})}, out)
    inode = out.stat().st_ino
    write_tables({"a": pd.DataFrame({"x": [1]})}, out)
    assert out.stat().st_ino == inode  # the same folder: not swapped
    write_tables({"a": pd.DataFrame({"x": [2]})}, out)
    assert (out / "a.csv").read_text() == "x\n2\n"
    write_tables({"a": pd.DataFrame({"x": [2]}), "b": pd.DataFrame({"y": [1]})}, out)
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["2021"]


def test_write_tables_leaves_previous_files_when_a_table_fails(tmp_path):
    out = tmp_path / "2021"
    write_tables({"a": pd.DataFrame({"x": [1]})}, out)
    before = (out / "a.csv").read_bytes()

    class Broken(pd.DataFrame):
        def to_csv(self, *a, **k):
            raise OSError("disk full")

    with pytest.raises(OSError):
        write_tables({"a": pd.DataFrame({"x": [2]}), "b": Broken({"y": [1]})}, out)
    assert (out / "a.csv").read_bytes() == before
    assert not (out / "b.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["2021"]  # no temporary folders left


# --- broken input: one line naming file, row and column -------------------------------------


def _ingest(root):
    return ingest(YearPaths.for_year(2021, raw_root=root / "raw"))


def _expect(root, file, row, column, message):
    """A pipeline run refuses the data before it writes anything, with one line naming file, row and
    column (its preflight is the ingest itself); the previous outputs stay byte for byte."""
    outputs = {}
    for kind in ("processed", "figures"):
        d = root / kind / "2021"
        d.mkdir(parents=True, exist_ok=True)
        (d / "previous.csv").write_bytes(b"previous\n")
        outputs[kind] = d
    with pytest.raises(DataError) as info:
        run_year(2021, root / "raw", root / "processed", root / "figures", root / "build", log=lambda *_: None)
    err = info.value
    text = str(err)
    assert "\n" not in text
    assert err.file.endswith(file), text
    assert err.row == row, text
    assert err.column == column, text
    assert message in text, text
    for d in outputs.values():
        assert [(p.name, p.read_bytes()) for p in d.iterdir()] == [("previous.csv", b"previous\n")]
    assert not (root / "build").exists()  # nothing started
    return text


def test_ingest_and_run_refuse_bad_input_with_the_same_line(data_copy):
    """The notebook's ingest and the runner's preflight are one function: the same message."""
    set_cell(data_copy / "raw" / "2021" / "annex_funding.csv", 2, "amount_10k_twd", "12,3x")
    with pytest.raises(DataError) as direct:
        _ingest(data_copy)
    assert _expect(data_copy, "annex_funding.csv", 2, "amount_10k_twd", "") == str(direct.value)


def test_a_missing_required_file_is_refused_in_one_line_naming_the_package(data_copy):
    """A year's package without a file every year needs stops the run before any kernel, naming the
    package and the file (not a KeyError deep in a build function)."""
    import json

    p = data_copy / "raw" / "2021" / "datapackage.json"
    d = json.loads(p.read_text(encoding="utf-8"))
    d["resources"] = [r for r in d["resources"] if r["name"] not in ("annex_funding", "highlight_cases")]
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    text = _expect(data_copy, "datapackage.json", None, None, "no resource 'annex_funding' (annex_funding.csv)")
    assert text.endswith("every year needs it (also missing: highlight_cases)")


def test_a_measure_numbered_with_two_digits_is_read_and_sorted_by_number(data_copy):
    """Next year's annex may number a strategy's tenth measure 2.1.10 (the extractor drafts it): the
    descriptions accept it, and the measures sort by number (2.1.10 after 2.1.8, not after 2.1.1)."""
    raw = data_copy / "raw" / "2021"
    for name in ("annex_measures.csv", "measure_attributes.csv", "annex_funding.csv"):
        with open(raw / name, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        col = rows[0].index("measure_id")
        added = [[*r[:col], "2.1.10", *r[col + 1:]] for r in rows[1:] if r[col] == "2.1.8"]
        assert added, name
        with open(raw / name, "a", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(added)
    ids = _ingest(data_copy).tables["measures"]["measure_id"].tolist()
    assert ids.index("2.1.10") == ids.index("2.1.8") + 1 and len(ids) == 38


def test_valid_copy_ingests(data_copy):
    assert len(_ingest(data_copy).tables["measures"]) == 37


def test_number_column_without_declared_unit(data_copy):
    import json

    p = data_copy / "raw" / "2021" / "datapackage.json"
    d = json.loads(p.read_text(encoding="utf-8"))
    field = next(f for r in d["resources"] if r["name"] == "annex_funding" for f in r["schema"]["fields"]
                 if f["name"] == "amount_10k_twd")
    del field["unit"]
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    _expect(data_copy, "datapackage.json", None, "amount_10k_twd", "declares no unit")


@pytest.mark.parametrize("unit, message", [("噸", "unknown unit '噸'"), ("萬公噸CO2e", "must declare unit '萬元'")])
def test_column_with_wrong_unit(data_copy, unit, message):
    import json

    p = data_copy / "raw" / "2021" / "datapackage.json"
    d = json.loads(p.read_text(encoding="utf-8"))
    field = next(f for r in d["resources"] if r["name"] == "annex_funding" for f in r["schema"]["fields"]
                 if f["name"] == "amount_10k_twd")
    field["unit"] = unit
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    _expect(data_copy, "datapackage.json", None, "amount_10k_twd", message)


def test_strict_run_refuses_an_unexplained_difference_before_writing(data_copy):
    from mfgghg.errors import ReconciliationError

    notes = data_copy / "raw" / "2021" / "reconciliation_notes.csv"
    lines = notes.read_text(encoding="utf-8").splitlines(keepends=True)
    notes.write_text("".join(line for line in lines
                             if not line.startswith("headline.actual_budget_report_year_section_2")),
                     encoding="utf-8")
    with pytest.raises(ReconciliationError, match="1 published figure.*headline.actual_budget_report_year_section_2"):
        run_year(2021, data_copy / "raw", data_copy / "processed", data_copy / "figures", data_copy / "build",
                 strict=True, log=lambda *_: None)
    assert not (data_copy / "processed").exists() and not (data_copy / "build").exists()


def test_missing_year_folder(data_copy):
    shutil.rmtree(data_copy / "raw" / "2021")
    with pytest.raises(ParameterError, match="no data for report year 2021"):
        _ingest(data_copy)


def test_missing_file(data_copy):
    (data_copy / "raw" / "2021" / "annex_funding.csv").unlink()
    _expect(data_copy, "annex_funding.csv", None, None, "missing file")


def test_missing_description(data_copy):
    (data_copy / "raw" / "2021" / "datapackage.json").unlink()
    _expect(data_copy, "datapackage.json", None, None, "missing")


def test_missing_column(data_copy):
    p = data_copy / "raw" / "2021" / "annex_funding.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False).drop(columns=["note"])
    write_csv(df, p)
    _expect(data_copy, "annex_funding.csv", 1, "note", "missing column")


def test_unknown_column(data_copy):
    p = data_copy / "raw" / "2021" / "annex_funding.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False).rename(columns={"note": "notes"})
    write_csv(df, p)
    _expect(data_copy, "annex_funding.csv", 1, "note", "missing column")


def test_extra_column(data_copy):
    p = data_copy / "raw" / "2021" / "pillars.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False).assign(name_en="x")
    write_csv(df, p)
    _expect(data_copy, "pillars.csv", 1, "name_en", "unknown column")


@pytest.mark.parametrize("value, message", [("abc", "expected a number"), ("-5", "must be >= 0")])
def test_bad_amount(data_copy, value, message):
    p = data_copy / "raw" / "2021" / "annex_funding.csv"
    set_cell(p, 4, "amount_10k_twd", value)
    _expect(data_copy, "annex_funding.csv", 4, "amount_10k_twd", message)


def test_duplicate_measure_id(data_copy):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    set_cell(p, 3, "measure_id", "1.1.1")
    text = _expect(data_copy, "annex_measures.csv", 3, "measure_id", "duplicate")
    assert "1.1.1" in text


@pytest.mark.parametrize("value", ["1.1", "1.1.1a", "A.1.1"])
def test_malformed_measure_id(data_copy, value):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    set_cell(p, 5, "measure_id", value)
    _expect(data_copy, "annex_measures.csv", 5, "measure_id", "must match")


def test_unknown_agency(data_copy):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    set_cell(p, 6, "lead_agency_zh", "經濟部水利署")
    _expect(data_copy, "annex_measures.csv", 6, "lead_agency_zh", "must be one of")


def test_unknown_funding_source(data_copy):
    p = data_copy / "raw" / "2021" / "annex_funding.csv"
    set_cell(p, 2, "source_zh", "特別預算")
    _expect(data_copy, "annex_funding.csv", 2, "source_zh", "'特別預算' must be one of")


def test_unknown_reduction_kind(data_copy):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    row = line_of_value(p, "measure_id", "1.1.1")
    set_cell(p, row, "reduction_kind_zh", "估計減碳")
    _expect(data_copy, "annex_measures.csv", row, "reduction_kind_zh", "must be one of")


def test_reduction_without_kind(data_copy):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    row = line_of_value(p, "measure_id", "1.1.2")
    set_cell(p, row, "reduction_kind_zh", "")
    _expect(data_copy, "annex_measures.csv", row, "reduction_kind_zh", "needs both a value and a kind")


def test_period_that_ends_before_it_starts(data_copy):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    set_cell(p, 7, "period_roc", "114-110")
    _expect(data_copy, "annex_measures.csv", 7, "period_roc", "ends before it starts")


def test_malformed_period(data_copy):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    set_cell(p, 7, "period_roc", "110/114")
    _expect(data_copy, "annex_measures.csv", 7, "period_roc", "must match")


def test_non_boolean_flag(data_copy):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    set_cell(p, 2, "is_new", "yes")
    _expect(data_copy, "annex_measures.csv", 2, "is_new", "expected true or false")


def test_funding_for_unknown_measure(data_copy):
    p = data_copy / "raw" / "2021" / "annex_funding.csv"
    set_cell(p, 3, "measure_id", "9.9.9")
    _expect(data_copy, "annex_funding.csv", 3, "measure_id", "is not a measure_id of annex_measures.csv")


def test_unknown_measure_type(data_copy):
    p = data_copy / "raw" / "2021" / "measure_attributes.csv"
    set_cell(p, 4, "measure_type", "mixed")
    _expect(data_copy, "measure_attributes.csv", 4, "measure_type", "must be one of")


def test_measure_of_unknown_pillar(data_copy):
    pillars = data_copy / "raw" / "2021" / "pillars.csv"
    lines = pillars.read_text(encoding="utf-8").splitlines(keepends=True)
    pillars.write_text("".join(line for line in lines if not line.startswith("3,")), encoding="utf-8")
    row = line_of_value(data_copy / "raw" / "2021" / "annex_measures.csv", "measure_id", "3.1.1")
    _expect(data_copy, "annex_measures.csv", row, "measure_id", "pillar 3 of 3.1.1 is not in pillars.csv")


def test_required_value_missing(data_copy):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    set_cell(p, 8, "name_zh", "")
    _expect(data_copy, "annex_measures.csv", 8, "name_zh", "a value is required")


def test_row_with_extra_field(data_copy):
    p = data_copy / "raw" / "2021" / "pillars.csv"
    with open(p, "a", encoding="utf-8") as fh:
        fh.write("4,額外,多的\n")
    _expect(data_copy, "pillars.csv", 5, None, "expected 2 fields, found 3")


def test_published_value_not_a_number(data_copy):
    p = data_copy / "raw" / "2021" / "published_table6_emissions.csv"
    set_cell(p, 3, "annual_emissions_million_t_co2e", "148,8")
    _expect(data_copy, "published_table6_emissions.csv", 3, "annual_emissions_million_t_co2e", "expected a number")


def test_rate_above_100_percent(data_copy):
    p = data_copy / "raw" / "2021" / "published_table2_by_pillar.csv"
    set_cell(p, 2, "a_rate_pct", "120")
    _expect(data_copy, "published_table2_by_pillar.csv", 2, "a_rate_pct", "must be <= 100")


def test_run_refuses_bad_external_facts_before_anything_starts(data_copy):
    """The external facts (used by notebook 03) are input too: checked before any kernel starts."""
    shutil.copytree(REPO / "data" / "external", data_copy / "external")
    set_cell(data_copy / "external" / "facts.csv", 2, "value", "142.2x6")
    _expect(data_copy, "facts.csv", 2, "value", "expected a number")

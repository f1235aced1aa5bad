"""The memo of validated raw tables (``mfgghg.runner.fast.validated``) never hides a change:
a table is validated again whenever anything its reading depends on changed (its bytes, its
description, the reference values it is checked against), and what it returns is what a read returns."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from conftest import REPO, line_of_value, set_cell
from mfgghg.data import package as datapackage
from mfgghg.data.package import load_descriptor, read_package
from mfgghg.errors import DataError
from mfgghg.runner.fast.validated import PLAIN_READ_RESOURCE, ValidatedTables, install

RAW = REPO / "data" / "raw" / "2021"
REFERENCE = REPO / "data" / "reference"


@pytest.fixture
def validations(monkeypatch):
    """Count the pandera validations (the work the memo saves), starting from an empty memo."""
    monkeypatch.setattr(datapackage, "read_resource", datapackage.read_resource)  # (put back afterwards)
    install()
    counted = []
    build = datapackage.build_schema

    def counting(resource, reference=None):
        counted.append(resource["name"])
        return build(resource, reference)

    monkeypatch.setattr(datapackage, "build_schema", counting)
    return counted


def resource(folder, name):
    return next(r for r in load_descriptor(folder)["resources"] if r["name"] == name)


def test_same_bytes_elsewhere_are_not_validated_again_and_name_their_own_path(tmp_path, validations):
    copy = tmp_path / "2021"
    shutil.copytree(RAW, copy)
    first = datapackage.read_resource(RAW, resource(RAW, "pillars"))
    second = datapackage.read_resource(copy, resource(copy, "pillars"))
    assert validations == ["pillars"]
    assert second.path == copy / "pillars.csv" and first.path == RAW / "pillars.csv"
    pd.testing.assert_frame_equal(first.data, second.data)
    pd.testing.assert_frame_equal(first.text, second.text)
    assert first.notes == second.notes
    plain = PLAIN_READ_RESOURCE(copy, resource(copy, "pillars"))  # what the package itself returns
    pd.testing.assert_frame_equal(plain.data, second.data)
    pd.testing.assert_frame_equal(plain.text, second.text)
    assert (plain.path, plain.notes, plain.resource) == (second.path, second.notes, second.resource)


def test_a_changed_byte_is_read_and_checked_again(tmp_path, validations):
    copy = tmp_path / "2021"
    shutil.copytree(RAW, copy)
    datapackage.read_resource(copy, resource(copy, "annex_funding"))
    path = copy / "annex_funding.csv"
    set_cell(path, 2, "amount_10k_twd", "12,3x")
    with pytest.raises(DataError, match="expected a number") as info:
        datapackage.read_resource(copy, resource(copy, "annex_funding"))
    assert (info.value.row, info.value.column) == (2, "amount_10k_twd")
    # a failed read is not kept: the same bad bytes fail again
    with pytest.raises(DataError, match="expected a number"):
        datapackage.read_resource(copy, resource(copy, "annex_funding"))


def test_a_changed_description_is_checked_again(tmp_path, validations):
    described = resource(RAW, "pillars")
    datapackage.read_resource(RAW, described)
    changed = {**described, "title": described.get("title", "") + " (edited)"}
    datapackage.read_resource(RAW, changed)
    assert validations == ["pillars", "pillars"]


def test_changed_reference_values_are_checked_again(tmp_path, validations):
    """The measures file is unchanged, but an agency it names is no longer in the reference table:
    the kept table must not hide that."""
    reference = read_package(REFERENCE)
    measures = resource(RAW, "annex_measures")
    datapackage.read_resource(RAW, measures, reference)
    ref_copy = tmp_path / "reference"
    shutil.copytree(REFERENCE, ref_copy)
    agencies = ref_copy / "agencies.csv"
    named = datapackage.read_resource(RAW, measures, reference).data["lead_agency_zh"].dropna().iloc[0]
    set_cell(agencies, line_of_value(agencies, "agency_zh", named), "agency_zh", "某機關")
    with pytest.raises(DataError, match="lead_agency_zh"):
        datapackage.read_resource(RAW, measures, read_package(ref_copy))


def test_callers_get_copies(validations):
    first = datapackage.read_resource(RAW, resource(RAW, "pillars"))
    first.data.iloc[0, 0] = None
    first.notes.append("changed by a caller")
    again = datapackage.read_resource(RAW, resource(RAW, "pillars"))
    assert again.data.iloc[0, 0] is not None and "changed by a caller" not in again.notes
    assert validations == ["pillars"]


def test_the_memo_is_bounded(validations):
    store = install(ValidatedTables(max_tables=2))
    for name in ("pillars", "status_notes", "budget_notes"):
        datapackage.read_resource(RAW, resource(RAW, name))
    assert len(store) == 2
    datapackage.read_resource(RAW, resource(RAW, "pillars"))  # the oldest went first: read again
    assert validations == ["pillars", "status_notes", "budget_notes", "pillars"]


def test_a_table_checked_against_reference_values_is_not_validated_again_without_them(validations):
    """The notebooks read single files without the reference tables (no mfgghg:foreignKey checks): the same
    table, already validated with them, passes those fewer checks."""
    reference = read_package(REFERENCE)
    funding = resource(RAW, "annex_funding")  # checked against the reference's funding sources
    assert any("mfgghg:foreignKey" in f for f in funding["schema"]["fields"])
    checked = datapackage.read_resource(RAW, funding, reference)
    validated = list(validations)
    again = datapackage.read_resource(RAW, funding)
    assert validations == validated
    pd.testing.assert_frame_equal(again.data, checked.data)
    # the other way round is not the same checks: read without them first, with them it is validated
    install()  # (an empty memo)
    datapackage.read_resource(RAW, funding)
    datapackage.read_resource(RAW, funding, reference)
    assert validations[len(validated):] == ["annex_funding", "annex_funding"]


def test_a_runners_fork_server_keeps_tables_only_with_the_batch_speed_up_on(monkeypatch):
    """The fork server's first stage installs the memo (before its preflight) when the batch speed-ups
    are on and this one is not skipped; nbval's and the tests' servers (``batch=False``) do not."""
    from mfgghg.runner.execute import VALIDATED_TABLES, fork_server_preload
    from mfgghg.runner.fast.validated import NAME, install_for_batch

    monkeypatch.setattr(datapackage, "read_resource", PLAIN_READ_RESOURCE)
    monkeypatch.delenv("MFGGHG_FAST_SKIP", raising=False)
    monkeypatch.setenv("MFGGHG_FAST", "0")
    assert install_for_batch() == [] and datapackage.read_resource is PLAIN_READ_RESOURCE
    monkeypatch.setenv("MFGGHG_FAST", "1")
    monkeypatch.setenv("MFGGHG_FAST_SKIP", NAME)
    assert install_for_batch() == [] and datapackage.read_resource is PLAIN_READ_RESOURCE
    monkeypatch.delenv("MFGGHG_FAST_SKIP")
    assert install_for_batch() == [NAME] and datapackage.read_resource is not PLAIN_READ_RESOURCE
    first, later = fork_server_preload()
    assert first[-1] == VALIDATED_TABLES and VALIDATED_TABLES not in later
    assert VALIDATED_TABLES not in sum(fork_server_preload(batch=False), [])

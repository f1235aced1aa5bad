import pytest

from mfgghg.errors import ParameterError
from mfgghg.data.paths import YearPaths, normalize_year, roc_year
from mfgghg.data.units import from_base, printed_decimals, rounding_tolerance, size_in, to_base, unit


@pytest.mark.parametrize("given", [2021, "2021", 110, "110", "110年", " 110 ", "１１０", 2021.0])
def test_report_year_accepts_gregorian_and_roc(given):
    assert normalize_year(given) == 2021


@pytest.mark.parametrize("given", ["abc", "", "2021.5", None, True, "110-114", 99999])
def test_report_year_rejects_non_years(given):
    with pytest.raises(ParameterError, match="report year"):
        normalize_year(given)


def test_roc_year_round_trip():
    assert roc_year(normalize_year(110)) == 110


def test_year_paths_resolve_against_repo_root(tmp_path):
    p = YearPaths.for_year(110, raw_root=tmp_path / "raw")
    assert p.year == 2021
    assert p.raw == tmp_path / "raw" / "2021"
    assert p.processed.parts[-3:] == ("data", "processed", "2021")


def test_missing_year_folder_names_the_years_that_exist(tmp_path):
    (tmp_path / "raw" / "2021").mkdir(parents=True)
    with pytest.raises(ParameterError, match=r"no data for report year 2022.*years with data: 2021"):
        YearPaths.for_year(2022, raw_root=tmp_path / "raw").require_raw()


def test_unit_conversions_to_base_units():
    assert to_base(119.4, "萬公噸CO2e") == pytest.approx(1_194_000)
    assert to_base(3_677.2, "萬元") == pytest.approx(36_772_000)
    assert to_base(20.2, "億元") == pytest.approx(2_020_000_000)
    assert to_base(141.905, "百萬公噸CO2e") == pytest.approx(141.905)  # already Mt
    assert from_base(1_194_000, "萬公噸CO2e") == pytest.approx(119.4)
    assert unit("萬公噸CO2e").base == "t_co2e"
    assert unit("萬元").base == "twd"


def test_a_printed_unit_in_the_base_unit_of_a_recomputed_value():
    assert size_in("萬公噸CO2e", "t_co2e") == 1e4 and size_in("公噸CO2e", "t_co2e") == 1
    assert size_in("百萬公噸CO2e", "t_co2e") == 1e6  # (Mt are a base of their own)
    assert size_in("百萬公噸CO2e", "mt_co2e") == 1 and size_in("億元", "twd") == 1e8 and size_in("項", "count") == 1
    with pytest.raises(ValueError, match="億元 is not a unit of t_co2e"):
        size_in("億元", "t_co2e")


def test_unknown_unit_is_refused():
    with pytest.raises(KeyError, match="unknown unit '噸'"):
        to_base(1, "噸")


@pytest.mark.parametrize("text, decimals, tol", [("734.0", 1, 0.05), ("62030", 0, 0.5), ("1.85", 2, 0.005), ("-49", 0,
                                                                                                             0.5)])
def test_printed_precision(text, decimals, tol):
    assert printed_decimals(text) == decimals
    assert rounding_tolerance(text) == pytest.approx(tol)

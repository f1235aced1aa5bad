import math

import pandas as pd
import pytest

from mfgghg.checks.budget import funding_by_pillar
from mfgghg.checks.status import status_counts
from mfgghg.checks.verdict import check_row, reduction_total, verdict


@pytest.mark.parametrize("published, recomputed, decimals, expected", [
    (37, 37, 0, "equal"),
    (1.7, 1.734, 1, "rounds to published"),
    (1.7, 1.635, 1, "differs"),            # rounds to 1.6
    (138712, 138712.66, 0, "truncates to published"),
    (20.3, 20.2038, 1, "differs"),
    (0.0, float("nan"), 0, "differs"),      # 0% printed for 0 of 0
    (float("nan"), 0, 0, "not printed"),    # '-' printed where there is nothing
])
def test_verdict(published, recomputed, decimals, expected):
    assert verdict(published, recomputed, decimals) == expected


def test_verdict_tolerance_for_sums_of_rounded_rows():
    assert verdict(856901, 856902, 0) == "differs"
    assert verdict(856901, 856902, 0, tolerance=1.5) == "within tolerance"


def test_check_row_uses_printed_precision_and_factor():
    row = check_row("x", "表 5", "d", "62,030", 620_300_125.0, "萬元", factor=1e4)
    assert row["published"] == 62030
    assert row["recomputed"] == pytest.approx(62030.0125)
    assert row["verdict"] == "rounds to published"
    assert check_row("y", "s", "d", "734.0", 734.04, "Mt")["verdict"] == "rounds to published"
    assert check_row("z", "s", "d", "734.0", 734.06, "Mt")["verdict"] == "truncates to published"
    assert check_row("w", "s", "d", "734.0", 734.11, "Mt")["verdict"] == "differs"


@pytest.fixture
def small_measures():
    return pd.DataFrame({
        "measure_id": ["1.1.1", "1.1.2", "2.1.1", "2.2.1"],
        "pillar": [1, 1, 2, 2],
        "ministry_zh": ["經濟部", "國科會", "經濟部", "經濟部"],
        "measure_type": ["substantive", "capacity", "capacity", "capacity"],
        "status": ["achieved", "achieved", "not_achieved", "achieved"],
        "reduction_t_co2e": [100.0, 50.0, float("nan"), 7.0],
        "reduction_kind": ["actual", "expected", None, "potential"],
    })


def test_status_counts_by_group_type_and_total(small_measures):
    c = status_counts(small_measures, "pillar").set_index(["group", "measure_type"])
    assert c.loc[("2", "capacity"), ["achieved", "not_achieved", "subtotal"]].tolist() == [1, 1, 2]
    assert c.loc[("2", "capacity"), "rate_pct"] == pytest.approx(50)
    assert c.loc[("total", "all"), "subtotal"] == 4
    assert math.isnan(c.loc[("2", "substantive"), "rate_pct"])  # no measures: rate undefined, not 0%


def test_reduction_total_by_kind(small_measures):
    assert reduction_total(small_measures, ("actual",)) == 100
    assert reduction_total(small_measures, ("actual", "expected")) == 150
    assert reduction_total(small_measures, ("actual", "expected", "potential")) == 157


def test_funding_by_pillar_public_only(small_measures):
    funding = pd.DataFrame({
        "measure_id": ["1.1.1", "1.1.1", "2.1.1"],
        "amount_twd": [10.0, 5.0, 3.0],
        "is_public": [True, False, True],
    })
    assert funding_by_pillar(small_measures, funding).to_dict() == {"1": 15.0, "2": 3.0}
    assert funding_by_pillar(small_measures, funding, public_only=True).to_dict() == {"1": 10.0, "2": 3.0}


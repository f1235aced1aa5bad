"""Files as people really save them read to the same values as the clean files."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import set_cell
from mfgghg.data.ingest import ingest
from mfgghg.data.normalise import clean_code, clean_number, clean_roc_year
from mfgghg.data.paths import YearPaths


@pytest.mark.parametrize("given, expected", [
    ("158,613", "158613"), ("１５８，６１３", "158613"), (" 62030 ", "62030"), ("1,994.1242", "1994.1242"),
    ("148,8", "148,8"),  # a decimal comma is not a thousands separator: left to fail the number check
    ("-1,300", "-1300"), ("１２３", "123"),
])
def test_clean_number(given, expected):
    assert clean_number(given) == expected


@pytest.mark.parametrize("given, expected", [
    ("110年", "110"), ("110-114", "110-114"), ("110～114", "110-114"), ("110年至114年", "110-114"),
    ("民國110年", "110"), ("１１０－１１４", "110-114"), (" 111 ", "111"),
])
def test_clean_roc_year(given, expected):
    assert clean_roc_year(given) == expected


def test_clean_code():
    assert clean_code("經濟部 工業局") == "經濟部工業局"
    assert clean_code("１．１．１") == "1.1.1"


def _tables(root):
    return ingest(YearPaths.for_year(2021, raw_root=root / "raw")).tables


@pytest.fixture(scope="module")
def clean_tables():
    return ingest(YearPaths.for_year(2021)).tables


def _rewrite(path, encoding="utf-8", bom=False, blank_rows=0, transform=None):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if transform:
        df = transform(df)
    text = df.to_csv(index=False, lineterminator="\r\n")
    text += "".join("," * (len(df.columns) - 1) + "\r\n" for _ in range(blank_rows))
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def test_messy_files_read_like_clean_ones(data_copy, clean_tables):
    raw = data_copy / "raw" / "2021"
    # Excel: UTF-8 with BOM, CRLF, blank trailing rows
    _rewrite(raw / "annex_measures.csv", bom=True, blank_rows=2)
    # Big5/CP950 with thousands separators and full-width digits
    def money(df):
        df["amount_10k_twd"] = [
            f"{float(v):,.4f}".rstrip("0").rstrip(".") if i % 2 else _fullwidth(v)
            for i, v in enumerate(df["amount_10k_twd"])
        ]
        df["measure_id"] = [" " + m + " " for m in df["measure_id"]]
        return df
    _rewrite(raw / "annex_funding.csv", encoding="cp950", transform=money)
    # ROC years as printed: 105年, periods with ～
    _rewrite(raw / "published_table6_emissions.csv", transform=lambda d: d.assign(roc_year=d["roc_year"] + "年"))
    _rewrite(raw / "published_table5_budget.csv",
             transform=lambda d: d.assign(planned_10k_twd=[f"{int(v):,}" for v in d["planned_10k_twd"]]))
    messy = ingest(YearPaths.for_year(2021, raw_root=data_copy / "raw"))
    for name, table in clean_tables.items():
        pd.testing.assert_frame_equal(messy.tables[name].reset_index(drop=True), table.reset_index(drop=True), obj=name)
    notes = {t.path.name: " | ".join(t.notes) for t in messy.raw.values()}
    assert "byte-order mark" in notes["annex_measures.csv"] and "2 blank row" in notes["annex_measures.csv"]
    assert "Big5/CP950" in notes["annex_funding.csv"] and "amount_10k_twd" in notes["annex_funding.csv"]
    assert "roc_year" in notes["published_table6_emissions.csv"]
    assert "planned_10k_twd" in notes["published_table5_budget.csv"]


def test_roc_period_variants(data_copy, clean_tables):
    p = data_copy / "raw" / "2021" / "annex_measures.csv"
    set_cell(p, 2, "period_roc", "110年～114年")
    m = _tables(data_copy)["measures"]
    assert m.loc[0, ["period_start", "period_end"]].tolist() == [2021, 2025]
    assert m.equals(clean_tables["measures"])


def test_clean_files_need_no_normalisation():
    ingested = ingest(YearPaths.for_year(2021))
    assert [n for t in ingested.raw.values() for n in t.notes] == []

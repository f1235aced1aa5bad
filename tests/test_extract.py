"""The draft report extractor (mfgghg.data.extract) on the 2021 report and variants of it."""

from __future__ import annotations

import pandas as pd

import csv
import json
import re

import pytest

from mfgghg.data.extract.annex import nows
from mfgghg.runner.cli import main

from extract_helpers import (RAW, REPORT, find_line, form_feeds, insert_page_break, page_header, remove_measure,
                             replace_line, replace_once, report_text, retitle, rewrite_row)
from lo_session import session_pdfs

TEXT_COLUMNS = ("name_zh", "expected_benefits_zh", "results_zh", "reduction_note_zh")
STRUCT = ["measure_id", "lead_agency_zh", "co_agency_zh", "period_roc", "is_new", "reduction_kind_zh"]


def cli(argv):
    """``python -m mfgghg extract ARGV`` in process: the runner's command line, its one exit path."""
    return main(["extract", *argv])


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def funding(path):
    return [(r["measure_id"], r["source_zh"], float(r["amount_10k_twd"])) for r in rows(path)]


def num(v):
    return float(v) if v not in ("", None) else None


@pytest.fixture(scope="module")
def out2021(tmp_path_factory):
    out = tmp_path_factory.mktemp("x") / "2021"
    assert cli([str(REPORT), "--year", "2021", "--out", str(out)]) == 0
    return out


def measures_changed(out, base, field):
    """(measure id, ``field``) of each measure of the draft ``out`` that differs from the draft ``base``; the two
    drafts hold the same measures, in order."""
    got, want = rows(out / "annex_measures.csv"), rows(base / "annex_measures.csv")
    assert [r["measure_id"] for r in got] == [r["measure_id"] for r in want]
    return [(g["measure_id"], g[field]) for g, w in zip(got, want) if g != w]


def run_text(tmp_path, text, name="r.txt", year="2021", extra=(), encoding="utf-8"):
    src = tmp_path / name
    if isinstance(text, str) and year != "2021" and "附件、110 年" in text:
        text = retitle(text, int(year))  # a report of that year says so in its annex heading
    src.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    out = tmp_path / "out"
    code = cli([str(src), "--year", year, "--out", str(out), *extra])
    return code, out


# ---------------------------------------------------------------- the 2021 report against the hand transcription

def reads_as_2021(tmp_path, text, out2021):
    """Extract ``text`` (the 2021 report printed another way): it drafts, its measures and funding rows are
    2021's; the output folder, for what the test checks besides."""
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert rows(out / "annex_measures.csv") == rows(out2021 / "annex_measures.csv")
    assert funding(out / "annex_funding.csv") == funding(out2021 / "annex_funding.csv")
    return out


def test_structured_annex_fields_exact(out2021):
    got, want = rows(out2021 / "annex_measures.csv"), rows(RAW / "annex_measures.csv")
    assert list(got[0].keys()) == list(want[0].keys())
    assert [r["measure_id"] for r in got] == [r["measure_id"] for r in want]
    for g, w in zip(got, want):
        for c in STRUCT:
            assert g[c] == w[c], (w["measure_id"], c)
        assert num(g["reduction_10k_t_co2e"]) == num(w["reduction_10k_t_co2e"]), w["measure_id"]


def test_funding_exact(out2021):
    assert funding(out2021 / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    assert list(rows(out2021 / "annex_funding.csv")[0].keys()) == list(rows(RAW / "annex_funding.csv")[0].keys())


def test_text_columns_match_for_95_percent(out2021):
    got, want = rows(out2021 / "annex_measures.csv"), rows(RAW / "annex_measures.csv")
    review = (out2021 / "review.md").read_text(encoding="utf-8")
    for col in ("name_zh", "expected_benefits_zh", "results_zh", "reduction_note_zh"):
        same = [nows(g[col]) == nows(w[col]) for g, w in zip(got, want)]
        assert sum(same) >= 0.95 * len(want), col
    for g, w in zip(got, want):  # every measure whose text differs is listed in review.md
        if any(nows(g[c]) != nows(w[c]) for c in TEXT_COLUMNS):
            assert f"- {w['measure_id']} (line" in review, w["measure_id"]


@pytest.mark.parametrize("name", ["published_table2_by_pillar", "published_table3_by_ministry",
                                  "published_table5_budget", "published_table6_emissions", "pillars"])
def test_tables_exact(out2021, name):
    assert rows(out2021 / f"{name}.csv") == rows(RAW / f"{name}.csv")


def test_goal_candidates_cover_90_percent(out2021):
    cand = rows(out2021 / "measure_goals.csv")
    want = rows(RAW / "measure_goals.csv")
    assert list(cand[0].keys()) == list(want[0].keys())
    have = {(r["measure_id"], float(r["goal_value"]), r["unit_zh"]) for r in cand}
    hit = [(r["measure_id"], float(r["goal_value"]), r["unit_zh"]) in have for r in want]
    assert sum(hit) >= 0.9 * len(want)
    assert all(r["quote_goal_zh"] and "CANDIDATE" in r["note"] for r in cand)
    assert {r["goal_basis"] for r in cand} >= {"yearly", "cumulative", "period_total"}


def test_headlines_and_review_checks(out2021):
    h = {r["key"]: r["value"] for r in rows(out2021 / "published_headlines.csv")}
    want = {r["key"]: r["value"] for r in rows(RAW / "published_headlines.csv")}
    for k in ("strategies", "measures", "substantive_measures", "capacity_measures", "actual_budget_report_year"):
        assert h[k] == want[k]
    review = (out2021 / "review.md").read_text(encoding="utf-8")
    assert "表 2: rows sum to 37, 總計 37, annex holds 37 measures: OK" in review
    assert "表 3: rows sum to 37, 總計 37, annex holds 37 measures: OK" in review
    # the printed 表 5 total is 856,901 while its rows add to 856,902: reported, not forced
    assert "表 5 planned_10k_twd: rows sum to 856902, 總計 856901: MISMATCH" in review
    assert "- 表 6: 5 rows" in review
    assert not [ln for ln in review.splitlines() if ln.startswith("- 表 6") and "MISMATCH" in ln]
    assert "2.6.1" in review  # several parentheses with one amount


def test_datapackage_written(out2021):
    d = json.loads((out2021 / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in d["resources"]}
    assert {"annex_measures", "annex_funding", "highlight_cases", "budget_notes"} <= names
    assert "measure_attributes" not in names  # no earlier year to carry it over from
    for r in d["resources"]:
        assert (out2021 / r["path"]).exists()
    assert d["report_year"] == 2021 and d["roc_year"] == 110


def test_next_year_against_previous(tmp_path):
    text = remove_measure(report_text(), "1.1.2")
    text = text.replace("6 0 6 100% 6 0 6 100% 12 0 12 100%", "5 0 5 100% 6 0 6 100% 11 0 11 100%")
    text = text.replace("經濟部 16 0 16 100% 17 0 17 100% 33 0 33 100%",
                        "經濟部 15 0 15 100% 17 0 17 100% 32 0 32 100%")
    text = text.replace("總計 17 0 17 100% 20 0 20 100% 37 0 37 100%", "總計 16 0 16 100% 20 0 20 100% 36 0 36 100%")
    text = text.replace("經 濟 部\n\n能源局 \n\n110-112 1. 每年審查", "經 濟 部\n\n工業局 \n\n110-113 1. 每年審查")
    code, out = run_text(tmp_path, text, year="2022", extra=["--previous", str(RAW)])
    assert code == 0
    ids = [r["measure_id"] for r in rows(out / "annex_measures.csv")]
    assert "1.1.2" not in ids and len(ids) == 36
    assert all(r["measure_id"] != "1.1.2" for r in rows(out / "annex_funding.csv"))
    m113 = [r for r in rows(out / "annex_measures.csv") if r["measure_id"] == "1.1.3"][0]
    assert m113["lead_agency_zh"] == "經濟部工業局" and m113["period_roc"] == "110-113"
    review = (out / "review.md").read_text(encoding="utf-8")
    assert "gone measures: 1.1.2" in review and "new measures: none" in review
    assert "1.1.3 `lead_agency_zh` changed: '經濟部能源局' -> '經濟部工業局'" in review
    assert "1.1.3 `period_roc` changed: '110-112' -> '110-113'" in review
    assert "表 2: rows sum to 36, 總計 36, annex holds 36 measures: OK" in review
    attrs = rows(out / "measure_attributes.csv")
    assert [r["measure_id"] for r in attrs] == ids and "Carried-over attributes to confirm" in review
    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert "ROC 111" in d["title"] and "the 36 measures" in json.dumps(d, ensure_ascii=False)
    assert d["report_year"] == 2022 and d["roc_year"] == 111
    assert "measure_attributes" in {r["name"] for r in d["resources"]}
    # the report's source is retargeted, its publisher carried over to check; the version is the drafting one
    from mfgghg.data.provenance import PUBLISHER_KEY, project_version

    assert d["sources"][0]["title"].startswith("製造部門溫室氣體排放管制行動方案111年執行成果報告")
    assert d["sources"][0][PUBLISHER_KEY] and d["version"] == project_version() and d["licenses"]
    assert "`sources`" in review


# ---------------------------------------------------------------- variants: numbers changed, page break moved

def test_numbers_changed_follow(tmp_path):
    text = replace_line(report_text(), r"^3,677\.2 ", "4,321.05 ", r"^1\.1\.1 ")
    text = replace_line(text, r"^119\.4 $", "120.25 ", r"^1\.1\.1 ")
    text = replace_line(text, r"^\(能源基金\)", "(空污基金) ", r"^1\.1\.4 ")
    text = text.replace("105 年 149.4 147.8 149.4 147.8", "105 年 150.0 147.8 150.0 147.8")
    text = text.replace("輔導產業轉型為綠色低碳企業 158,613 62,030 39%",
                        "輔導產業轉型為綠色低碳企業 158,613 63,030 40%")
    code, out = run_text(tmp_path, text)
    assert code == 0
    f = funding(out / "annex_funding.csv")
    assert ("1.1.1", "公務預算", 4321.05) in f and ("1.1.4", "空污基金", 2373.17) in f
    m = rows(out / "annex_measures.csv")[0]
    assert m["reduction_10k_t_co2e"] == "120.25"
    t6 = rows(out / "published_table6_emissions.csv")[0]
    assert t6["annual_target_million_t_co2e"] == "150.0"
    assert rows(out / "published_table5_budget.csv")[0]["actual_10k_twd"] == "63030"
    review = (out / "review.md").read_text(encoding="utf-8")
    assert "表 5 actual_10k_twd: rows sum to 203038, 總計 202038: MISMATCH" in review
    assert "表 6 106年 cumulative_target_million_t_co2e" in review  # 150.0 + 150.4 != 299.8


@pytest.mark.parametrize("after,start", [
    (r"^績效查訪輔導，追蹤輔導", r"^1\.1\.1 "),   # inside 執行成果
    (r"^\(公務預算\)", r"^1\.1\.1 "),             # between money and reduction
    (r"^2\. 全程預期減碳", r"^1\.1\.1 "),          # inside 預期效益
    (r"^工業局", r"^1\.1\.1 "),                   # right after the agency
    (r"^3,677\.2 ", r"^1\.1\.1 "),               # between an amount and its source
])
def test_page_break_moved_into_cells(tmp_path, after, start, out2021):
    text = insert_page_break(report_text(), after, start)
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert funding(out / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    got, want = rows(out / "annex_measures.csv"), rows(RAW / "annex_measures.csv")
    for g, w in zip(got, want):
        for c in STRUCT + ["name_zh"]:
            assert nows(g[c]) == nows(w[c]), (w["measure_id"], c)
        assert num(g["reduction_10k_t_co2e"]) == num(w["reduction_10k_t_co2e"])
    assert "1.1.1 (line" in (out / "review.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("footer", ["- {n} -", "第 {n} 頁", "{n}"])
def test_a_running_title_and_page_numbers_at_the_annex_page_breaks_are_left_out(tmp_path, footer, out2021):
    """Each annex page after the first opens with the report's title and the page before ends with its
    number (as many PDFs' text exports print them, the last page's too): the cells are the same."""
    ls = report_text().split("\n")
    first, heading = page_header(ls)[0], find_line(ls, r"^\s*附件、")
    title = " 110 年製造部門溫室氣體排放管制行動方案執行成果報告 "
    text, page, seen = [], 40, 0
    for i, ln in enumerate(ls):
        if i > heading and ln.strip() == first.strip():
            seen += 1
            if seen > 1:  # (the first header follows the annex heading on its page)
                text += [footer.format(n=page), "", title, ""]
                page += 1
        text.append(ln)
    assert seen > 3
    # (pages before the annex too: the title and the number between the lines of Tables 5 and 6)
    body = "\n".join(text + ["", footer.format(n=page), ""])
    for row in ("輔導產業轉型為綠色低碳企業 158,613 62,030 39% ", "106 年 150.4 148.8 299.8 296.6 "):
        assert row in body
        body = body.replace(row, f"{row}\n\n{footer.format(n=9)}\n\n{title}")
    out = reads_as_2021(tmp_path, body, out2021)
    for name in ("published_table5_budget.csv", "published_table6_emissions.csv", "published_headlines.csv"):
        assert rows(out / name) == rows(out2021 / name), name


@pytest.mark.parametrize("title, field", [("(公噸 CO2e)", "reduction_10k_t_co2e"), ("(千元)", "amount_10k_twd")])
def test_an_annex_column_in_another_unit_is_written_as_printed_and_named_for_review(tmp_path, title, field):
    """The text route reads the annex's column titles for their units as the PDF route does."""
    ls = report_text().split("\n")
    hdr = page_header(ls)
    unit = "(萬公噸" if field.startswith("reduction") else "(萬元)"
    old = next(h for h in hdr if h.strip().startswith(unit))
    text = "\n".join(title if ln == old else ln for ln in ls)
    code, out = run_text(tmp_path, text)
    assert code == 0
    items = [r for r in rows(out / "review.csv") if r["field"] == field and "titled" in r["reason"]]
    assert len(items) == 1 and "convert them" in items[0]["reason"], items


def test_full_width_percent_signs_are_read(tmp_path, out2021):
    text = re.sub(r"(\d)%", r"\1％", report_text())
    assert "％" in text
    code, out = run_text(tmp_path, text)
    assert code == 0
    for name in ("published_table2_by_pillar.csv", "published_table5_budget.csv", "pillars.csv"):
        assert rows(out / name) == rows(out2021 / name), name


def test_a_table6_row_printed_with_dashes_is_kept_empty_and_named_for_review(tmp_path, out2021):
    """A year not yet reported (a second period's table) prints '-' where its emissions would be."""
    last = "109 年 146.5 141.9 741.5 734.0 "
    text = report_text().replace(last, last + "\n\n110 年 143.1 - 884.6 - ")
    code, out = run_text(tmp_path, text)
    assert code == 0
    t6 = rows(out / "published_table6_emissions.csv")
    assert t6[:-1] == rows(out2021 / "published_table6_emissions.csv")
    assert t6[-1]["roc_year"] == "110" and t6[-1]["annual_target_million_t_co2e"] == "143.1"
    assert t6[-1]["annual_emissions_million_t_co2e"] == t6[-1]["cumulative_emissions_million_t_co2e"] == ""
    named = [(r["row"], r["field"]) for r in rows(out / "review.csv") if "prints '-'" in r["reason"]]
    assert named == [("110年", "annual_emissions_million_t_co2e"), ("110年", "cumulative_emissions_million_t_co2e")]


@pytest.mark.parametrize("old, new, file", [
    ("單位:百萬公噸 CO2e ", "單位:萬公噸 CO2e ", "published_table6_emissions.csv"),
    ("萬元(A) ", "千元(A) ", "published_table5_budget.csv")])
def test_a_table_printed_in_another_unit_is_named_for_review(tmp_path, old, new, file, out2021):
    text = report_text()
    assert old in text
    code, out = run_text(tmp_path, text.replace(old, new))
    assert code == 0
    items = [r for r in rows(out / "review.csv") if r["file"] == file and "convert them" in r["reason"]]
    assert len(items) == 1 and new.split("(")[0].strip()[-3:] in items[0]["reason"], items
    assert not [r for r in rows(out2021 / "review.csv") if "convert them" in r["reason"]]  # (as 2021 prints it)


@pytest.mark.parametrize("heading", ["策略{s}", "{s} 推動策略"])
def test_a_strategys_heading_line_in_the_annex_is_no_cell(tmp_path, heading, out2021):
    ls, text, last = report_text().split("\n"), [], None
    annex = find_line(ls, r"^\s*附件、")
    for i, ln in enumerate(ls):
        m = re.match(r"^([1-9]\.[1-9])\.[1-9]\s*\S", ln)
        if i > annex and m and m.group(1) != last:
            text += [heading.format(s=m.group(1)), ""]
            last = m.group(1)
        text.append(ln)
    reads_as_2021(tmp_path, "\n".join(text), out2021)


def test_a_label_set_around_its_numbers_is_read_with_the_previous_years_names(tmp_path):
    """Table 2's second pillar with its numbers printed beside the middle of its name (a cell centred
    vertically): the lines after the numbers end its name, as the previous year's pillars show."""
    centred = "加強推動產業\n\n執行溫室氣體 11 0 11 100% 6 0 6 100% 17 0 17 100% \n\n排放減量之措\n\n施 \n\n"
    printed = "加強推動產業\n\n執行溫室氣體\n\n排放減量之措\n\n施 \n\n11 0 11 100% 6 0 6 100% 17 0 17 100% \n\n"
    text = report_text()
    assert text.count(printed) == 1
    code, out = run_text(tmp_path, text.replace(printed, centred), year="2022", extra=("--previous", str(RAW)))
    assert code == 0
    assert [r["name_zh"] for r in rows(out / "pillars.csv")] == [r["name_zh"] for r in rows(RAW / "pillars.csv")]
    assert [r["pillar"] for r in rows(out / "published_table5_budget.csv")] == ["1", "2", "3", "total"]


def test_a_unit_printed_in_the_money_or_reduction_cell_is_read_and_another_unit_named(tmp_path, out2021):
    """0.915 萬公噸 CO2e is 0.915 in the file's unit; 1,280 公噸 CO2e is written as printed, for review."""
    text = replace_once(report_text(), {"\n3,677.2 \n": "\n3,677.2 萬元 \n", "\n0.915 \n": "\n0.915 萬公噸 CO2e \n",
                                        "\n0.128  \n": "\n1,280 公噸 CO2e \n"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert measures_changed(out, out2021, "reduction_10k_t_co2e") == [("1.1.4", "1280")]
    assert funding(out / "annex_funding.csv") == funding(out2021 / "annex_funding.csv")
    items = [(r["row"], r["reason"]) for r in rows(out / "review.csv") if "convert it" in r["reason"]]
    assert items == [("1.1.4", "printed in 公噸CO2e, written as printed (the file is in 萬公噸CO2e): convert it")]


def test_a_table5_column_printed_between_the_plan_and_the_years_money_is_named_for_review(tmp_path, out2021):
    text = report_text()
    text = replace_once(text, {
        "158,613 62,030 39%": "158,613 65,100 62,030 39%", "691,909 138,712 20%": "691,909 140,000 138,712 20%",
        "6,380 1,296 20%": "6,380 1,500 1,296 20%", "856,901 202,038 24%": "856,901 206,600 202,038 24%"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert rows(out / "published_table5_budget.csv") == rows(out2021 / "published_table5_budget.csv")
    named = [r["reason"] for r in rows(out / "review.csv") if r["file"] == "published_table5_budget.csv"]
    assert len(named) == 4 and all("prints 4 numbers" in r and "not read" in r for r in named)


@pytest.mark.parametrize("mark", ["(新增措施)", "（111年新增）"])
def test_a_new_measure_marked_in_other_words_is_new_and_the_mark_left_out(tmp_path, mark, out2021):
    text = report_text()
    assert text.count("採購(新增) ") == 1
    code, out = run_text(tmp_path, text.replace("採購(新增) ", f"採購{mark} "))
    assert code == 0
    assert rows(out / "annex_measures.csv") == rows(out2021 / "annex_measures.csv")


def test_another_mark_in_a_name_is_kept_and_named_for_review(tmp_path):
    text = report_text()
    assert text.count("\n1.1.3 落實") == 1
    code, out = run_text(tmp_path, text.replace("\n1.1.3 落實", "\n1.1.3 ★落實"))
    assert code == 0
    m = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}["1.1.3"]
    assert m["name_zh"].startswith("★")
    assert any(r["row"] == "1.1.3" and "mark '★'" in r["reason"] for r in rows(out / "review.csv"))


@pytest.mark.parametrize("printed, value, named", [
    ("約 0.915 ", "0.915", "約 (about)"), ("0.915 萬公噸/年 ", "0.915", ""),
    ("0.2 \n\n(減碳潛力) \n\n0.915 ", "0.915", "several reductions (0.2 減碳潛力, 0.915 實質減碳)")])
def test_a_reduction_printed_about_per_year_or_twice_is_read_and_named(tmp_path, printed, value, named, out2021):
    text = report_text()
    assert text.count("\n0.915 \n") == 1
    code, out = run_text(tmp_path, text.replace("\n0.915 \n", f"\n{printed}\n"))
    assert code == 0
    got = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}["1.1.2"]
    assert (got["reduction_10k_t_co2e"], got["reduction_kind_zh"]) == (value, "實質減碳")
    assert funding(out / "annex_funding.csv") == funding(out2021 / "annex_funding.csv")
    reasons = [r["reason"] for r in rows(out / "review.csv") if r["row"] == "1.1.2"]
    assert any(named in r for r in reasons) if named else not any("reduction" in r for r in reasons)


def test_a_table6_value_with_a_note_mark_is_read_and_the_mark_named(tmp_path, out2021):
    text, row = report_text(), "109 年 146.5 141.9 741.5 734.0 "
    assert text.count(row) == 1
    code, out = run_text(tmp_path, text.replace(row, "109 年 146.5 141.9註2 741.5 734.0* "))
    assert code == 0
    assert rows(out / "published_table6_emissions.csv") == rows(out2021 / "published_table6_emissions.csv")
    marks = [(r["field"], r["reason"][:22]) for r in rows(out / "review.csv") if "note mark" in r["reason"]]
    assert marks == [("annual_emissions_million_t_co2e", "表 6 prints a note mark"),
                     ("cumulative_emissions_million_t_co2e", "表 6 prints a note mark")]


def test_a_total_labelled_heji_and_a_ministry_with_brackets_are_rows(tmp_path, out2021):
    """合計 for the total row (Tables 2, 3, 5), and a ministry printed with its former name in brackets."""
    text = report_text().replace("\n總計 ", "\n合計 ")
    assert text.count("\n合計 ") == 3 and text.count("\n環保署 0 0 0 0% ") == 1
    text = text.replace("\n環保署 0 0 0 0% ", "\n環境部(原環保署) 0 0 0 0% ")
    code, out = run_text(tmp_path, text)
    assert code == 0
    for name in ("published_table2_by_pillar.csv", "published_table5_budget.csv", "pillars.csv"):
        assert rows(out / name) == rows(out2021 / name), name
    t3 = {r["row_zh"]: r for r in rows(out / "published_table3_by_ministry.csv")}
    assert t3["環境部(原環保署)"]["c_total"] == "1" and t3["總計"]["ministry_zh"] == "total"


def test_ids_with_a_final_or_full_width_dot_and_a_name_opening_with_a_digit_are_measures(tmp_path, out2021):
    text = replace_once(report_text(), {"\n1.1.2 創新": "\n1.1.2. 創新", "\n1.1.3 落實": "\n1．1．3 落實",
                                        "\n2.2.2 導入": "\n2.2.2 5G導入"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    name = {r["measure_id"]: r["name_zh"] for r in rows(out2021 / "annex_measures.csv")}["2.2.2"]
    assert measures_changed(out, out2021, "name_zh") == [("2.2.2", "5G" + name)]
    assert funding(out / "annex_funding.csv") == funding(out2021 / "annex_funding.csv")


@pytest.mark.parametrize("period", ["110年至114年", "110-114年", "110－114", "110–114"])
def test_a_period_printed_in_other_forms_is_read_and_named(tmp_path, period, out2021):
    text = report_text()
    old = "經 濟 部\n\n工業局 \n\n110-114 1. 每年輔導 80家"
    assert text.count(old) == 1
    code, out = run_text(tmp_path, text.replace(old, old.replace("110-114", period)))
    assert code == 0
    assert rows(out / "annex_measures.csv") == rows(out2021 / "annex_measures.csv")
    assert [r["row"] for r in rows(out / "review.csv") if r["reason"].startswith("period printed")] == ["1.1.1"]


@pytest.mark.parametrize("heading", ["附件一、110 年", "附件 110 年", "附件：110 年"])
def test_the_annex_heading_in_other_forms_is_found_and_its_year_read(tmp_path, heading, out2021):
    text = report_text()
    assert text.count("附件、110 年") == 1
    code, out = run_text(tmp_path, text.replace("附件、110 年", heading), year="110")
    assert code == 0
    assert rows(out / "annex_measures.csv") == rows(out2021 / "annex_measures.csv")


def test_a_pillar_named_nearly_as_table2_names_it_is_that_pillar_and_named(tmp_path, out2021):
    """Tables 4 and 5 print the second pillar's name without its 之: their rows are that pillar's."""
    text = report_text()
    t4_name, t5_name = "排放減量之措\n施 \n\n1.企業建立", "排\n\n放減量之措施 \n691,909"
    assert text.count(t4_name) == 1 and text.count(t5_name) == 1
    text = text.replace(t4_name, "排放減量措\n施 \n\n1.企業建立").replace(t5_name, "排\n\n放減量措施 \n691,909")
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert rows(out / "published_table4_results_summary.csv") == rows(out2021 / "published_table4_results_summary.csv")
    assert [r["pillar"] for r in rows(out / "published_table5_budget.csv")] == ["1", "2", "3", "total"]
    named = [r["file"] for r in rows(out / "review.csv") if "not as 表 2 does" in r["reason"]]
    assert named == ["published_table4_results_summary.csv", "published_table5_budget.csv"]


@pytest.mark.parametrize("printed, co, named", [("(協辦：國科會)", "國科會", False),
                                               ("(國科會、環保署)", "國科會、環保署", True)])
def test_co_agencies_labelled_or_listed_are_read(tmp_path, printed, co, named, out2021):
    text = report_text()
    assert text.count("(國科會)") == 1
    code, out = run_text(tmp_path, text.replace("(國科會)", printed))
    assert code == 0
    got = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}
    want = {r["measure_id"]: r for r in rows(out2021 / "annex_measures.csv")}
    mid = next(k for k, r in want.items() if r["co_agency_zh"] == "國科會")
    assert got[mid] == {**want[mid], "co_agency_zh": co}
    assert any(r["row"] == mid and "co-agencies" in r["reason"] for r in rows(out / "review.csv")) == named


@pytest.mark.parametrize("total", ["合計 \n\n202,038 \n\n170.5 ", "總計 202,038 170.5 "])
def test_the_annex_tables_total_row_is_no_measure(tmp_path, total, out2021):
    text = report_text()
    last = find_line(text.split("\n"), r"^3\.4\.1 ")
    end = next(i for i in range(last, len(text.split("\n"))) if text.split("\n")[i].startswith("- -"))
    ls = text.split("\n")
    reads_as_2021(tmp_path, "\n".join(ls[:end + 1] + ["", total] + ls[end + 1:]), out2021)


def test_a_reduction_printed_without_its_kind_is_read_and_named(tmp_path, out2021):
    code, out = run_text(tmp_path, replace_once(report_text(), {"1.54 \n\n(實質減碳)": "1.54 "}))
    assert code == 0
    assert measures_changed(out, out2021, "reduction_kind_zh") == [("2.1.5", "")]
    assert {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}["2.1.5"]["reduction_10k_t_co2e"] == "1.54"
    assert funding(out / "annex_funding.csv") == funding(out2021 / "annex_funding.csv")
    assert any(r["row"] == "2.1.5" and "without its kind" in r["reason"] for r in rows(out / "review.csv"))


def test_a_period_broken_after_its_dash_and_money_in_wan_are_read(tmp_path, out2021):
    period = "工業局 \n\n110-114 1. 每年輔導 80家"
    text = replace_once(report_text(), {period: period.replace("110-114", "110-\n\n114"),
                                        "\n3,677.2 \n": "\n3,677.2萬 \n"})
    out = reads_as_2021(tmp_path, text, out2021)
    named = [r["reason"] for r in rows(out / "review.csv") if r["row"] == "1.1.1"]
    assert "period printed over two lines: joined" in named and not any("convert" in r for r in named)


PERIOD_CELL_2021 = "工業局 \n\n110-114 1. 每年輔導 80家廠商進行\n\n低碳生產改善。"


@pytest.mark.parametrize("printed, joined", [
    ("工業局 \n\n110.01-114.12 1. 每年輔導 80家廠商進行\n\n低碳生產改善。", False),
    ("工業局 \n\n110年1月至114年12月 1. 每年輔導 80家廠商進行\n\n低碳生產改善。", False),
    ("工業局 \n\n110.1-114.12 1. 每年輔導 80家廠商進行\n\n低碳生產改善。", False),
    ("工業局 \n\n110.01- 1. 每年輔導 80家廠商進行\n\n低碳生產改善。\n\n114.12", True),  # the second year further down
    ("工業局 \n\n110年1月 1. 每年輔導 80家廠商進行\n\n至114年12月 低碳生產改善。", True)])
def test_a_period_printed_with_months_or_its_second_year_further_down_is_read_and_named(tmp_path, printed, joined,
                                                                                        out2021):
    code, out = run_text(tmp_path, replace_once(report_text(), {PERIOD_CELL_2021: printed}))
    assert code == 0
    assert rows(out / "annex_measures.csv") == rows(out2021 / "annex_measures.csv")
    named = [r["reason"] for r in rows(out / "review.csv") if r["row"] == "1.1.1" and r["field"] == "period_roc"]
    assert any(r.endswith("written 110-114 (its months are not kept)") for r in named)
    assert ("period printed over two lines: joined" in named) == joined


MONEY_2021 = "\n3,677.2 \n\n(公務預算) \n\n119.4 \n\n(實質減碳)"


@pytest.mark.parametrize("printed", ["\n(公務預算) \n\n3,677.2 \n\n119.4 \n\n(實質減碳)",
                                     "\n(公務預算)3,677.2 \n\n(實質減碳)119.4"])
def test_a_source_printed_before_its_amount_is_read_and_named(tmp_path, printed, out2021):
    # (and 1.1.4's two amounts, a source broken over two lines: (能源 / 基金) 2,373.17)
    two = "\n2,373.17 \n\n(能源基金) \n\n9,956.9 \n\n(民間投資) \n"
    text = replace_once(report_text(), {MONEY_2021: printed,
                                        two: "\n(能源\n\n基金) \n\n2,373.17 \n\n(民間投資) \n\n9,956.9 \n"})
    out = reads_as_2021(tmp_path, text, out2021)
    named = [r["row"] for r in rows(out / "review.csv") if "prints each source before its amount" in r["reason"]]
    assert named == ["1.1.1", "1.1.4"]


def test_a_source_nested_in_another_parenthesis_and_a_kind_in_other_words_are_read_and_named(tmp_path, out2021):
    text = replace_once(report_text(), {MONEY_2021: "\n3,677.2 \n\n(公務預算(經濟部)) \n\n119.4 \n\n(預估值)",
                                        "1.54 \n\n(實質減碳)": "1.54 \n\n(實質減碳量)"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert measures_changed(out, out2021, "reduction_kind_zh") == [("1.1.1", "預估值")]
    assert rows(out / "annex_funding.csv")[0] == {**rows(out2021 / "annex_funding.csv")[0],
                                                  "note": "printed as '3,677.2 (公務預算(經濟部))'; the source is taken"
                                                          " as 公務預算"}
    named = {(r["row"], r["field"]): r["reason"] for r in rows(out / "review.csv") if r["field"] == "reduction_kind_zh"}
    assert named[("1.1.1", "reduction_kind_zh")].startswith("kind printed '預估值' is none of the known kinds")
    assert named[("2.1.5", "reduction_kind_zh")] == "kind printed '實質減碳量', read as 實質減碳"


def test_an_id_printed_alone_and_money_printed_before_the_period_are_read_and_named(tmp_path, out2021):
    """An id in a column of its own (項次) prints on a line of its own, the name after it; an export whose columns
    come in another order prints the money and reduction cells before the agency or the period."""
    money = {"1.1.1": "\n3,677.2 \n\n(公務預算) \n\n119.4 \n\n(實質減碳) ",
             "1.2.1": "\n29,130 \n\n(民間投資) \n\n本措施係屬\n\n能力建構。 ",
             "1.1.4": "\n2,373.17 \n\n(能源基金) \n\n9,956.9 \n\n(民間投資) \n\n0.128  \n\n(實質減碳) "}
    name_111 = "\n1.1.1 推動製造部門低碳\n\n生產 \n"
    name_114 = "\n1.1.4 廢熱與廢冷回收技\n\n術示範應用專案補助(新\n\n增) \n"
    text = replace_once(report_text(), {
        name_111: name_111.replace("1.1.1 ", "1.1.1 \n\n") + money["1.1.1"],  # before the agency
        money["1.1.1"] + "\n\n1.1.2": "\n1.1.2",
        "國營會 \n\n110-114 每年": "國營會 \n" + money["1.2.1"] + "\n\n110-114 每年",  # after the agency, a note
        money["1.2.1"] + "\n\n1.2.2": "\n1.2.2",
        name_114: name_114.replace("1.1.4 ", "1.1.4 \n\n")  # each source before its amount
        + "\n(能源基金)2,373.17 \n\n(民間投資)9,956.9 \n\n0.128  \n\n(實質減碳) ",
        money["1.1.4"] + "\n\n1.2.1": "\n1.2.1"})
    out = reads_as_2021(tmp_path, text, out2021)
    named = [r["row"] for r in rows(out / "review.csv") if "cells are printed before the period" in r["reason"]]
    assert named == ["1.1.1", "1.1.4", "1.2.1"]


def test_a_reduction_printed_before_the_money_is_read_and_named(tmp_path, out2021):
    text = replace_once(report_text(), {
        "\n137 \n\n(公務預算) \n\n7.54 \n\n(實質減碳)": "\n7.54 \n\n(實質減碳) \n\n137 \n\n(公務預算)",
        "\n2,373.17 \n\n(能源基金) \n\n9,956.9 \n\n(民間投資) \n\n0.128  \n\n(實質減碳)":
            "\n0.128 萬公噸 \n\n(實質減碳) \n\n2,373.17 \n\n(能源基金) \n\n9,956.9 \n\n(民間投資)"})
    out = reads_as_2021(tmp_path, text, out2021)
    named = [r["row"] for r in rows(out / "review.csv") if "is printed before the money" in r["reason"]]
    assert named == ["1.1.4", "1.2.2"]
    assert not any("convert" in r["reason"] for r in rows(out / "review.csv") if r["row"] == "1.1.4")


# ---------------------------------------------------------------- encodings and PDF

def test_big5_and_bom(tmp_path):
    text = report_text()
    code, out = run_text(tmp_path, text.encode("cp950", errors="replace"), name="big5.txt")
    assert code == 0
    assert funding(out / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    (tmp_path / "b").mkdir()
    code, out2 = run_text(tmp_path / "b", "\ufeff" + text, name="bom.txt")
    assert code == 0
    assert [r["measure_id"] for r in rows(out2 / "annex_measures.csv")][0] == "1.1.1"


def assert_structured_fields_equal(out):
    """The drafted annex has the hand transcription's measures, with every structured field equal."""
    got, want = rows(out / "annex_measures.csv"), rows(RAW / "annex_measures.csv")
    assert [r["measure_id"] for r in got] == [r["measure_id"] for r in want]
    for g, w in zip(got, want):
        for c in STRUCT:
            assert g[c] == w[c], (w["measure_id"], c)
    return got, want


@pytest.fixture(scope="module")
def report_pdf():
    """The 2021 report's text as LibreOffice prints it, a page per page of the text export and each line a
    paragraph: its annex pages carry no column header (``lo_session.py``, made with the other test PDFs)."""
    return session_pdfs()["report_text"][0]


def test_pdf_route(tmp_path, report_pdf):
    pdf = report_pdf
    out = tmp_path / "pdfout"
    assert cli([str(pdf), "--year", "2021", "--out", str(out)]) == 0
    got, want = assert_structured_fields_equal(out)
    assert funding(out / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    assert rows(out / "published_table2_by_pillar.csv") == rows(RAW / "published_table2_by_pillar.csv")
    # no column header on the annex pages of this PDF: the text heuristic, flagged
    assert any("heuristic" in r["reason"] and r["field"] == "all" for r in rows(out / "review.csv"))


def test_pdf_without_text_layer(tmp_path, capsys):
    """A page LibreOffice prints with a drawn shape and no text, as a scan without OCR reaches a PDF."""
    scan = session_pdfs()["scan"][0]
    out = tmp_path / "o"
    assert cli([str(scan), "--year", "2021", "--out", str(out)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no text layer" in err and "scan.pdf" in err
    assert not out.exists()


# ---------------------------------------------------------------- bad input: one line, nothing written

def _bad(tmp_path, capsys, content, *must):
    code, out = run_text(tmp_path, content)
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    for m in must:
        assert m in err, (m, err)
    assert not out.exists()
    return err


def test_empty_file(tmp_path, capsys):
    _bad(tmp_path, capsys, "", "empty")
    _bad(tmp_path, capsys, "  \n\n ", "empty")


def test_binary_file(tmp_path, capsys):
    _bad(tmp_path, capsys, bytes(range(256)) * 20, "binary")


def test_no_annex(tmp_path, capsys):
    text = report_text()
    _bad(tmp_path, capsys, text[: text.index("附件、110")], "no annex")


def test_cut_off_annex(tmp_path, capsys):
    text = report_text()
    err = _bad(tmp_path, capsys, text[: text.index("3.1.1 推動產品環境足跡")], "cut off", "表 2", "37", "2.8.1")
    assert re.search(r"line \d+", err)


def test_measure_without_money(tmp_path, capsys):
    text = report_text().replace("3,677.2 \n\n(公務預算)", "")
    _bad(tmp_path, capsys, text, "1.1.1", "funding", "row 941")


def test_measure_without_reduction(tmp_path, capsys):
    text = report_text().replace("119.4 \n\n(實質減碳)", "")
    _bad(tmp_path, capsys, text, "1.1.1", "reduction", "row 941")


def test_non_empty_out_refused_unless_force(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    code = cli([str(REPORT), "--year", "2021", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code != 0 and len(err.splitlines()) == 1 and "--force" in err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert cli([str(REPORT), "--year", "2021", "--out", str(out), "--force"]) == 0
    assert (out / "annex_measures.csv").exists()


def test_table4_items_and_reductions(out2021):
    got = rows(out2021 / "published_table4_results_summary.csv")
    want = rows(RAW / "published_table4_results_summary.csv")
    assert list(got[0].keys()) == list(want[0].keys())
    for g, w in zip(got, want):
        for c in ("pillar", "item_no", "reduction_10k_t_co2e"):
            assert g[c] == w[c], (w["pillar"], w["item_no"], c)
        assert nows(g["title_zh"]) == nows(w["title_zh"]) and nows(g["text_zh"]) == nows(w["text_zh"])
        assert g["count_value"] == ""  # a judgement: left empty and listed
    assert len(got) == len(want)
    assert "表 4 pillar 2 item 1" in (out2021 / "review.md").read_text(encoding="utf-8")


def test_a_renamed_agency_is_split_off_at_the_previous_years_name(tmp_path):
    """環保署 became 環境部 (2023): an agency the reference lists do not know yet. The measure's name, as the
    previous year printed it, says where the agency starts; the review names the agency to add."""
    text = report_text()
    assert text.count("採購(新增) \n\n環保署 110-114") == 1
    text = text.replace("採購(新增) \n\n環保署 110-114", "採購(新增) \n\n環境部 110-114")
    code, out = run_text(tmp_path, text, year="2022", extra=["--previous", str(RAW)])
    assert code == 0
    m = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}["3.1.3"]
    assert (m["name_zh"], m["lead_agency_zh"]) == ("推廣企業實施綠色採購", "環境部")
    assert "agency '環境部' not in the reference list" in (out / "review.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("printed, value, unit", [("減碳 5.0 萬噸 CO2e", "5.0", ""),
                                                  ("減碳 50,000 公噸 CO2e", "50000", "公噸CO2e")])
def test_a_table4_reduction_in_another_unit_is_read_and_named_for_review(tmp_path, printed, value, unit):
    text = report_text()
    assert text.count("減碳 5.0 萬公噸 CO2e。") == 1
    code, out = run_text(tmp_path, text.replace("減碳 5.0 萬公噸 CO2e。", printed + "。"))
    assert code == 0
    item = {(r["pillar"], r["item_no"]): r for r in rows(out / "published_table4_results_summary.csv")}[("1", "2")]
    assert item["reduction_10k_t_co2e"] == value
    named = [r["reason"] for r in rows(out / "review.csv") if r["file"] == "published_table4_results_summary.csv"
             and r["field"] == "reduction_10k_t_co2e"]
    assert named == ([f"表 4 prints this reduction in {unit}: written as printed (the file is in 萬公噸CO2e):"
                      " convert it"] if unit else [])


def test_new_agency_and_added_measure(tmp_path):
    text = report_text().replace("經 濟 部\n\n工業局 \n\n110-114 1. 每年輔導 80家",
                                 "經 濟 部\n\n產業發展署 \n\n111-115 1. 每年輔導 80家")
    ls = text.split("\n")
    a = ls.index("1.1.2 創新循環新材料輔")
    b = a + 1
    while not ls[b].startswith(" 行動方案-"):
        b += 1
    block = ["1.1.9 " + ls[a][6:]] + ls[a + 1:b]
    text = "\n".join(ls[:b] + block + ls[b:])
    code, out = run_text(tmp_path, text, year="2022", extra=["--previous", str(RAW)])
    assert code == 0
    ms = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}
    assert ms["1.1.1"]["lead_agency_zh"] == "經濟部產業發展署" and ms["1.1.1"]["name_zh"] == "推動製造部門低碳生產"
    assert ms["1.1.1"]["period_roc"] == "111-115"
    assert ms["1.1.9"]["lead_agency_zh"] == "經濟部工業局"
    assert ("1.1.9", "公務預算", 240.0) in funding(out / "annex_funding.csv")
    review = (out / "review.md").read_text(encoding="utf-8")
    assert "new measures: 1.1.9" in review
    assert "1.1.1 (line" in review and "not in the reference list" in review
    assert "表 2: rows sum to 37, 總計 37, annex holds 38 measures: MISMATCH" in review


def test_previous_defaults_to_newest_earlier_year(tmp_path):
    code, out = run_text(tmp_path, report_text(), year="2022")
    assert code == 0
    review = (out / "review.md").read_text(encoding="utf-8")
    assert "Previous folder: `" in review and review.split("Previous folder: `")[1].startswith(str(RAW))
    assert "gone measures: none" in review
    assert len(rows(out / "measure_attributes.csv")) == len(rows(RAW / "measure_attributes.csv"))
    # the English edition's names are the next step, and the command that lists them is named
    assert review.endswith("lists every text the English edition lacks, as rows to fill in.\n")
    assert "`make translations-needed YEAR=2022`" in review.split("## English edition")[1]


def test_the_command_line_drafts_a_year_and_refuses_bad_input_in_one_line(tmp_path):
    """``python -m mfgghg extract`` (what ``make extract`` runs), ROC year accepted."""
    import subprocess
    import sys

    from conftest import REPO

    report = REPO / "tests" / "fixtures" / "reports" / "2021_roc110_report.txt"
    done = subprocess.run([sys.executable, "-m", "mfgghg", "extract", str(report), "--year", "110",
                           "--out", str(tmp_path / "draft")], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    drafted = pd.read_csv(tmp_path / "draft" / "annex_measures.csv", dtype=str)
    hand = pd.read_csv(REPO / "data/raw/2021/annex_measures.csv", dtype=str)
    assert list(drafted["measure_id"]) == list(hand["measure_id"])
    assert (tmp_path / "draft" / "review.md").is_file()
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "mfgghg", "extract", str(empty), "--year", "2022",
                          "--out", str(tmp_path / "bad")], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad").exists()


# ---------------------------------------------------------------- stated figures, highlight cases, notes, review.csv

def _vu(rows_, value="value", unit="unit_zh"):
    return {(float(r[value]), r[unit]) for r in rows_}


def test_headlines_keyed_from_the_text_cover_the_hand_transcription(out2021):
    got, want = rows(out2021 / "published_headlines.csv"), rows(RAW / "published_headlines.csv")
    assert list(got[0].keys()) == list(want[0].keys())
    by_key = {r["key"]: r for r in got}
    same = [w["key"] in by_key and float(by_key[w["key"]]["value"]) == float(w["value"])
            and by_key[w["key"]]["unit_zh"] == w["unit_zh"] for w in want]
    assert sum(same) >= 0.95 * len(want), [w["key"] for w, s in zip(want, same) if not s]  # measured: 44 of 44
    hand = {w["key"]: w for w in want}
    for r in got:  # a keyed row is never a wrong value under a known key
        if r["key"] in hand:
            assert float(r["value"]) == float(hand[r["key"]]["value"]), r["key"]
        assert r["section_zh"] and r["quote_zh"]
        assert nows(r["value"].lstrip("-")) in nows(r["quote_zh"]).replace(",", ""), r
    assert by_key["intensity_change_2020_vs_2005"]["value"] == "-49"  # 下降 49%: a stated decrease is negative
    assert "摘要 一" in by_key["strategies"]["section_zh"] and "貳 一" in by_key["strategies"]["section_zh"]
    # the figures not keyed are candidates in review.csv, with their line; keyed and candidates cover every hand row
    cand = [r for r in rows(out2021 / "review.csv") if r["file"] == "published_headlines.csv" and r["row"] == ""]
    assert cand and all(r["line"].isdigit() and r["reason"].startswith("candidate ") for r in cand)
    found = _vu(got) | {(float(r["reason"].split()[1]), r["reason"].split()[2]) for r in cand}
    assert _vu(want) <= found


def test_headlines_follow_the_numbers_and_years_and_unkeyed_phrasing_becomes_a_candidate(tmp_path):
    text = report_text()
    text = text.replace("17 項推動策略", "18 項推動策略").replace("110 年實際執行經費 20.2", "110 年實際執行經費 21.5")
    text = text.replace("105-109 年 GDP", "106-110 年 GDP").replace("完成 431 人次培訓", "培訓人員 431 人次")
    code, out = run_text(tmp_path, text)
    assert code == 0
    h = {r["key"]: r["value"] for r in rows(out / "published_headlines.csv")}
    assert h["strategies"] == "18" and h["actual_budget_report_year"] == "21.5"
    assert h["gdp_change_2017_2021"] == "16.56" and "gdp_change_2016_2020" not in h
    assert "trainees" not in h
    review = rows(out / "review.csv")
    assert any(r["file"] == "published_headlines.csv" and r["reason"].startswith("candidate 431 人次") for r in review)


def test_headline_counts_in_wan_and_shares_written_baifenzhi_are_read_and_named(tmp_path, out2021):
    """「1.2 萬人次」 is 12,000 人次 and 「下降百分之 49」 is 49%: keyed as their words say, the printed form named (the
    figures were not seen at all before)."""
    text = report_text().replace("431 人次培訓", "1.2 萬人次培訓").replace("下降 49%", "下降百分之 49")
    code, out = run_text(tmp_path, text)
    assert code == 0
    h = {r["key"]: r["value"] for r in rows(out / "published_headlines.csv")}
    before = {r["key"]: r["value"] for r in rows(out2021 / "published_headlines.csv")}
    assert h == {**before, "trainees": "12000"}
    reasons = {r["row"]: r["reason"] for r in rows(out / "review.csv") if r["file"] == "published_headlines.csv"}
    assert "'1.2 萬' read as 12,000" in reasons["trainees"]
    assert "'百分之 49' read as 49%" in reasons["intensity_change_2020_vs_2005"]


def test_headline_numbers_in_chinese_numerals_are_read_and_named(tmp_path, out2021):
    """「下降百分之四十九」, 「成長百分之十六點五六」, 「廿五家企業」, 「七百七十六萬公噸」, 「四百三十一人次」,
    「五百五十七家工廠」 and 「二十點二億元」: keyed with the values the digits gave, the net-zero companies
    counted as before, each figure named as read from Chinese numerals (they were not seen at all before)."""
    text = report_text()
    for printed, cn in (("下降 49%", "下降百分之四十九"), ("16.56%，燃料油", "百分之十六點五六，燃料油"),
                        ("25 家企業響應", "廿五家企業響應"), ("776 萬公噸", "七百七十六萬公噸"),
                        ("431 人次培訓", "四百三十一人次培訓"), ("557 家工廠", "五百五十七家工廠"),
                        ("執行經費 20.2\n", "執行經費 二十點二\n")):
        assert printed in text, printed
        text = text.replace(printed, cn)
    code, out = run_text(tmp_path, text)
    assert code == 0
    h = {r["key"]: r["value"] for r in rows(out / "published_headlines.csv")}
    assert h == {r["key"]: r["value"] for r in rows(out2021 / "published_headlines.csv")}
    assert rows(out / "netzero_companies.csv") == rows(out2021 / "netzero_companies.csv")
    reasons = {r["row"]: r["reason"] for r in rows(out / "review.csv") if r["file"] == "published_headlines.csv"}
    for key, said in (("intensity_change_2020_vs_2005", "'百分之四十九' read from Chinese numerals as 49%"),
                      ("gdp_change_2016_2020", "'百分之十六點五六' read from Chinese numerals as 16.56%"),
                      ("net_zero_companies", "'廿五' read from Chinese numerals as 25"),
                      ("first_period_reduction", "'七百七十六萬' read from Chinese numerals as 776 萬"),
                      ("trainees", "'四百三十一' read from Chinese numerals as 431"),
                      ("factories_energy_saving_service", "'五百五十七' read from Chinese numerals as 557"),
                      ("actual_budget_report_year", "'二十點二' read from Chinese numerals as 20.2")):
        assert said in reasons[key], (key, reasons.get(key))


def test_a_headline_is_keyed_by_the_period_named_nearest_before_it(tmp_path, out2021):
    """A sentence naming 第一期 before 第二期's counts keys them as this period's; a change stated after 第二期 is not
    keyed by 105-109 年 printed earlier in the sentence (第二期's years are not printed: for review)."""
    text = replace_once(report_text(), {"符合預期目標。 \n\n實施第二期": "符合預期目標；實施第二期"})
    assert text.count("85%)，煤\n") == 2
    code, out = run_text(tmp_path, text.replace("85%)，煤\n", "85%)，第二期煤\n"))
    assert code == 0
    got = {r["key"]: r["value"] for r in rows(out / "published_headlines.csv")}
    want = {r["key"]: r["value"] for r in rows(out2021 / "published_headlines.csv")}
    after = ("coal_change_2016_2020", "electricity_change_2016_2020", "emissions_change_2016_2020",
             "emissions_change_pct_2016_2020")  # (the sentence's changes after 第二期)
    assert got == {k: v for k, v in want.items() if k not in after}
    reasons = [r["reason"] for r in rows(out / "review.csv") if r["file"] == "published_headlines.csv"]
    assert any(r.startswith("candidate -29 %") and "its years could not be read" in r for r in reasons)


def test_headline_stated_twice_with_different_values_is_not_keyed(tmp_path):
    text = report_text().replace("110-114 年預計投入經費 85.7 億元", "110-114 年預計投入經費 86.0 億元")
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert "planned_budget_2021_2025" not in {r["key"] for r in rows(out / "published_headlines.csv")}
    reasons = [r["reason"] for r in rows(out / "review.csv") if r["file"] == "published_headlines.csv"]
    assert sum("stated with different values" in r for r in reasons) == 2


def test_highlight_cases_drafted_with_positional_keys(out2021):
    got, want = rows(out2021 / "highlight_cases.csv"), rows(RAW / "highlight_cases.csv")
    assert list(got[0].keys()) == list(want[0].keys())
    have = {(int(r["case_no"]), float(r["value"]), r["unit_zh"]) for r in got}
    hit = [(int(w["case_no"]), float(w["value"]), w["unit_zh"]) in have for w in want]
    assert sum(hit) >= 0.95 * len(want)  # measured: 49 of 51 (the missing: '從 0.41 降至 0.39…', '1家塑膠製品企業')
    assert {(r["case_no"], r["case_zh"]) for r in got} == {(w["case_no"], w["case_zh"]) for w in want}
    assert len({(r["case_no"], r["key"]) for r in got}) == len(got)
    assert all(re.fullmatch(r"figure_\d+", r["key"]) for r in got)
    listed = {r["row"] for r in rows(out2021 / "review.csv") if r["file"] == "highlight_cases.csv"}
    assert all(f"case {r['case_no']} {r['key']}" in listed for r in got)


def test_notes_header_only_and_review_csv(out2021):
    for n in ("budget_notes", "emissions_notes", "reconciliation_notes", "status_notes"):
        assert (out2021 / f"{n}.csv").read_text(encoding="utf-8") == "check_id,explanation\n"
    review = rows(out2021 / "review.csv")
    assert list(review[0].keys()) == ["file", "row", "field", "reason", "line"]
    assert {f"{n}.csv" for n in ("budget_notes", "emissions_notes", "reconciliation_notes", "status_notes")} <= \
        {r["file"] for r in review}
    md = (out2021 / "review.md").read_text(encoding="utf-8")
    assert "header only" in md and "review.csv" in md
    # every measure listed in review.md is in review.csv with its report line
    for r in review:
        if r["file"] == "annex_measures.csv":
            assert r["line"].isdigit() and f"- {r['row']} (line {r['line']})" in md
    f131 = [r for r in rows(out2021 / "annex_funding.csv") if r["measure_id"] == "1.3.1"][0]
    assert f131["source_zh"] == "空污基金、石油基金" and "together" in f131["note"]


def test_goal_rows_carry_indicator_and_result_basis(out2021):
    cand = rows(out2021 / "measure_goals.csv")
    want = {(r["measure_id"], float(r["goal_value"]), r["unit_zh"]): r for r in rows(RAW / "measure_goals.csv")}
    assert all(r["indicator_zh"] and r["result_basis"] in ("year", "cumulative", "none") for r in cand)
    assert all((r["result_basis"] == "none") == (r["result_value"] == "") for r in cand)
    same = [nows(r["indicator_zh"]) == nows(want[k]["indicator_zh"])
            for r in cand if (k := (r["measure_id"], float(r["goal_value"]), r["unit_zh"])) in want]
    assert sum(same) >= 0.5 * len(want)  # measured: 39 of 70 equal to the hand's wording


def test_output_is_a_valid_raw_package_the_ingest_accepts(tmp_path):
    from frictionless import validate

    from mfgghg.data.ingest import ingest
    from mfgghg.data.package import read_package
    from mfgghg.data.paths import YearPaths

    out = tmp_path / "raw" / "2021"
    assert cli([str(REPORT), "--year", "2021", "--out", str(out), "--previous", str(RAW)]) == 0
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:5]
    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    hand = {r["name"] for r in json.loads((RAW / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    drafted = {r["name"] for r in d["resources"]}
    assert drafted <= hand and len(drafted) >= 16  # every file of the 2021 package as issue 19 listed it
    reference = read_package(RAW.parents[1] / "reference")
    tables = read_package(out, reference)
    assert len(tables["published_headlines"].data) == len(rows(RAW / "published_headlines.csv"))
    done = ingest(YearPaths.for_year(2021, raw_root=tmp_path / "raw", processed_root=tmp_path / "processed",
                                     figures_root=tmp_path / "figures"))
    assert len(done.tables["measures"]) == 37 and len(done.tables["published_headlines"]) == 44


# ---------------------------------------------------------------- net-zero directions and companies

def test_netzero_directions_and_companies_match_the_hand_transcription(out2021):
    """Every cell of both files as transcribed by hand, but for the calls a reviewer makes: 擴大使用
    read as governing both fuels (the draft keeps 生質燃料 as printed, and review.csv says why to
    look), and the notes that say what the text does not list."""
    got, want = rows(out2021 / "netzero_strategy_directions.csv"), rows(RAW / "netzero_strategy_directions.csv")
    assert len(got) == len(want) == 12
    judged = [(w["strategy_no"], w["horizon"], w["item_no"]) for g, w in zip(got, want) if g["item_zh"] != w["item_zh"]]
    assert judged == [("2", "short_term", "2")] and got[5]["item_zh"] == "生質燃料"
    for g, w in zip(got, want):
        for c in ("strategy_no", "strategy_zh", "horizon", "item_no", "direction_zh", "list_open", "section_zh",
                  "quote_zh"):
            assert g[c] == w[c], (w["strategy_no"], w["horizon"], w["item_no"], c)
        if w["note"].startswith("The list ends with 等"):
            assert g["note"] == w["note"]
    assert rows(out2021 / "netzero_companies.csv") == rows(RAW / "netzero_companies.csv")
    review = rows(out2021 / "review.csv")
    flagged = [r for r in review if r["file"] == "netzero_strategy_directions.csv"]
    assert any("生質燃料" in r["reason"] and "shares a word" in r["reason"] for r in flagged)
    assert not [r for r in review if r["file"] == "netzero_companies.csv"]  # 25 counted, 25 listed
    assert any(r["file"] == "table4_measure_map.csv" and "not drafted" in r["reason"] for r in review)


def test_netzero_lists_follow_the_text_and_a_count_that_differs_is_for_review(tmp_path):
    text = report_text()
    for printed, variant in ((r"^1\. 製程改善：", "1. 製程改善：短期以燃料轉換、餘熱回收及智慧節能管理為主，長期則朝"),
                             (r"^氫氣技術開發應用", "碳捕存等創新技術發展。"),
                             (r"^麗華、新光合纖、.*聯電及$",
                              "麗華、新光合纖、群創、榮成紙業、福懋興業、遠東新世紀、聯電、"),
                             (r"^豐興鋼鐵等均已提出",
                              "豐興鋼鐵及大成鋼等均已提出 2050 年淨零目標，排放量合計占我國製造部門")):
        text = replace_line(text, printed, variant)
    code, out = run_text(tmp_path, text)
    assert code == 0
    d = [r for r in rows(out / "netzero_strategy_directions.csv") if r["strategy_no"] == "1"]
    assert [(r["horizon"], r["item_zh"]) for r in d] == [
        ("short_term", "燃料轉換"), ("short_term", "餘熱回收"), ("short_term", "智慧節能管理"), ("long_term", "碳捕存")]
    assert d[-1]["list_open"] == "true" and d[0]["list_open"] == "false"
    c = rows(out / "netzero_companies.csv")
    assert [r["company_zh"] for r in c][-2:] == ["豐興鋼鐵", "大成鋼"] and len(c) == 26
    assert "東和鋼鐵" in {r["company_zh"] for r in c}  # 和 inside a name is not a list separator
    flagged = [r for r in rows(out / "review.csv") if r["file"] == "netzero_companies.csv"]
    assert len(flagged) == 1 and "counts 25 companies, the list names 26" in flagged[0]["reason"]


def test_a_report_without_the_netzero_lists_drafts_neither_file_and_still_ingests(tmp_path):
    from mfgghg.data.package import read_package

    text = report_text()
    for k, strategy in enumerate(("製程改善", "能源轉換", "循環經濟"), 1):  # the numbered list reworded
        text = replace_line(text, rf"^{k}\. {strategy}：", f"{strategy}方面將持續推動。")
    text = replace_line(text, r"^產業展開會議討論，並獲 25 家企業", "產業展開會議討論。")
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert not (out / "netzero_strategy_directions.csv").exists() and not (out / "netzero_companies.csv").exists()
    names = {r["name"] for r in json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    assert not names & {"netzero_strategy_directions", "netzero_companies"}
    reasons = {r["file"]: r["reason"] for r in rows(out / "review.csv") if r["file"].startswith("netzero_")}
    assert set(reasons) == {"netzero_strategy_directions.csv", "netzero_companies.csv"}
    assert all("not written" in why for why in reasons.values())
    read_package(out)  # the draft is still a valid package


def test_a_previous_year_without_the_netzero_files_lends_2021s_descriptions_retargeted(tmp_path):
    import shutil

    prev = tmp_path / "prev"
    shutil.copytree(RAW, prev)
    for name in ("netzero_strategy_directions", "netzero_companies"):
        (prev / f"{name}.csv").unlink()
    descriptor = json.loads((prev / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if not r["name"].startswith("netzero_")]
    (prev / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    code, out = run_text(tmp_path, report_text(), year="2022", extra=["--previous", str(prev)])
    assert code == 0 and (out / "netzero_companies.csv").is_file()
    described = {r["name"]: json.dumps(r, ensure_ascii=False)
                 for r in json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    for name in ("netzero_strategy_directions", "netzero_companies"):
        assert "111年執行成果報告 (2022 execution report)" in described[name]
        assert "110年" not in described[name] and "2021" not in described[name]


# ---------------------------------------------------------------- a report contradicting itself, its year, characters

def test_a_complete_report_that_contradicts_itself_is_drafted_with_both_numbers_for_review(tmp_path):
    """Table 2 counts 37 measures, the annex holds 36 and ends with its last measure complete: drafted."""
    code, out = run_text(tmp_path, remove_measure(report_text(), "3.3.2"))
    assert code == 0
    assert len(rows(out / "annex_measures.csv")) == 36
    hit = [r for r in rows(out / "review.csv") if r["field"] == "c_total"]
    assert {r["file"] for r in hit} == {"published_table2_by_pillar.csv", "published_table3_by_ministry.csv"}
    assert all("counts 37 measures, the annex holds 36" in r["reason"] and r["line"].isdigit() for r in hit)
    assert "表 2: rows sum to 37, 總計 37, annex holds 36 measures: MISMATCH" in (out / "review.md").read_text("utf-8")


def test_the_report_year_is_read_from_the_report_and_a_wrong_year_refused(tmp_path, capsys):
    src = tmp_path / "r.txt"
    src.write_text(report_text(), encoding="utf-8")
    out = tmp_path / "wrong"
    assert cli([str(src), "--year", "2022", "--out", str(out)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--year 2022" in err and "2021 (ROC 110" in err and "annex heading" in err
    assert not out.exists()
    own = tmp_path / "own"
    assert cli([str(src), "--out", str(own)]) == 0  # without --year: the report's own
    d = json.loads((own / "datapackage.json").read_text(encoding="utf-8"))
    assert (d["report_year"], d["roc_year"]) == (2021, 110)
    assert cli([str(src), "--year", "110", "--out", str(tmp_path / "roc")]) == 0  # the same year as ROC


def test_full_width_digits_and_kangxi_radicals_are_normalised_and_listed(tmp_path):
    text = replace_line(report_text(), r"^3,677\.2 ", "３，６７７．２ ", r"^1\.1\.1 ")
    text = text.replace("經 濟 部\n\n工業局 \n\n110-114 1. 每年輔導 80家",
                        "經 濟 部\n\n⼯業局 \n\n110-114 1. 每年輔導 80家")
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert funding(out / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    assert rows(out / "annex_measures.csv")[0]["lead_agency_zh"] == "經濟部工業局"
    changes = [r for r in rows(out / "review.csv") if r["reason"].startswith("characters normalised")]
    by = {(r["file"], r["row"], r["field"]): r["reason"] for r in changes}
    assert set(by) == {("annex_funding.csv", "1.1.1", "amount_10k_twd"),
                       ("annex_measures.csv", "1.1.1", "lead_agency_zh")}
    assert "'３，６７７．２'" in by["annex_funding.csv", "1.1.1", "amount_10k_twd"] and "'3,677.2'" in by[
        "annex_funding.csv", "1.1.1", "amount_10k_twd"]
    assert "'⼯業局'" in by["annex_measures.csv", "1.1.1", "lead_agency_zh"]


def test_a_page_break_between_two_money_lines_keeps_both_amounts_and_the_text_in_its_columns(tmp_path):
    """3.2.1 prints 72 (公務預算) on one page and 24 (民間投資) on the next, where its 執行成果 continues
    first (the text export gives each cell's rest in column order after the page header)."""
    ls = report_text().split("\n")
    a = find_line(ls, r"^3\.2\.1 ")
    b = find_line(ls, r"^3\.2\.2 ", a)
    first = ["3.2.1 推廣企業環境資訊 ", "揭露 ", "經濟部", "工業局 ", "110-114 累計協助 8 家企業依循",
             "國際 CSR 報告書撰寫準", "則，善盡環境資訊揭露", "之責任。 ", "完成協助 3 家廠商 CSR 報告", "72 ",
             "(公務預算) "]
    second = ["書首發。 ", "24 ", "(民間投資) ", "能力建構 "]
    block = sum(([x, ""] for x in first), []) + sum(([h, ""] for h in page_header(ls)), []) \
        + sum(([x, ""] for x in second), [])
    code, out = run_text(tmp_path, "\n".join(ls[:a] + block + ls[b:]))
    assert code == 0
    assert funding(out / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    got = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}["3.2.1"]
    want = {r["measure_id"]: r for r in rows(RAW / "annex_measures.csv")}["3.2.1"]
    for c in ("name_zh", "expected_benefits_zh", "results_zh", "reduction_note_zh"):
        assert nows(got[c]) == nows(want[c]), (c, got[c])
    flagged = {r["field"] for r in rows(out / "review.csv") if r["row"] == "3.2.1"}
    assert {"funding/reduction", "expected_benefits_zh/results_zh"} <= flagged


def test_a_pdf_table_the_layout_cannot_read_falls_back_to_the_heuristic_and_says_so(tmp_path, monkeypatch, capsys,
                                                                                      report_pdf):
    """Where a cell read by position is unusable, the text heuristic is tried (flagged in review.csv); where
    that fails too, the cell's own error is the one line shown."""
    import mfgghg.data.extract.pipeline as pipeline
    from mfgghg.errors import DataError

    def unreadable(rows, file, known, line_of):
        raise DataError(file, "measure 1.1.1: no period (推動期程) cell: '?'", row=1)

    monkeypatch.setattr(pipeline, "annex_rows", lambda pages, first: ([object()], "positions", [], [], {}))
    monkeypatch.setattr(pipeline, "measures_from_rows", unreadable)
    pdf = report_pdf
    assert cli([str(pdf), "--out", str(tmp_path / "o")]) == 0  # the text layer reads by the heuristic
    flagged = [r for r in rows(tmp_path / "o" / "review.csv") if "could not be read by position" in r["reason"]]
    assert len(flagged) == 1 and "no period (推動期程) cell" in flagged[0]["reason"]
    assert funding(tmp_path / "o" / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    monkeypatch.setattr(pipeline, "parse_annex",
                        lambda text, file, known, names=None: unreadable(None, file, None, None))
    capsys.readouterr()
    assert cli([str(pdf), "--out", str(tmp_path / "o2")]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no period (推動期程) cell" in err
    assert not (tmp_path / "o2").exists()


# ---------------------------------------------------------------- text exports made by other tools (pdftotext)

def test_a_text_export_laid_out_in_columns_is_refused_in_one_line_naming_its_line(tmp_path, capsys):
    """``pdftotext -layout`` sets a row's cells side by side and shifts each by how long the text before it ran:
    which column a piece is in cannot be told, so the draft is refused (it read as cells run together before)."""
    text = report_text()
    head = text[: text.index(" 附件、")]
    annex = ["附件、110 年製造部門行動方案執行情形",
             "具體措施或計畫   主辦機關     推動期程  預期效益"
             "                 執行成果                   實際經費(萬元)  減碳量(萬公噸CO2e)",
             "1.1.1 推動製造部門低 經濟部工業局 110-114   1. 每年輔導 80 家廠商進"
             "   1. 完成 80 家企業減碳路徑 3,677.2         119.4",
             "碳生產                                   行低碳生產改善。"
             "          規劃輔導。                 (公務預算)      (實質減碳)"]
    err = _bad(tmp_path, capsys, head + "\n".join(annex) + "\n", "side by side", "-layout")
    assert f"row {head.count(chr(10)) + 3}" in err


def test_cells_an_export_joins_on_one_baseline_are_parted(tmp_path):
    """``pdftotext -raw`` joins what stands on one baseline: cells of one line each share the period's line, the
    money's first amount ends the 執行成果 line (its source on the next): read, and named for review."""
    text = report_text()
    ls = text.split("\n")
    for mid, nxt, block in (
            ("1.2.1", "1.2.2", ["1.2.1 協助工業部門使用天然氣作為燃料",
                                "經濟部國營會 110-114 每年協助 10家工業用戶建設供氣系統。"
                                " 110 年協助 34 家工業用戶完成供氣系統建置。 29,130",
                                "(民間投資)", "本措施係屬能力建構。"]),
            ("2.1.5", "2.1.6", ["2.1.5 提升石化廠能效 經濟部國營會",
                                "110-114 林園石化廠累計減碳 2.6 萬公噸。 110 年林園石化廠執行 7 項節能減碳措",
                                "施，合計減碳成效為 1.54 萬公噸。 38,742", "(國營事業預算)", "1.54", "(實質減碳)"])):
        a = find_line(ls, rf"^{re.escape(mid)} ")
        b = find_line(ls, rf"^{re.escape(nxt)} ", a)
        ls[a:b] = block
    code, out = run_text(tmp_path, "\n".join(ls))
    assert code == 0
    assert funding(out / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    got = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}
    want = {r["measure_id"]: r for r in rows(RAW / "annex_measures.csv")}
    for mid in ("1.2.1", "2.1.5"):
        for c in ("name_zh", "lead_agency_zh", "expected_benefits_zh", "results_zh", "reduction_note_zh"):
            assert nows(got[mid][c]) == nows(want[mid][c]), (mid, c, got[mid][c])
        flagged = {r["field"] for r in rows(out / "review.csv") if r["row"] == mid}
        assert {"funding", "expected_benefits_zh/results_zh"} <= flagged, (mid, flagged)


def test_a_row_an_export_joins_on_one_baseline_broken_across_pages_is_one_measure(tmp_path, out2021):
    """``pdftotext -raw`` (form feeds, a page number at each page's foot) printing a row broken across pages as it
    prints one of LibreOffice's: the cells' first lines joined, ending with the money's and the reduction's amounts;
    on the next page the name's rest joined to 預期效益's, then the text cells, then the sources and the kind on a
    line of their own (2.1.6), or one a line after a further amount (2.3.2, whose name's rest carries 新增): each
    row one measure, read as 2021's and named (no funding cell was found before; 2.3.2 read 53,948 as its money)."""
    text = rewrite_row(report_text(), "2.1.6", "2.1.7", [
        "2.1.6 提供生產性質能源 經濟部能源局 110-114 1. 每年節能診斷 200 家能 1. 110 年度完成 203 家能源 1,296 4.444",
        "大用戶節能診斷。", "BREAK", "大用戶節能技術服務 源大用戶。", "2. 每年舉辦 6 場次節能技", "術相關研習會議。",
        "2. 110 年度完成舉辦 6 場能", "源效率提升技術研討會。", "(能源基金) (實質減碳)"])
    text = rewrite_row(text, "2.3.2", "2.4.1", [
        "2.3.2 能源技術服務產業精 經濟部能源局 110-114 1. 協助 110 家工廠透過績效保證專案補助導入 1. 協助 28 家工廠"
        "透過績效保證專案補助導入 ESCO 17,251 2.03", "BREAK", "進輔導計畫(新增) ESCO 輔導。",
        "2. 累計減碳 9.35 萬公噸，平均節能率 31.5", "%。", "輔導。", "2. 累計減碳 2.03 萬公噸，平均節能率 31.6%。",
        "(能源基金)", "53,948", "(民間投資)", "(實質減碳)"])
    out = reads_as_2021(tmp_path, form_feeds(text), out2021)
    said = {(r["row"], r["field"]): r["reason"] for r in rows(out / "review.csv")}
    assert "1,296 (money) and 4.444 (reduction)" in said["2.1.6", "funding/reduction"]
    assert "17,251 (money) and 2.03 (reduction)" in said["2.3.2", "funding/reduction"]
    assert "(further money: 53,948)" in said["2.3.2", "funding/reduction"]
    assert all("after a page break" in said[mid, "funding/reduction"] for mid in ("2.1.6", "2.3.2"))
    assert said["2.3.2", "name_zh"] == "name taken as continued after the page break: '進輔導計畫(新增)'"


def test_a_bare_page_number_at_a_form_feed_and_a_note_under_the_annex_are_no_text(tmp_path):
    """Bare page numbers at pages' feet (form feeds between pages, as pdftotext writes them), one inside
    Table 2's label broken across pages, and 「資料來源：各機關」 under the annex's total row: Table 2 and 3.4.1
    read as printed."""
    text = replace_once(report_text(), {"\n表 2、": "\n3\n\f表 2、", "產業調整為永\n\n續生產製程 \n- - - -":
                                        "產業調整為永\n\n4\n\f續生產製程 \n- - - -"})
    text = text.rstrip() + "\n合計 202,038 170.5\n資料來源：各機關\n"
    code, out = run_text(tmp_path, text)
    assert code == 0
    for name in ("published_table2_by_pillar.csv", "published_table5_budget.csv", "pillars.csv"):
        assert rows(out / name) == rows(RAW / name), name
    got = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}["3.4.1"]
    assert got["reduction_note_zh"] == "-"


def test_digit_groups_set_apart_by_spaces_and_a_remark_column_after_a_tables_numbers_are_read(tmp_path):
    """Amounts printed 3 677.2 (the annex) and 158 613 (Table 5, joined where the plan and the money give the
    printed rate), and text after a row's numbers in Tables 2, 5 and 6 (a 備註 column): read as before and
    named (they read as 677.2, as 158 and 030, or lost the row, before)."""
    text = replace_once(report_text(), {
        "\n3,677.2 \n": "\n3 677.2 \n", "158,613 62,030 39%": "158 613 62 030 39%",
        "691,909 138,712 20%": "691 909 138 712 20%", "6 0 6 100% 6 0 6 100% 12 0 12 100%":
        "6 0 6 100% 6 0 6 100% 12 0 12 100% 無", "856,901 202,038 24%": "856,901 202,038 24% 含補助款",
        "109 年 146.5 141.9 741.5 734.0": "109 年 146.5 141.9 741.5 734.0 較目標減少"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert funding(out / "annex_funding.csv") == funding(RAW / "annex_funding.csv")
    for name in ("published_table2_by_pillar.csv", "published_table5_budget.csv", "published_table6_emissions.csv",
                 "pillars.csv"):
        assert rows(out / name) == rows(RAW / name), name
    reasons = [r["reason"] for r in rows(out / "review.csv")]
    assert any("'3 677.2'" in r and "3677.2" in r for r in reasons)
    assert sum("digit groups apart" in r for r in reasons) == 2
    for printed in ("無", "含補助款", "較目標減少"):
        assert any(f"'{printed}' after this row's numbers" in r for r in reasons), printed


def test_a_year_printed_apart_is_no_year_and_its_figure_a_candidate(tmp_path):
    """「1 05-109 年 GDP 成長」 (a PDF's text may part a number) names no period a report can have: the figure is a
    candidate, not keyed (the draft stopped with 'report year 5 is out of range' before)."""
    text = report_text().replace("105-109 年 GDP", "1 05-109 年 GDP")
    code, out = run_text(tmp_path, text)
    assert code == 0
    h = {r["key"] for r in rows(out / "published_headlines.csv")}
    assert not any(k.startswith("gdp_change") for k in h)
    assert any(r["reason"].startswith("candidate 16.56 %") for r in rows(out / "review.csv"))


def test_table6_columns_in_another_order_are_read_by_their_titles(tmp_path):
    """Table 6 printing 排放值 before 目標值 in each group, or the period's group first: read by the titles, named
    (the targets were read as the emissions before)."""
    text = report_text()
    lines = rows(RAW / "published_table6_emissions.csv")
    cols = ("annual_target_million_t_co2e", "annual_emissions_million_t_co2e", "cumulative_target_million_t_co2e",
            "cumulative_emissions_million_t_co2e")
    kinds = " 項目  目標值  排放值註 1 目標值  排放值註 1 "
    for head, order in (({kinds: " 項目  排放值註 1 目標值  排放值註 1 目標值 "}, (1, 0, 3, 2)),
                        ({" 當年度目標  第一期累計目標  ": " 第一期累計目標  當年度目標  "}, (2, 3, 0, 1))):
        printed = {" ".join([r["row_zh"].replace("年", " 年"), *(r[cols[k]] for k in range(4))]):
                   " ".join([r["row_zh"].replace("年", " 年"), *(r[cols[k]] for k in order)]) for r in lines}
        (tmp_path / str(order[0])).mkdir()
        code, out = run_text(tmp_path / str(order[0]), replace_once(text, {**head, **printed}))
        assert code == 0
        assert rows(out / "published_table6_emissions.csv") == lines
        assert any("表 6's titles print its columns in another order" in r["reason"] for r in rows(out / "review.csv"))


def test_table2_groups_in_another_order_are_read_by_their_titles(tmp_path):
    """Table 2 printing 能力建構(B) before 實質減量(A): each group's counts read by its title, named (the
    substantive counts were read as the capacity ones before)."""
    text = report_text()
    a, b = text.index("表 2、"), text.index("表 3、")
    part = text[a:b].replace("實質減量(A) 能力建構(B)", "能力建構(B) 實質減量(A)")
    for row, swapped in (("11 0 11 100% 6 0 6 100%", "6 0 6 100% 11 0 11 100%"),
                         ("- - - - 8 0 8 100%", "8 0 8 100% - - - -"),
                         ("17 0 17 100% 20 0 20 100%", "20 0 20 100% 17 0 17 100%")):
        assert part.count(row) == 1, row
        part = part.replace(row, swapped)
    code, out = run_text(tmp_path, text[:a] + part + text[b:])
    assert code == 0
    assert rows(out / "published_table2_by_pillar.csv") == rows(RAW / "published_table2_by_pillar.csv")
    assert rows(out / "published_table3_by_ministry.csv") == rows(RAW / "published_table3_by_ministry.csv")
    assert any("表 2's titles print its columns in another order" in r["reason"] for r in rows(out / "review.csv"))


def test_table5_money_printed_before_the_plan_is_read_by_the_rate(tmp_path):
    """Table 5 printing the year's money (B) before the plan (A): the rate tells them apart, named (they were
    swapped before)."""
    text = replace_once(report_text(), {"158,613 62,030 39%": "62,030 158,613 39%",
                                        "691,909 138,712 20%": "138,712 691,909 20%",
                                        "6,380 1,296 20%": "1,296 6,380 20%",
                                        "856,901 202,038 24%": "202,038 856,901 24%"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    assert rows(out / "published_table5_budget.csv") == rows(RAW / "published_table5_budget.csv")
    assert sum("money before the plan" in r["reason"] for r in rows(out / "review.csv")) == 4


def test_a_text_exports_running_lines_between_form_feeds_are_no_text(tmp_path, out2021):
    """A text export with form feeds (pdftotext) whose every page opens with a watermark word and a running head
    in other words and closes with a dated footer: drafted as without them (they ran into cells and tables)."""
    out_lines, page = [], 0
    for ln in report_text().split("\n"):
        if ln.startswith(" ") and ln.strip():  # (a page of the fixture starts here)
            page += 1
            if page > 1:
                out_lines.append(f"列印日期：2023/05/12 第 {page - 1} 頁")
            out_lines += [("\f" if page > 1 else "") + "草稿", "經濟部 製造部門 110 年度執行成果（第 2 版）"]
        out_lines.append(ln)
    code, out = run_text(tmp_path, "\n".join(out_lines))
    assert code == 0
    for name in ("annex_measures.csv", "annex_funding.csv", "published_table2_by_pillar.csv",
                 "published_table3_by_ministry.csv", "published_table5_budget.csv", "published_table6_emissions.csv",
                 "published_headlines.csv", "highlight_cases.csv"):
        assert rows(out / name) == rows(out2021 / name), name


def test_a_cell_missing_in_a_text_export_with_form_feeds_is_refused_pointing_to_the_pdf(tmp_path, capsys):
    """A text export with form feeds (made from a PDF by pdftotext) whose measure's money the text route cannot
    find: one line naming the measure, saying the export may print the row's cells in another order (give the
    PDF)."""
    text = report_text().replace("3,677.2 \n\n(公務預算)", "").replace("\n 2.依主辦機關區分", "\n\f2.依主辦機關區分")
    _bad(tmp_path, capsys, text, "1.1.1", "funding", "row 941", "give the PDF")


def test_a_line_between_a_tables_rows_that_is_no_row_is_named(tmp_path, out2021):
    """A row of Table 3 with a cell missing and a row of Table 6 with one missing are no rows: each line is named in
    the review with its line (they were left out without a word), the other rows read as before."""
    text = replace_once(report_text(), {"\n國科會 1 0 1 100% 2 0 2 100% 3 0 3 100%":
                                        "\n國科會 1 0 1 100% 2 0 2 100% 3 0 3",
                                        "\n107 年 148.3 150.8 448.1 447.4": "\n107 年 148.3 150.8 448.1"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    t3 = [r["row_zh"] for r in rows(out / "published_table3_by_ministry.csv")]
    assert t3 == ["經濟部", "環保署", "總計"]
    lines = report_text().split("\n")
    named = [(r["file"], r["line"], r["reason"]) for r in rows(out / "review.csv") if "between its rows" in r["reason"]]
    assert named == [
        ("published_table3_by_ministry.csv", str(find_line(lines, r"^國科會 1 0 1") + 1),
         "表 3 prints '國科會 1 0 1 100% 2 0 2 100% 3 0 3' between its rows (before this one): read as no row and no"
         " row's label, not read"),
        ("published_table6_emissions.csv", str(find_line(lines, r"^107 年 148") + 1),
         "表 6 prints '107 年 148.3 150.8 448.1' between its rows (before this one): read as no row and no"
         " row's label, not read")]
    assert not [r for r in rows(out2021 / "review.csv") if "between its rows" in r["reason"]]


def test_headline_numbers_with_a_chinese_numeral_unit_are_read_and_named(tmp_path, out2021):
    """The report's 「431 人次培訓」 printed 「0.431千人次培訓」 (digits times 千) is keyed as the 431 trainees it
    states, named in the review (it was not seen at all before); every other headline as before."""
    text = replace_once(report_text(), {"完成 431 人次培訓。": "完成 0.431千人次培訓。"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    h = {r["key"]: r["value"] for r in rows(out / "published_headlines.csv")}
    before = {r["key"]: r["value"] for r in rows(out2021 / "published_headlines.csv")}
    assert h == before
    reasons = {r["row"]: r["reason"] for r in rows(out / "review.csv") if r["file"] == "published_headlines.csv"}
    assert "'0.431千' read as 431" in reasons["trainees"]


def test_page_furniture_inside_or_between_a_tables_row_labels_is_skipped_and_named(tmp_path, out2021):
    """A page number, a running head and a table's column titles printed again, where a page breaks inside a row's
    label (表 2, 表 5, 表 4's pillar name) or between rows (表 3, 表 6) of a text export without form feeds (a page
    opens with a line starting with a space): the labels join whole (表 2's second pillar was read as
    排放減量之措施), every table as 2021's, each furniture line named for review as furniture, none as a line
    between rows."""
    head = " 經濟部 110 年度執行成果"  # a running head, at three pages' tops besides the one inside 表 5's label
    t3_head = report_text().split("表 3、")[1].split("\n經濟部 16")[0].split("\n", 1)[1]
    text = replace_once(report_text(), {
        "\n加強推動產業\n\n執行溫室氣體\n\n排放減量之措\n":  # 表 2: page 7's foot, then page 8
            "\n加強推動產業\n\n執行溫室氣體\n7\n\n 排放減量之措\n",
        "\n國科會 1 0 1 100%": f"\n9\n {t3_head.strip()}\n國科會 1 0 1 100%",  # 表 3: its titles again on page 10
        "\n加強推動產業執行溫室氣體排\n": f"\n加強推動產業執行溫室氣體排\n{head}\n",  # 表 5: a running head in a label
        "\n108 年 146.9": "\n12\n 108 年 146.9",  # 表 6: a page number between rows
        # 表 4: a page number inside a pillar's name
        "\n加強推動產業\n執行溫室氣體\n排放減量之措\n": "\n加強推動產業\n執行溫室氣體\n11\n 排放減量之措\n",
        "\n 壹、製造部門": f"\n{head}\n 壹、製造部門", "\n (二)行動方案計畫": f"\n{head}\n (二)行動方案計畫",
        "\n 2.依主辦機關區分": f"\n{head}\n 2.依主辦機關區分"})
    code, out = run_text(tmp_path, text)
    assert code == 0
    for name in ("published_table2_by_pillar.csv", "published_table3_by_ministry.csv", "published_table5_budget.csv",
                 "published_table6_emissions.csv", "pillars.csv", "published_table4_results_summary.csv"):
        assert rows(out / name) == rows(out2021 / name), name
    assert rows(out / "pillars.csv")[1]["name_zh"] == "加強推動產業執行溫室氣體排放減量之措施"
    review = rows(out / "review.csv")
    assert [(r["row"], r["reason"].split("' within")[0]) for r in review
            if r["file"] == "published_table4_results_summary.csv" and "page furniture" in r["reason"]] == [
        ("2.1", "表 4 prints '11")]  # (on the pillar's first item)
    assert not [r for r in review if "not as 表 2 does" in r["reason"]]
    assert not [r for r in review if "between its rows" in r["reason"]]
    named = [(r["file"][:len("published_table2")], r["row"], r["reason"].split("' within")[0])
             for r in review if "read as page furniture" in r["reason"] and "table4" not in r["file"]]
    pillar2 = "加強推動產業執行溫室氣體排放減量之措施"
    assert named[:2] == [("published_table2", pillar2, "表 2 prints '7"),
                         ("published_table3", "國科會", "表 3 prints '9")]
    assert named[-2:] == [("published_table5", pillar2, f"表 5 prints '{head.strip()}"),
                          ("published_table6", "108年", "表 6 prints '12")]
    (titles,) = named[2:-2]  # 表 3's titles printed again: one item, quoting them
    assert titles[:2] == ("published_table3", "國科會") and titles[2].startswith("表 3 prints '主辦機關 實質減量(A)")
    assert titles[2].endswith("(c1/c1 +c2)")


def test_characters_normalised_are_placed_at_a_measure_when_two_measures_share_a_line():
    """Measures whose ids the report's text does not print whole (an id wrapped in a narrow id column: 「1.1.」 over
    「1」) start at the annex's line, several on one: a normalised character is still placed (the draft crashed
    comparing two measures)."""
    from pathlib import Path

    from mfgghg.data.extract.annex import Measure
    from mfgghg.data.extract.pipeline import change_items
    from mfgghg.data.extract.read import Report

    report = Report(Path("r.pdf"), "", changes=[(12, "⼯業局", "工業局"), (3, "１", "1")])
    measures = [Measure("1.1.2", 10, lead_agency_zh="經濟部能源局"),
                Measure("1.1.1", 10, lead_agency_zh="經濟部工業局")]
    items = change_items(report, measures)
    assert [(i["file"], i["row"], i["field"], i["line"]) for i in items] == [
        ("annex_measures.csv", "1.1.1", "lead_agency_zh", 12), ("report", "", "text", 3)]

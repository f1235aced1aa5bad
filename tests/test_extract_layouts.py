"""The extractor on reports as a ministry prints them: word-processor documents converted to PDF by
LibreOffice, in several layouts, for the 2021 report and for reports shaped like next year's.

All PDFs are made by one soffice call per session (``lo_session.py``), each drafted once (:func:`drafted`).
Exactness as issue 26 measures it: structured fields exact; the four text fields at least 98% exact by
content (whitespace and punctuation aside); goal candidates at least as good as the text route's.
"""

from __future__ import annotations

import csv
import shutil

import pytest

from mfgghg.runner.cli import main

import lo_reports as lo
from extract_helpers import RAW, REPORT, STRUCT, TABLES, TEXT_FIELDS, content, rows
from lo_session import ABOVE_ID, LAYOUT_DOCUMENTS, LAYOUTS_2021, session_pdfs



@pytest.fixture(scope="session")
def pdfs():
    """{name: (pdf, expected (measures, funding) or None for 2021's transcription)} of the annex layouts."""
    return {name: made for name, made in session_pdfs().items() if name in LAYOUT_DOCUMENTS}


@pytest.fixture(scope="session")
def drafted(pdfs, tmp_path_factory):
    """Each PDF but the cut one drafted once, without --year (the report's own year is used)."""
    out = {}
    for name, (pdf, _) in pdfs.items():
        if name == "cut":
            continue
        dest = tmp_path_factory.mktemp("draft") / name
        assert main(["extract", str(pdf), "--out", str(dest)]) == 0, name
        out[name] = dest
    return out


@pytest.fixture(scope="session")
def text_route(tmp_path_factory):
    dest = tmp_path_factory.mktemp("text") / "2021"
    assert main(["extract", str(REPORT), "--year", "2021", "--out", str(dest)]) == 0
    return dest


def goal_hits(out, want, ids=None):
    have = {(r["measure_id"], float(r["goal_value"]), r["unit_zh"]) for r in rows(out / "measure_goals.csv")}
    return sum((r["measure_id"], float(r["goal_value"]), r["unit_zh"]) in have for r in want
               if ids is None or r["measure_id"] in ids)


def assert_exact(out, measures, funding):
    """Structured fields exact, text fields >= 98% by content; returns the share of each text field."""
    got = rows(out / "annex_measures.csv")
    assert [r["measure_id"] for r in got] == [r["measure_id"] for r in measures]
    for g, w in zip(got, measures):
        for c in STRUCT:
            assert g[c] == w[c], (w["measure_id"], c, g[c], w[c])
        assert (float(g["reduction_10k_t_co2e"]) if g["reduction_10k_t_co2e"] else None) == \
            (float(w["reduction_10k_t_co2e"]) if w["reduction_10k_t_co2e"] else None), w["measure_id"]
    money = [(r["measure_id"], r["source_zh"], float(r["amount_10k_twd"])) for r in rows(out / "annex_funding.csv")]
    assert money == [(r["measure_id"], r["source_zh"], float(r["amount_10k_twd"])) for r in funding]
    share = {}
    for c in TEXT_FIELDS:
        same = [content(g[c]) == content(w[c]) for g, w in zip(got, measures)]
        share[c] = sum(same) / len(same)
        assert share[c] >= 0.98, (c, [w["measure_id"] for w, s in zip(measures, same) if not s])
    return share


def headings_printed(layout, measures) -> list[str]:
    """The heading rows ``layout`` prints across or above the annex's cells (a pillar's, a strategy's), its total
    row and the note under it, in order, as the review quotes them."""
    pillars = {p["pillar"]: p["name_zh"] for p in rows(RAW / "pillars.csv")}
    out, last = [], (None, None)
    for m in measures:
        pillar, strategy = m["measure_id"].split(".")[0], m["measure_id"].rsplit(".", 1)[0]
        if layout.group_rows and pillar != last[0]:
            out.append(f"'{'一二三'[int(pillar) - 1]}、{pillars[pillar]}'")
        if layout.strategy_rows and strategy != last[1]:
            out.append(f"'{lo.strategy_heading(strategy, layout)}'")
        last = (pillar, strategy)
    return (out + ([f"'{' '.join(layout.total_row)}'"] if layout.total_row else [])
            + ([f"'{layout.note_after}'"] if layout.note_after else []))


@pytest.mark.parametrize("layout", LAYOUTS_2021)
def test_2021_report_as_libreoffice_prints_it(drafted, text_route, layout):
    out = drafted[f"r2021_{layout}"]
    measures, funding = lo.transcription()
    # read by position, every text cell of 2021 is the hand transcription's by content (the README says so)
    assert set(assert_exact(out, measures, funding).values()) == {1.0}
    for t in TABLES:
        assert rows(out / f"{t}.csv") == rows(RAW / f"{t}.csv"), t
    want = rows(RAW / "measure_goals.csv")
    assert goal_hits(out, want) >= goal_hits(text_route, want)
    review = rows(out / "review.csv")
    assert not any("heuristic" in r["reason"] for r in review)
    md = (out / "review.md").read_text(encoding="utf-8")
    assert "read by position (" + ("ruled" if "_ruled" in layout else "positions") in md
    # (the PDF's text may put a space between 策略 and its number: compared without spaces)
    headings = [r["reason"].split("left out: ")[1].replace(" ", "") for r in review if "is not a cell" in r["reason"]]
    assert headings == [h.replace(" ", "") for h in headings_printed(lo.LAYOUTS[layout], measures)]
    # a merged agency cell prints once. Unruled, each measure under its top is named for review, with the agency
    # above. Ruled, it is each measure's it spans, wherever its text sits (centred, at the foot), each named; a page
    # break that leaves a cell's first measure alone in its piece reads that one as it is (not named), and the measure
    # under the next page's top, whose piece is blank, takes the agency above (named): one name fewer a break
    spans = lo.merged_agency_spans(lo.cells(measures, funding))
    covered = [s for s in spans if s[1] == 0]
    assert covered
    taken = {r["row"] for r in review if "agency cell empty: taken from" in r["reason"]}
    merged = {r["row"] for r in review if "merged over several measures' rows" in r["reason"]}
    printed = lo.LAYOUTS[layout]
    if not printed.merged_agency:
        assert not taken | merged
    elif not printed.ruled:
        assert len(taken) == len(covered) and not merged
    else:
        spanned = len(covered) + sum(s[1] > 1 for s in spans)
        assert len(taken) <= 2 and len(taken | merged) >= spanned - len(taken), (sorted(taken), sorted(merged))
    not_read = [r["reason"] for r in review if "is not one the extractor reads" in r["reason"]]
    assert not_read == (["annex column '備註' is not one the extractor reads: its cells were not drafted"]
                        if lo.LAYOUTS[layout].extra else [])


def test_rows_and_money_cells_broken_across_pages_are_joined(drafted):
    """The layouts break rows across pages, in text cells and in money cells: each break is joined (the
    fields are exact, above) and listed in review.csv."""
    continued = [r for name, out in drafted.items() for r in rows(out / "review.csv")
                 if "row continued on page" in r["reason"]]
    assert any("funding" in r["field"] for r in continued)
    assert any("expected_benefits_zh" in r["field"] or "results_zh" in r["field"] for r in continued)
    assert len({r["row"] for r in continued}) >= 5


@pytest.mark.parametrize("name,year", [("next_a", 2022), ("next_b", 2023)])
def test_reports_shaped_like_next_year(drafted, pdfs, text_route, name, year):
    out = drafted[name]
    measures, funding = pdfs[name][1]
    assert_exact(out, measures, funding)
    import json

    d = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert d["report_year"] == year  # read from the report (title and annex heading, or the heading alone)
    t5 = rows(out / "published_table5_budget.csv")[0]
    assert (t5["planned_10k_twd"], t5["actual_10k_twd"], t5["execution_rate_pct"]) == ("160020", "70115", "44")
    assert rows(out / "published_table6_emissions.csv")[-1]["cumulative_emissions_million_t_co2e"] == "733.9"
    for t in ("published_table2_by_pillar", "published_table3_by_ministry"):
        assert rows(out / f"{t}.csv") == rows(RAW / f"{t}.csv")
    review = rows(out / "review.csv")
    reasons = {(r["row"], r["field"]): r["reason"] for r in review}
    assert "not in the reference list" in reasons[("2.8.2", "lead_agency_zh")]  # 勞動部: another ministry
    # a funding source new to the reference list is named too (the ingest would refuse it)
    assert reasons[("2.8.2", "source_zh")].startswith("source '就業安定基金' not in the reference list")
    assert [k for k, why in reasons.items() if k[1] == "source_zh"] == [("2.8.2", "source_zh")]
    assert reasons[("2.8.2", "measure_id")] == "new measure" and reasons[("1.5.3", "measure_id")] == "new measure"
    if name == "next_a":
        assert reasons[("2.1.10", "period_roc")] == "printed '111年-114年', written '111-114'"
    assert reasons[("1.1.2", "measure_id")].startswith("gone measure")
    # goal candidates of the measures whose texts did not change: as good as the text route's on 2021
    same = {r["measure_id"] for r, w in zip(measures, measures) if not r["expected_benefits_zh"].startswith("持續")}
    want = rows(RAW / "measure_goals.csv")
    assert goal_hits(out, want, same) >= goal_hits(text_route, want, same)


def test_a_report_that_contradicts_itself_is_drafted_with_the_contradiction_for_review(drafted):
    review = rows(drafted["next_b"] / "review.csv")
    hit = [r for r in review if r["file"] == "published_table2_by_pillar.csv" and r["field"] == "c_total"]
    assert len(hit) == 1 and "表 2 counts 37 measures, the annex holds 36" in hit[0]["reason"]
    assert hit[0]["row"] == "總計" and hit[0]["line"].isdigit()
    assert [r for r in review if r["file"] == "published_table3_by_ministry.csv" and r["field"] == "c_total"]


def test_characters_normalised_and_each_change_for_review(drafted):
    out = drafted["next_b"]
    m = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}
    assert m["2.2.2"]["lead_agency_zh"] == "經濟部工業局"
    assert ("1.4.1", "能源基金", "1350") in {(r["measure_id"], r["source_zh"], r["amount_10k_twd"])
                                         for r in rows(out / "annex_funding.csv")}
    changes = [r for r in rows(out / "review.csv") if r["reason"].startswith("characters normalised")]
    assert any(r["row"] == "1.4.1" and "'１，３５０'" in r["reason"] and "'1,350'" in r["reason"] for r in changes)
    assert any(r["row"] == "2.2.2" and r["field"] == "lead_agency_zh" and "⼯" in r["reason"] for r in changes)


def test_a_pdf_report_cut_inside_its_last_measure_is_refused(pdfs, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["extract", str(pdfs["cut"][0]), "--year", "2021", "--out", str(out)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cut off" in err and "1.1.4" in err
    assert not out.exists()


def test_a_wrong_year_is_refused_naming_both(pdfs, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["extract", str(pdfs["next_a"][0]), "--year", "2021", "--out", str(out)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "2021" in err and "2022" in err and "ROC 111" in err
    assert not out.exists()


def test_a_drafted_next_year_ingests_once_what_its_review_names_is_added(drafted, pdfs, tmp_path):
    """The review names everything the ingest would refuse in a drafted year: with the agencies and the
    funding source it names added to the reference lists, and the measure attributes it asks for written,
    the folder of next year's report (a measure numbered 2.1.10, another ministry's agency, a new fund)
    ingests as it was drafted."""
    import re

    from mfgghg.data.ingest import ingest
    from mfgghg.data.paths import YearPaths

    raw = tmp_path / "raw" / "2022"
    shutil.copytree(drafted["next_a"], raw)
    reference = tmp_path / "reference"
    shutil.copytree(RAW.parents[1] / "reference", reference)
    review = rows(raw / "review.csv")

    def named(field):
        return [re.search(r"'([^']+)' not in the reference list", r["reason"]).group(1)
                for r in review if r["field"] == field and "not in the reference list" in r["reason"]]

    with open(reference / "agencies.csv", "a", encoding="utf-8", newline="") as fh:
        for agency in named("lead_agency_zh") + named("co_agency_zh"):  # (its ministry: the name up to 部)
            csv.writer(fh, lineterminator="\n").writerow([agency, agency[: agency.index("部") + 1]])
    with open(reference / "funding_sources.csv", "a", encoding="utf-8", newline="") as fh:
        for source in named("source_zh"):
            csv.writer(fh, lineterminator="\n").writerow([source, "special_fund", "true", "a fund"])
    attributes = rows(raw / "measure_attributes.csv")
    new = [r["row"] for r in review if r["file"] == "measure_attributes.csv" and r["reason"].startswith("new measure")]
    with open(raw / "measure_attributes.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([[m, *list(attributes[0].values())[1:]] for m in new])
    assert sorted(new) == ["1.5.3", "2.1.10", "2.8.2"] and named("source_zh") == ["就業安定基金"]
    ids = ingest(YearPaths.for_year(2022, raw_root=tmp_path / "raw")).tables["measures"]["measure_id"].tolist()
    printed = [r["measure_id"] for r in pdfs["next_a"][1][0]]
    assert ids == sorted(printed, key=lambda m: tuple(map(int, m.split("."))))


def test_an_id_column_centred_cells_and_other_shapes_of_the_cells_are_read_and_named(drafted, pdfs):
    """The id in a column of its own (項次), every cell vertically centred in a table without rules (the lines of
    neighbouring cells interleave), periods with months, sources before their amounts or nested, a reduction after
    its kind, kinds in other words (lo_session.shapes)."""
    out = drafted["shapes"]
    measures, funding = pdfs["shapes"][1]
    assert_exact(out, measures, funding)
    reasons = {}
    for r in rows(out / "review.csv"):
        reasons.setdefault((r["row"], r["field"]), []).append(r["reason"])
    months = "(its months are not kept)"
    assert reasons[("1.1.1", "period_roc")] == [f"printed '110.01-114.12', written '110-114' {months}"]
    assert reasons[("1.1.2", "period_roc")] == [f"printed '110年1月至112年12月', written '110-112' {months}"]
    first = [k[0] for k, why in reasons.items()
             if k[1] == "funding" and any("prints each source before its amount" in w for w in why)]
    assert first == ["1.1.1", "1.1.4"]
    (nested,) = reasons[("1.2.2", "funding")]
    assert nested.startswith("amount 137 at line ") and nested.endswith("'(公務預算(經濟部))', read as 公務預算")
    assert any(w.startswith("kind printed '預估值' is none of the known kinds")
               for w in reasons[("1.1.1", "reduction_kind_zh")])
    assert reasons[("2.1.5", "reduction_kind_zh")] == ["kind printed '實質減碳量', read as 實質減碳"]
    assert not any("annex column '項次'" in w for why in reasons.values() for w in why)


def test_centred_rows_broken_across_pages_at_the_annexs_start_keep_their_lines(drafted):
    """Every cell vertically centred, a font so large that the annex's first rows break across pages before any row
    has shown the table to be centred: each measure read as 2021's, its text cells whole (1.1.1's first lines were
    lost, and 1.1.2, continued on the next page, took 1.1.3's first lines), the rows continued named."""
    out = drafted["centred_break"]
    measures, funding = lo.transcription()
    assert_exact(out, measures, funding)
    got = {r["measure_id"]: r for r in rows(out / "annex_measures.csv")}
    for w in measures:
        for c in TEXT_FIELDS:
            assert content(got[w["measure_id"]][c]) == content(w[c]), (w["measure_id"], c)
    continued = [r["row"] for r in rows(out / "review.csv") if "after a page break (joined by position)" in r["reason"]]
    assert continued[:2] == ["1.1.2", "1.1.4"]
    # a page number (7) printed inside 表 2's second row label, where the page breaks: skipped as page furniture and
    # named (the label was read as 排放減量之措施, and the 7 named as a line between the rows)
    for t in TABLES:
        assert rows(out / f"{t}.csv") == rows(RAW / f"{t}.csv"), t
    assert rows(out / "pillars.csv")[1]["name_zh"] == "加強推動產業執行溫室氣體排放減量之措施"
    review = rows(out / "review.csv")
    assert not [r for r in review if "between its rows" in r["reason"]]
    furniture = [(r["file"], r["row"], r["reason"]) for r in review if "read as page furniture" in r["reason"]]
    table2 = [f for f in furniture if f[0] == "published_table2_by_pillar.csv"]
    assert table2[0][:2] == ("published_table2_by_pillar.csv", "加強推動產業執行溫室氣體排放減量之措施")
    assert table2[0][2].startswith("表 2 prints '7' within or before this row's label, read as page furniture")
    # and a page number (13) inside 表 4's name of that pillar: skipped and named on its first item, the name read
    # as 表 2 prints it (it was read as a near match, 表 4 said to name the pillar otherwise)
    assert [f for f in furniture if f[0] == "published_table4_results_summary.csv"][0][1:] == (
        "2.1", "表 4 prints '13' within or before this item (or its pillar's name), read as page furniture (a page"
               " number at a page's edge): skipped, the lines joined around it")
    assert not [r for r in review if r["file"] == "published_table4_results_summary.csv" and "not as 表 2 does"
                in r["reason"]]


def test_page_furniture_a_watermark_and_landscape_annex_pages_are_no_cells(drafted):
    """Portrait pages then the annex on landscape ones, its titles centred in the header row (備註 beside the
    others' second line), a running head in other words set close above the text (it ran through Table 2's
    labels), a dated footer, a large light watermark word in each page's middle (it stood in a cell), a row whose
    Latin and CJK words stand a point apart in height (its first line was lost), and amounts with their digit
    groups apart: the 2021 report as transcribed."""
    out = drafted["furniture"]
    measures, funding = lo.transcription()
    assert set(assert_exact(out, measures, funding).values()) == {1.0}
    for t in TABLES:
        assert rows(out / f"{t}.csv") == rows(RAW / f"{t}.csv"), t
    reasons = [r["reason"] for r in rows(out / "review.csv")]
    assert any("'3 677.2'" in r for r in reasons) and any("digit groups apart" in r for r in reasons)
    assert not any("草稿" in r or "第 2 版" in r for r in reasons)
    assert [r for r in reasons if "is not one the extractor reads" in r] == [
        "annex column '備註' is not one the extractor reads: its cells were not drafted"]


def test_a_header_whose_second_line_holds_the_title_of_a_column_not_read_starts_at_its_first_line():
    """Titles set mid-way in their cells: 備註 (a column not read) stands beside the others' second line. The header
    starts at its first line (it started at the second, and 實際經費's band shrank to (萬元)'s, centred under it)."""
    from mfgghg.data.extract.layout import find_header, lines_of
    from mfgghg.data.extract.read import Word

    printed = [(92, [("行動方案-", 74), ("主(協)", 195), ("實際經費", 607)]),
               (98, [("推動期程", 274), ("預期效益", 359), ("執行成果", 484), ("(萬公噸", 703), ("備註", 773)]),
               (104, [("具體措施或計畫", 64), ("辦機關", 194), ("(萬元)", 612)]), (110, [("CO2e)", 705)])]
    words = [Word(t, x, x + 8 * len(t), top, top + 8) for top, line in printed for t, x in line]
    header = find_header(lines_of(words))
    assert header.top == 92
    assert header.titles[header.columns.index(5)] == "實際經費(萬元)"
    assert header.bands[header.columns.index(5)][0] == 607


@pytest.mark.parametrize("name", ["above_id_unruled", "above_id_ruled"])
def test_lines_above_the_first_id_join_its_row_or_are_named(drafted, name):
    """The first measure's name cell opens with a line above its id, so its other cells start a line higher than its
    id, with no row above them: those cells' lines are the first row's (unruled, they were dropped and the draft
    refused; ruled, the whole row was), named for review; the line above the id, which can open no cell, is named,
    never dropped silently."""
    out = drafted[name]
    measures, funding = lo.transcription()
    assert set(assert_exact(out, measures, funding).values()) == {1.0}
    review = rows(out / "review.csv")
    named = [r["reason"] for r in review if f"'{ABOVE_ID}'" in r["reason"]]
    assert len(named) == 1 and "stands above measure id '1.1.1'" in named[0] and named[0].endswith(f": '{ABOVE_ID}'")
    joined = [r for r in review if "read as this row's" in r["reason"]]
    if name == "above_id_unruled":  # (ruled, the row's rule holds them: the row starts there)
        assert [r["row"] for r in joined] == ["1.1.1"] and "funding" in joined[0]["field"]
    else:
        assert not joined


def test_text_in_the_table_that_opens_no_cell_is_named_not_dropped():
    """Unruled, one page: a line in the money column set apart above the first id (a unit line, say), and a line in
    the id column (項次) under an id: neither is a cell's, each is named (they were dropped without a word)."""
    from mfgghg.data.extract.layout import annex_rows
    from mfgghg.data.extract.read import Page, Word

    def line(top, items):
        return [Word(t, x, x + 8 * len(t), top, top + 8) for t, x in items]

    titles = [("項次", 10), ("措施名稱", 60), ("主辦機關", 160), ("推動期程", 220), ("預期效益", 280),
              ("執行成果", 380), ("經費(萬元)", 480), ("減碳量", 560)]
    words = (line(40, titles) + line(70, [("單位：萬元", 480)])
             + line(100, [("1.1.1", 10), ("推動低碳生產", 60), ("經濟部工業局", 160), ("110-114", 220), ("輔導", 280),
                          ("完成", 380), ("3,677.2", 480), ("119.4", 560)])
             + line(110, [("(新)", 10), ("(公務預算)", 480), ("(實質減碳)", 560)]))
    page = Page(1, 700, 500, "", words, [])
    rows, how, skipped, spanning, titles_read = annex_rows([page], 0)
    assert [r.cells[0] for r in rows] == [["1.1.1 推動低碳生產"]] and rows[0].cells[5] == ["3,677.2", "(公務預算)"]
    why = {text: (page, reason) for page, text, reason in spanning}
    assert sorted(why) == ["(新)", "單位：萬元"] and {page for page, _ in why.values()} == {1}
    assert "set apart" in why["單位：萬元"][1] and "id column" in why["(新)"][1]


def test_a_strategys_number_in_the_id_column_is_a_heading_row_and_no_id_joins_a_number():
    """Unruled, an id column (項次): a strategy's number (1.2) under the last measure of the strategy before, its name
    beside it and wrapped to a second line, is a heading row, named; it is not joined to the id above as a number the
    word processor wrapped (「1.1.4」 over 「1.2」 was read as 1.1.41.2, and that measure's cells went to the one
    before it)."""
    from mfgghg.data.extract.layout import _cell_lines, annex_rows
    from mfgghg.data.extract.read import Page, Word

    def line(top, items):
        return [Word(t, x, x + 8 * len(t), top, top + 8) for t, x in items]

    assert _cell_lines(line(100, [("1.1.4", 10)]) + line(110, [("1.2", 10)])) == ["1.1.4", "1.2"]
    titles = [("項次", 10), ("措施名稱", 60), ("主辦機關", 160), ("推動期程", 220), ("預期效益", 280),
              ("執行成果", 380), ("經費(萬元)", 480), ("減碳量", 560)]

    def measure(top, mid, name):
        return (line(top, [(mid, 10), (name, 60), ("經濟部工業局", 160), ("110-114", 220), ("輔導", 280),
                           ("完成", 380), ("240", 480), ("0.915", 560)])
                + line(top + 10, [("(公務預算)", 480), ("(實質減碳)", 560)]))

    words = (line(40, titles) + measure(100, "1.1.4", "廢熱回收") + line(121, [("1.2", 10), ("加強產業", 60)])
             + line(130, [("能源管理", 60)]) + measure(150, "1.2.1", "協助使用天然氣"))
    rows, how, skipped, spanning, titles_read = annex_rows([Page(1, 700, 500, "", words, [])], 0)
    assert [r.cells[0] for r in rows] == [["1.1.4 廢熱回收"], ["1.2.1 協助使用天然氣"]]
    assert [r.cells[2] for r in rows] == [["110-114"], ["110-114"]]
    assert [(page, text.replace(" ", "")) for page, text, _ in spanning] == [(1, "1.2加強產業能源管理")]


def test_a_page_without_the_header_row_keeps_the_columns_of_the_header_page():
    """Unruled, the header row on the first page only: a later page holding one row whose money cell is a dash close
    after its results text cannot show its columns by itself (a boundary is where no word crosses, and the widest
    such band there lies right of the dash, under the money's title set mid-column); they are found with the words
    of the header's page too (the dash was read into the results' column)."""
    from mfgghg.data.extract.layout import annex_rows
    from mfgghg.data.extract.read import Page, Word

    def line(top, items):
        return [Word(t, x, x + 8 * len(t), top, top + 8) for t, x in items]

    titles = [("措施名稱", 10), ("主辦機關", 110), ("推動期程", 180), ("預期效益", 250), ("執行成果", 340),
              ("經費", 455), ("減碳量", 530)]

    def measure(top, mid, results, money):
        return (line(top, [(f"{mid} 措施", 10), ("經濟部工業局", 110), ("110-114", 180), ("輔導廠商", 250),
                           (results, 340), (money, 412), ("0.5", 530)])
                + ([] if money == "-" else line(top + 10, [("(公務預算)", 412)])))

    first = (line(40, titles) + measure(100, "1.1.1", "完成輔導", "3,677")
             + measure(130, "1.1.2", "完成", "240") + measure(160, "1.1.3", "完成輔導廠商", "12"))
    later = measure(40, "1.1.4", "本年度尚未執行", "-")
    pages = [Page(1, 700, 500, "", first, []), Page(2, 700, 500, "", later, [])]
    rows, how, skipped, spanning, titles_read = annex_rows(pages, 0)
    assert [r.cells[0][0].split()[0] for r in rows] == ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]
    assert rows[-1].cells[4] == ["本年度尚未執行"] and rows[-1].cells[5] == ["-"]

"""One draft: load the report, process it into the raw tables, save the folder (all or nothing)."""

from __future__ import annotations

import re
from pathlib import Path

from mfgghg.data.paths import normalize_year, roc_year
from mfgghg.errors import DataError, MfgGhgError, ParameterError

from .annex import (ANNEX_HEADING, MEASURE_ID, find_annex, is_annex_heading, measures_from_rows, name_kinds, nows,
                    page_header, parse_annex)
from .layout import annex_rows, find_header, lines_of, opens_with_id
from .netzero import companies, strategy_directions
from .read import Report, Word, read_report, read_rows
from .tables import (COUNT_COLUMNS, EMISSION_COLUMNS, budget_table, counts_table, emissions_table, goal_candidates,
                     results_table, row_items, same_name, table_items)
from .text import headlines, highlight_cases, paragraphs
from .write import render, write_folder


def _root() -> Path:
    from mfgghg.data.paths import repo_root

    return repo_root()


def previous_folder(year: int, given):
    if given:
        p = Path(given)
        if not p.is_dir():
            raise DataError(p, "previous year's folder not found")
        return p
    raw = _root() / "data" / "raw"
    years = sorted(int(d.name) for d in raw.glob("[0-9][0-9][0-9][0-9]") if d.is_dir() and int(d.name) < year
                   and (d / "annex_measures.csv").exists())
    return raw / str(years[-1]) if years else None


def known_names(prev) -> dict:
    """The agencies, funding sources, reduction kinds, pillars, ministries and measure names (by id) known: the shared
    reference lists (read once, as a data package) and the previous year's files."""
    from mfgghg.data.package import read_package

    ref = read_package(_root() / "data" / "reference")
    agencies = list(ref["agencies"].data["agency_zh"].dropna())
    sources = list(ref["funding_sources"].data["source_zh"].dropna())
    names, pillars, ministries = {}, [], list(ref["agencies"].data["ministry_zh"].dropna())
    if prev:
        for r in read_rows(prev / "annex_measures.csv"):
            agencies += [r["lead_agency_zh"], r["co_agency_zh"]]
            names[r["measure_id"]] = r["name_zh"]
        sources += [r["source_zh"] for r in read_rows(prev / "annex_funding.csv")]
    if prev and (prev / "pillars.csv").exists():
        pillars = [r["name_zh"] for r in read_rows(prev / "pillars.csv")]
    if prev and (prev / "published_table3_by_ministry.csv").exists():
        ministries += [r["row_zh"] for r in read_rows(prev / "published_table3_by_ministry.csv")]
    kinds = list(ref["reduction_kinds"].data["kind_zh"].dropna())
    return {"agencies": sorted({a for a in agencies if a}), "sources": sorted({s for s in sources if s}),
            "kinds": kinds, "pillars": [nows(p) for p in pillars],
            "ministries": sorted({nows(m) for m in ministries if m}), "names": names}


TITLE_YEAR = re.compile(r"(\d{2,3})\s*年\s*(?:度\s*)?[^\n]{0,40}?執\s*行\s*成\s*果\s*報\s*告")
ANNEX_YEAR = re.compile(ANNEX_HEADING.pattern + r"(\d{2,3})\s*年")
OPENS_WITH_ID = re.compile(rf"^\s*({MEASURE_ID})\.?(?![\d.])")  # a line of the annex opening with a measure's id


def report_year(text: str, file) -> tuple[int | None, str]:
    """The report year the report states (Gregorian), and where: its title (in the first lines) and the
    annex heading 「附件、110 年…」; None when it states none. Two different years are refused."""
    lines = text.split("\n")
    found = []
    for i, ln in enumerate(lines[:60]):
        m = TITLE_YEAR.search(ln)
        if m and "附" not in ln[: m.start()]:
            found.append((normalize_year(int(m.group(1))), f"its title, line {i + 1}"))
            break
    for i, ln in enumerate(lines):
        m = ANNEX_YEAR.match(ln)
        if m and "執行情形" in re.sub(r"\s", "", ln):
            found.append((normalize_year(int(m.group(1))), f"its annex heading, line {i + 1}"))
    years = {y for y, _ in found}
    if len(years) > 1:
        raise DataError(file, "the report states two years: " + ", ".join(f"{y} (ROC {roc_year(y)}) in {w}"
                                                                         for y, w in found))
    return (found[0] if found else (None, ""))


# The annex's money and reduction columns: the file, the field, the file's unit, and other units a title may name.
ANNEX_UNITS = {"funding": ("annex_funding.csv", "amount_10k_twd", "萬元", r"千元|百萬元|億元|\(元\)|（元）"),
               "reduction": ("annex_measures.csv", "reduction_10k_t_co2e", "萬公噸CO2e",
                             r"(?<!萬)公噸|(?<![萬公])噸|tCO2e|千公噸|百萬公噸")}


def unit_notes(titles: dict[str, str], line: int) -> list[dict]:
    """A review item for each of the annex's money and reduction columns whose title (``titles``: by
    column, or the whole header for each when the columns are not told apart) names another unit than
    the file's: the amounts are written as printed, to be converted."""
    notes = []
    for col, (fname, fld, unit, other) in ANNEX_UNITS.items():
        title = re.sub(r"\s+", " ", titles.get(col, ""))
        if re.search(other, title.replace(" ", "")):
            notes.append({"file": fname, "row": "", "field": fld, "line": line,
                          "reason": f"the annex column is titled '{title}': its amounts are written as"
                                    f" printed, the file's unit is {unit}: convert them"})
    return notes


# A text export laid out in columns (pdftotext -layout): a character a column, the cells of a row side by side
def side_by_side(lines: list[str], start: int) -> int | None:
    """The line (1-based) from ``start`` on where a text export prints the annex's cells side by side under
    its column titles (``pdftotext -layout``), or None. Such an export shifts a cell by as many characters as
    the text before it on the line ran long, and parts neighbouring cells by one space where it ran longest:
    which column a piece of text is in cannot be told, so the caller refuses it."""
    cw = 6.0  # (words placed as a PDF's: a character's width and a line's height in points)
    words = [Word(m.group(0), m.start() * cw, m.end() * cw, i * 12.0, i * 12.0 + 10.0)
             for i, ln in enumerate(lines[start:start + 400]) for m in re.finditer(r"\S+", ln)]
    header = find_header(lines_of(words))
    if header is None:
        return None
    starts = [x0 for x0, _ in header.bands]
    for ln in lines_of([w for w in words if w.top > header.bottom]):
        cells = {min(range(len(starts)), key=lambda k: abs(starts[k] - w.x0))
                 for w, prev in zip(ln.words, [None, *ln.words]) if prev is None or w.x0 - prev.x1 >= 2 * cw}
        if len(cells) >= 3 and opens_with_id(ln.words[0].text):
            return start + int(ln.top / 12.0) + 1
    return None


def read_annex(report: Report, known: list[str], names: dict[str, str] | None = None) -> tuple[list, str, list[dict]]:
    """The measures, how they were read ('ruled', 'positions' or 'text') and review items."""
    lines = report.text.split("\n")
    if report.pages is not None:
        start, _ = find_annex(lines, report.file)
        first = next((i for i, p in enumerate(report.pages)
                      if any(is_annex_heading(ln)
                             for ln in p.text.split("\n"))), None)
        laid = annex_rows(report.pages, first) if first is not None else None
        if laid is not None and laid[0]:
            rows, how, skipped, spanning, titles = laid
            notes = [{"file": "annex_measures.csv", "row": "", "field": "all", "line": start + 1,
                      "reason": f"annex column '{t}' is not one the extractor reads: its cells were not drafted"}
                     for t in skipped]
            notes += [{"file": "annex_measures.csv", "row": "", "field": "all", "line": start + 1,
                       "reason": f"a heading or a line across the annex's columns on page {page} is not a cell,"
                                 f" left out: '{t}'" if why is None else
                                 f"text in the annex table on page {page} {why}: '{t}'"}
                      for page, t, why in spanning]
            notes += unit_notes(titles, start + 1)
            at = {}
            for i in range(start, len(lines)):
                m = OPENS_WITH_ID.match(lines[i])
                if m and m.group(1) not in at:
                    at[m.group(1)] = i + 1

            def line_of(mid):
                return at.get(mid, start + 1)

            try:
                measures = measures_from_rows(rows, report.file, known, line_of)
            except DataError as err:
                if "cut off" in err.message:
                    raise
                # a cell the layout could not read: the text heuristic may; if it cannot either, the cell's error
                try:
                    measures = parse_annex(report.text, report.file, known, names)
                except DataError:
                    raise err from None
                return measures, "text", [{"file": "annex_measures.csv", "row": "", "field": "all", "line": start + 1,
                                           "reason": f"the annex table could not be read by position ({err.message}):"
                                                     " it was read from its text by the heuristic; check every cell"
                                                     " against the PDF"}]
            refuse_unplaced(measures, spanning, report.file, line_of)
            return measures, how, notes
        note = [{"file": "annex_measures.csv", "row": "", "field": "all",
                 "reason": "no annex column header found on the PDF's pages: the annex was read from its text by the"
                           " heuristic; check every text cell against the PDF", "line": start + 1}]
        return parse_annex(report.text, report.file, known, names), "text", note
    start, _ = find_annex(lines, report.file)
    laid = side_by_side(lines, start)
    if laid is not None:
        raise DataError(report.file, "the annex's cells are printed side by side (a text export laid out in columns,"
                                     " as pdftotext -layout makes it): which column a piece of text is in cannot be"
                                     " told; give the PDF, or a text export of it without -layout", row=laid)
    header = " ".join(page_header(lines, start, report.file))  # (the text does not tell its columns apart)
    try:
        measures = parse_annex(report.text, report.file, known, names)
    except DataError as err:
        if not report.paged or "cut off" in err.message:
            raise
        # an export made by a tool from the PDF (pdftotext) prints a row broken across pages, or the cells of a
        # row, in an order of its own: the cell the text route missed may stand elsewhere
        raise DataError(report.file, f"{err.message} (this text export, made from a PDF by a tool, may print a"
                                     " row's cells in an order the text route cannot follow, interleaved or broken"
                                     " across pages: give the PDF)", row=err.row) from None
    return measures, "text", unit_notes({"funding": header, "reduction": header}, start + 1)


def refuse_unplaced(measures, spanning, file, line_of) -> None:
    """A line of the annex table that opens with a measure id the rows read do not hold, left out as text in no cell
    (``spanning``: page, text, why): the layout reader could not place that measure's row (a box on the page taken
    for the table, a layout it does not know), and the draft would drop it silently. Refused, naming the first."""
    held = {m.measure_id for m in measures}
    for page, text, why in spanning:
        m = OPENS_WITH_ID.match(text.replace("．", "."))
        if m and m.group(1) not in held:
            raise DataError(file, f"measure {m.group(1)} in the annex table on page {page} is in no row the layout"
                                  f" reader could place ({why or 'read as a line across the columns'}): the draft"
                                  f" would hold {len(measures)} measures without it", row=line_of(m.group(1)))


def count_items(res: dict, file) -> list[dict]:
    """Tables 2 and 3 against the annex: a total that differs is a review item (the report contradicts
    itself); a pillar Table 2 counts that the annex does not reach at all means the report is cut off."""
    ms = res["measures"]
    n = len(ms)
    items = []
    for key, nm, fname in (("t2", "表 2", "published_table2_by_pillar.csv"),
                           ("t3", "表 3", "published_table3_by_ministry.csv")):
        tot = [r for r in res[key] if r["row_zh"] == "總計"]
        if tot and tot[0]["c_total"] and int(tot[0]["c_total"]) != n:
            items.append({"file": fname, "row": "總計", "field": "c_total",
                          "reason": f"{nm} counts {tot[0]['c_total']} measures, the annex holds {n}: the report"
                                    " contradicts itself (both kept as printed)", "line": tot[0]["_line"]})
    pillars = [r for r in res["t2"] if r["row_zh"] != "總計"]
    reached = {int(m.measure_id.split(".")[0]) for m in ms}
    last = max(reached) if reached else 0
    missing = [k for k, r in enumerate(pillars, 1) if k > last and r["c_total"] and int(r["c_total"]) > 0]
    if missing:
        tot = [r for r in res["t2"] if r["row_zh"] == "總計"]
        counted = f"{tot[0]['c_total']} measures" if tot else "measures"
        k = missing[0]
        raise DataError(file, f"report cut off: 表 2 counts {counted} ({pillars[k - 1]['c_total']} in pillar {k},"
                              f" {pillars[k - 1]['row_zh']}), the annex holds {n} and none of pillar {k}"
                              f" (last measure {ms[-1].measure_id}, line {ms[-1].line})", row=pillars[k - 1]["_line"])
    return items


def change_items(report: Report, measures) -> list[dict]:
    """Each character normalised (read.normalise) as a review item, placed at the measure whose lines hold it."""
    starts = sorted(measures, key=lambda m: m.line)  # (by line alone: two measures may share one)
    out = []
    for line, printed, normal in report.changes:
        at = [m for m in starts if m.line <= line]  # the measure whose lines hold it, if in the annex
        m = at[-1] if at else None
        file, row, fld = "report", "", "text"
        if m is not None:
            file, row = "annex_measures.csv", m.measure_id
            fld = next((c for c in ("name_zh", "lead_agency_zh", "co_agency_zh", "expected_benefits_zh", "results_zh",
                                    "reduction_note_zh", "reduction_10k_t_co2e") if normal in str(getattr(m, c))), "")
            if not fld and any(normal.replace(",", "") == a for _, a, _ in m.funding):
                file, fld = "annex_funding.csv", "amount_10k_twd"
            fld = fld or "text"
        out.append({"file": file, "row": row, "field": fld,
                    "reason": f"characters normalised: printed '{printed}', written '{normal}'", "line": line})
    return out


def extract(report: Report, year: int, prev) -> dict:
    """Everything to write, as rows per table; raises DataError on unusable input."""
    text, file = report.text, report.file
    lines = text.splitlines()
    known = known_names(prev)
    measures, how, items = read_annex(report, known["agencies"], known["names"])
    name_kinds(measures, known["kinds"])
    t2 = counts_table(lines, 2, "pillar", known["pillars"] + ["總計"])
    t3 = counts_table(lines, 3, "ministry_zh", known["ministries"] + ["總計"])
    t5 = budget_table(lines, known["pillars"] + [r["row_zh"] for r in t2])
    t6 = emissions_table(lines)
    res = {"measures": measures, "t2": t2, "t3": t3}
    items += count_items(res, file)
    items += change_items(report, measures)
    pillars = []
    for r in t2:
        if r["row_zh"] == "總計":
            r["pillar"] = "total"
        else:
            pillars.append({"pillar": str(len(pillars) + 1), "name_zh": r["row_zh"]})
            r["pillar"] = str(len(pillars))
    for r in t3:
        r["ministry_zh"] = "total" if r["row_zh"] == "總計" else r["row_zh"]
    pmap = {p["name_zh"]: p["pillar"] for p in pillars}
    for r in t5:  # (a pillar's name printed nearly as Table 2 prints it is that pillar: table_items names it)
        name = same_name(r["row_zh"], pmap)
        r["pillar"] = "total" if r["row_zh"] == "總計" else pmap.get(name or "", "")
        r["_pillar_printed"] = r["row_zh"] if name and name != r["row_zh"] else ""
    t4 = results_table(lines, pillars)
    items += table_items(lines, t4, t5, t6)
    for label, fname, rows, columns in ((2, "published_table2_by_pillar.csv", t2, COUNT_COLUMNS),
                                        (3, "published_table3_by_ministry.csv", t3, COUNT_COLUMNS),
                                        (5, "published_table5_budget.csv", t5, ()),
                                        (6, "published_table6_emissions.csv", t6, EMISSION_COLUMNS)):
        items += row_items(label, fname, rows, columns)
    paras = paragraphs(lines, find_annex(lines, file)[0])
    keyed, candidates = headlines(paras, text, year)
    directions = strategy_directions(paras)
    listed, listed_remark = companies(paras, directions)
    return {"measures": measures, "annex_how": how, "review_items": items, "t4": t4, "t2": t2, "t3": t3, "t5": t5,
            "t6": t6, "pillars": pillars, "headlines": keyed, "headline_candidates": candidates,
            "cases": highlight_cases(paras), "goals": goal_candidates(measures), "netzero_directions": directions,
            "netzero_companies": listed, "netzero_companies_remark": listed_remark,
            "known_sources": known["sources"]}


def draft(report, out, year=None, force: bool = False, previous=None) -> tuple[int, Path]:
    """Draft the raw folder ``out`` from ``report``; (files written, out). Raises MfgGhgError with one line.

    ``year`` (Gregorian or ROC) must agree with the year the report states; without it the report's own
    year is used. Nothing is written unless the whole draft succeeded."""
    report_path, out = Path(report), Path(out)
    try:
        if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
            raise DataError(out, "output folder exists and is not empty (use --force to write into it)")
        given = normalize_year(year) if year is not None else None
        rep = read_report(report_path)
        stated, where = report_year(rep.text, report_path)
        if given is not None and stated is not None and given != stated:
            raise ParameterError(f"{report_path}: --year {given} (ROC {roc_year(given)}), but the report is for"
                                 f" {stated} (ROC {roc_year(stated)}, {where})")
        year = given if given is not None else stated
        if year is None:
            raise DataError(report_path, "the report states no year (no title '… 年 … 執行成果報告', no annex heading"
                                         " '附件、N 年 …'): give --year")
        prev = previous_folder(year, previous)
        res = extract(rep, year, prev)
        files = render(res, prev, year)
        write_folder(files, out)
    except MfgGhgError:
        raise
    except (UnicodeError, ValueError, IndexError, KeyError, AttributeError, TypeError) as err:
        # a shape of report the draft extractor does not handle: still one line, nothing written
        raise DataError(report_path,
                        f"the extractor could not read this report ({type(err).__name__}: {err})") from None
    except OSError as err:
        raise DataError(getattr(err, "filename", "") or out, err.strerror or str(err)) from None
    return len(files), out

"""Draft extractor: the yearly report (text or PDF) -> the raw CSV files of data/raw/<year>/.

``add_arguments`` / ``run`` are the command line entry (``python -m mfgghg extract REPORT --year Y --out DIR``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path

from mfgghg.errors import DataError, MfgGhgError, ParameterError

from .parse import RESULTS_MARK, find_annex, nows, parse_annex

ID_START = re.compile(r"^[1-9]\.[1-9]\.[1-9]$")
from .tables import budget_table, counts_table, emissions_table, goal_candidates, results_table
from .netzero import COMPANY_COLS, DIRECTION_COLS, companies, strategy_directions
from .text import headlines, highlight_cases, paragraphs



def _root() -> Path:
    from mfgghg.data.paths import repo_root

    return repo_root()


def _raw() -> Path:
    return _root() / "data" / "raw"

MEASURE_COLS = ["measure_id", "name_zh", "lead_agency_zh", "co_agency_zh", "period_roc", "is_new",
                "expected_benefits_zh", "results_zh", "reduction_10k_t_co2e", "reduction_kind_zh", "reduction_note_zh"]
COUNT_COLS = ["a1_achieved", "a2_not_achieved", "a_subtotal", "a_rate_pct", "b1_achieved", "b2_not_achieved",
              "b_subtotal", "b_rate_pct", "c1_achieved", "c2_not_achieved", "c_total", "c_rate_pct"]


GOAL_COLS = ["measure_id", "goal_no", "indicator_zh", "goal_value", "unit_zh", "goal_basis", "goal_year",
             "result_value", "result_unit_zh", "result_basis", "result_source", "value_inferred", "quote_goal_zh",
             "quote_result_zh", "note"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", help="report as UTF-8 / Big5 text or a PDF with a text layer")
    parser.add_argument("--year", type=int, required=True, help="report year (Gregorian, e.g. 2022)")
    parser.add_argument("--out", required=True, help="folder to write the raw CSV files into")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder")
    parser.add_argument("--previous", default=None,
                        help="previous year's raw folder (default: newest data/raw/<year> before --year)")


def read_report(path: Path) -> str:
    if not path.is_file():
        raise DataError(path, "report file not found")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path, "report file is empty")
    if data[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        return read_pdf(path)
    if b"\x00" in data[:4096]:
        raise DataError(path, "report is a binary file, not text or PDF")
    for enc in ("utf-8-sig", "cp950", "big5"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DataError(path, "report is neither UTF-8 nor Big5/CP950 text")
    if sum(ch.isprintable() or ch in "\r\n\t\f" for ch in text) < 0.95 * len(text):
        raise DataError(path, "report is a binary file, not text")
    return text.replace("\f", "\n ")


def read_pdf(path: Path) -> str:
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover
        raise DataError(path, "reading a PDF needs pdfplumber (pip install pdfplumber)")
    try:
        with pdfplumber.open(path) as pdf:
            pages = []
            for p in pdf.pages:
                words = p.extract_words(keep_blank_chars=False, use_text_flow=False)
                laid = annex_page_text(words)
                pages.append(laid if laid is not None else (p.extract_text() or ""))
    except Exception as exc:  # pdfminer raises many kinds
        raise DataError(path, f"cannot read the PDF ({type(exc).__name__})")
    if not "".join(pages).strip():
        raise DataError(path, "the PDF has no text layer (scanned?); OCR is not done: give a text export instead")
    # a page break is a line starting with a space, as in the text export
    return "\n".join(" " + p for p in pages)


ANNEX_HEAD = ("主辦機關", "推動期程", "預期效益", "執行成果", "實際經費", "減碳量")


def _visual_lines(words, tol=2.0):
    """Words grouped into lines by their top, each line's words in x order, joined by a space."""
    out = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if out and abs(out[-1][0] - w["top"]) <= tol:
            out[-1][1].append(w)
        else:
            out.append((w["top"], [w]))
    return [" ".join(x["text"] for x in sorted(ws, key=lambda x: x["x0"])) for _, ws in out]


def annex_page_text(words) -> str | None:
    """An annex page laid out as a table: its text in the text export's order (column by column for each
    measure's row), with the 預期效益 / 執行成果 boundary marked, using the words' x positions.

    None when the page has no annex column header on one line (then the page's plain text is used)."""
    heads = {}
    for w in words:
        t = nows(w["text"])
        for h in ANNEX_HEAD:
            if t.startswith(h) and h not in heads:
                heads[h] = w
    if len(heads) < len(ANNEX_HEAD) or max(w["top"] for w in heads.values()) - min(w["top"] for w in heads.values()) > 3:
        return None
    starts = [heads[h]["x0"] - 1.0 for h in ANNEX_HEAD]  # column k + 1 starts where its title starts
    if starts != sorted(starts):
        return None
    head_top = min(w["top"] for w in heads.values())
    head_bottom = max(w["bottom"] for w in heads.values())
    above = [w for w in words if w["bottom"] < head_top - 0.5]
    # the header block: from the header's first line (which may hold the first column's title) to its bottom
    header = [w for w in words if head_top - 0.5 <= w["top"] <= head_bottom + 0.5]
    body = [w for w in words if w["top"] > head_bottom + 0.5]

    def col(w):
        return sum(w["x0"] >= x for x in starts)

    ids = sorted((w for w in body if col(w) == 0 and ID_START.match(w["text"])), key=lambda w: w["top"])
    out = _visual_lines(above) + _visual_lines(header)
    tops = [w["top"] - 0.5 for w in ids] + [float("inf")]
    first = [w for w in body if w["top"] < tops[0]]
    if first:
        out += _visual_lines(first)
    for a, b in zip(tops, tops[1:]):
        row = [w for w in body if a <= w["top"] < b]
        for k in range(len(ANNEX_HEAD) + 1):
            if k == 4:
                out.append(RESULTS_MARK)
            cell = _visual_lines([w for w in row if col(w) == k])
            if k == 0 and len(cell) > 1 and ID_START.match(cell[0]):
                cell = [cell[0] + " " + cell[1]] + cell[2:]  # the id alone on its line: the name follows
            out += cell
    return "\n".join(out)


def previous_folder(year: int, given):
    if given:
        p = Path(given)
        if not p.is_dir():
            raise DataError(p, "previous year's folder not found")
        return p
    years = sorted(int(d.name) for d in _raw().glob("[0-9][0-9][0-9][0-9]") if d.is_dir() and int(d.name) < year
                   and (d / "annex_measures.csv").exists())
    return _raw() / str(years[-1]) if years else None


def read_csv(path: Path):
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def agencies(prev):
    out = [r["agency_zh"] for r in read_csv(_root() / "data" / "reference" / "agencies.csv")]
    if prev:
        for r in read_csv(prev / "annex_measures.csv"):
            out += [r["lead_agency_zh"], r["co_agency_zh"]]
    return sorted({a for a in out if a})


def extract(text: str, file, year: int, prev) -> dict:
    """Everything to write, as {filename: rows or text}; raises DataError on unusable input."""
    lines = text.splitlines()
    measures = parse_annex(text, file, agencies(prev))
    t2 = counts_table(lines, 2, "pillar")
    t3 = counts_table(lines, 3, "ministry_zh")
    t5 = budget_table(lines)
    t6 = emissions_table(lines)
    n_annex = len(measures)
    for tab, nm in ((t2, "表 2"), (t3, "表 3")):
        tot = [r for r in tab if r["row_zh"] == "總計"]
        if tot and tot[0]["c_total"] and int(tot[0]["c_total"]) > n_annex:
            raise DataError(file, f"report cut off: {nm} counts {tot[0]['c_total']} measures, the annex holds {n_annex}"
                            f" (last measure {measures[-1].measure_id}, line {measures[-1].line})", row=tot[0]["_line"])
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
    for r in t5:
        r["pillar"] = "total" if r["row_zh"] == "總計" else pmap.get(r["row_zh"], "")
    t4 = results_table(lines, pillars)
    paras = paragraphs(lines, find_annex(lines, file)[0])
    keyed, candidates = headlines(paras, text, year)
    directions = strategy_directions(paras)
    listed, listed_remark = companies(paras, directions)
    return {"measures": measures, "t4": t4, "t2": t2, "t3": t3, "t5": t5, "t6": t6, "pillars": pillars,
            "headlines": keyed, "headline_candidates": candidates, "cases": highlight_cases(paras),
            "goals": goal_candidates(measures), "netzero_directions": directions, "netzero_companies": listed,
            "netzero_companies_remark": listed_remark}


def checks(res) -> list[str]:
    out = []
    n = len(res["measures"])
    for key, nm in (("t2", "表 2"), ("t3", "表 3")):
        rows = res[key]
        if not rows:
            out.append(f"- {nm}: not found in the report")
            continue
        tot = [r for r in rows if r["row_zh"] == "總計"]
        s = sum(int(r["c_total"] or 0) for r in rows if r["row_zh"] != "總計")
        t = int(tot[0]["c_total"]) if tot and tot[0]["c_total"] else None
        out.append(f"- {nm}: rows sum to {s}, 總計 {t}, annex holds {n} measures: "
                   + ("OK" if s == t == n else "MISMATCH"))
    t5 = res["t5"]
    if t5:
        tot = [r for r in t5 if r["pillar"] == "total"]
        for col in ("planned_10k_twd", "actual_10k_twd"):
            s = sum(float(r[col] or 0) for r in t5 if r["pillar"] != "total")
            t = float(tot[0][col]) if tot else None
            out.append(f"- 表 5 {col}: rows sum to {s:g}, 總計 {t:g}: " + ("OK" if t is not None and abs(s - t) < 0.5 else "MISMATCH")
                       if t is not None else f"- 表 5 {col}: no 總計 row")
        fund = sum(float(a) for m in res["measures"] for s_, a, _ in m.funding if s_ != "民間投資")
        out.append(f"- annex funding (without 民間投資) sums to {fund:g} 萬元 (compare with 表 5 actual; not forced)")
    else:
        out.append("- 表 5: not found")
    t6 = res["t6"]
    if t6:
        ct = ce = 0.0
        for r in t6:
            ct += float(r["annual_target_million_t_co2e"])
            ce += float(r["annual_emissions_million_t_co2e"])
            for c, v in (("cumulative_target_million_t_co2e", ct), ("cumulative_emissions_million_t_co2e", ce)):
                if abs(float(r[c]) - v) > 0.15:
                    out.append(f"- 表 6 {r['row_zh']} {c}: printed {r[c]}, running sum of annual {v:.1f}: MISMATCH")
        out.append(f"- 表 6: {len(t6)} rows; cumulative columns checked against running sums of the annual ones (±0.15)")
    else:
        out.append("- 表 6: not found")
    return out


NOTES_FILES = ("reconciliation_notes", "status_notes", "emissions_notes", "budget_notes")
REVIEW_COLS = ["file", "row", "field", "reason", "line"]


def review(res, prev, year) -> tuple[str, list[dict]]:
    """review.md's text and review.csv's rows (file, row, field, reason, line): one row per item to look at."""
    ms = res["measures"]
    items: list[dict] = []

    def item(file, row, fld, reason, line=""):
        items.append({"file": file, "row": row, "field": fld, "reason": reason, "line": line})
        at = f" (line {line})" if line != "" else ""
        return f"- {row}{at} `{fld}`: {reason}"

    L = [f"# Review of the extracted {year} report", "",
         "Draft extraction: every field below needs a human look before the folder replaces the hand transcription."
         " `review.csv` beside this file lists the same items, one a row (file, row, field, reason, line of the report).",
         "", "## Checks on the output (reported, never forced)", ""] + checks(res) + ["", "## Fields the extractor is unsure of", ""]
    for m in ms:
        for f, why in m.unsure:
            L.append(item("annex_measures.csv", m.measure_id, f, why, m.line))
        if not m.expected_benefits_zh:
            L.append(item("annex_measures.csv", m.measure_id, "expected_benefits_zh", "empty", m.line))
        for s_, a, note in m.funding:
            if note:
                L.append(item("annex_funding.csv", m.measure_id, "note", f"{s_} {a}: {note}", m.line))
    L.append("- all measures: the split between 預期效益 and 執行成果 is heuristic (columns are flattened into one"
             " stream of lines); check both columns against the PDF.")
    for r in res["t4"]:
        L.append(item("published_table4_results_summary.csv", f"表 4 pillar {r['pillar']} item {r['item_no']}", "count_value",
                      f"left empty; counts printed: {r['_counts'] or 'none'}", r["_line"]))
    if not res["t4"]:
        L.append(item("published_table4_results_summary.csv", "表 4", "all", "not found or no item read"))
    L += ["", "## Goal candidates (measure_goals.csv)", "",
          "Every row is a candidate: `indicator_zh` is the goal's clause without its number, `result_basis` is read from the"
          " result's wording (累計 → cumulative, else year) or `none` when no result in the same unit was found.", ""]
    line_of = {m.measure_id: m.line for m in ms}
    for g in res["goals"]:
        if not g["result_candidates"]:
            L.append(item("measure_goals.csv", f"{g['measure_id']} goal {g['goal_no']}", "result_value",
                          f"{g['goal_value']} {g['unit_zh']}: no result in the same unit found", line_of[g["measure_id"]]))
        elif not g["result_value"]:
            L.append(item("measure_goals.csv", f"{g['measure_id']} goal {g['goal_no']}", "result_value",
                          f"{g['goal_value']} {g['unit_zh']}: several results in this unit ({g['result_candidates']}); none chosen",
                          line_of[g["measure_id"]]))
    L += ["", "## Headline figures (published_headlines.csv)", "",
          f"{len(res['headlines'])} stated figures were keyed by a phrase of the key vocabulary"
          " (`mfgghg.data.extract.text.KEY_RULES`); check each value and its sign (a stated decrease is negative)."
          " The figures below were found in the text but not keyed: add the ones the analysis needs, with a key.", ""]
    for h in res["headlines"]:
        if h["_why"]:
            L.append(item("published_headlines.csv", h["key"], "key", h["_why"], h["_line"]))
    for f in res["headline_candidates"]:
        L.append(item("published_headlines.csv", "", "key",
                      f"candidate {f.value} {f.unit} ({f.section}), not keyed: {f.why or 'unit not a known unit'}; quote '{f.quote}'",
                      f.line))
    L += ["", "## Highlight cases (highlight_cases.csv)", "",
          "Keys are positional (`figure_<n>` within a case): rename them; units are as printed.", ""]
    for c in res["cases"]:
        L.append(item("highlight_cases.csv", f"case {c['case_no']} {c['key']}", "key",
                      f"{c['value']} {c['unit_zh']}: '{c['quote_zh']}'", c["_line"]))
    if not res["cases"]:
        L.append(item("highlight_cases.csv", "", "all", "no 亮點成果 section or no figure found in it"))
    L += ["", "## Net-zero directions and companies (netzero_*.csv)", "",
          "Drafted from the numbered list 「N. 策略：短期以…為主，長期則朝…」 and the list of companies 「包含…等」;"
          " a note on what the text does not list (such as an image's strategies) is human work.", ""]
    for r in res["netzero_directions"]:
        if r["_why"]:
            L.append(item("netzero_strategy_directions.csv", f"strategy {r['strategy_no']} {r['horizon']} item {r['item_no']}",
                          "item_zh", f"{r['item_zh']}: {r['_why']}; printed '{r['direction_zh']}'", r["_line"]))
    if not res["netzero_directions"]:
        L.append(item("netzero_strategy_directions.csv", "", "all", "no numbered 短期/長期 direction list found: not written"))
    if res["netzero_companies_remark"]:
        L.append(item("netzero_companies.csv", "", "company_zh", res["netzero_companies_remark"],
                      res["netzero_companies"][0]["_line"]))
    if not res["netzero_companies"]:
        L.append(item("netzero_companies.csv", "", "all", "no list of companies with a net-zero target found: not written"))
    L.append(item("table4_measure_map.csv", "", "all", "not drafted: which measures a Table 4 item covers is a judgment"
                  " (data/README.md); carry the previous year's map over and check every row"))
    L += ["", "## Explanations (*_notes.csv)", "",
          "The explanation files are written with their header only: explanations are human work, written after"
          " reading the reconciliation table of this year (keyed by check_id).", ""]
    for n in NOTES_FILES:
        L.append(item(f"{n}.csv", "", "explanation", "header only: write the explanations after the reconciliation"))
    L += ["", "## Compared with the previous year", ""]
    if not prev:
        L.append("No previous year's folder: nothing compared; measure_attributes.csv not written"
                 " (the ingest needs it: write it by hand).")
        items.append({"file": "measure_attributes.csv", "row": "", "field": "all",
                      "reason": "not written: no previous year to carry over from", "line": ""})
        return "\n".join(L) + "\n", items
    old = {r["measure_id"]: r for r in read_csv(prev / "annex_measures.csv")}
    oldf = {}
    for r in read_csv(prev / "annex_funding.csv"):
        oldf.setdefault(r["measure_id"], set()).add(r["source_zh"])
    cur = {m.measure_id: m for m in ms}
    L.append(f"Previous folder: `{prev}`")
    new = [k for k in cur if k not in old]
    gone = [k for k in old if k not in cur]
    L.append("- new measures: " + (", ".join(new) or "none"))
    L.append("- gone measures: " + (", ".join(gone) or "none"))
    items += [{"file": "annex_measures.csv", "row": k, "field": "measure_id", "reason": "new measure", "line": cur[k].line}
              for k in new]
    items += [{"file": "annex_measures.csv", "row": k, "field": "measure_id", "reason": "gone measure (in the previous year only)",
               "line": ""} for k in gone]
    for k, m in cur.items():
        if k not in old:
            continue
        o = old[k]
        for f in ("name_zh", "lead_agency_zh", "co_agency_zh", "period_roc"):
            if nows(getattr(m, f)) != nows(o[f]):
                L.append(f"- {k} `{f}` changed: '{o[f]}' -> '{getattr(m, f)}'")
                items.append({"file": "annex_measures.csv", "row": k, "field": f,
                              "reason": f"changed from the previous year: '{o[f]}' -> '{getattr(m, f)}'", "line": m.line})
        srcs = {s for s, _, _ in m.funding}
        if srcs != oldf.get(k, set()):
            L.append(f"- {k} money sources changed: {sorted(oldf.get(k, set()))} -> {sorted(srcs)}")
            items.append({"file": "annex_funding.csv", "row": k, "field": "source_zh",
                          "reason": f"money sources changed: {sorted(oldf.get(k, set()))} -> {sorted(srcs)}", "line": m.line})
    if (prev / "measure_attributes.csv").exists():
        L += ["", "## Carried-over attributes to confirm", "",
              "measure_attributes.csv rows are copied from the previous year for ids that still exist; "
              "each must be confirmed against this year's annex (status especially)."]
        for k in cur:
            items.append({"file": "measure_attributes.csv", "row": k, "field": "measure_type, status",
                          "reason": "carried over from the previous year" if k in old else
                          "new measure: no row carried over, write it by hand", "line": cur[k].line})
    return "\n".join(L) + "\n", items


def _retarget(described: dict, old_year, old_roc, year: int, measures: int) -> dict:
    """A description of ``old_year``'s files with its year-specific text for ``year`` (Gregorian and ROC)."""
    roc = year - 1911
    s = json.dumps(described, ensure_ascii=False)
    if old_year and old_roc:
        s = s.replace(f"{old_roc}年", f"{roc}年").replace(f"{old_roc} 年", f"{roc} 年").replace(
            f"({old_roc}", f"({roc}").replace(f"ROC {old_roc}", f"ROC {roc}").replace(str(old_year), str(year))
    s = re.sub(r"\bthe \d+ measures\b", f"the {measures} measures", s)
    return json.loads(s)


def render(res, prev, year) -> dict:
    """{filename: text} for every file to write."""
    files = {}

    def csvtext(cols, rows):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)
        return buf.getvalue()

    ms = res["measures"]
    files["annex_measures.csv"] = csvtext(MEASURE_COLS, [
        {**{c: getattr(m, c) for c in MEASURE_COLS}, "is_new": "true" if m.is_new else "false"} for m in ms])
    files["annex_funding.csv"] = csvtext(["measure_id", "source_zh", "amount_10k_twd", "note"], [
        {"measure_id": m.measure_id, "source_zh": s, "amount_10k_twd": a, "note": n} for m in ms for s, a, n in m.funding])
    files["pillars.csv"] = csvtext(["pillar", "name_zh"], res["pillars"])
    files["published_table2_by_pillar.csv"] = csvtext(["row_zh", "pillar"] + COUNT_COLS, res["t2"])
    files["published_table3_by_ministry.csv"] = csvtext(["row_zh", "ministry_zh"] + COUNT_COLS, res["t3"])
    files["published_table4_results_summary.csv"] = csvtext(
        ["pillar", "item_no", "title_zh", "text_zh", "count_value", "count_unit_zh", "reduction_10k_t_co2e"], res["t4"])
    files["published_table5_budget.csv"] = csvtext(
        ["row_zh", "pillar", "planned_10k_twd", "actual_10k_twd", "execution_rate_pct"], res["t5"])
    files["published_table6_emissions.csv"] = csvtext(
        ["row_zh", "roc_year", "annual_target_million_t_co2e", "annual_emissions_million_t_co2e",
         "cumulative_target_million_t_co2e", "cumulative_emissions_million_t_co2e"], res["t6"])
    files["published_headlines.csv"] = csvtext(["key", "value", "unit_zh", "section_zh", "quote_zh"], res["headlines"])
    files["measure_goals.csv"] = csvtext(GOAL_COLS, res["goals"])
    files["highlight_cases.csv"] = csvtext(["case_no", "case_zh", "key", "value", "unit_zh", "quote_zh"], res["cases"])
    for n in NOTES_FILES:  # explanations are human work: header only
        files[f"{n}.csv"] = csvtext(["check_id", "explanation"], [])
    written = ["annex_measures", "annex_funding", "pillars", "published_table2_by_pillar",
               "published_table3_by_ministry", "published_table4_results_summary", "published_table5_budget", "published_table6_emissions",
               "published_headlines", "highlight_cases", "measure_goals", *NOTES_FILES]
    for name, cols, rows in (("netzero_strategy_directions", DIRECTION_COLS, res["netzero_directions"]),
                             ("netzero_companies", COMPANY_COLS, res["netzero_companies"])):
        if rows:  # optional files: written when the text has them
            files[f"{name}.csv"] = csvtext(cols, rows)
            written.append(name)
    if prev and (prev / "measure_attributes.csv").exists():
        rows = read_csv(prev / "measure_attributes.csv")
        ids = {m.measure_id for m in ms}
        keep = [r for r in rows if r["measure_id"] in ids]
        cols = list(rows[0].keys()) if rows else ["measure_id"]
        files["measure_attributes.csv"] = csvtext(cols, keep)
        written.append("measure_attributes")
    desc_src = (prev if prev and (prev / "datapackage.json").exists() else _raw() / "2021") / "datapackage.json"
    d = json.loads(desc_src.read_text(encoding="utf-8"))
    roc = year - 1911
    old_year, old_roc = d.get("report_year"), d.get("roc_year")
    d = _retarget(d, old_year, old_roc, year, len(ms))
    missing = set(written) - {r["name"] for r in d["resources"]}
    if missing:  # a previous year without an optional file: its description from 2021's, retargeted alike
        base = json.loads((_raw() / "2021" / "datapackage.json").read_text(encoding="utf-8"))
        d["resources"] += [_retarget(r, base["report_year"], base["roc_year"], year, len(ms))
                           for r in base["resources"] if r["name"] in missing]
    d["report_year"], d["roc_year"] = year, roc
    d["name"] = f"mfg-ghg-report-{year}"
    d["resources"] = [r for r in d["resources"] if r["name"] in written]
    d["mfgghg:extracted"] = "draft written by mfgghg extract; see review.md"
    from mfgghg.data.provenance import project_version

    d["version"] = project_version()  # the project version that drafted it (the licence and sources are carried over)
    files["datapackage.json"] = json.dumps(d, ensure_ascii=False, indent=2) + "\n"
    text, items = review(res, prev, year)
    files["review.csv"] = csvtext(REVIEW_COLS, items)
    files["review.md"] = text + (
        f"\n## datapackage.json\n\nCopied from `{desc_src}` for the files written; year-specific text replaced"
        f" ({old_year} -> {year}, ROC {old_roc} -> {roc}); check descriptions that name plan periods, and the"
        f" report's `sources` (title, publisher `mfgghg:publisher`: an agency may have been renamed).\n")
    return files


def run(args) -> int:
    try:
        report = Path(args.report)
        out = Path(args.out)
        if out.exists() and (not out.is_dir() or any(out.iterdir())) and not args.force:
            raise DataError(out, "output folder exists and is not empty (use --force to write into it)")
        if not 1912 <= args.year <= 2200:
            raise ParameterError(f"--year {args.year}: give the Gregorian report year, e.g. 2022")
        prev = previous_folder(args.year, getattr(args, "previous", None))
        text = read_report(report)
        res = extract(text, report, args.year, prev)
        files = render(res, prev, args.year)
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (out / name).write_text(content, encoding="utf-8")
    except MfgGhgError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (UnicodeError, ValueError, IndexError, KeyError, AttributeError, TypeError) as err:
        # a shape of report the draft extractor does not handle: still one line, nothing written
        print(f"error: {args.report}: the extractor could not read this report ({type(err).__name__}: {err})",
              file=sys.stderr)
        return 3
    except OSError as err:
        print(f"error: {getattr(err, 'filename', '') or args.out}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(f"wrote {len(files)} files to {out}; see {out / 'review.md'}")
    return 0

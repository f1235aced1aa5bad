"""The review: checks on the draft (reported, never forced) and every item a person must look at,
as review.md (text) and review.csv (one row per item: file, row, field, reason, line of the report)."""

from __future__ import annotations

import math

from .annex import nows
from .read import read_rows

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
            verdict = "OK" if t is not None and abs(s - t) < 0.5 else "MISMATCH"
            out.append(f"- 表 5 {col}: rows sum to {s:g}, 總計 {t:g}: {verdict}" if t is not None
                       else f"- 表 5 {col}: no 總計 row")
        fund = sum(float(a) for m in res["measures"] for s_, a, _ in m.funding if s_ != "民間投資")
        out.append(f"- annex funding (without 民間投資) sums to {fund:g} 萬元 (compare with 表 5 actual; not forced)")
    else:
        out.append("- 表 5: not found")
    t6 = res["t6"]
    if t6:
        ct = ce = 0.0
        for r in t6:
            ct += float(r["annual_target_million_t_co2e"] or "nan")  # (a dash: no running sum from there)
            ce += float(r["annual_emissions_million_t_co2e"] or "nan")
            for c, v in (("cumulative_target_million_t_co2e", ct), ("cumulative_emissions_million_t_co2e", ce)):
                if r[c] and not math.isnan(v) and abs(float(r[c]) - v) > 0.15:
                    out.append(f"- 表 6 {r['row_zh']} {c}: printed {r[c]}, running sum of annual {v:.1f}: MISMATCH")
        out.append(f"- 表 6: {len(t6)} rows; cumulative columns checked against running sums of the annual ones"
                   " (±0.15)")
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

    for it in res.get("review_items", []):
        items.append(it)
    L = [f"# Review of the extracted {year} report", "",
         "Draft extraction: every field below needs a human look before the folder replaces the hand transcription."
         " `review.csv` beside this file lists the same items, one a row (file, row, field, reason, line of the"
         " report).", "", "## Checks on the output (reported, never forced)", ""]
    L += checks(res) + ["", "## Fields the extractor is unsure of", ""]
    for m in ms:
        for f, why in m.unsure:
            L.append(item("annex_measures.csv", m.measure_id, f, why, m.line))
        if not m.expected_benefits_zh:
            L.append(item("annex_measures.csv", m.measure_id, "expected_benefits_zh", "empty", m.line))
        for s_, a, note in m.funding:
            if note:
                L.append(item("annex_funding.csv", m.measure_id, "note", f"{s_} {a}: {note}", m.line))
            if s_ and s_ not in res["known_sources"]:
                L.append(item("annex_funding.csv", m.measure_id, "source_zh",
                              f"source '{s_}' not in the reference list (add it to data/reference/funding_sources.csv,"
                              " with its category and whether it is public money)", m.line))
    if res.get("annex_how", "text") == "text":
        L.append("- all measures: the split between 預期效益 and 執行成果 is heuristic (columns are flattened into one"
                 " stream of lines); check both columns against the PDF.")
    else:
        L.append(f"- all measures: the annex's cells were read by position ({res['annex_how']}: "
                 + ("cells from the ruling lines" if res["annex_how"] == "ruled" else "columns from the header row and"
                    " the word positions") + ").")
    for it in res.get("review_items", []):
        L.append(f"- {it['row'] or it['file']}" + (f" (line {it['line']})" if it["line"] != "" else "")
                 + f" `{it['field']}`: {it['reason']}")
    for r in res["t4"]:
        L.append(item("published_table4_results_summary.csv", f"表 4 pillar {r['pillar']} item {r['item_no']}",
                      "count_value", f"left empty; counts printed: {r['_counts'] or 'none'}", r["_line"]))
    if not res["t4"]:
        L.append(item("published_table4_results_summary.csv", "表 4", "all", "not found or no item read"))
    L += ["", "## Goal candidates (measure_goals.csv)", "",
          "Every row is a candidate: `indicator_zh` is the goal's clause without its number, `result_basis` is read"
          " from the result's wording (累計 → cumulative, else year) or `none` when no result in the same unit"
          " was found.", ""]
    line_of = {m.measure_id: m.line for m in ms}
    for g in res["goals"]:
        if not g["result_candidates"]:
            L.append(item("measure_goals.csv", f"{g['measure_id']} goal {g['goal_no']}", "result_value",
                          f"{g['goal_value']} {g['unit_zh']}: no result in the same unit found",
                          line_of[g["measure_id"]]))
        elif not g["result_value"]:
            L.append(item("measure_goals.csv", f"{g['measure_id']} goal {g['goal_no']}", "result_value",
                          f"{g['goal_value']} {g['unit_zh']}: several results in this unit"
                          f" ({g['result_candidates']}); none chosen", line_of[g["measure_id"]]))
    L += ["", "## Headline figures (published_headlines.csv)", "",
          f"{len(res['headlines'])} stated figures were keyed by a phrase of the key vocabulary"
          " (`mfgghg.data.extract.text.KEY_RULES`); check each value and its sign (a stated decrease is negative)."
          " The figures below were found in the text but not keyed: add the ones the analysis needs, with a key.", ""]
    for h in res["headlines"]:
        if h["_why"]:
            L.append(item("published_headlines.csv", h["key"], "key", h["_why"], h["_line"]))
    for f in res["headline_candidates"]:
        L.append(item("published_headlines.csv", "", "key",
                      f"candidate {f.value} {f.unit} ({f.section}), not keyed: {f.why or 'unit not a known unit'};"
                      f" quote '{f.quote}'", f.line))
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
            L.append(item("netzero_strategy_directions.csv",
                          f"strategy {r['strategy_no']} {r['horizon']} item {r['item_no']}", "item_zh",
                          f"{r['item_zh']}: {r['_why']}; printed '{r['direction_zh']}'", r["_line"]))
    if not res["netzero_directions"]:
        L.append(item("netzero_strategy_directions.csv", "", "all",
                      "no numbered 短期/長期 direction list found: not written"))
    if res["netzero_companies_remark"]:
        L.append(item("netzero_companies.csv", "", "company_zh", res["netzero_companies_remark"],
                      res["netzero_companies"][0]["_line"]))
    if not res["netzero_companies"]:
        L.append(item("netzero_companies.csv", "", "all",
                      "no list of companies with a net-zero target found: not written"))
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
    old = {r["measure_id"]: r for r in read_rows(prev / "annex_measures.csv")}
    oldf = {}
    for r in read_rows(prev / "annex_funding.csv"):
        oldf.setdefault(r["measure_id"], set()).add(r["source_zh"])
    cur = {m.measure_id: m for m in ms}
    L.append(f"Previous folder: `{prev}`")
    new = [k for k in cur if k not in old]
    gone = [k for k in old if k not in cur]
    L.append("- new measures: " + (", ".join(new) or "none"))
    L.append("- gone measures: " + (", ".join(gone) or "none"))
    items += [{"file": "annex_measures.csv", "row": k, "field": "measure_id", "reason": "new measure",
               "line": cur[k].line} for k in new]
    items += [{"file": "annex_measures.csv", "row": k, "field": "measure_id",
               "reason": "gone measure (in the previous year only)", "line": ""} for k in gone]
    for k, m in cur.items():
        if k not in old:
            continue
        o = old[k]
        for f in ("name_zh", "lead_agency_zh", "co_agency_zh", "period_roc"):
            if nows(getattr(m, f)) != nows(o[f]):
                L.append(f"- {k} `{f}` changed: '{o[f]}' -> '{getattr(m, f)}'")
                items.append({"file": "annex_measures.csv", "row": k, "field": f,
                              "reason": f"changed from the previous year: '{o[f]}' -> '{getattr(m, f)}'",
                              "line": m.line})
        srcs = {s for s, _, _ in m.funding}
        if srcs != oldf.get(k, set()):
            L.append(f"- {k} money sources changed: {sorted(oldf.get(k, set()))} -> {sorted(srcs)}")
            items.append({"file": "annex_funding.csv", "row": k, "field": "source_zh",
                          "reason": f"money sources changed: {sorted(oldf.get(k, set()))} -> {sorted(srcs)}",
                          "line": m.line})
    if (prev / "measure_attributes.csv").exists():
        L += ["", "## Carried-over attributes to confirm", "",
              "measure_attributes.csv rows are copied from the previous year for ids that still exist; "
              "each must be confirmed against this year's annex (status especially)."]
        for k in cur:
            items.append({"file": "measure_attributes.csv", "row": k, "field": "measure_type, status",
                          "reason": "carried over from the previous year" if k in old else
                          "new measure: no row carried over, write it by hand", "line": cur[k].line})
    return "\n".join(L) + "\n", items

"""Writing the draft: the raw CSV files with the 2021 transcription's columns, datapackage.json (the previous
year's descriptor for the files written, its year-specific text retargeted) and the review files."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from mfgghg.data.paths import roc_year

from .netzero import COMPANY_COLS, DIRECTION_COLS
from .read import read_rows
from .review import NOTES_FILES, REVIEW_COLS, review

# The hand transcription every later year is modelled on (README: "Adding the next report year"): its
# descriptions serve a year drafted without a previous one.
MODEL_YEAR = "2021"


def _raw() -> Path:
    from mfgghg.data.paths import repo_root

    return repo_root() / "data" / "raw"


MEASURE_COLS = ["measure_id", "name_zh", "lead_agency_zh", "co_agency_zh", "period_roc", "is_new",
                "expected_benefits_zh", "results_zh", "reduction_10k_t_co2e", "reduction_kind_zh", "reduction_note_zh"]
COUNT_COLS = ["a1_achieved", "a2_not_achieved", "a_subtotal", "a_rate_pct", "b1_achieved", "b2_not_achieved",
              "b_subtotal", "b_rate_pct", "c1_achieved", "c2_not_achieved", "c_total", "c_rate_pct"]


GOAL_COLS = ["measure_id", "goal_no", "indicator_zh", "goal_value", "unit_zh", "goal_basis", "goal_year",
             "result_value", "result_unit_zh", "result_basis", "result_source", "value_inferred", "quote_goal_zh",
             "quote_result_zh", "note"]


def _retarget(described: dict, old_year, old_roc, year: int, measures: int) -> dict:
    """A description of ``old_year``'s files with its year-specific text for ``year`` (Gregorian and ROC)."""
    roc = roc_year(year)
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
        {"measure_id": m.measure_id, "source_zh": s, "amount_10k_twd": a, "note": n}
        for m in ms for s, a, n in m.funding])
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
               "published_table3_by_ministry", "published_table4_results_summary", "published_table5_budget",
               "published_table6_emissions",
               "published_headlines", "highlight_cases", "measure_goals", *NOTES_FILES]
    for name, cols, rows in (("netzero_strategy_directions", DIRECTION_COLS, res["netzero_directions"]),
                             ("netzero_companies", COMPANY_COLS, res["netzero_companies"])):
        if rows:  # optional files: written when the text has them
            files[f"{name}.csv"] = csvtext(cols, rows)
            written.append(name)
    if prev and (prev / "measure_attributes.csv").exists():
        rows = read_rows(prev / "measure_attributes.csv")
        ids = {m.measure_id for m in ms}
        keep = [r for r in rows if r["measure_id"] in ids]
        cols = list(rows[0].keys()) if rows else ["measure_id"]
        files["measure_attributes.csv"] = csvtext(cols, keep)
        written.append("measure_attributes")
    desc_src = (prev if prev and (prev / "datapackage.json").exists() else _raw() / MODEL_YEAR) / "datapackage.json"
    d = json.loads(desc_src.read_text(encoding="utf-8"))
    roc = roc_year(year)
    old_year, old_roc = d.get("report_year"), d.get("roc_year")
    d = _retarget(d, old_year, old_roc, year, len(ms))
    missing = set(written) - {r["name"] for r in d["resources"]}
    if missing:  # a previous year without an optional file: its description from the model year's, retargeted
        base = json.loads((_raw() / MODEL_YEAR / "datapackage.json").read_text(encoding="utf-8"))
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
        f" report's `sources` (title, publisher `mfgghg:publisher`: an agency may have been renamed).\n"
        f"\n## English edition\n\nNew names (measures, agencies, goal indicators, sections, the report's title)"
        f" need their English in data/reference/translations.csv before an English run. Once this folder"
        f" ingests, `make translations-needed YEAR={year}` lists every text the English edition lacks, as rows"
        f" to fill in.\n")
    return files


def write_folder(files: dict, out: Path) -> None:
    """Every file into ``out`` (created); called only once the whole draft is rendered."""
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_text(content, encoding="utf-8")

"""Helpers for the extractor's tests: the 2021 report text and variants of it (lines replaced, measures
removed, page breaks inserted, the annex retitled)."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "tests" / "fixtures" / "reports" / "2021_roc110_report.txt"
RAW = REPO / "data" / "raw" / "2021"
# a draft's fields and tables compared with the hand transcription (tests/test_extract_layouts.py, layout_probe.py)
TEXT_FIELDS = ("name_zh", "expected_benefits_zh", "results_zh", "reduction_note_zh")
STRUCT = ("measure_id", "lead_agency_zh", "co_agency_zh", "period_roc", "is_new", "reduction_kind_zh")
TABLES = ("published_table2_by_pillar", "published_table3_by_ministry", "published_table5_budget",
          "published_table6_emissions", "pillars")


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def content(text: str) -> str:
    """A text's content: NFKC, without whitespace and punctuation."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "")
                   if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def report_text() -> str:
    return REPORT.read_text(encoding="utf-8-sig")


def lines_of(text):
    return text.split("\n")


def find_line(lines, pattern, start=0):
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i
    raise AssertionError(f"no line matching {pattern!r}")


def page_header(lines):
    """The annex page header as printed (first line with its page-break space)."""
    a = find_line(lines, r"^\s*附件、")
    b = find_line(lines, r"^1\.1\.1 ", a)
    return [ln for ln in lines[a + 1:b] if ln.strip()]


def replace_line(text, old_pattern, new, start_pattern=None):
    ls = lines_of(text)
    start = find_line(ls, start_pattern) if start_pattern else 0
    i = find_line(ls, old_pattern, start)
    ls[i] = new
    return "\n".join(ls)


def replace_once(text: str, replacements: dict[str, str]) -> str:
    """``text`` with each key, which must occur once, replaced by its value (a variant of the report)."""
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def remove_measure(text, mid):
    """Drop measure `mid`'s block: from its id line to the line before the next id line or page header."""
    ls = lines_of(text)
    a = find_line(ls, rf"^{re.escape(mid)}\s*\S")
    b = a + 1
    while not re.match(r"^[1-9]\.[1-9]\.[1-9]\s*\S", ls[b]) and not ls[b].startswith(" 行動方案-"):
        b += 1
    return "\n".join(ls[:a] + ls[b:])


def insert_page_break(text, after_pattern, start_pattern):
    ls = lines_of(text)
    hdr = page_header(ls)
    i = find_line(ls, after_pattern, find_line(ls, start_pattern))
    block = []
    for h in hdr:
        block += [h, ""]
    return "\n".join(ls[: i + 1] + [""] + block + ls[i + 1:])


def form_feeds(text: str) -> str:
    """The report text as pdftotext writes pages: a form feed opening each page after the first, its page number
    alone on the line before (the fixture marks a page by a line beginning with a space)."""
    out, page = [], 0
    for ln in text.split("\n"):
        if ln.startswith(" ") and ln.strip():
            page += 1
            if page > 1:
                out += [str(page - 1)]
                ln = "\f" + ln.lstrip()
        out.append(ln)
    return "\n".join(out)


def rewrite_row(text: str, mid: str, nxt: str, lines: list[str]) -> str:
    """``text`` with measure ``mid``'s lines (up to measure ``nxt``) replaced by ``lines``, a page break (the annex's
    page header) where ``lines`` says "BREAK"."""
    ls = lines_of(text)
    hdr = page_header(ls)
    a = find_line(ls, rf"^{re.escape(mid)} ")
    b = find_line(ls, rf"^{re.escape(nxt)} ", a)
    new = []
    for ln in lines:
        new += hdr if ln == "BREAK" else [ln]
    return "\n".join(ls[:a] + new + ls[b:])


def text_pages(text: str) -> list[list[str]]:
    """The non-empty lines of a text export, page by page (a page starts at a line beginning with a space)."""
    pages = [[]]
    for ln in text.split("\n"):
        if ln.startswith(" ") and ln.strip() and pages[-1]:
            pages.append([])
        if ln.strip():
            pages[-1].append(ln.strip())
    return pages


def retitle(text: str, year: int) -> str:
    """The 2021 report text with its annex heading stating ``year`` (the year the extractor reads)."""
    from mfgghg.data.paths import roc_year

    assert "附件、110 年" in text
    return text.replace("附件、110 年", f"附件、{roc_year(year)} 年")

"""Helpers for tests/test_extract.py: report variants and a PDF made from the report text."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "tests" / "fixtures" / "reports" / "2021_roc110_report.txt"
RAW = REPO / "data" / "raw" / "2021"


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


_FONT = {}


def cjk_ttf(tmpdir: Path, text: str) -> Path:
    """A TrueType subset of the CJK collection font holding the report's characters.

    fpdf2 loads the .ttc (collection_font_number=...) but embeds its CFF outlines with an embedded CMap
    encoding that pdfminer/pdfplumber reads back as no characters at all; a glyf-outline subset works.
    """
    chars = "".join(sorted(set(text)))
    if chars in _FONT:
        return _FONT[chars]
    import noto_cjk_sans_otc
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(noto_cjk_sans_otc.FONT_PATH, fontNumber=2)  # index 2: Traditional Chinese face
    opts = subset.Options()
    opts.layout_features = []
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(text=chars + " ")
    sub.subset(font)
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphs, glyf.glyphOrder = {}, font.getGlyphOrder()
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxPoints", "maxContours",
                 "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    path = tmpdir / f"cjk{len(_FONT)}.ttf"
    font.save(path)
    _FONT[chars] = path
    return path


def text_pages(text: str) -> list[list[str]]:
    """The non-empty lines of a text export, page by page (a page starts at a line beginning with a space)."""
    pages = [[]]
    for ln in text.split("\n"):
        if ln.startswith(" ") and ln.strip() and pages[-1]:
            pages.append([])
        if ln.strip():
            pages[-1].append(ln.strip())
    return pages


def make_pdf(text: str, path: Path, font: Path) -> Path:
    """One PDF page per page of the text export (a page starts at a line beginning with a space)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=5)
    pdf.add_font("cjk", fname=str(font))
    pdf.set_font("cjk", size=6)
    for pg in text_pages(text):
        pdf.add_page()
        for ln in pg:
            pdf.cell(0, 3, ln, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _csv(name):
    import csv

    with open(RAW / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def pdf_chars() -> str:
    """Every character the test PDFs print: the report text and the cells of the hand transcription."""
    return report_text() + "".join((RAW / f).read_text(encoding="utf-8")
                                   for f in ("annex_measures.csv", "annex_funding.csv"))


def annex_cells():
    """Each 2021 measure's seven annex cells, from the hand transcription (lines of each cell)."""
    money = {}
    for r in _csv("annex_funding.csv"):
        whole, _, frac = r["amount_10k_twd"].partition(".")
        printed = f"{int(whole):,}" + (f".{frac}" if frac else "")
        money.setdefault(r["measure_id"], []).append(f"{printed} ({r['source_zh']})")
    out = []
    for r in _csv("annex_measures.csv"):
        name = r["measure_id"] + " " + r["name_zh"] + ("(新增)" if r["is_new"] == "true" else "")
        agency = r["lead_agency_zh"] + (f"({r['co_agency_zh']})" if r["co_agency_zh"] else "")
        red = (f"{r['reduction_10k_t_co2e']} ({r['reduction_kind_zh']})" if r["reduction_10k_t_co2e"]
               else r["reduction_note_zh"])
        out.append([name, agency, r["period_roc"], r["expected_benefits_zh"], r["results_zh"],
                    "\n".join(money.get(r["measure_id"], ["- -"])), red])
    return out


ANNEX_COLUMNS = [("具體措施或計畫", 34), ("主辦機關", 22), ("推動期程", 14), ("預期效益", 70), ("執行成果", 80),
                 ("實際經費", 30), ("減碳量", 30)]


def make_table_pdf(text: str, path: Path, font: Path) -> Path:
    """A PDF whose annex is laid out as a table (columns side by side, as a ministry PDF prints it), the
    cells taken from the hand transcription; the pages before the annex as in :func:`make_pdf`."""
    from fpdf import FPDF

    head = text[: text.index("附件、")]
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=str(font))
    pdf.set_font("cjk", size=6)
    for pg in text_pages(head):
        pdf.add_page()
        for ln in pg:
            pdf.cell(0, 3, ln, new_x="LMARGIN", new_y="NEXT")
            if pdf.get_y() > 200:
                pdf.add_page()
    lh = 3.0

    def header(title=False):
        pdf.add_page()
        pdf.set_xy(10, 8)
        if title:  # the annex title on its first page only; the column titles repeat on every page
            pdf.cell(0, lh, "附件、110 年製造部門行動方案執行情形", new_x="LMARGIN", new_y="NEXT")
        x, y = 10, pdf.get_y() + 1
        for title, w in ANNEX_COLUMNS:
            pdf.set_xy(x, y)
            pdf.cell(w - 2, lh, title)
            x += w
        pdf.set_y(y + lh + 1)

    header(title=True)
    for cells in annex_cells():
        y = pdf.get_y()
        need = 0
        for (_, w), cell in zip(ANNEX_COLUMNS, cells):
            lines = pdf.multi_cell(w - 3, lh, cell, dry_run=True, output="LINES")
            need = max(need, len(lines) * lh)
        if y + need > 200:
            header()
            y = pdf.get_y()
        x = 10
        for (_, w), cell in zip(ANNEX_COLUMNS, cells):
            pdf.set_xy(x, y)
            pdf.multi_cell(w - 3, lh, cell)
            x += w
        pdf.set_y(y + need + 1)
    pdf.output(str(path))
    return path


def retitle(text: str, year: int) -> str:
    """The 2021 report text with its annex heading stating ``year`` (the year the extractor reads)."""
    from mfgghg.data.paths import roc_year

    assert "附件、110 年" in text
    return text.replace("附件、110 年", f"附件、{roc_year(year)} 年")

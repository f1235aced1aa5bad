"""Reports as a ministry prints them: a word-processor document (flat ODF, .fodt) holding the report, its
annex a 7-column table, converted to PDF by LibreOffice (``soffice --headless --convert-to pdf``).

The pages before the annex are the text export's lines, one paragraph each, a page per page of the
export. The annex is one table: a header row repeated on every page (``table:table-header-rows``), one row
per measure that may break across pages, its cells from the annex rows given (the hand transcription of
2021, or a variant of it). Layouts differ in page orientation, column titles (wrapped as the report
prints them, on one line, or left to LibreOffice to wrap), ruling lines and font size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from extract_helpers import text_pages

# the column titles: as the report prints them (wrapped, one paragraph per printed line) and on one line
WRAPPED_TITLES = [["行動方案-", "具體措施或計畫"], ["主(協)", "辦機關"], ["推動期程"], ["預期效益"], ["執行成果"],
                  ["實際經費", "(萬元)"], ["減碳量", "(萬公噸", "CO2e)"]]
ONE_LINE_TITLES = [["具體措施或計畫"], ["主辦機關"], ["推動期程"], ["預期效益"], ["執行成果"], ["實際經費(萬元)"],
                   ["減碳量(萬公噸CO2e)"]]
# one paragraph each, in columns too narrow for them: LibreOffice wraps them where it likes
SELF_WRAPPED_TITLES = [["行動方案-具體措施或計畫"], ["主(協)辦機關"], ["推動期程"], ["預期效益"], ["執行成果"],
                       ["實際經費(萬元)"], ["減碳量(萬公噸CO2e)"]]


@dataclass(frozen=True)
class Layout:
    name: str
    landscape: bool = False
    titles: tuple = tuple(tuple(t) for t in WRAPPED_TITLES)
    ruled: bool = True
    font_pt: float = 8.0
    widths: tuple = (3.2, 1.9, 1.5, 4.2, 4.6, 1.8, 1.8)  # cm, portrait: 19 cm
    page_numbers: bool = True
    footer: str = ""


LAYOUTS = {
    # the report's own look: portrait, ruled, titles wrapped as printed, page numbers
    "portrait_ruled_wrapped": Layout("portrait_ruled_wrapped"),
    # landscape, no ruling lines at all, one-line titles, a footer line with the page number
    "landscape_unruled_oneline": Layout("landscape_unruled_oneline", landscape=True,
                                        titles=tuple(tuple(t) for t in ONE_LINE_TITLES), ruled=False, font_pt=9.0,
                                        widths=(3.8, 2.6, 1.8, 6.6, 7.4, 2.4, 2.8), footer="製造部門行動方案執行成果報告"),
    # portrait, unruled, titles wrapped by LibreOffice, a smaller font (rows break elsewhere)
    "portrait_unruled_selfwrapped": Layout("portrait_unruled_selfwrapped",
                                           titles=tuple(tuple(t) for t in SELF_WRAPPED_TITLES), ruled=False,
                                           font_pt=7.5, widths=(3.0, 1.6, 1.5, 4.6, 4.9, 1.7, 1.7)),
    # landscape, ruled, titles as printed, a larger font: many rows break across pages
    "landscape_ruled_wrapped_large": Layout("landscape_ruled_wrapped_large", landscape=True, font_pt=10.5,
                                            widths=(4.0, 2.4, 1.9, 6.2, 7.0, 2.6, 2.5)),
}

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')
FONT = "Noto Sans CJK TC"


def _p(text: str, style: str = "P") -> str:
    return f'<text:p text:style-name="{style}">{escape(text)}</text:p>'


def fodt(head_text: str, annex_title: str, rows: list[list[str]], layout: Layout) -> str:
    """The document: ``head_text`` (the report before its annex, as text-export lines) then the annex.

    ``rows``: each measure's seven cells, a cell's printed lines separated by newlines (each a paragraph).
    """
    w, h = ("29.7cm", "21cm") if layout.landscape else ("21cm", "29.7cm")
    border = "0.5pt solid #000000" if layout.ruled else "none"
    fs = f"{layout.font_pt}pt"
    cols = "".join(f'<style:style style:name="C{i}" style:family="table-column"><style:table-column-properties '
                   f'style:column-width="{cw}cm"/></style:style>' for i, cw in enumerate(layout.widths))
    footer = ""
    if layout.page_numbers or layout.footer:
        inner = escape(layout.footer) + ("　" if layout.footer else "")
        num = '<text:page-number text:select-page="current">1</text:page-number>' if layout.page_numbers else ""
        footer = f'<style:footer><text:p text:style-name="Footer">{inner}{num}</text:p></style:footer>'
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} office:version="1.3" '
             'office:mimetype="application/vnd.oasis.opendocument.text">',
             f'<office:font-face-decls><style:font-face style:name="{FONT}" svg:font-family="&apos;{FONT}&apos;"/>'
             '</office:font-face-decls>',
             '<office:styles><style:default-style style:family="paragraph"><style:paragraph-properties '
             'fo:margin-top="0cm" fo:margin-bottom="0cm"/>'
             f'<style:text-properties style:font-name="{FONT}" fo:font-size="{fs}" style:font-name-asian="{FONT}" '
             f'style:font-size-asian="{fs}" fo:language="zh" fo:country="TW" style:language-asian="zh" '
             'style:country-asian="TW"/></style:default-style>'
             '<style:style style:name="Footer" style:family="paragraph"><style:paragraph-properties '
             'fo:text-align="center"/></style:style></office:styles>',
             '<office:automatic-styles>'
             f'<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="{w}" '
             f'fo:page-height="{h}" style:print-orientation="{"landscape" if layout.landscape else "portrait"}" '
             'fo:margin-top="1.2cm" fo:margin-bottom="1.0cm" fo:margin-left="1.0cm" fo:margin-right="1.0cm"/>'
             '<style:footer-style><style:header-footer-properties fo:min-height="0.6cm"/></style:footer-style>'
             '</style:page-layout>',
             '<style:style style:name="P" style:family="paragraph"/>',
             '<style:style style:name="PB" style:family="paragraph"><style:paragraph-properties '
             'fo:break-before="page"/></style:style>',
             '<style:style style:name="Tbl" style:family="table"><style:table-properties '
             f'style:width="{sum(layout.widths):.2f}cm" table:align="left"/></style:style>', cols,
             '<style:style style:name="Row" style:family="table-row"><style:table-row-properties '
             'fo:keep-together="auto"/></style:style>',
             '<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties '
             f'fo:padding="0.08cm" fo:border="{border}"/></style:style>',
             '</office:automatic-styles>',
             '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">'
             f'{footer}</style:master-page></office:master-styles>',
             '<office:body><office:text>']
    for pg in text_pages(head_text):
        for k, ln in enumerate(pg):
            parts.append(_p(ln, "PB" if k == 0 and len(parts) > 9 else "P"))
    parts.append(_p(annex_title, "PB"))
    parts.append('<table:table table:name="Annex" table:style-name="Tbl">')
    parts += [f'<table:table-column table:style-name="C{i}"/>' for i in range(len(layout.widths))]

    def row(cells):
        out = ['<table:table-row table:style-name="Row">']
        for c in cells:
            out.append('<table:table-cell table:style-name="Cell" office:value-type="string">'
                       + "".join(_p(x) for x in (c.split("\n") if c else [""])) + "</table:table-cell>")
        return "".join(out) + "</table:table-row>"

    parts.append("<table:table-header-rows>" + row(["\n".join(t) for t in layout.titles]) + "</table:table-header-rows>")
    parts += [row(r) for r in rows]
    parts.append("</table:table>")
    parts.append("</office:text></office:body></office:document>\n")
    return "\n".join(parts)


def convert(documents: list[Path], outdir: Path) -> list[Path]:
    """Every document to PDF in one soffice call (each start costs seconds), with a private profile."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise AssertionError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui "
                             "(.ci/run does this)")
    profile = outdir / f"lo-profile-{uuid.uuid4().hex}"
    env = {**os.environ, "HOME": str(outdir)}
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, documents)],
                          capture_output=True, text=True, timeout=300, env=env)
    pdfs = [outdir / (d.stem + ".pdf") for d in documents]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise AssertionError(f"soffice did not write {missing}: {done.stdout} {done.stderr}")
    shutil.rmtree(profile, ignore_errors=True)
    return pdfs

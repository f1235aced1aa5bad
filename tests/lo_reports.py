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
import re
import shutil
import signal
import subprocess
import uuid
from dataclasses import dataclass, replace
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
    vertical_rules_only: bool = False  # ruled between columns, and around the header, but not between rows
    font_pt: float = 8.0
    widths: tuple = (3.2, 1.9, 1.5, 4.2, 4.6, 1.8, 1.8)  # cm, portrait: 19 cm
    page_numbers: bool = True
    footer: str = ""
    order: tuple = (0, 1, 2, 3, 4, 5, 6)  # the columns left to right
    extra: str = ""  # the title of an eighth column the extractor does not read (its cells say 無)
    running_head: str = ""  # a line at every page's top
    subscript: bool = False  # CO2e printed with a subscript 2
    group_rows: bool = False  # a row spanning the table before each pillar's measures, naming the pillar
    strategy_rows: str = ""  # a row before each strategy's measures, its first cell "策略1.2" or "1.2 推動策略"
    merged_agency: bool = False  # one agency cell merged over a strategy's measures of that agency
    note_after: str = ""  # a line under the table (資料來源：…)
    total_row: tuple = ()  # a last row: the total's cells (合計, its money, its reduction)
    id_column: bool = False  # the measure's id in a column of its own (項次) before its name
    valign: str = "top"  # where a body cell's text sits in its row: top, middle (vertically centred) or bottom
    watermark: str = ""  # a word printed large and light in the middle of every page, behind the text
    watermark_framed: bool = False  # the watermark word in a box ruled round it (a draft's stamp)
    annex_landscape: bool = False  # the annex on landscape pages after the report's portrait pages
    header_valign: str = "top"  # where a column title sits in the header row (middle: mid-way, and centred)
    repeat_header: bool = True  # the header row at every page's top (off: on the annex's first page only)
    header_fill: str = ""  # the header row's background colour (#d9d9d9), none by default
    rule_pt: float = 0.5  # the ruling lines' width in points
    font: str = "Noto Sans CJK TC"  # the document's font (Noto Serif CJK TC: a serif one)


OTHER_FORM_TITLES = [["措施名稱"], ["主辦機關", "(協辦機關)"], ["執行", "期程"], ["預期", "效益"], ["執行", "成果"],
                     ["經費", "(萬元)"], ["減碳量", "(萬噸CO2e)"]]

LAYOUTS = {
    # the report's own look: portrait, ruled, titles wrapped as printed, page numbers
    "portrait_ruled_wrapped": Layout("portrait_ruled_wrapped", strategy_rows="numbered", merged_agency=True),
    # landscape, no ruling lines at all, one-line titles, a footer line with the page number
    "landscape_unruled_oneline": Layout("landscape_unruled_oneline", landscape=True,
                                        titles=tuple(tuple(t) for t in ONE_LINE_TITLES), ruled=False, font_pt=9.0,
                                        widths=(3.8, 2.6, 1.8, 6.6, 7.4, 2.4, 2.8),
                                        footer="製造部門行動方案執行成果報告"),
    # portrait, unruled, titles wrapped by LibreOffice, a smaller font (rows break elsewhere)
    "portrait_unruled_selfwrapped": Layout("portrait_unruled_selfwrapped",
                                           titles=tuple(tuple(t) for t in SELF_WRAPPED_TITLES), ruled=False,
                                           font_pt=7.5, widths=(3.0, 1.6, 1.5, 4.6, 4.9, 1.7, 1.7),
                                           strategy_rows="short", note_after="資料來源：各機關",
                                           total_row=("合計", "202,038", "170.5")),
    # landscape, ruled, titles as printed, a larger font: many rows break across pages; a row naming each
    # pillar spans the table before its measures
    "landscape_ruled_wrapped_large": Layout("landscape_ruled_wrapped_large", landscape=True, font_pt=10.5,
                                            widths=(4.0, 2.4, 1.9, 6.2, 7.0, 2.6, 2.5), group_rows=True),
    # portrait, other spellings of the titles, each wrapped over two lines; narrow text columns; rules between
    # the columns and around the header only, none between the rows
    "portrait_ruled_otherforms": Layout("portrait_ruled_otherforms", titles=tuple(tuple(t) for t in OTHER_FORM_TITLES),
                                        font_pt=8.5, widths=(3.4, 2.2, 1.2, 4.0, 4.4, 1.9, 1.9), page_numbers=False,
                                        vertical_rules_only=True,
                                        footer="附件"),
    # landscape, unruled, the columns in another order, an eighth column (備註) not read, a running head on
    # every page, CO2e printed with a subscript 2 and a row naming each pillar across the table
    "landscape_unruled_reordered": Layout("landscape_unruled_reordered", landscape=True, ruled=False, font_pt=8.5,
                                          titles=tuple(tuple(t) for t in WRAPPED_TITLES), page_numbers=True,
                                          widths=(3.6, 2.4, 1.7, 6.0, 6.6, 2.2, 2.4), order=(0, 1, 2, 5, 6, 3, 4),
                                          extra="備註", running_head="製造部門溫室氣體排放管制行動方案執行成果報告",
                                          subscript=True, group_rows=True),
    # landscape, unruled, the id in a column of its own (項次), each cell's text vertically centred in its row (the
    # lines of neighbouring cells interleave)
    "landscape_unruled_idcolumn_centred": Layout("landscape_unruled_idcolumn_centred", landscape=True, ruled=False,
                                                 font_pt=8.5, widths=(3.4, 2.4, 1.8, 6.4, 7.0, 2.4, 2.4),
                                                 id_column=True, valign="middle"),
    # landscape, unruled, every cell vertically centred, a large font: the annex's first rows break across pages
    # before any row has shown the table to be centred
    "landscape_unruled_centred_large": Layout("landscape_unruled_centred_large", landscape=True, ruled=False,
                                              font_pt=16.0, widths=(3.4, 2.4, 1.8, 6.4, 7.0, 2.4, 2.4),
                                              valign="middle"),
    # the annex on landscape pages after portrait ones, unruled, titles wrapped and set mid-way in the header row
    # (備註, a column not read, beside the second line of the others); every page with a running head in other
    # words set close above the text, a footer with a date and a watermark word in its middle
    "landscape_annex_furniture": Layout("landscape_annex_furniture", annex_landscape=True, ruled=False,
                                        font_pt=9.0, widths=(3.8, 2.6, 1.8, 6.6, 7.4, 2.4, 2.8), extra="備註",
                                        header_valign="middle", footer="列印日期：2023/05/12",
                                        running_head="經濟部 製造部門 110 年度執行成果（第 2 版）", watermark="草稿"),
    # portrait, rules between the columns and around the header only, a row naming each pillar and one naming each
    # strategy across the table, and a draft's stamp (a word in a ruled box) on every page, its box crossing columns'
    # rules: the box is no table
    "portrait_vrules_headings_stamp": Layout("portrait_vrules_headings_stamp", vertical_rules_only=True,
                                             group_rows=True, strategy_rows="numbered", watermark="草稿",
                                             watermark_framed=True, page_numbers=False),
    # landscape, unruled, the id in a column of its own (項次), a row naming each pillar and one heading each
    # strategy, both spanning the table, a small font
    "landscape_unruled_idcolumn_strategies": Layout("landscape_unruled_idcolumn_strategies", landscape=True,
                                                    ruled=False, font_pt=7.0, id_column=True, group_rows=True,
                                                    strategy_rows="numbered",
                                                    widths=(4.0, 2.4, 1.9, 6.2, 7.0, 2.6, 2.5)),
    # portrait, ruled, every cell vertically centred, an agency cell merged over a strategy's measures of that
    # agency: its text sits mid-way down the merged cell, in a lower measure's row or across the two rows' parting
    "portrait_ruled_merged_centred": Layout("portrait_ruled_merged_centred",
                                            titles=tuple(tuple(t) for t in SELF_WRAPPED_TITLES), font_pt=9.0,
                                            strategy_rows="short", merged_agency=True, valign="middle",
                                            total_row=("合計", "202,038", "170.5")),
    # landscape, unruled, every cell set at its row's foot, a row heading each strategy: most bands between two ids
    # hold a heading row (no rows' parting), and a row the page's foot broke continues above the next page's first id
    "landscape_unruled_bottom_strategies": Layout("landscape_unruled_bottom_strategies", landscape=True, ruled=False,
                                                  font_pt=10.5, widths=(4.0, 2.4, 1.9, 6.2, 7.0, 2.6, 2.5),
                                                  valign="bottom", strategy_rows="short", page_numbers=False),
    # portrait, ruled, the header row on the annex's first page only (not repeated on the pages after), a heading row
    # before each strategy's measures: on the later pages the table starts at the page's top
    "portrait_ruled_header_once": Layout("portrait_ruled_header_once", strategy_rows="numbered", repeat_header=False),
    # landscape, ruled, a very large font: amounts wrap inside the money cell, most rows break across pages
    "landscape_ruled_huge": Layout("landscape_ruled_huge", landscape=True, font_pt=20.0,
                                   widths=(4.0, 2.4, 1.9, 6.2, 7.0, 2.6, 2.5)),
}

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')


def _p(text: str, style: str = "P", subscript: bool = False) -> str:
    body = escape(text)
    if subscript:
        body = body.replace("CO2", 'CO<text:span text:style-name="Sub">2</text:span>')
    return f'<text:p text:style-name="{style}">{body}</text:p>'


def fodt(head_text: str, annex_title: str | None, rows: list[list[str]], layout: Layout) -> str:
    """The document: ``head_text`` (the report before its annex, as text-export lines) then the annex.

    ``rows``: each measure's seven cells, a cell's printed lines separated by newlines (each a paragraph).
    ``annex_title`` None: no annex table (the whole report as its text-export lines, see :func:`text_fodt`).
    """
    id_column = layout.id_column
    if id_column:  # the id moved from the name's cell into a column of its own, first
        rows = [[r[0].split(" ", 1)[0], r[0].split(" ", 1)[1], *r[1:]] for r in rows]
        layout = replace(layout, id_column=False, titles=(("項次",), *layout.titles), widths=(1.0, *layout.widths),
                         order=(0, *(i + 1 for i in layout.order)))
    w, h = ("29.7cm", "21cm") if layout.landscape else ("21cm", "29.7cm")
    line = f"{layout.rule_pt}pt solid #000000"
    border = line if layout.ruled else "none"
    body_border = (f'fo:border-left="{line}" fo:border-right="{line}" fo:border-top="none" fo:border-bottom="none"'
                   if layout.vertical_rules_only else f'fo:border="{border}"')
    fs = f"{layout.font_pt}pt"
    widths = [layout.widths[i] for i in layout.order] + ([1.2] if layout.extra else [])
    cols = "".join(f'<style:style style:name="C{i}" style:family="table-column"><style:table-column-properties '
                   f'style:column-width="{cw}cm"/></style:style>' for i, cw in enumerate(widths))
    footer = ""
    mark = (f'<text:p text:style-name="Footer"><draw:frame draw:style-name="WM" text:anchor-type="paragraph" '
            f'svg:x="6cm" svg:y="10cm" svg:width="8cm" svg:height="3cm"><draw:text-box><text:p><text:span '
            f'text:style-name="WMT">{escape(layout.watermark)}</text:span></text:p></draw:text-box></draw:frame>'
            '</text:p>') if layout.watermark else ""
    if layout.running_head or mark:
        head = f'<text:p text:style-name="Footer">{escape(layout.running_head)}</text:p>' if layout.running_head else ""
        footer += f"<style:header>{mark}{head}</style:header>"
    if layout.page_numbers or layout.footer:
        inner = escape(layout.footer) + ("　" if layout.footer else "")
        num = '<text:page-number text:select-page="current">1</text:page-number>' if layout.page_numbers else ""
        footer += f'<style:footer><text:p text:style-name="Footer">{inner}{num}</text:p></style:footer>'
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} office:version="1.3" '
             'office:mimetype="application/vnd.oasis.opendocument.text">',
             f'<office:font-face-decls><style:font-face style:name="{layout.font}" '
             f'svg:font-family="&apos;{layout.font}&apos;"/>'
             '</office:font-face-decls>',
             '<office:styles><style:default-style style:family="paragraph"><style:paragraph-properties '
             'fo:margin-top="0cm" fo:margin-bottom="0cm"/>'
             f'<style:text-properties style:font-name="{layout.font}" fo:font-size="{fs}" '
             f'style:font-name-asian="{layout.font}" '
             f'style:font-size-asian="{fs}" fo:language="zh" fo:country="TW" style:language-asian="zh" '
             'style:country-asian="TW"/></style:default-style>'
             '<style:style style:name="Footer" style:family="paragraph"><style:paragraph-properties '
             'fo:text-align="center"/></style:style></office:styles>',
             '<office:automatic-styles>'
             f'<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="{w}" '
             f'fo:page-height="{h}" style:print-orientation="{"landscape" if layout.landscape else "portrait"}" '
             'fo:margin-top="1.2cm" fo:margin-bottom="1.0cm" fo:margin-left="1.0cm" fo:margin-right="1.0cm"/>'
             '<style:header-style><style:header-footer-properties fo:min-height="0.6cm"/></style:header-style>'
             '<style:footer-style><style:header-footer-properties fo:min-height="0.6cm"/></style:footer-style>'
             '</style:page-layout>',
             '<style:page-layout style:name="pm2"><style:page-layout-properties fo:page-width="29.7cm" '
             'fo:page-height="21cm" style:print-orientation="landscape" fo:margin-top="1.2cm" '
             'fo:margin-bottom="1.0cm" fo:margin-left="1.0cm" fo:margin-right="1.0cm"/>'
             '<style:header-style><style:header-footer-properties fo:min-height="0.6cm"/></style:header-style>'
             '<style:footer-style><style:header-footer-properties fo:min-height="0.6cm"/></style:footer-style>'
             '</style:page-layout>',
             '<style:style style:name="PL" style:family="paragraph" style:master-page-name="Land">'
             '<style:paragraph-properties fo:break-before="page"/></style:style>',
             # (a frame without draw:fill and draw:stroke is printed as LibreOffice's default shape, a blue box)
             '<style:style style:name="WM" style:family="graphic"><style:graphic-properties style:wrap="run-through" '
             'style:run-through="background" draw:fill="none" '
             + ('draw:stroke="solid" svg:stroke-color="#999999"' if layout.watermark_framed else
                'draw:stroke="none"') + ' fo:border="none"/></style:style>',
             '<style:style style:name="WMT" style:family="text"><style:text-properties fo:font-size="40pt" '
             'style:font-size-asian="40pt" fo:color="#cccccc"/></style:style>',
             '<style:style style:name="P" style:family="paragraph"/>',
             '<style:style style:name="HP" style:family="paragraph"><style:paragraph-properties '
             'fo:text-align="center"/></style:style>',
             '<style:style style:name="Sub" style:family="text"><style:text-properties '
             'style:text-position="sub 58%"/></style:style>',
             '<style:style style:name="PB" style:family="paragraph"><style:paragraph-properties '
             'fo:break-before="page"/></style:style>',
             '<style:style style:name="Tbl" style:family="table"><style:table-properties '
             f'style:width="{sum(widths):.2f}cm" table:align="left"/></style:style>', cols,
             '<style:style style:name="Row" style:family="table-row"><style:table-row-properties '
             'fo:keep-together="auto"/></style:style>',
             '<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties '
             f'fo:padding="0.08cm" {body_border} style:vertical-align="{layout.valign}"/></style:style>',
             '<style:style style:name="HCell" style:family="table-cell"><style:table-cell-properties '
             f'fo:padding="0.08cm" fo:border="{border}" style:vertical-align="{layout.header_valign}"'
             + (f' fo:background-color="{layout.header_fill}"' if layout.header_fill else "") + "/></style:style>",
             '</office:automatic-styles>',
             '<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">'
             f'{footer}</style:master-page><style:master-page style:name="Land" style:page-layout-name="pm2">'
             f'{footer}</style:master-page></office:master-styles>',
             '<office:body><office:text>']
    for pg in text_pages(head_text):
        for k, ln in enumerate(pg):
            parts.append(_p(ln, "PB" if k == 0 and len(parts) > 9 else "P"))
    if annex_title is None:
        return "\n".join(parts + ["</office:text></office:body></office:document>\n"])
    parts.append(_p(annex_title, "PL" if layout.annex_landscape else "PB"))
    parts.append('<table:table table:name="Annex" table:style-name="Tbl">')
    widths = [layout.widths[i] for i in layout.order] + ([1.2] if layout.extra else [])
    parts += [f'<table:table-column table:style-name="C{i}"/>' for i in range(len(widths))]

    def row(cells, extra, style="Cell", spans=None):
        """A table row; ``spans``: by column (of ``cells``), 0 for a cell covered by the merged cell above, n > 1
        for a cell merged over n rows."""
        out = ['<table:table-row table:style-name="Row">']
        for i, c in [(i, cells[i]) for i in layout.order] + ([(None, extra)] if layout.extra else []):
            rows_spanned = (spans or {}).get(i, 1)
            if rows_spanned == 0:
                out.append("<table:covered-table-cell/>")
                continue
            merged = f' table:number-rows-spanned="{rows_spanned}"' if rows_spanned > 1 else ""
            out.append(f'<table:table-cell table:style-name="{style}"{merged} office:value-type="string">'
                       + "".join(_p(x, "HP" if style == "HCell" and layout.header_valign == "middle" else "P",
                                    subscript=layout.subscript) for x in (c.split("\n") if c else [""]))
                       + "</table:table-cell>")
        return "".join(out) + "</table:table-row>"

    head = row(["\n".join(t) for t in layout.titles], layout.extra, "HCell")
    parts.append(f"<table:table-header-rows>{head}</table:table-header-rows>" if layout.repeat_header else head)
    pillars = {}
    if layout.group_rows:
        with open(RAW / "pillars.csv", encoding="utf-8-sig") as fh:
            pillars = {ln.split(",")[0]: ln.split(",")[1].strip() for ln in fh.read().splitlines()[1:]}
    span = len(widths)
    last = last_strategy = None
    agency_spans = merged_agency_spans(rows) if layout.merged_agency else [None] * len(rows)

    def spanning_row(text):  # one cell merged across the table
        return (f'<table:table-row table:style-name="Row"><table:table-cell table:style-name="Cell" '
                f'table:number-columns-spanned="{span}" office:value-type="string">' + _p(text)
                + "</table:table-cell>" + "<table:covered-table-cell/>" * (span - 1) + "</table:table-row>")

    for r, spans in zip(rows, agency_spans):
        pillar = _strategy(r).split(".")[0]
        if layout.group_rows and pillar != last and pillar in pillars:
            parts.append(spanning_row("一二三四五六七八九"[int(pillar) - 1] + "、" + pillars[pillar]))
        last = pillar
        strategy = _strategy(r)
        if layout.strategy_rows and strategy != last_strategy:
            # in its first cell, the name's; beside a narrow id column (項次) a word processor's heading spans the
            # row: in the id's cell it would wrap a character a line
            parts.append(spanning_row(strategy_heading(strategy, layout)) if id_column
                         else row([strategy_heading(strategy, layout)] + [""] * (len(r) - 1), ""))
        last_strategy = strategy
        parts.append(row(r, "無", spans=spans))
    if layout.total_row:
        label, money, reduction = layout.total_row
        parts.append(row([label, "", "", "", "", money, reduction], ""))
    parts.append("</table:table>")
    if layout.note_after:
        parts.append(_p(layout.note_after))
    parts.append("</office:text></office:body></office:document>\n")
    return "\n".join(parts)


def _strategy(r) -> str:
    """A row's strategy (1.2), from the id its first cell prints (after a line above it, it may be)."""
    return re.search(r"(?<![\d.])[1-9]\d?\.[1-9]\d?(?=\.\d)", r[0]).group(0)


def merged_agency_spans(rows) -> list[dict]:
    """Per row, the agency column's span: the measures of one strategy with one agency in a row share one cell
    (merged over them, the agency printed once at its top), as word processors' tables often print them."""
    strategy = _strategy
    out, k = [], 0
    while k < len(rows):
        n = 1
        while k + n < len(rows) and rows[k + n][1] == rows[k][1] and strategy(rows[k + n]) == strategy(rows[k]):
            n += 1
        out += [{1: n}] + [{1: 0}] * (n - 1)
        k += n
    return out


def strategy_heading(strategy: str, layout: Layout) -> str:
    """A strategy's heading row text (1.2 → 策略1.2 or 1.2 推動策略)."""
    return f"策略{strategy}" if layout.strategy_rows == "short" else f"{strategy} 推動策略"


def text_fodt(text: str, font_pt: float = 6.0) -> str:
    """The whole report as its text export prints it: each line a paragraph, a page per page of the export,
    the annex too (no table, no column header on its pages: what the extractor reads by its text heuristic)."""
    return fodt(text, None, [], Layout("text", font_pt=font_pt, page_numbers=False))


def scan_fodt() -> str:
    """A page with a drawn shape and no text at all, as a scanned page reaches a PDF without OCR."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} '
            'office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
            '<text:p><draw:rect text:anchor-type="paragraph" svg:width="5cm" svg:height="5cm" svg:x="0cm" '
            'svg:y="0cm"/></text:p></office:text></office:body></office:document>\n')


class Conversion:
    """Every document to PDF in one soffice call (each start costs seconds), with a private profile, started
    in the background: :meth:`wait` returns the PDFs."""

    def __init__(self, documents: list[Path], outdir: Path):
        soffice = shutil.which("soffice")
        self.documents, self.outdir, self.error = list(documents), Path(outdir), None
        self.profile = self.outdir / f"lo-profile-{uuid.uuid4().hex}"
        self.proc = None
        if soffice is None:
            self.error = ("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui "
                          "(.ci/run does this)")
            return
        env = {**os.environ, "HOME": str(self.outdir)}
        self.proc = subprocess.Popen([soffice, f"-env:UserInstallation=file://{self.profile}", "--headless",
                                      "--norestore", "--convert-to", "pdf", "--outdir", str(self.outdir),
                                      *map(str, self.documents)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                     start_new_session=True)  # its own group: soffice.bin ends with it

    def wait(self) -> list[Path]:
        if self.error:
            raise AssertionError(self.error)
        out, err = self.proc.communicate(timeout=300)
        pdfs = [self.outdir / (d.stem + ".pdf") for d in self.documents]
        missing = [p.name for p in pdfs if not p.exists()]
        if missing:
            raise AssertionError(f"soffice did not write {missing}: {out} {err}")
        shutil.rmtree(self.profile, ignore_errors=True)
        return pdfs

    def stop(self) -> None:
        """End the conversion if it still runs (a session that did not need it)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group this conversion started, by its id
            self.proc.wait()


def convert(documents: list[Path], outdir: Path) -> list[Path]:
    return Conversion(documents, outdir).wait()


# --------------------------------------------------------------------------- reports shaped like next year's

RAW = Path(__file__).resolve().parents[1] / "data" / "raw" / "2021"


def _rows(name):
    import csv

    with open(RAW / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def transcription():
    """The 2021 annex as transcribed by hand: (measures, funding) as rows of the two raw files."""
    return _rows("annex_measures.csv"), _rows("annex_funding.csv")


def printed(amount: str) -> str:
    whole, _, frac = amount.partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def cells(measures, funding, money_as_printed=None) -> list[list[str]]:
    """Each measure's seven cells as the report prints them: the id before the name, (新增) after it, the
    co-agency in parentheses, numbered items one paragraph each, every amount over its source in parentheses
    and the reduction over its kind. ``money_as_printed``: {measure_id: money cell text} printed otherwise."""
    import re

    money = {}
    for r in funding:
        money.setdefault(r["measure_id"], []).append(f"{printed(r['amount_10k_twd'])}\n({r['source_zh']})")
    out = []
    for r in measures:
        name = r["measure_id"] + " " + r["name_zh"] + ("(新增)" if r["is_new"] == "true" else "")
        agency = r["lead_agency_zh"] + (f"({r['co_agency_zh']})" if r["co_agency_zh"] else "")
        red = (f"{r['reduction_10k_t_co2e']}\n({r['reduction_kind_zh']})" if r["reduction_10k_t_co2e"]
               else r["reduction_note_zh"])
        text = [re.sub(r"(?<=[。；])\s*(?=\d{1,2}\. )", "\n", r[c]) for c in ("expected_benefits_zh", "results_zh")]
        cash = (money_as_printed or {}).get(r["measure_id"]) or "\n".join(money.get(r["measure_id"], ["- -"]))
        out.append([name, agency, r["period_roc"], *text, cash, red])
    return out


def next_year(measures, funding):
    """A report shaped like next year's, made from 2021's: other amounts and reductions, two measures gone,
    three added (one led by an agency of another ministry, with three amounts; one numbered 2.1.10), texts
    reworded so lines wrap elsewhere. Returns (measures, funding) as the hand transcription of that report
    would have them."""
    import copy

    ms = [copy.deepcopy(r) for r in measures if r["measure_id"] not in ("1.1.2", "3.3.2")]
    fs = [copy.deepcopy(r) for r in funding if r["measure_id"] not in ("1.1.2", "3.3.2")]
    for k, r in enumerate(fs):
        a = float(r["amount_10k_twd"]) * (1.0 + (k % 5) / 10) + 0.5
        r["amount_10k_twd"] = f"{a:.1f}" if k % 2 else str(int(a))
    for k, r in enumerate(ms):
        r["period_roc"] = r["period_roc"].replace("110", "111") if k % 3 == 0 else r["period_roc"]
        if r["reduction_10k_t_co2e"]:
            r["reduction_10k_t_co2e"] = f"{float(r['reduction_10k_t_co2e']) * 1.25:.3f}".rstrip("0").rstrip(".")
        if k % 4 == 1:  # reworded: the cell wraps elsewhere
            r["expected_benefits_zh"] = "持續推動並擴大辦理，" + r["expected_benefits_zh"]
            r["results_zh"] = r["results_zh"] + "另辦理成果發表會 2 場次，計 120 人次參與。"
    new = [
        {"measure_id": "1.5.3", "name_zh": "推動產業低碳轉型示範", "lead_agency_zh": "經濟部產業發展署",
         "co_agency_zh": "", "period_roc": "111-114", "is_new": "true",
         "expected_benefits_zh": "1. 每年輔導 15 家企業完成低碳轉型示範。2. 累計減碳 3.2 萬公噸CO2e。",
         "results_zh": "1. 完成 16 家企業低碳轉型示範輔導。2. 減碳 0.85 萬公噸CO2e。",
         "reduction_10k_t_co2e": "0.85", "reduction_kind_zh": "實質減碳", "reduction_note_zh": ""},
        {"measure_id": "2.8.2", "name_zh": "推動綠領人才培訓與職能發展", "lead_agency_zh": "勞動部勞動力發展署",
         "co_agency_zh": "經濟部工業局", "period_roc": "111-114", "is_new": "true",
         "expected_benefits_zh": "1. 每年辦理淨零綠領人才培訓課程 30 班次。2. 每年培訓 600 人次。",
         "results_zh": "1. 辦理淨零綠領人才培訓課程 32 班次。2. 培訓 655 人次，結訓率 93%。",
         "reduction_10k_t_co2e": "", "reduction_kind_zh": "", "reduction_note_zh": "本措施屬能力建構，故無減碳量。"},
        {"measure_id": "2.1.10", "name_zh": "推動工業區公用設施節能改善", "lead_agency_zh": "經濟部工業局",
         "co_agency_zh": "", "period_roc": "111-114", "is_new": "true",
         "expected_benefits_zh": "每年協助 6 處工業區完成公用設施節能改善。",
         "results_zh": "完成 7 處工業區公用設施節能改善，年節電 410 萬度。",
         "reduction_10k_t_co2e": "0.42", "reduction_kind_zh": "實質減碳", "reduction_note_zh": ""},
    ]
    fs += [{"measure_id": "1.5.3", "source_zh": "公務預算", "amount_10k_twd": "1250.5", "note": ""},
           {"measure_id": "2.8.2", "source_zh": "公務預算", "amount_10k_twd": "830", "note": ""},
           {"measure_id": "2.8.2", "source_zh": "就業安定基金", "amount_10k_twd": "2415.25", "note": ""},
           {"measure_id": "2.8.2", "source_zh": "民間投資", "amount_10k_twd": "310", "note": ""},
           {"measure_id": "2.1.10", "source_zh": "能源基金", "amount_10k_twd": "1250.5", "note": ""}]
    order = {}
    for r in ms + new:
        order[r["measure_id"]] = r
    ms = [order[k] for k in sorted(order, key=lambda i: tuple(map(int, i.split("."))))]
    ids = [r["measure_id"] for r in ms]
    fs.sort(key=lambda r: ids.index(r["measure_id"]))
    return ms, fs


def head_for(text: str, year_roc: int, title: bool = True) -> tuple[str, str]:
    """(the report before its annex, the annex heading) for a report of ROC year ``year_roc``, made from the
    2021 text: its title page added, Table 5's and Table 6's figures changed."""
    head = text[: text.index("附件、")]
    head = head.replace("輔導產業轉型為綠色低碳企業 158,613 62,030 39%",
                        "輔導產業轉型為綠色低碳企業 160,020 70,115 44%")
    head = head.replace("109 年 146.5 141.9 741.5 734.0", "109 年 146.5 141.8 741.5 733.9")
    if title:
        head = f" {year_roc} 年製造部門溫室氣體排放管制行動方案執行成果報告\n\n經濟部\n\n" + head
    return head, f"附件、{year_roc} 年製造部門行動方案執行情形"

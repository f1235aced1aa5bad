"""The extractor's test PDFs: word-processor documents (``lo_reports.py``) converted by LibreOffice in one
soffice call per session, started when the first test module that reads them is collected, so that
soffice works while the tests before them run. :func:`session_pdfs` waits for them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import lo_reports as lo
from extract_helpers import report_text

LAYOUTS_2021 = ("portrait_ruled_wrapped", "landscape_unruled_oneline", "portrait_unruled_selfwrapped",
                "landscape_unruled_reordered", "landscape_ruled_huge", "portrait_vrules_headings_stamp",
                "landscape_unruled_idcolumn_strategies", "portrait_ruled_merged_centred",
                "landscape_unruled_bottom_strategies", "portrait_ruled_header_once")
# the annex layouts (test_extract_layouts.py): the 2021 report in each layout, next year's two, one cut off
LAYOUT_DOCUMENTS = (*(f"r2021_{name}" for name in LAYOUTS_2021), "next_a", "next_b", "cut", "shapes", "furniture",
                    "centred_break", "above_id_unruled", "above_id_ruled")
# the line printed above the first measure's id in its name cell (above_id_*): its other cells start a line higher
ABOVE_ID = "示範措施"


def documents():
    """{name: (document, expected (measures, funding) or None)} of every report the session converts: the
    annex layouts (:data:`LAYOUT_DOCUMENTS`, ``test_extract_layouts.py``), then the 2021 report as its text
    export prints it and a page without text (``test_extract.py``)."""
    text = report_text()
    measures, funding = lo.transcription()
    head21, title21 = text[: text.index("附件、")], "附件、110 年製造部門行動方案執行情形"
    docs = {f"r2021_{name}": (lo.fodt(head21, title21, lo.cells(measures, funding), lo.LAYOUTS[name]), None)
            for name in LAYOUTS_2021}
    ms, fs = lo.next_year(measures, funding)
    head, title = lo.head_for(text, 111)
    printed = lo.cells(ms, fs)
    for c, r in zip(printed, ms):
        if r["measure_id"] == "2.1.10":  # the period with 年, the amount and the reduction with their units
            c[2], c[5], c[6] = "111年-114年", "1,250.5 萬元\n(能源基金)", "0.42萬公噸\n(實質減碳)"
    docs["next_a"] = (lo.fodt(head, title, printed, lo.LAYOUTS["landscape_ruled_wrapped_large"]), (ms, fs))
    # next year B: another measure gone (the tables still count 37: the report contradicts itself), ROC 112
    # stated in the annex heading only, an amount in full-width digits and an agency with a Kangxi radical
    msb = [r for r in ms if r["measure_id"] not in ("3.1.2", "2.1.10")]
    fsb = [dict(r) for r in fs if r["measure_id"] not in ("3.1.2", "2.1.10")]
    for r in fsb:
        if r["measure_id"] == "1.4.1":
            r["amount_10k_twd"] = "1350"
    printed = lo.cells(msb, fsb, {"1.4.1": "１，３５０\n(能源基金)"})
    for c, r in zip(printed, msb):
        if r["measure_id"] == "2.2.2":
            c[1] = c[1].replace("工業局", "⼯業局")
    head, title = lo.head_for(text, 112, title=False)
    docs["next_b"] = (lo.fodt(head, title, printed, lo.LAYOUTS["portrait_ruled_otherforms"]), (msb, fsb))
    # cut off inside its last measure: the annex alone, its fourth measure without money and reduction cells
    cut = lo.cells(measures, funding)[:4]
    cut[-1][5] = cut[-1][6] = ""
    docs["cut"] = (lo.fodt("", title21, cut, lo.LAYOUTS["portrait_unruled_selfwrapped"]), None)
    docs["shapes"] = shapes(head21, title21, measures, funding)
    # page furniture around the 2021 report, an amount and Table 5's numbers with their digit groups apart
    docs["furniture"] = (lo.fodt(head21.replace("158,613 62,030 39%", "158 613 62 030 39%"), title21,
                                 lo.cells(measures, funding, {"1.1.1": "3 677.2\n(公務預算)"}),
                                 lo.LAYOUTS["landscape_annex_furniture"]), None)
    # centred cells, the annex's first rows broken across pages before centring shows (lo.LAYOUTS' comment)
    docs["centred_break"] = (lo.fodt(head21, title21, lo.cells(measures, funding),
                                     lo.LAYOUTS["landscape_unruled_centred_large"]), None)
    # the first measure's name cell opens with a line above its id, so that its other cells start higher than its id
    # and no row stands above them: unruled (the lines above the id were lost, the draft refused) and ruled (the
    # whole first row was lost)
    above = lo.cells(measures, funding)
    above[0][0] = f"{ABOVE_ID}\n{above[0][0]}"
    for name, layout in (("above_id_unruled", "landscape_unruled_oneline"),
                         ("above_id_ruled", "landscape_ruled_wrapped_large")):
        docs[name] = (lo.fodt(head21, title21, above, lo.LAYOUTS[layout]), None)
    docs["report_text"] = (lo.text_fodt(text), None)
    docs["scan"] = (lo.scan_fodt(), None)
    return docs


def shapes(head: str, title: str, measures, funding):
    """The 2021 report with its id in a column of its own, its cells vertically centred, periods printed with
    months (one's second year further down its cell), sources printed before their amounts or nested, reductions
    printed after their kind or of a kind in other words: (document, the transcription it should read as)."""
    ms = [dict(r, reduction_kind_zh="預估值") if r["measure_id"] == "1.1.1" else r for r in measures]
    printed = lo.cells(ms, funding)
    by_id = {r["measure_id"]: c for r, c in zip(ms, printed)}
    by_id["1.1.1"][2] = "110.01-\n\n114.12"
    by_id["1.1.1"][5], by_id["1.1.1"][6] = "(公務預算)\n3,677.2", "(預估值)\n119.4"
    by_id["1.1.2"][2] = "110年1月至112年12月"
    by_id["1.1.4"][5] = "(能源基金)2,373.17\n(民間投資)9,956.9"
    by_id["1.2.2"][5] = "137\n(公務預算(經濟部))"
    by_id["2.1.5"][6] = "1.54\n(實質減碳量)"
    return lo.fodt(head, title, printed, lo.LAYOUTS["landscape_unruled_idcolumn_centred"]), (ms, funding)


def _start_conversion():
    """Written and converted as this module is first imported (when the first test module that needs it is
    collected): soffice (seconds of waiting, little CPU) works while the tests before these run."""
    tmp = Path(tempfile.mkdtemp(prefix="mfgghg-lo-"))
    docs = documents()
    paths = []
    for name, (xml, _) in docs.items():
        (tmp / f"{name}.fodt").write_text(xml, encoding="utf-8")
        paths.append(tmp / f"{name}.fodt")
    return tmp, docs, lo.Conversion(paths, tmp)


_TMP, _DOCS, _CONVERSION = _start_conversion()


@atexit.register
def _cleanup():
    _CONVERSION.stop()
    shutil.rmtree(_TMP, ignore_errors=True)


_MADE: dict = {}


def session_pdfs() -> dict:
    """{name: (pdf, expected)} of every document, once soffice has written them all."""
    if not _MADE:
        _MADE.update({name: (pdf, _DOCS[name][1]) for name, pdf in zip(_DOCS, _CONVERSION.wait())})
    return _MADE

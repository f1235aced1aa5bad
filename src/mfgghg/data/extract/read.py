"""Reading the report: a text export (UTF-8 with or without BOM, Big5/CP950) or a PDF's text layer.

A PDF is read with pypdfium2 (PDFium, the library pdfplumber renders with): each page's characters
with their boxes, grouped into words, the words into lines (the page's text), and its ruling lines (thin
path objects) for the annex's layout (:mod:`.layout`). PDFium reads a 60-page report in a fraction of a second,
where pdfminer needs several.

Characters are normalised here, once, for both routes (:func:`normalise`): full-width digits and the
punctuation inside numbers (１，３５０．５ → 1,350.5), and compatibility ideographs and Kangxi radicals
(⼯ → 工, by NFKC on those characters only: full-width Chinese punctuation stays as printed). Every change
is kept, with its line, for review.csv.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from mfgghg.errors import DataError


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    text: str  # PDFium's text of the page, lines split at "\n"
    words: list = field(default_factory=list)  # [Word], top-down coordinates
    rules: list = field(default_factory=list)  # [(x0, top, x1, bottom)] of thin path objects (ruling lines)


@dataclass
class Report:
    file: Path
    text: str
    pages: list | None = None  # [Page] for a PDF
    changes: list = field(default_factory=list)  # (line, printed, normalised) from normalise()
    paged: bool = False  # a text export with form feeds between its pages (as pdftotext writes them)


# --------------------------------------------------------------------------- characters

_FW_NUMBER = re.compile(r"[0-9０-９][0-9０-９,，.．]*[0-9０-９]|[０-９]")
_FW = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


# Compatibility ideographs and Kangxi radicals (CJK Radicals Supplement, Kangxi Radicals, the two blocks of
# compatibility ideographs)
_COMPAT_CHARS = "\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f"
_COMPAT = re.compile(f"[{_COMPAT_CHARS}]")
_FW_DIGIT = re.compile(r"[０-９]")
_FW_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*％")
_COMPAT_WORD = re.compile(r"[^\s，。、；：()（）]+")
# A character normalise_line may change: a line without any is returned as it is
_TO_NORMALISE = re.compile(f"[０-９．％{_COMPAT_CHARS}]")


def _unified(text: str) -> str:
    """``text`` with its compatibility ideographs and Kangxi radicals unified (NFKC on those characters only)."""
    return _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def normalise_line(line: str) -> tuple[str, list[tuple[str, str]]]:
    """One line with its numbers in ASCII digits (a full-width percent sign after one in ASCII too) and its
    compatibility ideographs unified; the changes made."""
    if not _TO_NORMALISE.search(line):
        return line, []
    changes = []

    def num(m):
        s = m.group(0)
        if not _FW_DIGIT.search(s) and "．" not in s:  # (1，2 between ASCII digits is a list: kept)
            return s
        t = s.translate(_FW)
        changes.append((s, t))
        return t

    out = _FW_NUMBER.sub(num, line)

    def percent(m):  # a full-width percent sign after a number (１００％, 100％)
        changes.append((m.group(0), m.group(1) + "%"))
        return m.group(1) + "%"

    out = _FW_PERCENT.sub(percent, out)
    if _COMPAT.search(out):
        words = [w for w in _COMPAT_WORD.findall(out) if _COMPAT.search(w)]
        changes += [(w, _unified(w)) for w in words]
        out = _unified(out)
    return out, changes


def normalise(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """The text normalised line by line, and every change as (line number, printed, normalised)."""
    lines, changes = [], []
    for i, ln in enumerate(text.split("\n"), 1):
        new, ch = normalise_line(ln)
        lines.append(new)
        changes += [(i, a, b) for a, b in ch]
    return "\n".join(lines), changes


# --------------------------------------------------------------------------- input

def read_report(path: Path) -> Report:
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "report file not found")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path, "report file is empty")
    if data[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        from .layout import strip_footers

        pages = read_pdf(path, data)
        strip_footers(pages)
        text = "\n".join(" " + p.text for p in pages)  # a page break is a line starting with a space
    else:
        text = blank_page_lines(decode_text(path, data))
        pages = None
    paged = pages is None and "\f" in text
    # a page break is a line starting with a space: a form feed opening a line (as pdftotext writes them) is that
    # space, so that line numbers stay the file's; one inside a line starts a new one
    text = re.sub(r"(?m)^\f", " ", text).replace("\f", "\n ")
    text, changes = normalise(text)
    return Report(path, text, pages, changes, paged)


# A page number as a page prints it: "- 44 -", "第 44 頁", "第 44 頁，共 80 頁", "44 / 80", "Page 44", "p. 44".
BARE_NUMBER = re.compile(r"^\d{1,4}$")
PAGE_NUMBER = re.compile(r"^(?:[-–—‒~]\s*\d{1,4}\s*[-–—‒~]|第\s*\d{1,4}\s*頁(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*頁)?"
                         r"|\d{1,4}\s*[/／]\s*\d{1,4}|(?:[Pp]age|[Pp]\.)\s*\d{1,4})$")

def blank_page_lines(text: str) -> str:
    """A text export with what its pages print beside the text blanked (the lines kept, so that line
    numbers stay the file's): a line in a page number's form (``- 44 -``, ``第 44 頁``), and the report's
    title (its first line naming 執行成果報告) printed again as a running head, a bare number at a page's foot or
    top that counts up with the next page's, and lines repeated at half of the pages' tops or feet (between
    form feeds: a running head, a dated footer, a watermark). The annex's own running
    lines and bare page numbers are left out where its pages break (:func:`.annex.strip_page_lines`)."""
    from .layout import nows

    lines = text.split("\n")
    squashed = [nows(ln) for ln in lines]
    at = next((i for i, ln in enumerate(squashed[:60]) if "執行成果報告" in ln), None)
    # a bare number (4) at a page's foot or top, counting up with the next page's (pages open with a form feed)
    pages: list[list[int]] = [[]]
    for i, sq in enumerate(squashed):
        if lines[i].startswith("\f") and pages[-1]:
            pages.append([])
        if sq:
            pages[-1].append(i)
    ends = [{j: int(squashed[j]) for j in (p[0], p[-1]) if BARE_NUMBER.match(squashed[j])} if p else {} for p in pages]
    bare = {j for a, b in zip(ends, ends[1:]) for j, x in a.items() if x + 1 in b.values()}
    bare |= {k for a, b in zip(ends, ends[1:]) for k, y in b.items() if y - 1 in a.values()}
    bare |= _running_lines(pages, lines)
    return "\n".join(("\f" if ln.startswith("\f") else "") if PAGE_NUMBER.match(ln.strip()) or i in bare
                     or (at is not None and i != at and sq == squashed[at]) else ln
                     for i, (ln, sq) in enumerate(zip(lines, squashed)))


def _running_lines(pages: list[list[int]], lines: list[str]) -> set:
    """The lines (indices) at pages' tops and feet, up to three deep, that stand at that edge of half of the pages
    or more (at least three), digits masked: a running head, a dated footer, a watermark, as a text export with
    form feeds prints them; not a line of column titles (the annex's header, which marks its page breaks)."""
    from .layout import masked, title_fragment

    out: set = set()
    for top in (True, False):
        for depth in range(3):
            at = [p[depth] if top else p[-1 - depth] for p in pages if len(p) > depth]
            keys = {j: masked(lines[j]) for j in at}
            seen: dict = {}
            for j in at:
                seen[keys[j]] = seen.get(keys[j], 0) + 1
            hit = {j for j in at if seen[keys[j]] >= max(3, len(pages) / 2)
                   and not all(title_fragment(w) for w in lines[j].split())}
            if not hit:
                break
            out |= hit
    return out


_LAYOUT_CHARS = dict.fromkeys(map(ord, "\r\n\t\f"))  # (deleted by str.translate)


def decode_text(path: Path, data: bytes) -> str:
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
    # (counted character by character only where some character is neither printable nor a line's or a page's end)
    if (not text.translate(_LAYOUT_CHARS).isprintable()
            and sum(ch.isprintable() or ch in "\r\n\t\f" for ch in text) < 0.95 * len(text)):
        raise DataError(path, "report is a binary file, not text")
    return text.replace("\r\n", "\n")


_SKIP = {"\r", "\n", "\x02", "\x00"}


def _words(textpage, height: float, gap: float = 0.3) -> list[Word]:
    """The page's characters grouped into words: a run on one line without a space and without a gap wider
    than ``gap`` of the characters' height (at least 1.5 points)."""
    n = textpage.count_chars()
    if not n:
        return []
    text = textpage.get_text_range(0, n)
    charbox = textpage.get_charbox
    words, cur = [], None
    for k, ch in enumerate(text[:n]):
        if ch in _SKIP or ch.isspace():
            cur = None
            continue
        x0, y0, x1, y1 = charbox(k, loose=True)
        if x1 <= x0:
            cur = None
            continue
        if ch == "\ufffe":
            ch = "-"
        top, bottom = height - y1, height - y0
        # the next character of the word: on its line (a sub- or superscript's middle within the word's
        # height, as CO₂e's 2) and without a gap
        mid = (top + bottom) / 2
        if cur is not None and cur.top <= mid <= cur.bottom and -1.0 <= x0 - cur.x1 <= max(1.5, gap * (bottom - top)):
            cur.text += ch
            cur.x1 = max(cur.x1, x1)
            cur.bottom = max(cur.bottom, bottom)
            continue
        cur = Word(ch, x0, x1, top, bottom)
        words.append(cur)
    return words


def _rules(page, height: float) -> list[tuple]:
    import pypdfium2.raw as pdfium_c

    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if w < 2.5 and h > 4 or h < 2.5 and w > 4:  # a line, drawn or filled thin
            out.append((left, height - top, right, height - bottom))
        elif w > 4 and h > 4 and w * h < 0.5 * 612 * 792:  # a cell's box: its four sides
            y0, y1 = height - top, height - bottom
            out += [(left, y0, right, y0), (left, y1, right, y1), (left, y0, left, y1), (right, y0, right, y1)]
    return out


def read_pdf(path: Path, data: bytes) -> list[Page]:
    from .layout import lines_of

    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover
        raise DataError(path, "reading a PDF needs pypdfium2 (pip install pypdfium2)") from None
    try:
        doc = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError and friends
        raise DataError(path, f"cannot read the PDF ({type(exc).__name__}: {exc})") from None
    pages = []
    try:
        for i in range(len(doc)):
            pg = doc[i]
            height = pg.get_height()
            tp = pg.get_textpage()
            words = _words(tp, height)
            # the page's text: its words in lines (tops together), each line's words in x order
            text = "\n".join(ln.text for ln in lines_of(words))
            pages.append(Page(i + 1, pg.get_width(), height, text, words, _rules(pg, height)))
    except Exception as exc:
        raise DataError(path, f"cannot read the PDF ({type(exc).__name__}: {exc})") from None
    finally:
        doc.close()
    if not "".join(p.text for p in pages).strip():
        raise DataError(path, "the PDF has no text layer (scanned?); OCR is not done: give a text export instead")
    return pages


def read_rows(path: Path) -> list[dict]:
    """A previous year's drafted or transcribed CSV file as rows ([] when absent)."""
    import csv

    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))

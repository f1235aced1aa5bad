"""The annex table of a PDF, read by position: each measure's seven cells.

- **Columns from the header row, however its titles wrap.** The header is the run of lines whose every
  word is a piece of a known column title (:data:`COLUMNS`, each title in the forms reports print, compared
  without spaces and brackets: 主(協) over 辦機關, 主(協)辦機關, 主辦機關, …). Its words are stacked into
  bands (words overlapping in x), and each band is matched to the column whose title it spells.
- **Cell boundaries.** Where the table is ruled, the columns and rows are those of the cells pdfplumber's
  table finder builds from the ruling lines (``pdfplumber.table``: edges merged, intersections, cells); where
  it is not, a column boundary is the x between two titles that the fewest words of the page's body cross,
  and a row starts at each line whose first cell starts with a measure id.
- **Header rows, page numbers and footers dropped.** Every page's repeated header row and what is above it
  are not body; a last line set apart at the page's foot that is a page number, or that repeats on other
  pages' feet, is a footer.
- **Rows split across a page are joined**: a row whose first cell holds no measure id continues the row
  before it, cell by cell (amounts with their sources stay in the money cell, text in its own column).

:func:`annex_rows` returns None where no page has such a header: the caller then reads the annex from the
text by the heuristic of :mod:`.annex` and says so in the review.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

ID_AT_START = re.compile(r"^[1-9]\d?\.[1-9]\d?\.[1-9]\d?\.?(?![\d.])")  # (1.1.2, 1.1.2.)


def opens_with_id(text: str) -> bool:
    """``text`` opens with a measure id (1.1.2; its dots full-width too, 1．1．2, as the cells' text is read)."""
    return bool(ID_AT_START.match(text.replace("．", ".")))

# column -> the titles reports print for it (compared by _key: no spaces, brackets, dashes or slashes)
COLUMNS = (
    ("name_zh", ("行動方案-具體措施或計畫", "具體措施或計畫", "具體措施", "措施或計畫", "具體措施名稱", "措施名稱",
                 "計畫名稱", "行動方案")),
    ("agency", ("主(協)辦機關", "主(協)/辦機關", "主/協辦機關", "主辦(協辦)機關", "主辦機關(協辦機關)", "主辦機關",
                "協辦機關", "執行機關", "辦理機關", "主辦單位", "執行單位")),
    ("period_roc", ("推動期程", "執行期程", "實施期程", "預定期程", "期程", "執行期間")),
    ("expected_benefits_zh", ("預期效益", "預期目標", "預期成效")),
    ("results_zh", ("執行成果", "執行情形", "辦理情形", "執行成效")),
    ("funding", ("實際經費(萬元)", "實際經費(萬元)", "實際執行經費(萬元)", "執行經費(萬元)", "經費(萬元)", "實際經費",
                 "執行經費", "經費")),
    ("reduction", ("減碳量(萬公噸CO2e)", "減碳量(萬噸CO2e)", "減碳量(萬公噸)", "減碳量", "減量效益(萬公噸CO2e)",
                   "溫室氣體減量(萬公噸CO2e)", "減碳效益")),
)
NCOL = len(COLUMNS)
# A column of its own for the measure's id, before its name (項次 …): its cells open the name's (index ID)
ID = NCOL
ID_TITLES = ("項次", "編號", "序號", "措施編號", "項目編號")
NOT_READ_TITLES = ("備註", "說明", "附註")  # columns the extractor does not read, as reports title them
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+|[壹貳參肆伍陸柒捌玖拾]+)\s*[、.．]"
                     r"|^[(（][一二三四五六七八九十]+[)）]")
# A strategy's heading row (策略1.2, 推動策略 1.2, 1.2 推動策略…): its two-part number beside the word, no measure id
STRATEGY_HEADING = re.compile(r"^(?:推動)?策略\s*[1-9]\d?\.[1-9]\d?(?![.\d])"
                              r"|^[1-9]\d?\.[1-9]\d?(?![.\d])\s*(?:推動)?策略")
# A strategy's number (1.2) opening a line in the id column (項次): a heading row, its name beside it
STRATEGY_NUMBER = re.compile(r"^[1-9]\d?\.[1-9]\d?(?![.\d])")
# A total row of the table (合計 202,038 170.5): no measure
TOTAL_ROW = re.compile(r"^(?:合計|總計)(?:\s|$)")
# A note printed under the table (資料來源：各機關, 註 1：…, 備註：…), in its first column
TABLE_NOTE = re.compile(r"^(?:資料來源|註\s*\d*|備註|說明)\s*[:：]")
PAGE_NO = re.compile(r"^(?:[-–—]\s*)?(?:第\s*)?[0-9ivxlcIVXLC]{1,4}(?:\s*頁)?(?:\s*[-–—])?(?:\s*/\s*\d{1,4})?$")


_NOT_IN_KEY = re.compile(r"[\s()\[\]\-‐‑–—─/、:：.]")


def _key(text: str) -> str:
    return _NOT_IN_KEY.sub("", unicodedata.normalize("NFKC", text))


_FORMS = [[_key(f) for f in forms] for _, forms in COLUMNS]
# every piece of every form: a word is (part of) a title where its key is one of them
_FRAGMENTS = {f[a:b] for forms in _FORMS for f in forms for a in range(len(f)) for b in range(a + 1, len(f) + 1)}


def title_fragment(text: str) -> bool:
    """Whether ``text`` is (part of) an annex column's title, in any of the forms it is printed in."""
    return _key(text) in _FRAGMENTS


@dataclass
class Line:
    top: float
    bottom: float
    words: list

    @property
    def text(self):
        return " ".join(w.text for w in self.words)


def lines_of(words, tol=0.5) -> list[Line]:
    """Words grouped into lines (tops within ``tol`` of a word's height, or a word's middle within the line),
    each line's words in x order."""
    out: list[Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        mid = (w.top + w.bottom) / 2  # a smaller word (a subscript) on the line: its middle within the line
        if out and (w.top - out[-1].top <= tol * max(w.bottom - w.top, 1.0) or out[-1].top <= mid <= out[-1].bottom):
            out[-1].words.append(w)
            out[-1].bottom = max(out[-1].bottom, w.bottom)
        else:
            out.append(Line(w.top, w.bottom, [w]))
    for ln in out:
        ln.words.sort(key=lambda w: w.x0)
    return out


@dataclass
class Header:
    bands: list  # per title band, left to right: (x0, x1)
    columns: list  # per band: the index in COLUMNS it is the title of, None for a column not read
    titles: list  # per band: its title as printed
    top: float
    bottom: float


def find_header(lines: list[Line]) -> Header | None:
    """The column header: consecutive lines of title pieces whose stacked bands spell the seven titles."""
    for i, ln in enumerate(lines):
        known = sum(title_fragment(w.text) for w in ln.words)
        others = [w for w in ln.words if not title_fragment(w.text)]  # a column not read (備註, 項次): short titles
        if known < 3 or len(others) > 2 or any(len(_key(w.text)) > 6 for w in others):
            continue
        block = [ln]
        for nxt in lines[i + 1:]:
            h = max(nxt.bottom - nxt.top, 1.0)
            # (a line of title pieces, one of them the title of a column not read: 推動期程 … 備註)
            rest = [w for w in nxt.words if not title_fragment(w.text)]
            if (nxt.top - block[-1].bottom > 1.2 * h or len(rest) == len(nxt.words)
                    or any(_key(w.text) not in (*ID_TITLES, *NOT_READ_TITLES) for w in rest)):
                break
            block.append(nxt)
        header = _match(block)
        if header:
            return header
    return None


def _match(block: list[Line]) -> Header | None:
    words = sorted((w for ln in block for w in ln.words), key=lambda w: w.x0)
    bands: list[list] = []
    for w in words:  # stacked words: overlapping in x
        if bands and w.x0 < bands[-1][1] - 0.5:
            bands[-1][1] = max(bands[-1][1], w.x1)
            bands[-1][2].append(w)
        else:
            bands.append([w.x0, w.x1, [w]])
    cols = []
    for x0, x1, ws in bands:
        title = "".join(w.text for w in sorted(ws, key=lambda w: (w.top, w.x0)))
        k = _key(title)
        best, score = (ID, 1) if k in ID_TITLES else (None, 0)
        for c, forms in enumerate(_FORMS):
            for f in forms:
                s = len(f) + 100 if f == k else (len(k) if k in f else (len(f) if f in k else 0))
                if s > score:
                    best, score = c, s
        cols.append((best, x0, x1, title))
    merged: list[list] = []
    for c, x0, x1, title in cols:
        if merged and c is not None and merged[-1][0] == c:
            merged[-1][2] = x1
            merged[-1][3] += title
        else:
            merged.append([c, x0, x1, title])
    found = [c for c, _, _, _ in merged if c not in (None, ID)]
    if sorted(found) != list(range(NCOL)):  # every column once, in whatever order the report prints them
        return None
    return Header([(x0, x1) for _, x0, x1, _ in merged], [c for c, _, _, _ in merged], [t for *_, t in merged],
                  min(ln.top for ln in block), max(ln.bottom for ln in block))


def _ruled_grid(rules, header: Header, top: float):
    """Column x positions and row y positions of the cells pdfplumber's table finder builds from the
    ruling lines below ``top`` (the header's top, or the table's on a page the header row is not repeated on);
    (None, None) where the page is not ruled. A table must span the header's titles: a box on the page (a framed
    stamp or text box) crossing a column's rules is not the annex table."""
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    edges = []
    for x0, t, x1, b in rules:
        if b < top - 2:
            continue
        if x1 - x0 > b - t:
            y = (t + b) / 2
            edges.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0,
                          "orientation": "h", "object_type": "line"})
        else:
            x = (x0 + x1) / 2
            edges.append({"x0": x, "x1": x, "top": t, "bottom": b, "width": 0, "height": b - t,
                          "orientation": "v", "object_type": "line"})
    if len(edges) < 4:
        return None, None
    edges = merge_edges(edges, 3, 3, 3, 3)
    cells = intersections_to_cells(edges_to_intersections(edges, 3, 3))
    left, right = header.bands[0][0], header.bands[-1][1]
    tables = [t for t in cells_to_tables(cells)
              if min(c[0] for c in t) <= left + 2 and max(c[2] for c in t) >= right - 2]
    if not tables:
        return None, None
    table = max(tables, key=len)
    xs = sorted({round(c[0], 1) for c in table} | {round(c[2], 1) for c in table})
    return xs, table


def _boundaries(header: Header, body_words, xs) -> list[float]:
    """x where column k + 1 starts, k = 0..5: a rule between the two titles, else the x there that the
    fewest body words cross (the middle of the widest such gap)."""
    out = []
    for (_, a1), (b0, _) in zip(header.bands, header.bands[1:]):
        lo, hi = a1 - 0.5, b0 + 0.5
        rule = [x for x in (xs or []) if lo <= x <= hi]
        if rule:
            out.append(rule[len(rule) // 2])
            continue
        if hi - lo < 1:
            out.append((a1 + b0) / 2)
            continue
        steps = max(int((hi - lo) / 0.25), 1)
        counts = [0] * (steps + 1)
        for w in body_words:
            i0, i1 = int((w.x0 - lo) / 0.25), int((w.x1 - lo) / 0.25)
            if i1 < 0 or i0 > steps:
                continue
            for i in range(max(i0, 0), min(i1, steps) + 1):
                counts[i] += 1
        least = min(counts)
        best, run, start = (0, 0), 0, 0
        for i, c in enumerate(counts + [least + 1]):
            if c == least:
                if run == 0:
                    start = i
                run += 1
            else:
                if run > best[1]:
                    best = (start, run)
                run = 0
        out.append(lo + (best[0] + best[1] / 2) * 0.25)
    return out


@dataclass
class Row:
    page: int
    line_top: float
    cells: list = field(default_factory=lambda: [[] for _ in range(NCOL)])  # per column: printed lines
    continued: list = field(default_factory=list)  # [(page, columns that continue there)]
    above: list = field(default_factory=list)  # [(page, columns whose lines above the id were taken as the row's)]
    merged: list = field(default_factory=list)  # [(page, columns whose ruled cell spans this row and others)]
    set_mid_row: bool = False  # unruled, cells set mid-row or at its foot: where a merged cell sits is unknown

    def text(self, c: int) -> str:
        return "\n".join(self.cells[c])


def _gaps(words, lo: float, hi: float) -> list:
    """The bands (y0, y1) between ``lo`` and the line at ``hi`` that no word crosses, top to bottom."""
    spans = sorted((w.top, w.bottom) for w in words if w.bottom > lo and w.top < hi + 0.5)
    gaps, cur = [], lo
    for t, b in spans:
        if t > cur:
            gaps.append((cur, t))
        cur = max(cur, b)
    return gaps


def _widest_gap(words, lo: float, hi: float):
    """(y0, y1) of the widest band between ``lo`` and the line at ``hi`` that no word crosses (the lowest of
    the widest, within half a point), or None."""
    gaps = _gaps(words, lo, hi)
    if not gaps:
        return None
    widest = max(y1 - y0 for y0, y1 in gaps)
    return [g for g in gaps if g[1] - g[0] >= widest - 0.5][-1]


def _centred_starts(starts: list, id_words: dict, words, state: dict, left_out: list) -> list:
    """Row starts where a row's cells may be set mid-row (vertically centred, or at its foot) and no rule parts
    the rows: ``starts`` are rules' y and ids' tops (keys of ``id_words``). Between two ids the rows part at the
    widest band no word crosses (the cells' padding), where it is clearly wider than the band just above the id's
    line (cells set at the row's top part there; lines spaced as widely as the rows are not parted elsewhere,
    which cannot be told apart by spacing alone). Once rows have been seen to start a line or more above their ids
    (``state['centred']``, measured over the whole table first), the lines above a page's or a ruled band's first
    id are that row's, unless a band as wide as the rows' parting bands parts them from it (the row before,
    continued). ``left_out``: (top, bottom) of the lines left out of ``words`` (a strategy's heading row, a total
    row): a band where one stood is a whole row's height wide, not a parting band, and is not counted as one."""
    out = list(starts)
    for k in range(1, len(starts)):
        prev, s = starts[k - 1], starts[k]
        if s in id_words and prev in id_words:
            w = id_words[s]
            gaps = _gaps(words, id_words[prev].bottom, w.top)
            if not gaps:
                continue
            gap = _widest_gap(words, id_words[prev].bottom, w.top)
            above = gaps[-1][1] - gaps[-1][0] if gaps[-1][1] >= w.top - 0.5 else 0.0  # the band just above the id
            if not state.get("known"):  # (the gaps of the whole table, when known, are not counted again)
                between = any(id_words[prev].bottom <= t and b <= w.top for t, b in left_out)
                state.setdefault("row_gaps" if between else "gaps", []).append(gap[1] - gap[0])
            if gap[1] - gap[0] >= above + max(1.5, 0.25 * (w.bottom - w.top)):
                if w.top - gap[1] > 0.8 * (w.bottom - w.top):
                    state["centred"] = True
                out[k] = min(s, gap[1] - 0.5)
    if not state.get("centred"):
        return out
    gaps = state.get("gaps") or state["row_gaps"]  # (only where every pair of ids has a left-out row between)
    parting = sorted(gaps)[len(gaps) // 2]
    for k, s in enumerate(starts):
        if s not in id_words or k and starts[k - 1] in id_words:
            continue
        lo = starts[k - 1] if k else min(w.top for w in words) - 1
        above = [w for w in words if lo <= w.top < s]
        if not above:
            continue
        gap = _widest_gap(words, min(w.top for w in above), id_words[s].top)
        if gap is not None and gap[1] - gap[0] >= 0.8 * parting:
            out[k] = gap[1] - 0.5
        else:  # the lines above are this row's: it starts at the rule, or at the page's first line
            out[k] = lo
    return sorted(set(out))


def _merged_cells(table, row_starts: list, words) -> dict:
    """{id(word): (top, bottom)} for the words of ``words`` standing in a ruled cell that spans several rows of
    the name's column (``row_starts``: its cells' tops): a cell merged over several measures, no rule between their
    rows in its column. Its text, wherever it sits in the cell (at its top, mid-way, at its foot), is each row's."""
    out = {}
    for x0, top, x1, bottom in table:
        if sum(top - 1 <= s < bottom - 1 for s in row_starts) < 2:
            continue
        for w in words:
            if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom:
                out[id(w)] = (top, bottom)
    return out


def _cell_lines(words) -> list[str]:
    """A cell's printed lines. A number the word processor wrapped (a full line ending in a digit, the next
    starting with one) is joined back: 「累積盤查輔導 4」 over 「8 家次」 is 48 家次. A measure id is no such
    number: an id's line is whole (an id column's 「1.1.4」 over a heading's 「1.2」 are two lines)."""
    lines = lines_of(words)
    if not lines:
        return []
    right = max(ln.words[-1].x1 for ln in lines)
    out = [lines[0].text]
    for prev, ln in zip(lines, lines[1:]):
        em = max(prev.bottom - prev.top, 1.0)
        if (re.search(r"\d[.,]?$", out[-1]) and re.match(r"\d", ln.text) and prev.words[-1].x1 > right - em
                and out[-1] and not opens_with_id(out[-1]) and not opens_with_id(ln.text)):
            out[-1] += ln.text
        else:
            out.append(ln.text)
    return out


_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def nows(text: str) -> str:
    """``text`` without any space (PDF spaces fall inside Chinese words: 經 濟 部 is 經濟部)."""
    return _SPACES.sub("", text or "")


def masked(text: str) -> str:
    """A line as its pages repeat it: without spaces, its numbers masked (第 3 頁 and 第 4 頁 are one line)."""
    return _DIGITS.sub("#", nows(text))


def _running_head(lines: list[Line], heads: dict) -> int:
    """How many first lines are a running head: repeated at other pages' tops, set apart (or at half of the
    pages' tops or more: a head set close above the text), not column titles."""
    n = 0
    while len(lines) - n >= 2:
        ln, below = lines[n], lines[n + 1]
        seen = heads.get(masked(ln.text), 0)
        apart = below.top - ln.bottom > 0.6 * max(ln.bottom - ln.top, 1.0) or seen >= max(3, sum(heads.values()) / 2)
        titles = sum(title_fragment(w.text) for w in ln.words) >= 3
        if apart and not titles and seen >= 2:
            n += 1
            continue
        break
    return n


def _edges(laid) -> tuple[dict, dict]:
    """How often each first and each last line (digits masked) stands at a page's top and foot."""
    heads: dict = {}
    feet: dict = {}
    for ls in laid:
        if ls:
            heads[masked(ls[0].text)] = heads.get(masked(ls[0].text), 0) + 1
            feet[masked(ls[-1].text)] = feet.get(masked(ls[-1].text), 0) + 1
    return heads, feet


def _footer(lines: list[Line], feet: dict, width: float) -> int:
    """How many last lines are a footer: set apart at the foot, and a page number in the middle of the
    page or a line repeated on other pages' feet."""
    n = 0
    while len(lines) - n >= 1:
        ln = lines[-1 - n]
        above = lines[-2 - n] if len(lines) - n >= 2 else None  # (a page holding its footer alone)
        apart = above is None or ln.top - above.bottom > 0.6 * max(ln.bottom - ln.top, 1.0)
        middle = abs((ln.words[0].x0 + ln.words[-1].x1) / 2 - width / 2) < 0.1 * width
        if apart and (PAGE_NO.match(ln.text.strip()) and middle or feet.get(masked(ln.text), 0) >= 2):
            n += 1
            continue
        break
    return n


def _place_above(pending, row: Row, row_words, spanning: list) -> None:
    """The lines above the annex's first measure id (``pending``: page, words, cells), where no row stands before
    them: the first row's, column by column, when the layout shows they are (they stand in the columns' bands below
    the titles, as the lines above a crossing line were taken out before, and no band wider than a line parts them
    from the row: its cells start higher than its id); the name's column's lines, which would stand before the id,
    and lines set apart are named and not read."""
    page, words, cells = pending
    height = sorted(w.bottom - w.top for w in words + row_words)[len(words + row_words) // 2]
    apart = min(w.top for w in row_words) - max(w.bottom for w in words) > 1.5 * max(height, 1.0)
    joined = []
    for c in range(NCOL):
        if not cells[c]:
            continue
        if c == 0 or apart:
            why = ("stands above the annex's first measure id, set apart from its row: not read" if apart else
                   f"stands above measure id '{row.cells[0][0].split()[0]}' in the name's column: not read")
            spanning.extend((page, t, why) for t in cells[c])
            continue
        row.cells[c] = cells[c] + row.cells[c]
        joined.append(COLUMNS[c][0])
    if joined:
        row.above.append((page, joined))


def annex_rows(pages, first: int):
    """(rows, how, titles not read, lines across the columns, {column: title as printed}) of the annex
    table from page index ``first`` on; None where no header is found.

    ``how`` is 'ruled' when every page's cells came from ruling lines, 'positions' when some came from
    word positions alone. A line whose words cross a column boundary (a heading row spanning the table,
    a note under it) is not a cell: it is returned as (page, text) for the review."""
    laid = []
    for pg in pages[first:]:
        laid.append((pg, lines_of(pg.words)))
    heads, feet = _edges([ls for _, ls in laid])

    def read(centred: dict):
        rows: list[Row] = []
        skipped: set = set()
        spanning: list = []
        first_header = None
        header = None
        ruled_all = True
        found = False
        # {column: rows} sharing a ruled cell merged over them that the page's foot broke: its lines on the next page
        # are each one's too
        broken_merged: dict = {}
        for pg, ls in laid:
            h = find_header(ls)
            if h is not None:
                header, found = h, True
                first_header = first_header or h
                header_words: list = []  # (the body words of the header's page, once read)
                body_lines = [ln for ln in ls if ln.top > h.bottom + 0.5]
            elif header is not None:  # no header row on this page: the last one's columns
                body_lines = ls[_running_head(ls, heads):]
            else:
                continue
            skipped |= {t for c, t in zip(header.columns, header.titles) if c is None}
            body_lines = body_lines[: len(body_lines) - _footer(body_lines, feet, pg.width)]
            words = [w for ln in body_lines for w in ln.words]
            if not words:
                continue
            if h is not None:
                top, head_bottom = h.top, h.bottom
            else:  # a page the header row is not repeated on: its table starts over its first line, at the page's top
                first_line = body_lines[0]
                top = head_bottom = first_line.top - (first_line.bottom - first_line.top) - 2
            xs, table = _ruled_grid(pg.rules, header, top)
            if table is not None and max(c[3] for c in table) <= head_bottom + 2:
                table = None  # only the header row is ruled: the body is read by word positions (its rules kept)
            if table is not None:  # words outside the ruled table (notes below it) are not cells
                x_lo, x_hi = min(c[0] for c in table), max(c[2] for c in table)
                y_lo, y_hi = min(c[1] for c in table), max(c[3] for c in table)
                inside = [w for w in words
                          if x_lo - 2 <= (w.x0 + w.x1) / 2 <= x_hi + 2 and y_lo - 2 <= w.top <= y_hi + 2]
                kept = {id(w) for w in inside}
                spanning += [(pg.number, ln.text, "stands outside the ruled table, in no cell: not read")
                             for ln in lines_of([w for w in words if id(w) not in kept])]
                words = inside
            else:
                ruled_all = False
            if h is not None:
                header_words = words
            # a page the header row is not repeated on may hold a row or two: its columns are found with the words of
            # the header's page as well (a boundary is where the fewest words cross, which a few cannot show)
            bounds = _boundaries(header, words if h is not None else header_words + words, xs)

            # a line across the columns (a pillar's heading row, a note), or a numbered heading alone in the first
            # column (「一、輔導產業…」, 「策略1.2」, narrow enough to fit it) or opening with a strategy's number in
            # the id column (「1.2」 beside its name), a note under the table (「資料來源：各機關」) or a total row
            # (「合計 …」), is no cell: left out, and listed
            first_right = bounds[min(header.columns.index(0), len(bounds) - 1)]
            id_right = bounds[header.columns.index(ID)] if ID in header.columns[:-1] else None
            body = lines_of(words)
            across = []
            k = -1
            while (k := k + 1) < len(body):
                ln = body[k]
                in_first = all(w.x1 <= first_right + 3 for w in ln.words)
                heading = in_first and bool(HEADING.match(ln.text) or STRATEGY_HEADING.match(ln.text)
                                            or id_right is not None and STRATEGY_NUMBER.match(ln.text)
                                            and ln.words[0].x1 <= id_right + 3)
                if (heading or any(w.x0 < b - 3 and w.x1 > b + 3 for w in ln.words for b in bounds)
                        or TABLE_NOTE.match(ln.text) and in_first
                        or TOTAL_ROW.match(ln.text) and ln.words[0].x1 <= first_right + 3):
                    across.append(ln)
                # a heading wrapped in its narrow cell: its further lines, set as close below it as a cell's lines
                # and in the first columns, are the heading's (not the cells of the row above)
                last = ln
                while heading and k + 1 < len(body):
                    nxt = body[k + 1]
                    if (nxt.top - last.bottom > 0.6 * max(last.bottom - last.top, 1.0) or opens_with_id(nxt.text)
                            or any(w.x1 > first_right + 3 for w in nxt.words)):
                        break
                    ln.words = ln.words + nxt.words
                    last = body.pop(k + 1)
            spanning += [(pg.number, ln.text, None) for ln in across]
            drop = {id(w) for ln in across for w in ln.words}
            words = [w for w in words if id(w) not in drop]
            if not words:
                continue

            def col(w, columns=header.columns, bounds=bounds):  # its COLUMNS index (None: a column not read)
                return columns[sum(w.x0 + 0.75 >= b for b in bounds)]

            # row starts: the rules across the first column, else the lines of the first column opening with an id;
            # a ruled band holding several ids (rules under the header and at the foot only) splits at each further id
            # (a row starts at the top of its id's line: words of another font on it may stand a point higher)
            line_top = {id(w): ln.top for ln in lines_of(words) for w in ln.words}
            id_words = {line_top[id(w)] - 0.5: w for w in words if col(w) in (0, ID) and opens_with_id(w.text)}
            ids = sorted(id_words)
            starts = []
            spread: dict = {}  # id(word) -> (top, bottom) of the ruled cell merged over several rows it stands in
            if table is not None:
                b0 = header.bands[header.columns.index(0)]
                c0 = (b0[0] + b0[1]) / 2
                starts = sorted({round(c[1], 1) for c in table if c[0] <= c0 <= c[2] and c[1] > head_bottom - 1})
                spread = _merged_cells(table, starts, [w for w in words if col(w) not in (0, ID)])
                inner = []
                for a, b in zip(starts, starts[1:] + [float("inf")]):
                    inside = [t for t in ids if a <= t < b]
                    # the band opens with its first id, unless it holds several (no rules between the rows) and a row
                    # broken at the page's foot continues above the first
                    if len(inside) < 2 or not any(a <= w.top < inside[0] - 2 for w in words):
                        inside = inside[1:]
                    inner += inside
                starts = sorted(set(starts) | set(inner))
            if not starts:
                starts = ids
            left_out = [(min(w.top for w in ln.words), max(w.bottom for w in ln.words)) for ln in across]
            starts = _centred_starts(starts, id_words, words, centred, left_out)
            if not starts or starts[0] > min(w.top for w in words):
                starts = [min(w.top for w in words) - 1] + starts
            bands = list(zip(starts, starts[1:] + [float("inf")]))
            pending = None  # (words, cells) above the first id of the annex's first rows: no row before them
            taken: dict = {}  # merged cell (top, bottom) -> the row it was read into last
            sharing: dict = {}  # merged cell (top, bottom) -> (its column, the rows it was read into)

            def share_merged(row, ws, opens: bool, page=pg.number, col=col, spread=spread, taken=taken,
                             sharing=sharing) -> None:
                """The merged cells ``ws`` holds, read into ``row``: named for the review, and kept so that their
                words go to each row they span once. A row that ``opens`` under the page's top, whose piece of a cell
                the page break parted from its text, takes all of that text."""
                merged_cols = sorted({col(w) for w in ws if id(w) in spread} - {None})
                if merged_cols:
                    row.merged.append((page, [COLUMNS[c][0] for c in merged_cols]))
                for cell, c in {spread[id(w)]: col(w) for w in ws if id(w) in spread}.items():
                    before = taken.get(cell)
                    if opens and before is not None and before.page != page:
                        row.cells[c] = list(before.cells[c])
                    taken[cell] = row
                    sharing.setdefault(cell, (c, []))[1].append(row)

            for a, b in bands:
                ws = [w for w in words if a <= w.top < b] if not spread else [
                    w for w in words if (a <= w.top < b if id(w) not in spread
                                         else max(a, spread[id(w)][0]) < min(b, spread[id(w)][1]) - 2)]
                if not ws:
                    continue
                if not any(col(w) in (0, ID) and opens_with_id(w.text) for w in ws) and rows:
                    # a merged cell's words go to each row it spans once: not again to a row continued in a sub-row
                    ws = [w for w in ws if id(w) not in spread or taken.get(spread[id(w)]) is not rows[-1]]
                    if not ws:
                        continue
                cells = [_cell_lines([w for w in ws if col(w) == c]) for c in range(NCOL)]
                id_cell = _cell_lines([w for w in ws if col(w) == ID])
                if id_cell and opens_with_id(id_cell[0]) and not (cells[0] and opens_with_id(cells[0][0])):
                    cells[0] = [f"{id_cell[0]} {cells[0][0] if cells[0] else ''}".strip()] + cells[0][1:]
                    id_cell = id_cell[1:]
                spanning += [(pg.number, t, "stands in the id column (項次) beside no id's line: not read")
                             for t in id_cell if not opens_with_id(t)]
                # the name's cell opening with other text than the id (a line set above the id in its cell): that
                # text is in no cell the extractor reads, and is named; the row opens at its id
                at = next((j for j, t in enumerate(cells[0]) if opens_with_id(t)), None)
                if at:
                    spanning += [(pg.number, t, f"stands above measure id '{cells[0][at].split()[0]}' in the name's"
                                                " cell: not read") for t in cells[0][:at]]
                    cells[0] = cells[0][at:]
                if cells[0] and opens_with_id(cells[0][0]):
                    row = Row(pg.number, min(w.top for w in ws), cells, set_mid_row=table is None
                              and bool(centred.get("centred")))
                    share_merged(row, ws, opens=True)
                    if pending is not None:
                        _place_above(pending, row, ws, spanning)
                        pending = None
                    rows.append(row)
                elif rows:  # the row before continues here (after a page break, or in a sub-row)
                    prev = rows[-1]
                    share_merged(prev, ws, opens=False)
                    if prev.page != pg.number:
                        prev.continued.append((pg.number, [COLUMNS[c][0] for c in range(NCOL) if cells[c]]))
                        for c, shared in broken_merged.items():
                            for r in shared if prev in shared and cells[c] else []:
                                if r is not prev:
                                    r.cells[c] += cells[c]
                    for c in range(NCOL):
                        prev.cells[c] += cells[c]
                else:  # above the annex's first id, no row before it: the row below's if the layout shows it
                    pending = (pg.number, ws, cells) if pending is None else (
                        pg.number, pending[1] + ws, [p + c for p, c in zip(pending[2], cells)])
            foot = max((c[3] for c in table), default=0.0) if table is not None else None
            broken_merged = {c: shared for (_, bottom), (c, shared) in sharing.items()
                             if foot is not None and bottom >= foot - 2 and c is not None}
            if pending is not None:  # (no row opens below it on its page)
                spanning += [(pending[0], t, "stands above the annex's first measure id, in no row: not read")
                             for c in range(NCOL) for t in pending[2][c]]
        return rows, skipped, spanning, first_header, ruled_all, found

    # what the rows' spacing tells (see _centred_starts) is gathered over the whole table first: a row set mid-row
    # and broken across pages before any row has shown the table to be set so is then parted as the rows after it
    centred: dict = {}
    rows, skipped, spanning, first_header, ruled_all, found = read(centred)
    if centred.get("centred"):
        rows, skipped, spanning, first_header, ruled_all, found = read({**centred, "known": True})
    if not found:
        return None
    titles = {COLUMNS[c][0]: t for c, t in zip(first_header.columns, first_header.titles) if c not in (None, ID)}
    return rows, "ruled" if ruled_all else "positions", sorted(skipped), spanning, titles


def _watermarks(pages) -> None:
    """Drop, in place, a watermark's words: a word set larger than twice the page's common text, in the middle half
    of the page, at the same place on half of the pages of that size or more (at least three)."""
    sizes: dict = {}
    for pg in pages:
        sizes.setdefault((round(pg.width), round(pg.height)), []).append(pg)
    for same in sizes.values():
        seen: dict = {}
        for pg in same:
            heights = sorted(w.bottom - w.top for w in pg.words)
            common = heights[len(heights) // 2] if heights else 0.0
            for w in {(w.text, round(w.x0), round(w.top)) for w in pg.words
                      if pg.height / 4 < w.top < 3 * pg.height / 4 and w.bottom - w.top > 2 * common}:
                seen[w] = seen.get(w, 0) + 1
        marks = {w for w, n in seen.items() if n >= max(3, len(same) / 2)}
        for pg in same if marks else []:
            pg.words = [w for w in pg.words if (w.text, round(w.x0), round(w.top)) not in marks]


def strip_footers(pages) -> None:
    """Drop each page's running head and footer lines (page number, repeated line) from its text, and a
    watermark's words from its words and text, in place."""
    _watermarks(pages)
    laid = [lines_of(pg.words) for pg in pages]
    heads, feet = _edges(laid)
    for pg, ls in zip(pages, laid):
        top, foot = _running_head(ls, heads), _footer(ls, feet, pg.width)
        pg.text = "\n".join(ln.text for ln in ls[top: len(ls) - foot])

"""The annex: each measure's cells, from the text export by a heuristic (:func:`parse_annex`), or from the
cells a PDF's layout gives (:func:`measures_from_rows`, see :mod:`.layout`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from mfgghg.data.paths import roc_year
from mfgghg.errors import DataError

from .layout import STRATEGY_HEADING, TABLE_NOTE, nows
from .read import BARE_NUMBER, PAGE_NUMBER

CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
MEASURE_ID = r"[1-9]\d?\.[1-9]\d?\.[1-9]\d?"  # pillar.strategy.measure, 2.1.10 too
# A measure's first line: its id (1.1.2, 1.1.2.) and its name, which may open with a digit (5G…) but not with
# a number of its own (an amount); or its id alone, the name on the lines after it (an id column of its own, 項次)
ID_RE = re.compile(rf"^\s*({MEASURE_ID})\.?(?![\d.])\s*(?:(?!\d[\d,.]*(?:\s|$))(\S.*))?$")
# A measure marked new: 「(新增)」, 「(新增措施)」, 「（111年新增）」 (the mark is left out of the name)
NEW_MARK = re.compile(r"\s*[（(][^()（）]*新增[^()（）]*[)）]\s*")
# Other marks a name may carry (★ …): what they mean is in the report's legend, not read here
OTHER_MARKS = re.compile(r"[★☆※◎●▲△]")
# A year of a period, with its month or not: 110, 110年, 110年1月, 110.01 (the month is not kept)
MONTH_DOT = r"[.．/]\s*(?:0?[1-9]|1[0-2])(?![\d.])"
MONTH = rf"(?:年\s*(?:0?[1-9]|1[0-2])\s*月|{MONTH_DOT})"
YEAR_MONTH = rf"(\d{{2,3}})\s*(?:{MONTH}|年)?"
PERIOD_DASH = r"[-~～－—–至]"
# A period as the annex prints it: 110-114, 110~114, 110年至114年, 110-114年, 110－114, 110–114, 110,
# 110.01-114.12, 110年1月至114年12月 (a year with its month after a dot only before a dash: 110.5 is an amount)
PERIOD_RE = re.compile(rf"(?:^|\s)((\d{{2,3}})\s*(?:年\s*(?:0?[1-9]|1[0-2])\s*月|{MONTH_DOT}(?=\s*{PERIOD_DASH})|年)?"
                       rf"(?:\s*{PERIOD_DASH}\s*{YEAR_MONTH})?)(?=\s|$)")
# A number as printed, thousands separated by commas or not: 1,250.5 (the one pattern of the extractor's modules)
NUMBER = r"\d[\d,]*(?:\.\d+)?"
# An amount as printed: 1,250.5, or its digit groups set apart by spaces (1 250.5, read as 1250.5 and named)
AMOUNT = rf"(?:\d{{1,3}}(?:[ \u00a0\u2009\u202f]\d{{3}})+(?![\d,])(?:\.\d+)?|{NUMBER})"
AMOUNT_RE = re.compile(rf"^{AMOUNT}$")
NUM_RE = re.compile(NUMBER)
PB = "\x00PAGEBREAK"
RESULT_START = re.compile(r"^(已於|本\s*[(（]?\s*\d{3}\s*[)）]?\s*年|\d{3}\s*年(度)?\s*(完成|已|共|辦理)|完成\s*\d)")


_SPACES = re.compile(r"\s+")
_NUMBERING_SPACE = re.compile(r"(^|(?<=\s))(\d{1,2})\.\s+(?=\S)")
_ASCII_SPACE = re.compile(r"(?<=[A-Za-z0-9.]) (?=[A-Za-z0-9])")
_NUMBERING_KEPT = re.compile(r"(?<=^\d\.)\x01|(?<=[。；\s]\d\.)\x01")
_NUMBERING = re.compile(r"(^|(?<=[。；，]))(\d{1,2})\.(?=[^\d\s])")
_GROUPING = re.compile(r"[,\s]")


def squash(text: str) -> str:
    """Remove PDF spaces: keep one space only between two ASCII word characters."""
    text = _SPACES.sub(" ", text).strip()
    text = _NUMBERING_SPACE.sub(lambda m: m.group(1) + m.group(2) + ".\x02", text)
    text = _ASCII_SPACE.sub("\x01", text)
    text = _NUMBERING_KEPT.sub(" ", text)
    text = text.replace(" ", "").replace("\x01", " ").replace("\x02", " ")
    # numbering '1.' keeps one space after it, as in the hand transcription
    text = _NUMBERING.sub(r"\1\2. ", text)
    return text


def number(text: str) -> str:
    return _GROUPING.sub("", text)


@dataclass
class Measure:
    measure_id: str
    line: int
    name_zh: str = ""
    lead_agency_zh: str = ""
    co_agency_zh: str = ""
    period_roc: str = ""
    is_new: bool = False
    expected_benefits_zh: str = ""
    results_zh: str = ""
    reduction_10k_t_co2e: str = ""
    reduction_kind_zh: str = ""
    reduction_note_zh: str = ""
    funding: list = field(default_factory=list)  # (source, amount, note)
    unsure: list = field(default_factory=list)  # (field, reason)


# The annex's heading: 「附件、110 年製造部門行動方案執行情形」, 「附件一、…」, 「附件 110 年…」, 「附件：…」
ANNEX_HEADING = re.compile(r"^\s*附\s*件\s*(?:[一二三四五六七八九十]|\d(?=\s*[、，,:：]))?\s*(?:[、，,:：]\s*|(?=\d))")


def is_annex_heading(line: str) -> bool:
    return bool(ANNEX_HEADING.match(line)) and "執行情形" in nows(line)


def find_annex(lines: list[str], file) -> tuple[int, int]:
    start = None
    for i, ln in enumerate(lines):
        if "附" in ln and is_annex_heading(ln):  # (a quick test first: the heading opens with 附)
            start = i
    if start is None:
        raise DataError(file, "no annex found (a line '附件、… 執行情形' is missing)")
    return start, len(lines)


def page_header(lines: list[str], start: int, file) -> list[str]:
    hdr = []
    for i in range(start + 1, len(lines)):
        if ID_RE.match(lines[i]):
            return hdr
        if lines[i].strip() and not STRATEGY_HEADING.match(lines[i].strip()):  # (the first strategy's heading)
            hdr.append(lines[i].strip())
    raise DataError(file, f"annex starting at line {start + 1} holds no measure (no line 'N.N.N name')", row=start + 1)


def strip_headers(lines, start, hdr):
    """Return [(line_no, text)] of the annex body, page headers replaced by PB markers, and the lines a
    page prints around them left out: a running title or footer, a page number (:func:`strip_page_lines`)."""
    body = [(i + 1, lines[i].strip()) for i in range(start + 1, len(lines)) if lines[i].strip()]
    out, k, n = [], 0, len(hdr)
    while k < len(body):
        if n and body[k][1] == hdr[0] and [t for _, t in body[k:k + n]] == hdr:
            out.append((body[k][0], PB))
            k += n
            continue
        out.append(body[k])
        k += 1
    return strip_page_lines(out)


def strip_page_lines(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """``body`` without the lines that are no cell: what a page prints beside the table, that is a line
    printed next to (nearly) every page break and nowhere else (a running title or footer: as long as a
    word, at half of the breaks or more), a page number in a page number's form and bare numbers next to
    the breaks that count up by one from page to page (a number in a cell does not); a strategy's
    heading line (:data:`STRATEGY_HEADING`), the table's total row (合計 202,038 170.5) and a note under it."""
    breaks = [i for i, (_, t) in enumerate(body) if t == PB]
    if len(breaks) >= 2:
        near, every = Counter(), Counter(nows(t) for _, t in body)
        for i in breaks:
            around = [body[j][1] for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < len(body)]
            near.update({nows(t) for t in around if t != PB})
        running = {t for t, c in near.items()
                   if c >= max(2, (len(breaks) + 1) // 2) and every[t] <= len(breaks) + 1 and len(t) >= 4}
        body = [(ln, t) for ln, t in body if nows(t) not in running]
    body = [(ln, t) for ln, t in body if not PAGE_NUMBER.match(t) and not STRATEGY_HEADING.match(t)]
    total = next((j for j, (_, t) in enumerate(body) if re.fullmatch(r"(?:合計|總計)[\s\d,.-]*", t)), None)
    if total is not None:  # the table's total row, its numbers on its line or on the lines after it: no measure
        end = total + 1
        while end < len(body) and re.fullmatch(r"[\d,.\s-]+", body[end][1]):
            end += 1
        body = body[:total] + [row for row in body[end:] if not TABLE_NOTE.match(row[1])]  # (資料來源：各機關)
    breaks = [i for i, (_, t) in enumerate(body) if t == PB] + [len(body)]
    beside = []  # per break (and the end): the bare number just before it or just after it
    for i in breaks:
        at = next((j for j in (i - 1, i + 1) if 0 <= j < len(body) and BARE_NUMBER.match(body[j][1])), None)
        beside.append((at, int(body[at][1]) if at is not None else None))
    pages = set()
    for (a, x), (b, y) in zip(beside, beside[1:]):
        if x is not None and y is not None and y == x + 1:
            pages |= {a, b}
    return [row for j, row in enumerate(body) if j not in pages]


def split_agency(pre: str, agencies: list[str], previous_name: str = ""):
    """pre = name + agency text (spaces removed). Return name, lead, co, ok. An agency not in ``agencies``
    (renamed, say) is split off the measure's name the previous year printed, where ``pre`` starts with it."""
    co = ""
    m = re.search(r"[（(]([^()（）]+)[)）]$", pre)
    inner = re.sub(r"^協辦\s*[:：]?", "", m.group(1)) if m else ""  # (協辦：國科會)
    if m and all(a in agencies for a in re.split(r"[、，,]", inner)):  # one co-agency, or several (國科會、環保署)
        co = inner
        pre = pre[: m.start()]
    for a in sorted(agencies, key=len, reverse=True):
        if pre.endswith(a):
            return pre[: -len(a)], a, co, True
    known = nows(previous_name)
    if known and pre.startswith(known) and re.fullmatch(r"[\u4e00-\u9fff]{2,16}", pre[len(known):]):
        return known, pre[len(known):], co, False
    # an agency not in the list: the rightmost known ministry followed by a short unit name
    ministry = re.compile(r"^.*?(?:部|署|會|院)")
    heads = sorted({ministry.match(a).group(0) for a in agencies if ministry.match(a)},
                   key=len, reverse=True)
    best = None
    for h in heads:
        i = pre.rfind(h)
        if i > 0 and re.fullmatch(r"[\u4e00-\u9fff]{0,8}", pre[i + len(h):]) and (best is None or i > best):
            best = i
    if best is not None:
        return pre[:best], pre[best:], co, False
    m = re.search(r"([\u4e00-\u9fff]{2,4}(?:部|署|會|院))([\u4e00-\u9fff]{1,8}(?:局|處|會|司|署))?$", pre)
    if m:
        return pre[: m.start()], m.group(0), co, False
    return pre, "", co, False


# The words of a reduction's kind in its parentheses (實質減碳, 預期減碳, 減碳潛力, 減量), or a kind in other words
# (預估值, 估算: kept as printed and named, see :func:`name_kinds`)
REDUCTION_KIND = r"減碳|潛力|減量|預估|估算|推估|估計|預期|預計|實質|實際"
# A parenthesis as a cell prints it, with one inside it or not: (公務預算), (公務預算(經濟部)); group 1 its text
PARENS = r"[（(]((?:[^()（）]|[（(][^()（）]*[)）])*)[)）]"
# The units a money or reduction cell may print after its amount (spaces removed): 0.42 萬公噸CO2e, 3,813 tCO2e
MONEY_UNITS = r"千元|萬元|元|萬(?![公噸])"  # (萬 alone: 萬元)
REDUCTION_UNITS = r"(?:萬公噸(?:CO2e)?|萬噸(?:CO2e)?|公噸(?:CO2e)?|tCO2e)(?:/年)?"
UNIT_AFTER_AMOUNT = re.compile(rf"^(?:{REDUCTION_UNITS}|{MONEY_UNITS})")


def _amount_line(t: str):
    """A line opening with an amount: (the amount, the unit printed after it or '', the text after both), or None."""
    am = re.match(rf"^(?:約\s*)?({AMOUNT})\s*(.*)$", t)  # (約: about, as printed; the review says so)
    if not am or not AMOUNT_RE.match(am.group(1)):
        return None
    um = UNIT_AFTER_AMOUNT.match(nows(am.group(2)))
    if um is None:
        return am.group(1), "", am.group(2)
    return am.group(1), "萬元" if um.group(0) == "萬" else um.group(0), nows(am.group(2))[um.end():]


SOURCE_THEN_AMOUNT = re.compile(rf"^({PARENS})\s*((?:約\s*)?{AMOUNT}\s*(?:{REDUCTION_UNITS}|{MONEY_UNITS})?)$")


def _source_first(items, j):
    """``items`` with the money (and the reduction) cell from ``j`` turned into the amount-first order, where the cell
    prints each source (or kind) before its amount: 「(公務預算)1,250.5」, or 「(公務預算)」 over 「1,250.5」; None
    where line ``j`` opens no such cell. A source broken over lines is joined first."""
    out, k = [], j
    while k < len(items):
        t, n = items[k][1], 1
        while (t.startswith(("(", "（")) and t.count("(") + t.count("（") > t.count(")") + t.count("）")
               and k + n < len(items) and items[k + n][1] != PB and n < 4):
            t += items[k + n][1]
            n += 1
        if k + n < len(items) and re.fullmatch(PARENS, t) and _amount_line(items[k + n][1]) is not None \
                and not _amount_line(items[k + n][1])[2]:
            t, n = t + items[k + n][1], n + 1
        sm = SOURCE_THEN_AMOUNT.match(t)
        if sm is None:
            break
        out.append((items[k][0], f"{sm.group(3)} {sm.group(1)}"))
        k += n
    return items[:j] + out + items[k:] if out else None


def _amount_at(items, j) -> bool:
    """items[j] opens a money entry: an amount (and its unit) followed by '(', or alone, its source on the next line
    (after a page break, it may be)."""
    found = _amount_line(items[j][1])
    if found is None:
        return False
    if found[2]:
        return found[2].startswith(("(", "（"))
    after = [t for _, t in items[j + 1:j + 3]]  # its source on the next line, or across a page break
    return bool(after) and (after[0].startswith(("(", "（"))
                            or after[0] == PB and len(after) > 1 and after[1].startswith(("(", "（")))


def _amount_after_text(items, j):
    """``items`` with line ``j``'s last word split off where it is an amount whose source opens the next line: the
    money cell's first line set on the text cells' line (an export joins what stands on one baseline); else None."""
    mm = re.match(r"^(.*\S)\s+((?:約\s*)?[\d,]+(?:\.\d+)?)$", items[j][1])
    if mm is None or j + 1 >= len(items) or not items[j + 1][1].startswith(("(", "（")):
        return None
    ln = items[j][0]
    return items[:j] + [(ln, mm.group(1)), (ln, mm.group(2))] + items[j + 1:]


# Where an export joins what stands on one baseline (pdftotext -raw): the money's and the reduction's first lines, two
# amounts, end a line (of the text cells, or alone); the cells' other lines, the sources, any further amount with its
# source and the reduction's kind, follow on lines of their own ((能源基金) (實質減碳), or one a line), after the text
# cells' lines or a page break (a row broken across pages)
AMOUNTS_ENDING = re.compile(rf"^(?:(.*\S)\s+)?((?:約\s*)?{NUMBER})\s+((?:約\s*)?{NUMBER})$")
CELL_TOKEN = re.compile(rf"\s*(?:{PARENS}|((?:約\s*)?{NUMBER}))(?=\s|$|[（(])")


def _cell_tokens(t: str):
    """A line that holds only sources (parentheses) and amounts: [(kind 'p' or 'a', text)]; None for another line."""
    out, pos = [], 0
    while pos < len(t):
        tm = CELL_TOKEN.match(t, pos)
        if tm is None or tm.end() == pos:
            return None
        out.append(("p", nows(tm.group(1))) if tm.group(1) is not None else ("a", tm.group(2)))
        pos = tm.end()
        pos += len(t[pos:]) - len(t[pos:].lstrip())
    return out or None


def _amounts_apart(items):
    """``items`` with the money and reduction cells gathered where their amounts end a line and their sources and the
    reduction's kind stand on later lines of their own (:data:`AMOUNTS_ENDING`): (items, where the cells now start,
    the index of the amounts' line, whether text stood before the amounts on it, what was read so); else None."""
    for j, (ln, t) in enumerate(items):
        am = AMOUNTS_ENDING.match(t) if t != PB else None
        if am is None or not all(AMOUNT_RE.match(re.sub(r"^約\s*", "", am.group(g))) for g in (2, 3)):
            continue
        s = next((s for s in range(j + 1, len(items)) if items[s][1] != PB and _cell_tokens(items[s][1])), None)
        if s is None or _cell_tokens(items[s][1])[0][0] != "p":
            continue  # (an amount alone on a line first: the cells follow each other, not this shape)
        tokens, e = [], s
        while e < len(items) and items[e][1] != PB and _cell_tokens(items[e][1]):
            tokens += _cell_tokens(items[e][1])
            e += 1
        # [[amount, its sources…]…]: the first amount's sources lead; the last source, a kind, is the reduction's
        money = [[am.group(2)]]
        for kind, text in tokens:
            if kind == "a":
                money.append([text])
            else:
                money[-1].append(text)
        kinds = [k for k, (what, text) in enumerate(tokens) if what == "p" and re.search(REDUCTION_KIND, text)]
        if kinds != [len(tokens) - 1] or any(len(x) < 2 for x in money[:-1]) or len(money[-1]) < 3:
            continue  # (the kind last, after every amount's source)
        kind = money[-1].pop()
        cells = [(ln, f"{x[0]} " + "".join(f"({p})" for p in x[1:])) for x in money] + [(ln, f"{am.group(3)} ({kind})")]
        text = [(ln, am.group(1))] if am.group(1) else []
        broken = " after a page break" if any(t == PB for _, t in items[j:s]) else ""
        said = (f"the amounts {am.group(2)} (money) and {am.group(3)} (reduction) end line {ln}, their sources and"
                f" kind stand on line {items[s][0]}{broken}"
                + (f" (further money: {', '.join(x[0] for x in money[1:])})" if len(money) > 1 else "")
                + ": read as the money and reduction cells")
        return items[:j] + text + cells + items[j + 1:s] + items[e:], j + len(text), j, bool(text), said
    return None


def parse_tail(items, m: Measure, file, note_to_full_stop: bool = False):
    """items: [(line, text)] from the first amount line. Fills funding / reduction. ``note_to_full_stop``: a
    reduction cell that is a note ends at its first line ending in 。 (other cells follow it).

    A page break inside the money cell: the text cells continue first on the new page (in column order),
    then the money cell. The amounts after the break stay with this measure; the text lines between the
    break and them are handed back, after the break marker, for the text cells."""
    k = 0
    pairs = []  # (amount, [parens], line)
    units = {}  # pair index -> the unit printed after its amount
    rest = []
    cont = []  # a page break and the text cells' continuation before the money continues
    while k < len(items):
        ln, t = items[k]
        if t == PB:
            j = next((j for j in range(k + 1, len(items)) if items[j][1] == PB or _amount_at(items, j)), None)
            reduction_done = pairs and pairs[-1][1] and re.search(REDUCTION_KIND, pairs[-1][1][-1])
            if j is not None and items[j][1] != PB and not reduction_done:
                m.unsure.append(("funding/reduction",
                                 f"money and reduction cells split by the page break at line {ln}"))
                cont += items[k:j]
                k = j
                continue
            rest = items[k:]
            break
        if re.fullmatch(r"-(\s+-)*", t):
            pairs.append(("-", [], ln))
            k += 1
            continue
        found = _amount_line(t)  # (a unit may be printed in the cell: 0.42 萬公噸 CO2e)
        if found and (not found[2] or found[2].startswith(("(", "（"))):
            if found[1]:
                units[len(pairs)] = found[1]
            parens, tail = [], found[2]
            k += 1
            while True:
                if not tail:
                    if k < len(items) and items[k][1].startswith(("(", "（")):
                        tail = items[k][1]
                        k += 1
                    elif (not parens and k + 1 < len(items) and items[k][1] == PB
                          and items[k + 1][1].startswith(("(", "（"))):  # its source on the next page
                        m.unsure.append(("funding", f"amount {found[0]} and its source split by the page break at"
                                                    f" line {items[k][0]}"))
                        tail = items[k + 1][1]
                        k += 2
                    else:
                        break
                # join an unclosed paren with the following lines
                while (tail.count("(") + tail.count("（") > tail.count(")") + tail.count("）") and k < len(items)
                       and items[k][1] != PB):
                    tail += items[k][1]
                    k += 1
                for p in re.findall(PARENS, tail):
                    parens.append(nows(p))
                tail = ""
            pairs.append((found[0], parens, ln))
            continue
        rest = items[k:]
        break
    red = None
    kinds = [i for i, (_, ps, _) in enumerate(pairs) if ps and re.search(REDUCTION_KIND, ps[-1])]
    if kinds == [0] and len(pairs) > 1:  # the reduction printed before the money (the export's columns reordered)
        red = pairs.pop(0)
        units = {i - 1: u for i, u in units.items() if i} | ({len(pairs): units[0]} if 0 in units else {})
        m.unsure.append(("funding/reduction", f"the reduction {red[0]} ({red[1][-1]}) is printed before the money:"
                                              " read as the reduction"))
    elif pairs and pairs[-1][1] and re.search(REDUCTION_KIND, pairs[-1][1][-1]):
        red = pairs.pop()
    elif len(pairs) > 1 and not pairs[-1][1] and pairs[-2][1] and not (rest and rest[0][1] != PB):
        # the cell's last amount, printed without a kind after money with its source: the reduction, for review
        red = (pairs[-1][0], [""], pairs[-1][2])
        pairs.pop()
        m.unsure.append(("reduction_kind_zh", f"reduction {red[0]} printed without its kind (實質/預期減碳,"
                                              " 減碳潛力): enter it"))
    more = [(a, ps[-1]) for a, ps, _ in pairs if ps and re.search(REDUCTION_KIND, ps[-1])]
    if red and more:  # several reductions printed: none is money
        pairs = [p for p in pairs if not (p[1] and re.search(REDUCTION_KIND, p[1][-1]))]
        m.unsure.append(("reduction_10k_t_co2e", "the cell prints several reductions ("
                         + ", ".join(f"{a} {k}" for a, k in [*more, (red[0], red[1][-1])])
                         + "): the last was read; enter the reduction"))
    if any(t.lstrip().startswith("約") for _, t in items[:k]):
        m.unsure.append(("funding/reduction", "an amount printed with 約 (about): read as printed, without it"))
    if not pairs:
        raise DataError(file, f"measure {m.measure_id}: no funding cell (實際經費) found before its reduction",
                        row=m.line)
    record_funding(m, pairs)
    for i, (amount, _, ln) in enumerate(pairs):
        if units.get(i, "萬元") != "萬元":
            m.unsure.append(("funding", f"amount {amount} at line {ln} printed in {units[i]}, written as printed"
                                        " (the file is in 萬元): convert it"))
    after = []
    if red:
        m.reduction_10k_t_co2e = number(red[0])
        m.reduction_kind_zh = red[1][-1]
        unit = units.get(len(pairs), "")
        if unit and not unit.startswith("萬"):
            m.unsure.append(("reduction_10k_t_co2e", f"printed in {unit}, written as printed (the file is in"
                                                     " 萬公噸CO2e): convert it"))
        after = rest
    else:
        note_lines = []
        k = 0
        while k < len(rest) and rest[k][1] != PB:
            note_lines.append(rest[k][1])
            k += 1
            if note_to_full_stop and re.search(r"。$|^-(?:\s+-)*$", note_lines[-1].strip()):
                break
        after = rest[k:]
        if pairs and pairs[-1][0] == "-" and not note_lines:
            note_lines = ["-"]
        m.reduction_note_zh = squash(" ".join(note_lines))
        if not m.reduction_note_zh:
            raise DataError(file, f"measure {m.measure_id}: no reduction cell (減碳量) found", row=m.line)
        _flag_unread_reduction(m)
    return cont + after


def record_funding(m: Measure, pairs):
    """pairs: (amount as printed, [parenthesised texts], line) -> m.funding, with notes and review items."""
    for amount, parens, ln in pairs:
        if amount == "-":
            continue
        if re.search(r"\d\s\d", amount):
            m.unsure.append(("funding", f"amount '{amount}' at line {ln} printed with spaces between its digit groups:"
                                        f" read as {number(amount)}"))
        if not parens:
            m.unsure.append(("funding", f"amount {amount} at line {ln} has no source in parentheses"))
            m.funding.append(("", number(amount), "no source printed"))
            continue
        note, source = "", parens[-1]
        outer = re.sub(PARENS, "", source)
        if outer != source and outer:  # (公務預算(經濟部)): the source is the words outside the inner parenthesis
            note = f"printed as '{amount} ({source})'; the source is taken as {outer}"
            m.unsure.append(("funding", f"amount {amount} at line {ln}: source printed '({source})', read as {outer}"))
            source = outer
        if len(parens) > 1:
            note = ("printed as '" + amount + " " + " ".join(f"({p})" for p in parens)
                    + "'; the last parenthesis is taken as the source")
            m.unsure.append(("funding", f"amount {amount} at line {ln} carries several parentheses"))
        if not note and re.search(r"[、及與和/]", source):
            parts = [x for x in re.split(r"[、及與和/]", source) if x]
            note = f"one amount printed for the {len(parts)} sources together" if len(parts) > 1 else ""
        m.funding.append((source, number(amount), note))


def parse_text_cells(items, m: Measure, first: str):
    """Split the 預期效益 / 執行成果 lines. Heuristic; marked unsure when ambiguous.

    On one page the cells come column by column: 預期效益 lines, then 執行成果 lines. After a page break
    the rest of each cell follows in the same order.
    """
    exp, res = [], []
    cur = exp
    last_no = 0
    numbered = bool(re.match(r"^\d{1,2}\.", first)) if first else False
    seq = ([first] if first else []) + [t for _, t in items]
    cont = False

    def ended(lst):
        return bool(lst) and lst[-1].rstrip().endswith(("。", "：", ":"))

    for t in seq:
        nm = re.match(r"^(\d{1,2})\.\s*\D", t)
        no = int(nm.group(1)) if nm else None
        if t == PB:
            cont = True
            cur = exp if exp else res
            m.unsure.append(("expected_benefits_zh/results_zh", "text continued across a page break"))
            continue
        both = re.match(r"^(\d{1,2}\.\s*.+?)\s+(1\.\s*.+)$", t)
        if both and cur is exp and not cont:
            exp.append(both.group(1))
            res.append(both.group(2))
            cur = res
            last_no = int(re.match(r"\d+", both.group(1)).group(0))
            continue
        if cont:
            if cur is exp:
                if not ended(exp) or (no is not None and no == last_no + 1):
                    if no is not None and no == last_no + 1:
                        last_no = no
                else:
                    cur = res
            cur.append(t)
            continue
        if cur is exp:
            if nm:
                if no == 1 and exp:
                    cur = res
                elif no == last_no + 1:
                    last_no = no
            elif exp and ended(exp):
                cur = res
            elif exp and not numbered and RESULT_START.match(t):
                cur = res
                m.unsure.append(("expected_benefits_zh/results_zh",
                                 f"執行成果 taken to start at '{t[:12]}' (a report-year phrase inside an"
                                 " unfinished sentence)"))
        cur.append(t)
    both = next((i for i, t in enumerate(exp) if re.search(r"。\s+\S", t)), None) if not res else None
    if both is not None:  # the cells' first lines on one baseline: an export joins them (「…2.6萬公噸。 110年…」)
        head, tail = re.split(r"(?<=。)\s+(?=\S)", exp[both], maxsplit=1)
        exp, res = exp[:both] + [head], [tail] + exp[both + 1:]
        m.unsure.append(("expected_benefits_zh/results_zh", "預期效益 and 執行成果 printed on one line: parted at its"
                                                            " first full stop followed by a space"))
    m.expected_benefits_zh = squash(" ".join(exp))
    m.results_zh = squash(" ".join(res))
    if not m.results_zh:
        m.unsure.append(("results_zh", "no 執行成果 text separated from 預期效益"))


def parse_annex(text: str, file, agencies: list[str], names: dict[str, str] | None = None) -> list[Measure]:
    """The measures of the annex's text; ``names``: the previous year's measure names by id (see
    :func:`split_agency`)."""
    lines = text.splitlines()
    start, _ = find_annex(lines, file)
    hdr = page_header(lines, start, file)
    body = strip_headers(lines, start, hdr)
    # blocks
    blocks, cur = [], None
    for ln, t in body:
        mm = ID_RE.match(t) if t != PB else None
        if mm:
            cur = [ln, mm.group(1), [(ln, mm.group(2))] if mm.group(2) else []]
            blocks.append(cur)
        elif cur is not None:
            cur[2].append((ln, t))
    measures = []
    seen = set()
    for k, (ln, mid, items) in enumerate(blocks):
        try:
            measures.append(_measure(ln, mid, items, file, agencies, seen, (names or {}).get(mid, "")))
        except DataError as err:
            if k + 1 < len(blocks):
                raise
            # the last measure lacks a cell: the text stops inside it
            raise DataError(file, f"report cut off inside the last measure: {err.message}", row=err.row) from None
    if not measures:
        raise DataError(file, "annex holds no measure", row=start + 1)
    return measures


def _measure(ln, mid, items, file, agencies, seen, previous_name="") -> Measure:
    m = Measure(mid, ln)
    if mid in seen:
        raise DataError(file, f"measure {mid} printed twice", row=ln)
    seen.add(mid)
    # period
    pi = None
    for j, (_, t) in enumerate(items):
        if t == PB:
            continue
        joined = _period_over_lines(items, j)
        if joined is not None:  # a period broken over lines: joined
            items, t = joined, joined[j][1]
            m.unsure.append(("period_roc", "period printed over two lines: joined"))
        pm = PERIOD_RE.search(t)
        if pm:
            pi, pm_ = j, pm
            break
    if pi is None:
        raise DataError(file, f"measure {mid}: no period (推動期程) found", row=ln)
    # the money and reduction cells printed before the period (the export's columns in another order)
    early = next((j for j in range(1, pi) if items[j][1] != PB and (_amount_at(items, j) or _source_first(items, j)
                                                                   or re.fullmatch(r"-(\s+-)+", items[j][1]))), None)
    if early is not None:
        m.unsure.append(("funding/reduction", "the money and reduction cells are printed before the period (推動期程):"
                                              " read there, the reduction's note up to its first full stop"))
        tail = items[early:pi]
        turned = _source_first(tail, 0)
        if turned is not None:
            tail = turned
            m.unsure.append(("funding", "the money cell prints each source before its amount ((公務預算) 1,250.5):"
                                        " each amount read with the source printed before it"))
        left = parse_tail(tail, m, file, note_to_full_stop=True)
        items = items[:early] + left + items[pi:]
        pi = early + len(left)
    if any(t == PB for _, t in items[:pi]):
        m.unsure.append(("name_zh/lead_agency_zh", "name or agency cell continued across a page break"))
    pre = " ".join(t for _, t in items[:pi] if t != PB) + " " + items[pi][1][: pm_.start()]
    first = items[pi][1][pm_.end():].strip()
    m.period_roc = f"{pm_.group(2)}-{pm_.group(3)}" if pm_.group(3) else pm_.group(2)
    if not re.fullmatch(r"\d{2,3}(?:-\d{2,3})?", pm_.group(1)):
        months = " (its months are not kept)" if re.search(MONTH, pm_.group(1)) else ""
        m.unsure.append(("period_roc", f"period printed '{pm_.group(1)}', written {m.period_roc}{months}"))
    pre = nows(pre)
    if NEW_MARK.search(pre):
        m.is_new = True
        pre = NEW_MARK.sub("", pre)
    name, lead, co, ok = split_agency(pre, agencies, previous_name)
    if name.endswith("新增"):  # (printed bare, after the name)
        m.is_new, name = True, name[: -len("新增")]
    if not lead:
        raise DataError(file, f"measure {mid}: no lead agency (主辦機關) found", row=ln)
    if not ok:
        m.unsure.append(("lead_agency_zh", f"agency '{lead}' not in the reference list; name/agency split guessed"))
    m.lead_agency_zh, m.co_agency_zh = lead, co
    if co and co not in agencies:
        m.unsure.append(("co_agency_zh", f"co-agencies '{co}': the file holds one per measure (a reference agency)"))
    # restore ASCII spaces in the name from the original text
    raw_name = " ".join(t for _, t in items[:pi] if t != PB) + " " + items[pi][1][: pm_.start()]
    m.name_zh = _name_from_raw(raw_name, name)
    rest = items[pi + 1:]
    ti = len(rest) if early is not None else None
    split = None
    # the money's and the reduction's amounts ending a line, their sources and kind on later lines (an export that
    # joins what stands on one baseline): the cells are looked for on the lines before it only
    head = [(items[pi][0], first)] if first else []
    apart = _amounts_apart(head + rest) if early is None else None
    before = max(0, apart[2] - len(head)) if apart else len(rest)
    for j, (_, t) in enumerate(rest[:before] if early is None else []):
        if t == PB:
            continue
        if _amount_at(rest, j):
            ti = j
            break
        turned = _source_first(rest, j)
        if turned is not None:
            rest, ti = turned, j
            m.unsure.append(("funding", "the money cell prints each source before its amount ((公務預算) 1,250.5):"
                                        " each amount read with the source printed before it"))
            break
        if re.fullmatch(r"-(\s+-)+", t):
            ti = j
            break
        split = _amount_after_text(rest, j)
        if split is not None:
            rest, ti = split, j + 1
            break
    if ti is None and apart is not None:
        lines, ti, j, kept, said = apart
        if head and j == 0:  # (on the period's line, after the text cells)
            first = lines[0][1] if kept else ""
        if head and (j > 0 or kept):
            lines, ti = lines[1:], ti - 1
        rest = lines
        m.unsure.append(("funding/reduction", said))
    if ti is None and early is None and first:  # (on the period's line, after the text cells)
        split = _amount_after_text([(items[pi][0], first)] + rest, 0)
        if split is not None:
            first, rest, ti = split[0][1], split[1:], 0
    if split is not None:
        m.unsure.append(("funding", f"the amount {rest[ti][1]} printed at the end of a text line (line {rest[ti][0]}),"
                                    " its source on the next: read as the money cell's"))
    if ti is None:
        raise DataError(file, f"measure {mid}: no funding cell (實際經費, an amount followed by its source in"
                              " parentheses) found", row=ln)
    after = parse_tail(rest[ti:], m, file) if early is None else []
    # name cell sharing its only line with the agency may continue after a page break
    cont = [t for _, t in (rest[:ti] + after)]
    if PB in cont and pi <= 2 and len(items[0][1].split()) >= 2:
        j = cont.index(PB)
        if j + 1 < len(cont):
            seg = cont[j + 1].split(None, 1)
            if len(seg) == 2 and re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+(?:[（(]新增[)）])?", seg[0]):
                m.name_zh += NEW_MARK.sub("", seg[0])
                m.is_new = m.is_new or bool(NEW_MARK.search(seg[0]))  # (新增 closing the name's continuation)
                m.unsure.append(("name_zh", f"name taken as continued after the page break: '{seg[0]}'"))
                k = [i for i, (_, t) in enumerate(rest[:ti] + after) if t == PB][0] + 1
                merged = rest[:ti] + after
                merged[k] = (merged[k][0], seg[1])
                ti2 = len(rest[:ti])
                rest = merged[:ti2] + rest[ti:]
                after = merged[ti2:]
    if m.reduction_note_zh and not m.reduction_note_zh.endswith(("。", "-")) and PB in [t for _, t in after]:
        texts = [t for _, t in after]
        ends = [i for i, t in enumerate(texts[:-1]) if t.rstrip().endswith("。")]
        if ends and ends[-1] + 1 < len(texts):
            tail = texts[ends[-1] + 1:]
            m.reduction_note_zh = squash(m.reduction_note_zh + " " + " ".join(tail))
            after = after[: ends[-1] + 1]
            m.unsure.append(("reduction_note_zh",
                             f"note taken as continued after the page break: '{squash(' '.join(tail))}'"))
        else:
            m.unsure.append(("reduction_note_zh", "note may continue after the page break"))
    parse_text_cells(rest[:ti] + after, m, first)
    _flag_marks(m)
    return m


def _period_over_lines(items, j):
    """``items`` with a period whose second year is printed further down its cell joined onto line ``j``
    (110- / 114, 110年1月至 / 114年12月 within the next two lines, or 110年1月 / 至114年12月 on the next), the text
    each line prints after it kept; None where line ``j`` holds no such period's start."""
    t = items[j][1]
    whole = PERIOD_RE.search(t)
    if whole and whole.group(3):
        return None
    dash = re.search(rf"(?:^|\s)({YEAR_MONTH}\s*{PERIOD_DASH})(?:\s+(\S.*))?$", t)
    start = dash or re.search(rf"(?:^|\s)({YEAR_MONTH})(?:\s+(\S.*))?$", t)
    if start is None:
        return None
    lead = "" if dash else PERIOD_DASH + r"\s*"  # (the dash on the next line, where the first has none)
    close = re.compile(rf"^({lead}{YEAR_MONTH})(?:\s+(\S.*))?$")
    for k in range(j + 1, min(j + (3 if dash else 2), len(items))):
        if items[k][1] == PB:
            break
        cm = close.match(items[k][1])
        if cm and int(start.group(2)) <= int(cm.group(2)) <= int(start.group(2)) + 30:
            line = t[:start.start(1)] + start.group(1) + cm.group(1) + (f" {start.group(3)}" if start.group(3) else "")
            out = list(items)
            out[j] = (items[j][0], line)
            if cm.group(3):
                out[k] = (items[k][0], cm.group(3))
            else:
                del out[k]
            return out
    return None


def _flag_unread_reduction(m: Measure) -> None:
    """A reduction cell kept as a note although it prints a number (two reductions, no kind, a kind in other
    words): for review, the reduction is not guessed."""
    if re.search(r"\d", m.reduction_note_zh):
        m.unsure.append(("reduction_10k_t_co2e", f"the reduction cell reads '{m.reduction_note_zh[:60]}', not one"
                                                 " amount with its kind: kept as the note; enter the reduction"))


def name_kinds(measures: list[Measure], kinds: list[str]) -> None:
    """A reduction's kind printed in other words than the known ``kinds`` (data/reference/reduction_kinds.csv):
    read as the known kind its words hold (實質減碳量: 實質減碳), else kept as printed (預估值, 估算); named
    either way."""
    for m in measures:
        printed = m.reduction_kind_zh
        if not printed or printed in kinds:
            continue
        held = [k for k in kinds if k in printed]
        if len(held) == 1:
            m.reduction_kind_zh = held[0]
            m.unsure.append(("reduction_kind_zh", f"kind printed '{printed}', read as {held[0]}"))
        else:
            m.unsure.append(("reduction_kind_zh", f"kind printed '{printed}' is none of the known kinds"
                                                  f" ({', '.join(kinds)}): kept as printed; enter the kind"))


def _flag_marks(m: Measure) -> None:
    """A mark in the name other than 新增 (★ …) is for review: the report's legend says what it means."""
    marks = "".join(dict.fromkeys(OTHER_MARKS.findall(m.name_zh)))
    if marks:
        m.unsure.append(("name_zh", f"the name carries the mark '{marks}': what it means (new?) is in the report's"
                                    " legend; is_new is not set from it, and the mark is kept in the name"))


def _name_from_raw(raw: str, squashed_name: str) -> str:
    s = squash(raw)
    s = NEW_MARK.sub("", s)
    # the squashed name is a prefix of the squashed raw text (agency follows)
    out, k = "", 0
    target = squashed_name
    for ch in s:
        if k >= len(target):
            break
        if ch == " ":
            out += ch
            continue
        if ch == target[k]:
            out += ch
            k += 1
        else:
            return target
    return out.strip() if k == len(target) else target


MONEY_RX = re.compile(rf"({AMOUNT})\s*({MONEY_UNITS})?\s*((?:{PARENS}\s*)*)")
# the same, each source printed before its amount: (公務預算) 1,250.5
MONEY_AFTER_SOURCE_RX = re.compile(rf"((?:{PARENS}\s*)+)({AMOUNT})\s*({MONEY_UNITS})?\s*")
REDUCTION_RX = re.compile(rf"^(?:約)?({NUMBER})({REDUCTION_UNITS})?[（(]([^()（）]+)[)）]$")
# the same, its kind printed before its amount: (實質減碳) 119.4
REDUCTION_AFTER_KIND_RX = re.compile(rf"^[（(]([^()（）]+)[)）](?:約)?({NUMBER})({REDUCTION_UNITS})?$")
PERIOD_CELL = re.compile(rf"(?:民國)?(\d{{2,4}})(?:{MONTH}|年)?(?:{PERIOD_DASH}(?:民國)?(\d{{2,4}})(?:{MONTH}|年)?)?")


def measures_from_rows(rows, file, agencies: list[str], line_of) -> list[Measure]:
    """Measures from the annex table's rows (:func:`.layout.annex_rows`): each cell read on its own.

    ``line_of(measure_id)`` is the line of the report's text where the measure starts (for the review)."""
    measures, seen = [], set()
    for k, row in enumerate(rows):
        try:
            measures.append(_measure_from_cells(row, file, agencies, line_of, seen, measures[-1] if measures else None))
        except DataError as err:
            if k + 1 < len(rows):
                raise
            raise DataError(file, f"report cut off inside the last measure: {err.message}", row=err.row) from None
    if not measures:
        raise DataError(file, "the annex table holds no measure")
    return measures


def _measure_from_cells(row, file, agencies, line_of, seen, above: Measure | None = None) -> Measure:
    from .read import normalise_line  # the same characters as the text (whose changes the review lists)

    row.cells = [[normalise_line(t)[0] for t in cell] for cell in row.cells]
    for c in (5, 6):  # money and reduction: an amount never follows an amount on the next line, it wrapped
        joined = []
        for t in row.cells[c]:
            if joined and re.search(r"\d[.,]?$", joined[-1]) and re.match(r"\d", t):
                joined[-1] += t
            else:
                joined.append(t)
        row.cells[c] = joined
    name = squash(" ".join(row.cells[0]))
    mm = ID_RE.match(name)
    mid = mm.group(1)
    m = Measure(mid, line_of(mid))
    if mid in seen:
        raise DataError(file, f"measure {mid} printed twice", row=m.line)
    seen.add(mid)
    name = (mm.group(2) or "").strip()
    if NEW_MARK.search(name) or name.endswith("新增"):  # (a cell of its own may print it bare, at the name's end)
        m.is_new = True
        name = NEW_MARK.sub("", re.sub(r"\s*新增$", "", name))
    m.name_zh = name
    agency = nows(" ".join(row.cells[1]))
    if not agency and row.set_mid_row:
        # a cell merged over several measures sits mid-way down (or at the foot of) the rows it spans, with no rule
        # to show which: the measure above's agency would be a guess
        raise DataError(file, f"measure {mid}: its agency cell (主辦機關) is empty in an unruled table whose cells are"
                              " set mid-row or at its foot: which measures a merged agency cell spans cannot be read"
                              " reliably", row=m.line)
    if not agency and above is not None and row.cells[2]:
        # an agency cell merged over several measures prints once: the measure above's, for review
        agency = above.lead_agency_zh + (f"({above.co_agency_zh})" if above.co_agency_zh else "")
        m.unsure.append(("lead_agency_zh", f"agency cell empty: taken from {above.measure_id} above (a cell merged"
                                           " over several measures?); check it against the PDF"))
    if not agency:
        raise DataError(file, f"measure {mid}: no lead agency (主辦機關) cell", row=m.line)
    co = re.search(r"[（(]([^()（）]+)[)）]$", agency)
    if co:
        m.co_agency_zh, agency = co.group(1), agency[: co.start()]
    m.lead_agency_zh = agency
    for a in (m.lead_agency_zh, m.co_agency_zh):
        if a and a not in agencies:
            m.unsure.append(("lead_agency_zh" if a == m.lead_agency_zh else "co_agency_zh",
                             f"agency '{a}' not in the reference list"))
    period = nows(" ".join(row.cells[2]))
    pm = PERIOD_CELL.fullmatch(period)
    if not pm:
        raise DataError(file, f"measure {mid}: no period (推動期程) cell: '{period}'", row=m.line)
    # ROC years as the transcription keeps them; a Gregorian year (2022) is turned into its ROC year
    roc = [str(roc_year(int(y)) if len(y) == 4 else int(y)) for y in pm.groups() if y]
    m.period_roc = "-".join(roc)
    if any(len(y) == 4 for y in pm.groups() if y) or not re.fullmatch(r"\d+(?:-\d+)?", period):
        months = " (its months are not kept)" if re.search(MONTH, period) else ""
        m.unsure.append(("period_roc", f"printed '{period}', written '{m.period_roc}'{months}"))
    m.expected_benefits_zh = squash(" ".join(row.cells[3]))
    m.results_zh = squash(" ".join(row.cells[4]))
    if not m.results_zh:
        m.unsure.append(("results_zh", "the 執行成果 cell is empty"))
    for page, cols in row.merged:
        if {"funding", "reduction"} & set(cols):  # one amount for several measures together: not each one's
            raise DataError(file, f"measure {mid}: its {' and '.join(c for c in cols if c in ('funding', 'reduction'))}"
                                  f" cell on page {page} is merged over several measures' rows: one amount for them"
                                  " together cannot be split between them", row=m.line)
        m.unsure.append((", ".join(cols), f"cell on page {page} merged over several measures' rows (no rule between"
                                          " them in its column): read as each one's"))
    money = " ".join(row.cells[5]).strip()
    if not money:
        raise DataError(file, f"measure {mid}: no funding cell (實際經費) found", row=m.line)
    pairs = []
    if re.fullmatch(r"[-–—\s]+", money):
        pairs.append(("-", [], m.line))
    else:
        pos = 0
        source_first = money.startswith(("(", "（")) and MONEY_AFTER_SOURCE_RX.match(money)
        if source_first:
            m.unsure.append(("funding", "the money cell prints each source before its amount ((公務預算) 1,250.5):"
                                        " each amount read with the source printed before it"))
        for am in (MONEY_AFTER_SOURCE_RX if source_first else MONEY_RX).finditer(money):
            amount, unit, parens = (am.group(3), am.group(4), am.group(1)) if source_first else am.group(1, 2, 3)
            if money[pos:am.start()].strip():
                m.unsure.append(("funding", f"text in the money cell not read: '{money[pos:am.start()].strip()}'"))
            if unit and unit != "萬元":
                m.unsure.append(("funding", f"amount {amount} printed in {unit}, written as printed"
                                            " (annex_funding.csv is in 萬元): convert it"))
            pairs.append((amount, [nows(p) for p in re.findall(PARENS, parens)], m.line))
            pos = am.end()
        if money[pos:].strip() or not pairs:
            raise DataError(file, f"measure {mid}: the money cell (實際經費) reads '{money}', not amounts with"
                                  " their sources", row=m.line)
    record_funding(m, pairs)
    red = " ".join(row.cells[6]).strip()
    rm = REDUCTION_RX.match(nows(red))
    km = REDUCTION_AFTER_KIND_RX.match(nows(red)) if rm is None else None
    if re.search(r"(?:^|[)）])約", nows(red)):
        m.unsure.append(("reduction_10k_t_co2e", "the reduction is printed with 約 (about): read without it"))
    if km:  # (its kind printed first)
        rm = km
        m.unsure.append(("reduction_kind_zh", f"the reduction is printed after its kind: '({km.group(1)})"
                                              f" {km.group(2)}'"))
    if rm:
        amount, unit, kind = (km.group(2), km.group(3), km.group(1)) if km else rm.group(1, 2, 3)
        m.reduction_10k_t_co2e, m.reduction_kind_zh = number(amount), kind
        if unit and not unit.startswith("萬"):
            m.unsure.append(("reduction_10k_t_co2e", f"printed in {unit}, written as printed (the file is in"
                                                     " 萬公噸CO2e): convert it"))
    else:
        m.reduction_note_zh = squash(red)
        if not m.reduction_note_zh:
            raise DataError(file, f"measure {mid}: no reduction cell (減碳量) found", row=m.line)
        _flag_unread_reduction(m)
    for page, cols in getattr(row, "above", []):
        m.unsure.append((", ".join(cols), f"lines above its id on page {page} read as this row's (its cells start"
                                          " higher than its id; no row stands above them)"))
    for page, cols in row.continued:
        m.unsure.append((", ".join(cols), f"row continued on page {page} after a page break (joined by position)"))
    _flag_marks(m)
    return m

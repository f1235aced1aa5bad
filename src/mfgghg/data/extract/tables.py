"""Tables 2, 3, 5, 6, headlines and goal candidates from the report's text."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from .annex import NUMBER, nows, number, squash
from .layout import masked
from .read import BARE_NUMBER, PAGE_NUMBER

CELL = rf"(?:{NUMBER}%?|-)"
REMARK = r"(?:\s+([^\d\s-][^\d]*|-))?\s*"  # text after a row's numbers (a 備註 column): kept for the review


# What ends a table's lines: the next caption, a section heading
TABLE_END = re.compile(r"^表\s*\d+\s*[、，,.]|^[(（][一二三四五六七八九十]+[)）]|^\d+\s*[.．]\s*依|^\d+\.\d+ 年")


def _table_lines(lines, label):
    """Lines from the caption '表 N、' to the next caption or section heading."""
    caption = re.compile(rf"^\s*表\s*{label}\s*[、，,.]")
    start = next((i for i, ln in enumerate(lines) if caption.match(ln)), None)
    if start is None:
        return None, []
    out = []
    for j in range(start + 1, len(lines)):
        if TABLE_END.match(lines[j].strip()):
            break
        out.append((j + 1, lines[j]))
    return start + 1, out


# A row label: Chinese words, with brackets or a list mark (環境部(原環保署))
LABEL = r"[\u4e00-\u9fff\s()（）、]+"
# The total row's label as reports print it (written 總計, the files' word for it)
TOTAL_WORDS = ("總計", "合計")


def _rows(block, ncells, known=()):
    rx = re.compile(rf"^(.*?)\s*((?:{CELL}\s+){{{ncells - 1}}}{CELL}){REMARK}$")
    rows, label, dropped = [], [], []
    for ln, raw in block:
        s = raw.strip()
        if not s:
            continue
        m = rx.match(s)
        if m and (m.group(1) == "" or re.fullmatch(LABEL, m.group(1))):
            rows.append([ln, label, nows(m.group(1)), (m.group(2).split(), m.group(3) or "")])
            label = []
        elif re.fullmatch(LABEL, s):
            label.append((ln, nows(s)))
        else:
            dropped += label + [(ln, s)]
            label = []
    rows = [[ln, [t for _, t in lab], on_line, cells] for ln, lab, on_line, cells in rows]
    return [(ln, lab, cells) for ln, lab, cells in _labels(rows, known)], dropped


def _page_starts(lines) -> list[int]:
    """The indices of the lines that open a page: the first, and each line starting with a space (how both routes
    mark a page break)."""
    return [i for i, ln in enumerate(lines) if i == 0 or ln.startswith(" ") and ln.strip()]


_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


def _running_keys(lines, starts: list[int]) -> set:
    """The lines (digits masked, without spaces) printed at three pages' tops or feet or more: a running head or
    a footer line that the page reading left in the text. ``starts``: :func:`_page_starts` of ``lines``."""
    seen: dict = {}
    opens = set(starts)
    last = None  # the last line with text so far: the page before's last, at a page's start
    for i, ln in enumerate(lines):
        if i in opens:
            for j in (i,) if last is None else (i, last):  # (the page's first, the last's)
                key = masked(lines[j])
                if len(key) >= 4 and _CJK_CHAR.search(key):
                    seen[key] = seen.get(key, 0) + 1
        if ln.strip():
            last = i
    return {k for k, n in seen.items() if n >= 3}


@lru_cache(maxsize=1)  # (the tables of one report read the same lines: their pages are found once)
def _page_edges(lines: tuple) -> tuple[frozenset, frozenset]:
    """The line numbers (1-based) that open a page, and :func:`_running_keys`, of a report's ``lines``."""
    starts = _page_starts(lines)
    return frozenset(i + 1 for i in starts), frozenset(_running_keys(lines, starts))


TITLES_AGAIN = "the table's column titles printed again on a new page"
THREE_CELLS = re.compile(rf"{CELL}\s+{CELL}\s+{CELL}")  # (the table's first row of numbers: its head ends)
_CJK_LINE = re.compile(r"[\u4e00-\u9fff\s()（）、]+")


def furniture(lines, block) -> dict:
    """{line number: why} of the lines in a table's ``block`` (from :func:`_table_lines`) that are what a page prints
    beside the table, not the table, wherever they fall (inside a row's label, between rows): a page number in a
    page number's form, a bare number at a page's foot or top or between two lines of a label, a running head or
    footer (a line at three pages' edges or more), and the table's column titles printed again on a new page."""
    text = [(ln, raw) for ln, raw in block if raw.strip()]
    starts, running = _page_edges(tuple(lines))
    out = {}
    for k, (ln, raw) in enumerate(text):
        s = raw.strip()
        after = text[k + 1][0] if k + 1 < len(text) else None
        edge = ln in starts or after in starts
        between = 0 < k < len(text) - 1 and all(_CJK_LINE.fullmatch(text[j][1].strip()) for j in (k - 1, k + 1))
        if PAGE_NUMBER.match(s):
            out[ln] = "a page number"
        elif BARE_NUMBER.match(s) and (edge or between):
            out[ln] = "a page number at a page's " + ("edge" if edge else "break inside a label")
        elif masked(raw) in running:
            out[ln] = "a line the report prints at its pages' tops or feet"
    # the column titles printed again where the table goes on over a page: the lines before its first row of
    # numbers (without the first row's label) repeated, three lines or more, from a page's first line
    head = []
    for _, raw in text:
        if THREE_CELLS.search(raw.strip()):
            break
        head.append(nows(raw))
    while head and _CJK_LINE.fullmatch(head[-1]):
        head.pop()
    keys = [nows(raw) for _, raw in text]
    k = len(head)
    while k < len(keys):
        if text[k][0] in starts or text[k - 1][0] in out:
            n = max((m for i in range(len(head)) for m in range(3, len(head) - i + 1)
                     if keys[k:k + m] == head[i:i + m]), default=0)
            if n:
                out.update({text[j][0]: TITLES_AGAIN
                            for j in range(k, k + n)})
                k += n
                continue
        k += 1
    return out


def _without_furniture(lines, block) -> tuple[list, dict]:
    """``block`` without its page furniture (:func:`furniture`), and that furniture ({line: (text, why)})."""
    skip = furniture(lines, block)
    return ([(ln, raw) for ln, raw in block if ln not in skip],
            {ln: (raw.strip(), skip[ln]) for ln, raw in block if ln in skip})


def _furniture_of(rows: list[dict], block, skip: dict) -> list[dict]:
    """``rows`` with the furniture skipped inside or before each row's label (since the row before; the first row's
    since the last line of the table's head) in its ``_furniture``, for the review."""
    if not rows:
        return rows
    first = rows[0]["_line"]
    head_end = max((ln for ln, raw in block if ln < first and ln not in skip and raw.strip()
                    and not _CJK_LINE.fullmatch(raw.strip())), default=0)
    for prev, r in zip([head_end] + [x["_line"] for x in rows], rows):
        r["_furniture"] = []
        for ln in sorted(skip):
            if prev < ln < r["_line"]:
                text, why = skip[ln]
                if r["_furniture"] and why == TITLES_AGAIN == r["_furniture"][-1][2]:  # (the titles: one item)
                    r["_furniture"][-1][1] += " " + text
                else:
                    r["_furniture"].append([ln, text, why])
    return rows


def _between(rows: list[dict], dropped: list) -> list[dict]:
    """``rows`` with the lines printed between two of them that were read as no row and no label (``dropped``:
    (line, text)) kept in the later row's ``_dropped``, for the review: a row whose numbers are not read, say."""
    for prev, r in zip(rows, rows[1:]):
        r["_dropped"] = [(ln, t) for ln, t in dropped if prev["_line"] < ln < r["_line"]]
    return rows


def _labels(rows, known):
    """Each row's label from the words printed before its numbers, on their line and after them. The lines
    between two rows' numbers open the second row's label, unless names ``known`` (the previous year's, say)
    show that some of them end the first row's: a label set in the middle of its cell, around its numbers."""
    known = set(known) | set(TOTAL_WORDS)
    out = []
    for k, (ln, before, on_line, cells) in enumerate(rows):
        out.append([ln, "".join(before) + on_line, cells])
        if k and known:
            prev, lead = out[k - 1], before
            best = max(range(len(lead) + 1), key=lambda j: ((prev[1] + "".join(lead[:j])) in known)
                       + (("".join(lead[j:]) + on_line) in known) - 0.001 * j)
            if best:
                prev[1] += "".join(lead[:best])
                out[k][1] = "".join(lead[best:]) + on_line
    return [(ln, "總計" if label in TOTAL_WORDS else label, cells) for ln, label, cells in out]


def _val(c):
    if c == "-":
        return ""
    return number(c.rstrip("%"))


def row_items(label: int, fname: str, rows, columns: tuple = ()) -> list[dict]:
    """The review items of Table 2, 3, 5 or 6 as read: its columns read in another order than ``columns`` (as its
    titles print them), a row that prints text after its numbers (a 備註 column, not read)."""
    other = rows and columns and rows[0]["_columns"] != columns
    items = [{"file": fname, "row": "", "field": "all", "line": rows[0]["_line"],
              "reason": f"表 {label}'s titles print its columns in another order: read as "
                        + ", ".join(rows[0]["_columns"])}] if other else []
    items += [{"file": fname, "row": r["row_zh"], "field": "all", "line": ln,
               "reason": f"表 {label} prints '{t}' between its rows (before this one): read as no row and no row's"
                         " label, not read"} for r in rows for ln, t in r.get("_dropped", [])]
    items += [{"file": fname, "row": r["row_zh"], "field": "row_zh", "line": ln,
               "reason": f"表 {label} prints '{t}' within or before this row's label, read as page furniture ({why}):"
                         " skipped, the label's lines joined around it"} for r in rows
              for ln, t, why in r.get("_furniture", [])]
    return items + [{"file": fname, "row": r["row_zh"], "field": "all", "line": r["_line"],
                     "reason": f"表 {label} prints '{r['_remark']}' after this row's numbers: a column not read"}
                    for r in rows if r.get("_remark")]


COUNT_COLUMNS = ("a1_achieved", "a2_not_achieved", "a_subtotal", "a_rate_pct", "b1_achieved", "b2_not_achieved",
                 "b_subtotal", "b_rate_pct", "c1_achieved", "c2_not_achieved", "c_total", "c_rate_pct")


def counts_table(lines, label, key, known=()):
    """Table 2 or 3 (``label``): a row per group; ``known`` row names help to read a label set around its numbers."""
    cap, whole = _table_lines(lines, label)
    block, skip = _without_furniture(lines, whole)
    found, dropped = _rows(block, 12, known)
    columns = COUNT_COLUMNS
    for ln, raw in block:  # the head: its group titles may print the groups in another order
        if found and ln >= found[0][0]:
            break
        groups = [{"實質": "a", "能力": "b", "總項": "c"}[g] for g in re.findall(r"實質|能力|總項", nows(raw))]
        if sorted(groups) == ["a", "b", "c"]:  # (實質減量(A) 能力建構(B) 總項數(C=A+B), in the order printed)
            columns = tuple(c for g in groups for c in COUNT_COLUMNS if c[0] == g)
    return _furniture_of(_between([{"row_zh": lab, key: "", **dict(zip(columns, [_val(c) for c in cells])),
                                    "_remark": remark, "_columns": columns, "_line": ln}
                                   for ln, lab, (cells, remark) in found], dropped), whole, skip)



def budget_table(lines, known=()):
    """Table 5: a row per pillar and the total; ``known`` row names help to read a label set around its numbers."""
    cap, whole = _table_lines(lines, 5)
    block, skip = _without_furniture(lines, whole)
    # the plan (A) is the first number, the year's money (B) the last before the rate: a column printed between
    # them (預算數, say) is not read, and named for review
    rx = re.compile(rf"^(.*?)\s*((?:{CELL}\s+){{2,}})({CELL}%){REMARK}$")
    rows, label, label_lines, dropped = [], [], [], []
    for ln, raw in block:
        s = raw.strip()
        m = rx.match(s)
        if m and re.search(r"[\u4e00-\u9fff]", m.group(1) + "".join(label)):
            numbers = _digit_groups(m.group(2).split(), m.group(3))  # (1 250 as 1,250)
            plan, money = numbers[0], numbers[-1]
            swapped = not _gives_rate(plan, money, m.group(3)) and _gives_rate(money, plan, m.group(3))
            if swapped:  # the year's money printed before the plan (the columns in another order)
                plan, money = money, plan
            rows.append([ln, label, nows(m.group(1)), [plan, money, m.group(3), numbers[1:-1],
                                                       m.group(4) or "", numbers != m.group(2).split(), swapped]])
            label = []
        elif s and re.fullmatch(r"[\u4e00-\u9fff\s]+", s):
            label.append(nows(s))
            label_lines.append((ln, s))
        elif s:
            dropped += label_lines + [(ln, s)]
            label = []
        if not label:
            label_lines = []
    found = [{"row_zh": lab, "pillar": "", "planned_10k_twd": _val(planned), "actual_10k_twd": _val(actual),
              "execution_rate_pct": _val(rate), "_unread": unread, "_remark": remark, "_grouped": grouped,
              "_swapped": swapped, "_line": ln}
             for ln, lab, (planned, actual, rate, unread, remark, grouped, swapped) in _labels(rows, known)]
    return _furniture_of(_between(found, dropped), whole, skip)


def _gives_rate(plan: str, money: str, rate: str) -> bool:
    """Table 5's money over its plan is the printed rate (to within a percentage point)."""
    try:
        a, b, r = (float(number(x.rstrip("%"))) for x in (plan, money, rate))
    except ValueError:  # (a cell printed '-')
        return False
    return a > 0 and abs(100 * b / a - r) < 1


def _digit_groups(numbers: list[str], rate: str) -> list[str]:
    """Table 5's numbers with digit groups printed apart by spaces (158 613 62 030 39%) joined: the one way of
    joining them whose plan and money give the printed rate, where the numbers as printed do not."""
    def fits(ns):
        return _gives_rate(ns[0], ns[-1], rate) or _gives_rate(ns[-1], ns[0], rate)

    if len(numbers) > 8 or fits(numbers):
        return numbers
    found = set()
    for cuts in range(2 ** (len(numbers) - 1)):  # each way of joining neighbours: a bit per gap
        ns = [numbers[0]]
        for k, t in enumerate(numbers[1:]):
            if cuts >> k & 1:
                ns[-1] += "," + t
            else:
                ns.append(t)
        if len(ns) >= 2 and all(re.fullmatch(r"\d{1,3}(?:,\d{3})*(?:\.\d+)?|-", x) for x in ns) and fits(ns):
            found.add(tuple(ns))
    return list(found.pop()) if len(found) == 1 else numbers


EMISSION_COLUMNS = ("annual_target_million_t_co2e", "annual_emissions_million_t_co2e",
                    "cumulative_target_million_t_co2e", "cumulative_emissions_million_t_co2e")
NOT_PRINTED = "-－—–"  # a cell the report prints as a dash: no value (a year not yet reported)


def emissions_table(lines):
    """Table 6's rows; a cell printed as a dash is left empty (``_dashes`` names its columns)."""
    cap, whole = _table_lines(lines, 6)
    block, skip = _without_furniture(lines, whole)
    cell = rf"([\d.,]+|[{NOT_PRINTED}])(\s*(?:註\s*\d*|[*＊]+))?"  # (a note mark after it: 141.9註2, 141.9*)
    rx = re.compile(rf"^(\d{{2,3}})\s*年\s+{cell}\s+{cell}\s+{cell}\s+{cell}{REMARK}$")
    out, dropped = [], []
    columns = EMISSION_COLUMNS
    for ln, raw in block:
        m = rx.match(raw.strip())
        if m:
            printed, marks = m.groups()[1:9:2], m.groups()[2:9:2]
            values = [("" if v in NOT_PRINTED else number(v)) for v in printed]
            out.append({"row_zh": f"{m.group(1)}年", "roc_year": m.group(1), **dict(zip(columns, values)),
                        "_dashes": [c for c, v in zip(columns, values) if v == ""],
                        "_marks": [(c, nows(k)) for c, k in zip(columns, marks[:4]) if k],
                        "_remark": m.group(10) or "", "_columns": columns, "_line": ln})
        elif not out:  # the head: its titles may print the columns in another order
            columns = _emission_columns(raw, columns)
        elif raw.strip():
            dropped.append((ln, raw.strip()))
    return _furniture_of(_between(out, dropped), whole, skip)


def _emission_columns(line: str, columns: tuple) -> tuple:
    """Table 6's columns in the order a head line names them: the line naming the year's and the period's
    (累計) targets tells the groups' order, the line naming 目標 and 排放 twice each the order within them."""
    text = nows(line)
    kinds = re.findall(r"目標|排放", text)
    if "累計" in text and re.search(r"當年|年度", text):  # (當年度目標 … 第一期累計目標)
        annual_first = re.search(r"當年|年度", text).start() < text.index("累計")
        order = [c.split("_", 1)[0] for c in columns[::2]]
        if (order[0] == "annual") != annual_first:
            return columns[2:] + columns[:2]
    elif sorted(kinds) == ["排放", "排放", "目標", "目標"]:
        names = {"目標": "target", "排放": "emissions"}
        groups = [c.split("_", 1)[0] for c in columns[::2]]
        return tuple(next(c for c in EMISSION_COLUMNS if c.startswith(f"{groups[i // 2]}_{names[k]}"))
                     for i, k in enumerate(kinds))
    return columns


# The unit each table's file holds, and the other units its caption or unit line may name.
TABLE_UNITS = {5: ("published_table5_budget.csv", "萬元", r"千元|百萬元|億元|(?<![萬千億])元"),
               6: ("published_table6_emissions.csv", "百萬公噸CO2e",
                   r"(?<![百萬])萬公噸|(?<![萬百千])公噸|(?<!百)萬噸|tCO2e")}


def table_items(lines, t4, t5, t6) -> list[dict]:
    """The review items of Tables 4-6 as drafted: a table printed in another unit (:func:`table_unit_items`),
    a Table 4 reduction in another unit, a Table 5 column not read, a Table 6 cell printed '-' or with a note
    mark."""
    items = table_unit_items(lines)
    named = {}
    for r in t4:
        if r["_pillar_printed"]:
            named.setdefault((r["pillar"], r["_pillar_printed"]), r["_line"])
    items += [{"file": "published_table4_results_summary.csv", "row": pillar, "field": "pillar", "line": line,
               "reason": f"表 4 names pillar {pillar} '{printed}', not as 表 2 does: read as that pillar"}
              for (pillar, printed), line in named.items()]
    items += [{"file": "published_table5_budget.csv", "row": r["row_zh"], "field": "pillar", "line": r["_line"],
               "reason": f"表 5 names pillar {r['pillar']} '{r['row_zh']}', not as 表 2 does: read as that pillar"}
              for r in t5 if r.get("_pillar_printed")]
    items += [{"file": "published_table4_results_summary.csv", "row": f"{r['pillar']}.{r['item_no']}", "field": "all",
               "line": ln, "reason": f"表 4 prints '{t}' within or before this item (or its pillar's name), read as"
                                     f" page furniture ({why}): skipped, the lines joined around it"}
              for r in t4 for ln, t, why in r.get("_furniture", [])]
    items += [{"file": "published_table4_results_summary.csv", "row": f"{r['pillar']}.{r['item_no']}",
               "field": "reduction_10k_t_co2e", "line": r["_line"],
               "reason": f"表 4 prints this reduction in {r['_unit']}: written as printed (the file is in"
                         " 萬公噸CO2e): convert it"} for r in t4 if r["_unit"]]
    items += [{"file": "published_table5_budget.csv", "row": r["row_zh"], "field": "all", "line": r["_line"],
               "reason": f"表 5 prints {len(r['_unread']) + 3} numbers in this row: the first was read as the plan (A),"
                         f" the last before the rate as the year's money (B); {' '.join(r['_unread'])} not read:"
                         " check the columns"} for r in t5 if r["_unread"]]
    items += [{"file": "published_table5_budget.csv", "row": r["row_zh"], "field": "all", "line": r["_line"],
               "reason": f"表 5 prints the year's money before the plan in this row (the first over the last is the"
                         f" printed rate): read as the plan {r['planned_10k_twd']}, the money {r['actual_10k_twd']}"}
              for r in t5 if r.get("_swapped")]
    items += [{"file": "published_table5_budget.csv", "row": r["row_zh"], "field": "all", "line": r["_line"],
               "reason": "表 5 prints this row's numbers with their digit groups apart: read as the plan"
                         f" {r['planned_10k_twd']} and the money {r['actual_10k_twd']}, whose ratio is the printed"
                         " rate"} for r in t5 if r.get("_grouped")]
    items += [{"file": "published_table6_emissions.csv", "row": r["row_zh"], "field": col, "line": r["_line"],
               "reason": "表 6 prints '-' here (no value): left empty; the file requires a value, so the ingest"
                         " refuses the row until it has one or is removed"} for r in t6 for col in r["_dashes"]]
    items += [{"file": "published_table6_emissions.csv", "row": r["row_zh"], "field": col, "line": r["_line"],
               "reason": f"表 6 prints a note mark ({mark}) after this value: read without it; the note is the"
                         " report's"} for r in t6 for col, mark in r["_marks"]]
    return items


def table_unit_items(lines) -> list[dict]:
    """A review item for Tables 5 and 6 where the lines above their first row (caption, unit line, column
    titles) name another unit than their file's: the cells are written as printed, to be converted."""
    items = []
    for label, (fname, unit, other) in TABLE_UNITS.items():
        cap, block = _table_lines(lines, label)
        if cap is None:
            continue
        head = [(cap, lines[cap - 1])]
        for ln, raw in block:
            if re.search(r"\d[\d,.]*%?\s+[-－\d]", raw.strip()):  # the first row of numbers: the head ends
                break
            head.append((ln, raw))
        for ln, raw in head:
            found = re.search(other, nows(raw))
            if found:
                items.append({"file": fname, "row": "", "field": "all", "line": ln,
                              "reason": f"表 {label} is printed in {found.group(0)} ('{raw.strip()}'): its cells are"
                                        f" written as printed, the file's unit is {unit}: convert them"})
                break
    return items


UNIT = (r"(萬公噸\s*CO2\s*e|萬噸\s*CO2\s*e|公噸\s*CO2\s*e|tCO2e|萬公噸|萬噸|公噸|萬度|億度|度|公秉油當量|公秉|"
        r"億元|萬元|千元|元|家次|家工廠|家|萬筆|筆|場次|場|人次|人|座|件|案|項|份|筆|廠次|個|台|MW|kW|%)")
GOAL_RX = re.compile(rf"({NUMBER})\s*" + UNIT)
BASIS = [("每年", "yearly"), ("/年", "yearly"), ("年節", "yearly"), ("累計", "cumulative"), ("累積", "cumulative"),
         ("全程", "period_total")]


def norm_unit(u):
    u = nows(u)
    u = u.replace("萬噸", "萬公噸")
    if u in ("萬公噸", "公噸") :
        return u + "CO2e", True
    if u == "場":
        return "場次", True
    return u, False


def goal_candidates(measures):
    rows = []
    for m in measures:
        text = m.expected_benefits_zh
        n = 0
        for sent in re.split(r"(?<=[。；])|(?=\d\.\s)", text):
            for g in GOAL_RX.finditer(sent):
                if re.match(r"^\d\.\s", sent[g.start():g.end() + 1]) and g.group(2) not in sent[g.start():g.end()]:
                    continue
                n += 1
                unit, normed = norm_unit(g.group(2))
                basis = next((b for w, b in BASIS if w in sent), "unstated")
                word = next((w for w, b in BASIS if w in sent), "")
                results = [r for r in GOAL_RX.finditer(m.results_zh) if norm_unit(r.group(2))[0] == unit]
                one = results[0] if len(results) == 1 else None
                notes = [f"CANDIDATE (extractor): basis word '{word or 'none'}'"]
                if normed:
                    notes.append(f"unit normalised from '{nows(g.group(2))}'")
                if len(results) > 1:
                    notes.append("several results in this unit: " + "; ".join(number(r.group(1)) for r in results))
                if not results:
                    notes.append("no result in the same unit found")
                quote_r = _around(m.results_zh, one) if one else ""
                if one:
                    rbasis = "cumulative" if re.search(r"累計|累積", quote_r) else "year"
                    notes.append(f"result_basis '{rbasis}' read from the result's wording")
                rows.append({"measure_id": m.measure_id, "goal_no": n, "indicator_zh": _indicator(sent, g),
                             "goal_value": number(g.group(1)), "unit_zh": unit, "goal_basis": basis,
                             "goal_year": "", "result_value": number(one.group(1)) if one else "",
                             "result_unit_zh": unit if one else "", "result_basis": rbasis if one else "none",
                             "result_source": "results_zh" if one else "",
                             "value_inferred": "false", "quote_goal_zh": sent.strip(),
                             "quote_result_zh": quote_r,
                             "basis_word_zh": word, "result_candidates": "; ".join(number(r.group(1)) for r in results),
                             "note": "; ".join(notes)})
    return rows


def _indicator(sent, g):
    """The goal's clause without its number and unit (and numbering): '每年輔導廠商進行低碳生產改善'."""
    a = max([sent.rfind(c, 0, g.start()) for c in "，；：:"] + [-1]) + 1
    ends = [i for i in (sent.find(c, g.end()) for c in "，。；") if i >= 0]
    clause = sent[a:g.start()] + sent[g.end():min(ends) if ends else len(sent)]
    clause = re.sub(r"^\s*\d{1,2}\s*[.．]\s*", "", clause).strip(" 。；，、")
    return clause or nows(g.group(0))


def _around(text, m):
    a = max([text.rfind(c, 0, m.start()) for c in "。；，"] + [-1]) + 1
    ends = [i for i in (text.find(c, m.end()) for c in "。；，") if i >= 0]
    return text[a: min(ends) if ends else len(text)].strip()


# An item's reduction as Table 4 prints it: 減碳 11.6 萬公噸 CO2e (the file's unit; 萬噸 is the same), or in
# another unit (written as printed, for review)
ITEM_REDUCTION = re.compile(r"減碳量?\s*([\d.,]*\d)\s*(萬公噸|萬噸|公噸|t)\s*CO\s*2\s*e")
ITEM_REDUCTION_UNIT = re.compile(r"(?:萬公噸|萬噸|公噸|t)(?:CO2e)?")


def same_name(text: str, names) -> str | None:
    """The one of ``names`` that ``text`` prints, exactly or nearly (a character left out or added, as a
    table may print a pillar's name: 9 in 10 characters the same, the lengths 2 apart at most), or None."""
    if text in names:
        return text
    near = [n for n in names if abs(len(n) - len(text)) <= 2 and SequenceMatcher(None, n, text).ratio() >= 0.9]
    return near[0] if len(near) == 1 else None


def results_table(lines, pillars):
    """表 4: items per pillar. count_value is left empty (the 'main count' is a judgement); candidates listed. Page
    furniture inside a pillar's name or an item's text is skipped and kept in the item's ``_furniture``."""
    cap, whole = _table_lines(lines, 4)
    block, skip = _without_furniture(lines, whole)
    names = {p["name_zh"]: p["pillar"] for p in pillars}
    texts = [(ln, raw.strip()) for ln, raw in block if raw.strip()]
    out, pillar, renamed, k = [], "", "", 0
    while k < len(texts):
        hit = None
        joined = [nows("".join(t for _, t in texts[k:k + n])) for n in range(1, 6)]
        if not re.match(r"\d", joined[0]):  # (an item opens with its number)
            # the lines that print a pillar's name exactly, else nearly (the nearest)
            hit = next((n for n, j in enumerate(joined, 1) if j in names), None) or max(
                (n for n, j in enumerate(joined, 1) if same_name(j, names)), default=None,
                key=lambda n: SequenceMatcher(None, same_name(joined[n - 1], names), joined[n - 1]).ratio())
        if hit:
            printed = nows("".join(t for _, t in texts[k:k + hit]))
            name = same_name(printed, names)
            pillar, renamed = names[name], (printed if printed != name else "")
            k += hit
            continue
        ln, t = texts[k]
        im = re.match(r"^(\d{1,2})\s*[.．]\s*(.*)$", t)
        if im and pillar:
            out.append({"pillar": pillar, "item_no": im.group(1), "_parts": [im.group(2)], "_line": ln,
                        "_pillar_printed": renamed})
        elif out and pillar:
            out[-1]["_parts"].append(t)
        k += 1
    for r in out:
        full = squash(" ".join(r.pop("_parts")))
        title, _, body = full.partition("：")
        r["title_zh"], r["text_zh"] = (title, body) if body else ("", full)
        red = ITEM_REDUCTION.findall(full)
        r["reduction_10k_t_co2e"] = number(red[-1][0]) if len(red) == 1 else ""
        r["_unit"] = nows(red[-1][1]) + "CO2e" if len(red) == 1 and not red[-1][1].startswith("萬") else ""
        r["count_value"], r["count_unit_zh"] = "", ""
        r["_counts"] = "; ".join(f"{number(g.group(1))} {nows(g.group(2))}" for g in GOAL_RX.finditer(full)
                                 if not ITEM_REDUCTION_UNIT.fullmatch(nows(g.group(2))))
        if len(red) > 1:
            r["_counts"] += " (several reductions printed: left empty)"
    return _furniture_of(out, whole, skip)

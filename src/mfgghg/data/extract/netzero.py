"""Drafts of the net-zero section: the strategies' short- and long-term directions, and the companies
that have set a 2050 net-zero target (``netzero_strategy_directions.csv``, ``netzero_companies.csv``).

Both are read from the text's wording, not from a position in the report:

- a direction list is a numbered item ``N. <strategy>：短期以<...>為主，長期則朝<...>。``; its items are
  the list split at 、 and at its last 及, the part before a closing 等 when there is one (the list is
  then open: ``list_open``). Not at 和 or 與, which are inside names (東和鋼鐵);
- the companies are the list ``包含<A>、<B>…及<Z>等`` in the sentence that counts them
  (``<n> 家企業``); a count that differs from the names listed is a review item, not a correction.

Every split is a draft: an item that may share a word with its neighbour (``擴大使用天然氣及生質燃料``:
does 擴大使用 govern both?) is for the reviewer, who is told so in review.md.
"""

from __future__ import annotations

import re

from .annex import nows
from .numerals import RUN, RUN_CHARS, cn_number
from .text import Para

DIRECTION_RX = re.compile(
    r"(?P<no>[1-9])[.．]\s*(?P<name>[^：:，。\d]{2,12})[：:]\s*"
    r"(?P<short>短期(?:以|為|朝)?\s*(?P<short_list>.+?)\s*(?:為主)?)\s*[，,；]\s*"
    r"(?P<long>長期(?:則)?(?:朝|以|為)?\s*(?P<long_list>.+?))\s*[。；]")
COMPANIES_RX = re.compile(rf"(?P<n>\d+|(?<![{RUN_CHARS}]){RUN})\s*家(?:企業|廠商|公司)[^。]*?包含(?P<list>[^。]+?)等")
OPEN_NOTE = "The list ends with 等 (and others): the items printed, not necessarily all."

DIRECTION_COLS = ["strategy_no", "strategy_zh", "horizon", "item_no", "item_zh", "direction_zh", "list_open",
                  "section_zh", "quote_zh", "note"]
COMPANY_COLS = ["list_no", "company_zh", "section_zh", "quote_zh"]


def _joined(paras: list[Para]) -> tuple[str, list[tuple[int, Para]]]:
    """The paragraphs' text run together, with where each paragraph starts in it."""
    text, starts = "", []
    for p in paras:
        starts.append((len(text), p))
        text += p.text
    return text, starts


def _para_at(starts: list[tuple[int, Para]], pos: int) -> Para:
    return [p for start, p in starts if start <= pos][-1]


def _section(para: Para, strategy_no: str = "") -> str:
    """The section label without ' heading', and without the list number the item itself carries."""
    label = para.section.replace(" heading", "")
    return label[: -len(strategy_no)] if strategy_no and label.endswith(strategy_no) else label


def split_items(printed: str) -> tuple[list[str], bool]:
    """A printed list's items, and whether it is open (ends with 等: the part before it is the list)."""
    printed = printed.strip()
    is_open = "等" in printed
    head = printed[: printed.rindex("等")] if is_open else printed
    items = [item.strip() for item in head.split("、")]
    if "及" in items[-1]:
        items[-1:] = [part.strip() for part in items[-1].rsplit("及", 1)]
    return [item for item in items if item], is_open


def strategy_directions(paras: list[Para]) -> list[dict]:
    """Rows of netzero_strategy_directions.csv (with ``_line`` and ``_why`` for the review)."""
    text, starts = _joined([p for p in paras if p.region == "text"])
    rows = []
    for m in DIRECTION_RX.finditer(text):
        para = _para_at(starts, m.start())
        no, name = m.group("no"), nows(m.group("name"))
        for horizon, quote, printed in (("short_term", f"{name}：{m.group('short')}", m.group("short_list")),
                                        ("long_term", m.group("long"), m.group("long_list"))):
            items, is_open = split_items(printed)
            direction = re.sub(r"\s*為主$", "", printed.strip())
            for k, item in enumerate(items, 1):
                rows.append({"strategy_no": no, "strategy_zh": name, "horizon": horizon, "item_no": k, "item_zh": item,
                             "direction_zh": direction, "list_open": "true" if is_open else "false",
                             "section_zh": _section(para, no), "quote_zh": quote.strip(),
                             "note": OPEN_NOTE if is_open and k == 1 else "", "_line": para.line,
                             "_why": "split at 、/及: check the item, and whether it shares a word with its neighbour"
                                     if len(items) > 1 else ""})
    return rows


def companies(paras: list[Para], directions: list[dict] = ()) -> tuple[list[dict], str]:
    """Rows of netzero_companies.csv and a review remark (the printed count against the names listed).
    A paragraph after the numbered direction list is labelled with the list's section, not with
    the number of the list's last item (``directions``: the rows of :func:`strategy_directions`)."""
    after_list = {f"{r['section_zh']}{r['strategy_no']}": r["section_zh"] for r in directions}
    text, starts = _joined([p for p in paras if p.region == "text"])
    for m in COMPANIES_RX.finditer(text):
        if "淨零" not in text[max(0, m.start() - 80): m.end() + 80]:
            continue
        para = _para_at(starts, m.start())
        clause_end = re.search(r"[，。；]", text[m.end():])
        quote = text[m.start("list") - 2: m.end() + (clause_end.start() if clause_end else 0)].strip()
        names = split_items(m.group("list"))[0]  # the list before its 等
        section = after_list.get(_section(para), _section(para))
        rows = [{"list_no": k, "company_zh": nows(name), "section_zh": section, "quote_zh": quote,
                 "_line": para.line} for k, name in enumerate(names, 1)]
        try:
            printed = int(m.group("n")) if m.group("n").isdigit() else cn_number(m.group("n"))
        except ValueError:  # (Chinese numerals that state no number, 二三十家: no count)
            continue
        if printed != int(printed):
            continue
        printed = int(printed)
        remark = "" if printed == len(rows) else f"the text counts {printed} companies, the list names {len(rows)}"
        return rows, remark
    return [], ""

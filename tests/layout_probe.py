"""Random LibreOffice layouts of the 2021 report, each drafted and compared with the hand transcription: a search
for layouts the extractor misreads. Not a test (the suite's fixed layouts are in ``lo_session.py``); a layout it
finds misread becomes one of those, with the fix. Usage, from the repository::

    .venv/bin/python tests/layout_probe.py SEED [COUNT]

Draws COUNT (16) layouts from SEED (the same seed, the same layouts), converts them in one soffice call, drafts each
with ``mfgghg extract`` and prints, per layout that is not exact, whether the draft was refused (one line, as it
should be) or went through with differences (a misread: the exit status is then 1). The documents and drafts are
kept in a temporary folder, named at the end.
"""

from __future__ import annotations

import dataclasses
import random
import sys
import tempfile
from pathlib import Path

import lo_reports as lo
from extract_helpers import RAW, STRUCT, TABLES, TEXT_FIELDS, content, report_text, rows
from mfgghg.runner.cli import main

TITLES = [lo.WRAPPED_TITLES, lo.ONE_LINE_TITLES, lo.SELF_WRAPPED_TITLES, lo.OTHER_FORM_TITLES]


def random_layout(rng: random.Random, name: str) -> lo.Layout:
    landscape = rng.random() < 0.5
    ruled = rng.random() < 0.5
    id_column = rng.random() < 0.25
    return lo.Layout(
        name, landscape=landscape, titles=tuple(tuple(t) for t in rng.choice(TITLES)), ruled=ruled,
        vertical_rules_only=ruled and rng.random() < 0.3,
        font_pt=rng.choice([7.0, 8.0, 9.0, 10.5, 12.0] if landscape else [7.0, 7.5, 8.0, 9.0]),
        widths=(4.0, 2.4, 1.9, 6.2, 7.0, 2.6, 2.5) if landscape else (3.2, 1.9, 1.5, 4.2, 4.6, 1.8, 1.8),
        page_numbers=rng.random() < 0.7, footer=rng.choice(["", "", "製造部門行動方案執行成果報告", "附件"]),
        order=rng.choice([tuple(range(7))] * 6 + [(0, 1, 2, 5, 6, 3, 4), (0, 2, 1, 3, 4, 5, 6)]),
        extra=rng.choice(["", "", "備註"]),
        running_head=rng.choice(["", "", "製造部門溫室氣體排放管制行動方案執行成果報告"]),
        subscript=rng.random() < 0.3, group_rows=rng.random() < 0.3,
        strategy_rows=rng.choice(["", "", "numbered", "short"]),
        # (the generator's merged agency cell and total row assume seven columns: none beside an id column)
        merged_agency=not id_column and rng.random() < 0.3, note_after=rng.choice(["", "", "資料來源：各機關"]),
        total_row=rng.choice([(), ()] if id_column else [(), (), ("合計", "202,038", "170.5")]), id_column=id_column,
        valign=rng.choice(["top", "top", "middle", "bottom"]), watermark=rng.choice(["", "", "", "草稿"]),
        annex_landscape=not landscape and rng.random() < 0.25, header_valign=rng.choice(["top", "top", "middle"]),
        repeat_header=rng.random() < 0.6, header_fill=rng.choice(["", "", "#d9d9d9"]),
        rule_pt=rng.choice([0.5, 0.5, 1.0, 1.5]), font=rng.choice(["Noto Sans CJK TC", "Noto Serif CJK TC"]))


def differences(out: Path, measures, funding) -> list[str]:
    """Where the draft in ``out`` differs from the transcription: fields, funding rows, published tables."""
    got = rows(out / "annex_measures.csv")
    if [g["measure_id"] for g in got] != [m["measure_id"] for m in measures]:
        return [f"measures {len(got)} against {len(measures)}"]
    found = []
    for g, w in zip(got, measures):
        found += [f"{w['measure_id']} {c}: {g[c]!r}, not {w[c]!r}" for c in STRUCT if g[c] != w[c]]
        found += [f"{w['measure_id']} {c}" for c in (*TEXT_FIELDS, "reduction_10k_t_co2e")
                  if content(g[c]) != content(w[c])]
    money = [(r["measure_id"], r["source_zh"], float(r["amount_10k_twd"])) for r in rows(out / "annex_funding.csv")]
    if money != [(r["measure_id"], r["source_zh"], float(r["amount_10k_twd"])) for r in funding]:
        found.append("funding rows")
    return found + [f"table {t}" for t in TABLES if rows(out / f"{t}.csv") != rows(RAW / f"{t}.csv")]


def probe(seed: int, count: int) -> int:
    rng = random.Random(seed)
    text = report_text()
    head, title = text[: text.index("附件、")], "附件、110 年製造部門行動方案執行情形"
    measures, funding = lo.transcription()
    folder = Path(tempfile.mkdtemp(prefix=f"layout-probe-{seed}-"))
    layouts = [random_layout(rng, f"s{seed}_{k}") for k in range(count)]
    documents = []
    for layout in layouts:
        documents.append(folder / f"{layout.name}.fodt")
        documents[-1].write_text(lo.fodt(head, title, lo.cells(measures, funding), layout), encoding="utf-8")
    misread = 0
    for layout, pdf in zip(layouts, lo.Conversion(documents, folder).wait()):
        out = folder / f"draft_{layout.name}"
        if main(["extract", str(pdf), "--out", str(out)]) != 0:
            print(f"{layout.name}: refused (above)")
            continue
        found = differences(out, measures, funding)
        if found:
            misread += 1
            changed = {k: v for k, v in dataclasses.asdict(layout).items()
                       if k != "name" and v != getattr(lo.Layout(layout.name), k)}
            print(f"{layout.name}: MISREAD {found[:5]}\n  {changed}")
    print(f"seed {seed}: {count} layouts, {misread} misread; documents and drafts in {folder}")
    return 1 if misread else 0


if __name__ == "__main__":
    sys.exit(probe(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 16))

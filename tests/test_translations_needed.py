"""``mfgghg translations-needed``: every text an English edition lacks, listed at once.

An English run stops at the first text without English; this lists them all, from the notebooks' own
code run in one process (here on small notebooks that call the real ingest and ``_``), and the page's
sources too. Adding exactly the rows it lists lets the English edition through (checked on a drafted
year by hand: see the README).
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from nbformat.v4 import new_code_cell, new_notebook

import nbformat
from conftest import REPO
from mfgghg.errors import RunError
from mfgghg.i18n import MissingTranslation, _, get_lang, listing_missing, set_lang
from mfgghg.runner.translations_needed import COLUMNS, translations_needed, write_rows

PARAMS = ('report_year = 2021\nraw_root = "data/raw"\nprocessed_root = "data/processed"\nfigures_root = "figures"\n'
          'lang = "zh-TW"\n')
INGEST = ("from mfgghg import nb\n"
          "from mfgghg.data.ingest import ingest, write_tables\n"
          "paths = nb.setup(report_year, raw_root, processed_root, figures_root, lang, figures=False)\n"
          "ingested = ingest(paths)\n"
          "write_tables(ingested.tables, paths.processed, paths.year, sources=ingested.sources, "
          "sections=ingested.sections)\n"
          "print('what a notebook prints is for its page')\n")
FIGURE_TEXTS = ("from mfgghg import nb\n"
                "from mfgghg.i18n import _\n"
                "paths = nb.setup(report_year, raw_root, processed_root, figures_root, lang, figures=False)\n"
                "shown = [_('{first}'), _('經濟部'), _('{second}'), _('{first}')]\n")


def notebook(path, body: str):
    nb = new_notebook()
    params = new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, new_code_cell(body)]
    nbformat.write(nb, path)
    return path


def test_listing_missing_shows_the_text_and_writes_it_down_once_in_order():
    set_lang("en")
    try:
        with listing_missing() as missing:
            assert _("未譯之詞甲") == "未譯之詞甲" and _("經濟部").startswith("Ministry of Economic Affairs")
            _("未譯之詞乙")
            _("未譯之詞甲")
        assert list(missing) == ["未譯之詞甲", "未譯之詞乙"]
        with pytest.raises(MissingTranslation):  # outside it, a missing text fails again
            _("未譯之詞甲")
    finally:
        set_lang("zh-TW")


def test_every_missing_text_of_the_notebooks_and_the_page_is_listed_once_with_where_it_is_needed(tmp_path, capsys):
    raw = tmp_path / "raw" / "2021"
    shutil.copytree(REPO / "data" / "raw" / "2021", raw)
    package = raw / "datapackage.json"
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["sources"][0]["title"] = "製造部門溫室氣體排放管制行動方案999年執行成果報告"  # no English for it
    package.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    with open(raw / "annex_measures.csv", encoding="utf-8", newline="") as fh:
        measures = list(csv.reader(fh))
    measures[1][measures[0].index("name_zh")] = "測試用未譯措施名"  # a new measure's name, without English
    with open(raw / "annex_measures.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(measures)
    notebooks = [notebook(tmp_path / "01_ingest.ipynb", INGEST),
                 notebook(tmp_path / "02_a.ipynb", FIGURE_TEXTS.format(first="未譯甲", second="未譯乙")),
                 notebook(tmp_path / "03_b.ipynb", FIGURE_TEXTS.format(first="未譯乙", second="測試用未譯措施名"))]
    rows = translations_needed(2021, tmp_path / "raw", notebooks)
    assert [(r["zh_tw"], r["en"], r["kind"]) for r in rows] == [
        ("未譯甲", "", "label"), ("未譯乙", "", "label"), ("測試用未譯措施名", "", "measure"),
        ("製造部門溫室氣體排放管制行動方案999年執行成果報告", "", "source")]
    assert [r["note"].split(";")[0] for r in rows] == [
        "(needed by 02_a", "(needed by 02_a", "(needed by 03_b", "(needed by the yearly page"]
    assert get_lang() == "zh-TW" and capsys.readouterr().out == ""  # (the notebooks' prints are not shown)
    written = write_rows(rows, tmp_path / "out" / "needed.csv")
    with open(written, encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh)) == rows and COLUMNS == ["zh_tw", "en", "kind", "note"]


def test_a_notebook_that_fails_otherwise_stops_the_listing_naming_it(tmp_path):
    notebooks = [notebook(tmp_path / "01_x.ipynb", "raise ValueError('not a translation')")]
    with pytest.raises(RunError, match=r"^01_x.ipynb: ValueError: not a translation$"):
        translations_needed(2021, REPO / "data" / "raw", notebooks)
    assert get_lang() == "zh-TW"


@pytest.mark.parametrize("rows, code", [([], 0), ([{"zh_tw": "未譯甲", "en": "", "kind": "label", "note": "n"}], 1)])
def test_the_command_says_how_many_and_where_and_fails_while_any_is_missing(tmp_path, monkeypatch, capsys, rows,
                                                                              code):
    import mfgghg.runner.translations_needed as needed
    from mfgghg.runner.cli import main

    asked = []
    monkeypatch.setattr(needed, "translations_needed", lambda *a, **k: asked.append(a) or rows)
    out = tmp_path / "needed.csv"
    assert main(["translations-needed", "--year", "110", "--out", str(out)]) == code
    printed = capsys.readouterr().out
    assert asked == [(2021, "data/raw")]
    if rows:
        assert printed.startswith(f"1 texts of the English edition of 2021 have no English: listed in {out}")
        assert out.read_text(encoding="utf-8") == "zh_tw,en,kind,note\n未譯甲,,label,n\n"
    else:
        assert printed == "every text the English edition of 2021 shows has its English\n" and not out.exists()

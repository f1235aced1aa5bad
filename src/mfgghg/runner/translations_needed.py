"""``mfgghg translations-needed``: every text a year's English edition shows that has no English yet,
listed at once.

An English run stops at the first text without a row in ``data/reference/translations.csv`` (a new
year's measure names, goal indicators, sections). Adding them one run at a time is slow, so this runs
the notebooks' own code for the year in this process, in English, with each missing text written
down and shown as it is (:func:`mfgghg.i18n.listing_missing`) instead of failing; the figures are
drawn and saved into a temporary folder (their data files are translated on saving too) and thrown
away. The texts go to a CSV with the columns of ``translations.csv``, ``en`` empty: fill it in and
add the rows. Nothing is published and no kernel is started.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
import warnings
from pathlib import Path

from mfgghg.data.paths import YearPaths, normalize_year, resolve
from mfgghg.errors import RunError

COLUMNS = ["zh_tw", "en", "kind", "note"]


def translations_needed(year, raw_root="data/raw", notebooks: list[Path] | None = None) -> list[dict]:
    """Rows for ``translations.csv`` (``en`` empty) of every text the English edition of ``year`` shows
    without English, in the order met, each with the notebook that first needs it (or the yearly page,
    which names the year's sources); ``kind`` is guessed from the year's measures and pillars
    (``source`` for the page's, ``label`` otherwise)."""
    import matplotlib

    from mfgghg.data.ingest import load_processed
    from mfgghg.data.provenance import use_year
    from mfgghg.i18n import listing_missing, set_lang
    from mfgghg.runner.notebooks import run_code_cells
    from mfgghg.runner.preflight import check_sources_translated
    from mfgghg.runner.pipeline import discover_notebooks

    year = normalize_year(year)
    notebooks = notebooks or discover_notebooks()
    needed_by: dict[str, str] = {}
    page = "the yearly page"
    with tempfile.TemporaryDirectory(prefix="mfgghg-translations-") as tmp, matplotlib.rc_context(), \
            warnings.catch_warnings(), listing_missing() as missing:
        # (the Agg canvas cannot show a figure: the notebooks' plt.show() is for JupyterLab)
        warnings.filterwarnings("ignore", message=".*non-interactive.*")
        parameters = {"report_year": year, "raw_root": str(resolve(raw_root)),
                      "processed_root": str(Path(tmp) / "processed"), "figures_root": str(Path(tmp) / "figures"),
                      "lang": "en", "strict": False}
        try:
            for nb in notebooks:
                try:
                    with contextlib.redirect_stdout(io.StringIO()):  # (what the notebooks print is for their pages)
                        run_code_cells(nb, parameters)
                except Exception as err:
                    raise RunError(f"{Path(nb).name}: {type(err).__name__}: {err}") from None
                for text in missing:
                    needed_by.setdefault(text, Path(nb).stem)
            processed = Path(tmp) / "processed" / str(year)
            tables = {}
            if (processed / "datapackage.json").is_file():
                tables = load_processed(processed)
                # the yearly page names the report and the outside sources in English too
                sources = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))["sources"]
                check_sources_translated(sources, YearPaths.for_year(year, raw_root).reference)
                for text in missing:
                    needed_by.setdefault(text, page)
        finally:  # (what the notebooks' nb.setup() set for this process, undone: the folders are temporary)
            set_lang("zh-TW")
            use_year(None)
    kinds = {}
    for table, column, kind in (("pillars", "name_zh", "pillar"), ("measures", "name_zh", "measure")):
        if table in tables:
            kinds.update(dict.fromkeys(tables[table][column].dropna(), kind))
    return [{"zh_tw": text, "en": "", "kind": "source" if notebook == page else kinds.get(text, "label"),
             "note": f"(needed by {notebook}; kind guessed: check it) where the English comes from"}
            for text, notebook in needed_by.items()]


def write_rows(rows: list[dict], path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path

"""The notebooks' figures of the editions the figure sets do not run (the English edition of 2021),
recorded for the layout tests (``layout_record.figure_record``) in a process of their own.

The test session starts this script in the background (see ``conftest.py``), beside the unit tests,
and ``test_figure_layout.py`` and ``test_notebook_figures.py`` read what it wrote. Usage::

    python tests/notebook_figures_driver.py ROOT

The notebooks' own code cells run in this process, their parameters cell replaced, with
``save_figure`` replaced by one that records the figure as it would be saved; a warning (such as a
glyph missing from the fonts) is an error, as it is in a run's notebook. For a year without
processed tables committed (2099), the ingest's code writes them under ``ROOT/<year>-<lang>`` first.
Written to ``ROOT/figures.json``: ``{"<year> <lang>": [figure, ...]}``. The other editions are
recorded in the figure sets' own kernels (``figure_sets_driver.py``).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("agg")  # (the background's environment names the inline backend, for kernels)

import matplotlib.pyplot as plt  # noqa: E402

from mfgghg.data.paths import repo_root  # noqa: E402

REPO = repo_root()
FIXTURE_DATA = REPO / "tests" / "fixtures" / "data"
FIGURE_NOTEBOOKS = ["02_execution_status", "03_emissions_vs_target", "04_carbon_intensity", "05_budget"]
EDITIONS = [(2021, "en")]  # (the figure sets record 2021 and 2099 in Chinese, and 2099 in English)


def run_notebook_code(name: str, parameters: dict) -> None:
    """A notebook's code cells in this process (``mfgghg.runner.notebooks.run_code_cells``)."""
    from mfgghg.runner.notebooks import run_code_cells

    run_code_cells(REPO / "notebooks" / f"{name}.ipynb", parameters)


def notebook_figures(year: int, lang: str, work: Path) -> list[dict]:
    """Every figure the notebooks save for ``year`` in ``lang``, recorded as each is saved."""
    import mfgghg.plots.style as style

    from layout_record import figure_record
    from mfgghg.i18n import set_lang

    saved = []

    def record(fig, name, figures_dir, data, caption=None):
        saved.append(figure_record(fig, name, data))
        return []

    if year == 2021:
        raw_root, processed_root = REPO / "data" / "raw", REPO / "data" / "processed"
    else:
        raw_root, processed_root = FIXTURE_DATA / "raw", work / "processed"
    parameters = {"report_year": year, "raw_root": str(raw_root), "processed_root": str(processed_root),
                  "figures_root": str(work / "figures"), "lang": lang}
    plain_save, plain_show = style.save_figure, plt.show
    style.save_figure, plt.show = record, (lambda *a, **k: plt.close("all"))
    try:
        # A warning (a glyph missing from the fonts, among others) fails, as it would a run's notebook
        with matplotlib.rc_context(), warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            if year != 2021:
                run_notebook_code("01_ingest", {**parameters, "strict": False})
            for name in FIGURE_NOTEBOOKS:
                run_notebook_code(name, parameters)
        return saved
    finally:
        style.save_figure, plt.show = plain_save, plain_show
        set_lang("zh-TW")
        plt.close("all")


def main(root: Path) -> int:
    out = {f"{year} {lang}": notebook_figures(year, lang, root / f"{year}-{lang}") for year, lang in EDITIONS}
    (root / "figures.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    sys.exit(main(Path(sys.argv[1])))

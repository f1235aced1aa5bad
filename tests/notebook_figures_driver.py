"""Every figure the notebooks save, in both editions of 2021 and of the made-up 2099, measured by the
layout check (mfgghg.plots.layout), in a process of its own.

The test session starts this script in the background (see ``conftest.py``), beside the unit tests,
and ``test_figure_layout.py`` reads what it wrote. Usage::

    python tests/notebook_figures_driver.py ROOT

The notebooks' own code cells run in this process, their parameters cell replaced, with
``save_figure`` replaced by one that records the figure as it would be saved: its name, its layout
problems, the texts it shows and the table its CSV would hold (in the edition's language). For 2099,
which has no processed tables committed, the ingest's code writes them under ``ROOT/<year>-<lang>`` first.
Written to ``ROOT/figures.json``: ``{"<year> <lang>": [figure, ...]}``; each year is drawn in a process of
its own, forked from this one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("agg")  # (the background's environment names the inline backend, for kernels)

import matplotlib.pyplot as plt  # noqa: E402

from mfgghg.data.paths import repo_root  # noqa: E402

REPO = repo_root()
FIXTURE_DATA = REPO / "tests" / "fixtures" / "data"
FIGURE_NOTEBOOKS = ["02_execution_status", "03_emissions_vs_target", "04_carbon_intensity", "05_budget"]
EDITIONS = [(2021, "zh-TW"), (2021, "en"), (2099, "zh-TW"), (2099, "en")]


def _code_cells(name: str) -> list[tuple[list[str], str]]:
    nb = json.loads((REPO / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    return [(c["metadata"].get("tags", []), "".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"]


def run_notebook_code(name: str, parameters: dict) -> None:
    """A notebook's code cells in this process, its parameters cell replaced by ``parameters``."""
    namespace = {"__name__": "__main__", "display": lambda *a, **k: None}
    for tags, source in _code_cells(name):
        if "parameters" in tags:
            namespace.update(parameters)
            continue
        exec(compile(source, f"{name}.ipynb", "exec"), namespace)


def notebook_figures(year: int, lang: str, work: Path) -> list[dict]:
    """Every figure the notebooks save for ``year`` in ``lang``, recorded as each is saved (plain JSON:
    the problems as the check words them, the table as columns and rows)."""
    import mfgghg.plots.style as style
    from matplotlib.text import Text

    from mfgghg.i18n import set_lang
    from mfgghg.plots.layout import layout_problems

    saved = []

    def record(fig, name, figures_dir, data, caption=None):
        table = style.edition_data(data)
        saved.append({"name": name, "problems": [str(p) for p in layout_problems(fig)],
                      "texts": [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()],
                      "table": {"columns": [str(c) for c in table.columns],
                                "rows": table.astype(object).where(table.notna(), None).values.tolist()}})
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
        with matplotlib.rc_context():
            if year != 2021:
                run_notebook_code("01_ingest", {**parameters, "strict": False})
            for name in FIGURE_NOTEBOOKS:
                run_notebook_code(name, parameters)
        return saved
    finally:
        style.save_figure, plt.show = plain_save, plain_show
        set_lang("zh-TW")
        plt.close("all")


def record_year(root: Path, year: int) -> Path:
    """Both editions of ``year``, written to ``ROOT/<year>.json``."""
    out = {f"{y} {lang}": notebook_figures(y, lang, root / f"{y}-{lang}") for y, lang in EDITIONS if y == year}
    path = root / f"{year}.json"
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return path


def main(root: Path) -> int:
    """Each year in a process of its own (this one, and children forked from it once the analysis
    and plotting libraries are imported, which they then share), so that the years share the cores
    the unit tests leave; then ``ROOT/figures.json`` with every edition."""
    import mfgghg.plots.layout  # noqa: F401  (what every year needs, imported once before forking)
    import mfgghg.plots.style  # noqa: F401

    first, *others = sorted({year for year, _ in EDITIONS})
    children = {}
    for year in others:
        pid = os.fork()
        if pid == 0:  # (the child: one year, then out, without this process's exit handlers)
            code = 1
            try:
                record_year(root, year)
                code = 0
            except BaseException:
                import traceback

                traceback.print_exc()  # (into the background's log, which the test shows)
            finally:
                os._exit(code)
        children[year] = pid
    paths = [record_year(root, first)]
    for year, pid in children.items():
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if code != 0:
            print(f"the figures of {year} failed (exit code {code})", file=sys.stderr)
            return 1
        paths.append(root / f"{year}.json")
    out = {key: figures for path in paths for key, figures in json.loads(path.read_text(encoding="utf-8")).items()}
    (root / "figures.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    sys.exit(main(Path(sys.argv[1])))

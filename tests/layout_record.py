"""What the layout tests know of a figure the notebooks save, recorded as it is saved.

:func:`figure_record` measures a figure with the layout check (:func:`mfgghg.plots.layout.layout_problems`)
and keeps what the tests of the notebooks' figures read: the texts it shows (each axes' by role), and the
table its CSV holds, in the edition's language. Two places record figures this way
(``tests/test_figure_layout.py`` and ``tests/test_notebook_figures.py`` read both):

- ``notebook_figures_driver.py`` runs the notebooks' code in its own process, for the editions the
  figure sets do not run;
- the figure sets' kernels (``figure_sets_driver.py``): their fork server runs :func:`install`, which
  puts a recording ``save_figure`` in front of the one the kernels would call, so the figures of
  those runs are measured in the runner's own kernels, just before they are saved. Those runs'
  files are compared byte for byte with a run that records nothing (``test_figure_sets.py``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

RECORD_DIR = "MFGGHG_TEST_LAYOUT_RECORD"  # where install() writes: <dir>/<year> <lang>/<name>.json


def figure_record(fig, name: str, data) -> dict:
    """The figure's name, its layout problems (as the check words them), the texts it shows (all of
    them; the figure's own, such as its source line; and each axes' labels, ticks, legend and
    texts), the scales of its axes and the table its CSV would hold, as plain JSON."""
    from matplotlib.text import Text

    from mfgghg.plots.layout import layout_problems
    from mfgghg.plots.style import edition_data

    problems = [str(p) for p in layout_problems(fig)]  # (drawn: the tick labels are set)
    table = edition_data(data)
    return {"name": name, "problems": problems,
            "texts": [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()],
            "figure_texts": [t.get_text() for t in fig.texts],
            "axes": [axes_record(ax) for ax in fig.axes],
            "table": {"columns": [str(c) for c in table.columns],
                      "rows": table.astype(object).where(table.notna(), None).values.tolist()}}


def axes_record(ax) -> dict:
    """What one axes shows, by the role of each text."""
    legend = ax.get_legend()
    return {"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
            "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
            "xticklabels": [t.get_text() for t in ax.get_xticklabels()],
            "yticklabels": [t.get_text() for t in ax.get_yticklabels()],
            "legend": [t.get_text() for t in legend.get_texts()] if legend is not None else [],
            "texts": [t.get_text() for t in ax.texts]}


def edition_of(figures_dir) -> str:
    """``"<year> <lang>"`` of a figures folder: ``…/<year>`` (Chinese) or ``…/<year>/en``."""
    from mfgghg.i18n import get_lang

    year = next(part for part in reversed(Path(figures_dir).parts) if re.fullmatch(r"\d{4}", part))
    return f"{year} {get_lang()}"


def install() -> None:
    """In a fork server of the figure sets (before it forks kernels): every figure a kernel saves
    through ``mfgghg.plots.style.save_figure`` is recorded first, into ``$MFGGHG_TEST_LAYOUT_RECORD``."""
    import mfgghg.plots.style as style

    directory = Path(os.environ[RECORD_DIR])
    saving = style.save_figure  # (the one the runner's batch kernels call)

    def record_and_save(fig, name, figures_dir, data, *args, **kwargs):
        record = figure_record(fig, name, data)
        out = directory / edition_of(figures_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        return saving(fig, name, figures_dir, data, *args, **kwargs)

    style.save_figure = record_and_save


def read_records(directory: Path) -> dict:
    """``{"<year> <lang>": [figure, ...]}`` of what :func:`install` recorded."""
    return {edition.name: [json.loads(p.read_text(encoding="utf-8")) for p in sorted(edition.glob("*.json"))]
            for edition in sorted(Path(directory).iterdir()) if edition.is_dir()}

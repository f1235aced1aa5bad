"""A year without the optional raw files runs through the notebooks and says what it lacks.

The extractor drafts neither ``table4_measure_map.csv`` (which measures a Table 4 item covers is a
judgment) nor ``netzero_groups.csv``, and a report may have no Figure 3 text at all, so a new year can
come without them. The ingest then writes no table for them, and notebooks 02 (the Table 4 trace) and
03 (Figure 3) run their own code on what there is: no check row, no evidence, and figures that say
why they are empty. (Each function on its own: ``test_table4_trace.py``, ``test_netzero.py``.)
"""

from __future__ import annotations

import csv
import json
import shutil
import warnings

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.text import Text

from conftest import REPO
from mfgghg.data.trace_tables import TRACE_TABLES
from notebook_figures_driver import run_notebook_code

# the raw files of the Table 4 trace and Figure 3, which a year may lack (data.trace_tables)
OPTIONAL = tuple(TRACE_TABLES.values())


def raw_without_optional_files(root):
    """2021's raw files without the optional ones (and without the notes on the checks they made)."""
    raw = root / "raw" / "2021"
    shutil.copytree(REPO / "data" / "raw" / "2021", raw)
    descriptor = json.loads((raw / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] in OPTIONAL:
            (raw / resource["path"]).unlink()
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] not in OPTIONAL]
    (raw / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    for notes in raw.glob("*_notes.csv"):  # a note on a Table 4 item's trace would name an unknown check
        with open(notes, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        col = rows[0].index("check_id")
        with open(notes, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(
                [rows[0]] + [r for r in rows[1:] if not r[col].startswith("table4.item.")])
    return root / "raw"


def test_notebooks_run_on_a_year_without_the_optional_files(tmp_path, monkeypatch, capsys):
    import mfgghg.plots.style as style

    raw_root = raw_without_optional_files(tmp_path)
    saved = {}

    def record(fig, name, figures_dir, data, caption=None):
        saved[name] = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
        return []

    monkeypatch.setattr(style, "save_figure", record)
    monkeypatch.setattr(plt, "show", lambda *a, **k: plt.close("all"))
    parameters = {"report_year": 2021, "raw_root": str(raw_root), "processed_root": str(tmp_path / "processed"),
                  "figures_root": str(tmp_path / "figures"), "lang": "zh-TW"}
    try:
        with matplotlib.rc_context(), warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # (a missing glyph fails, as in a run's notebook)
            run_notebook_code("01_ingest", {**parameters, "strict": False})
            written = json.loads((tmp_path / "processed" / "2021" / "datapackage.json").read_text(encoding="utf-8"))
            assert not {r["name"] for r in written["resources"]} & set(OPTIONAL)
            for name in ("02_execution_status", "03_emissions_vs_target"):
                run_notebook_code(name, parameters)
    finally:
        plt.close("all")
    printed = capsys.readouterr().out
    assert "no table4_measure_map.csv in the year's raw data: Table 4's items are not traced" in printed
    assert "表4項目未對應至附件措施 (無對應表)" in saved["02_table4_items_vs_measures"]
    figure3 = saved["03_fig3_netzero_strategies"]
    assert "本年無淨零轉型策略方向資料" in figure3
    # the headlines are still said; the target year is quoted with the companies' names only, absent here
    assert any(t.startswith("25家企業已提出淨零目標") for t in figure3), figure3
    # every other figure of the two notebooks is drawn as usual
    assert {"02_goals_vs_results", "02_fig1_reductions_by_measure", "03_annual_target_vs_emissions"} <= set(saved)

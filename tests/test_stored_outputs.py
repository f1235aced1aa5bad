"""No stored output holds a warning: the committed notebooks (whose outputs nbval compares and whose
pages readers see) and, in the runner, every notebook it executes (tests/test_pipeline.py). And
``refresh-notebooks``, which stores the committed notebooks' outputs, stores them without one."""

from __future__ import annotations

import nbformat
import pytest

from mfgghg.runner.publish import stored_warnings

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_a_committed_notebook_stores_no_warning(path):
    found = stored_warnings(nbformat.read(path, as_version=4))
    assert not found, f"{path.name}: " + "; ".join(f"cell {cell}: {text}" for cell, text in found)


def test_a_warning_on_stderr_is_found_with_its_cell():
    nb = nbformat.v4.new_notebook()
    quiet, noisy = nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("f()")
    noisy.execution_count = 7
    noisy.outputs = [nbformat.v4.new_output("stream", name="stdout", text="fine\n"),
                     nbformat.v4.new_output("stream", name="stderr",
                                            text="findfont: Failed to find font weight bold for X, now using 400.\n")]
    nb.cells = [quiet, noisy]
    assert stored_warnings(nb) == [(7, "findfont: Failed to find font weight bold for X, now using 400.")]


def test_figure_3_headers_are_bold_whichever_faces_are_installed(styled, monkeypatch, recwarn):
    """With a bold face of the CJK font (Debian's fonts-noto-cjk) the headers use it; with the wheel's
    regular face only, they are drawn with a stroke of their own colour, and nothing asks matplotlib for
    a weight it lacks (which warns)."""
    import logging

    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    import mfgghg.plots.style as style

    monkeypatch.setattr(style, "_has_bold", lambda family: False)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    props = style.bold_text()
    assert "weight" not in props and props["path_effects"]
    fig, ax = plt.subplots()
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("matplotlib.font_manager").addHandler(handler)
    try:
        ax.text(0.5, 0.5, "短期", **props)
        fig.draw_without_rendering()
    finally:
        logging.getLogger("matplotlib.font_manager").removeHandler(handler)
    assert not [r for r in records if "findfont" in r.getMessage()]
    monkeypatch.undo()
    if style.register_cjk_bold():
        assert style.bold_text() == {"weight": "bold"}
        face = font_manager.findfont(font_manager.FontProperties(family=style.CJK_FAMILY, weight="bold"))
        assert "Bold" in face


def test_refresh_stores_a_notebooks_outputs_in_place_and_its_kernel_says_nothing(tmp_path, capfd):
    """``make refresh-notebooks``: the notebook is executed in place, its outputs stored with run-to-run
    metadata dropped and the project's kernel named; the kernel listens on local sockets, so it does
    not warn (on its stderr, this process's) that TCP traffic is unencrypted."""
    from mfgghg import KERNEL_NAME
    from mfgghg.runner.notebooks import refresh_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('refreshed', 6 * 7)")]
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    refresh_notebook(path)
    stored = nbformat.read(path, as_version=4)
    assert [(o.name, o.text) for o in stored.cells[0].outputs] == [("stdout", "refreshed 42\n")]
    assert stored.metadata.kernelspec.name == KERNEL_NAME and "execution" not in stored.cells[0].metadata
    assert capfd.readouterr().err == ""

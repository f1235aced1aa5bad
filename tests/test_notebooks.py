"""nbval over the committed notebooks: every cell runs and prints what is stored.

nbval runs in a background process started at collection (``conftest.py``), with kernels forked
like the runner's (``nbval_forked.py``), while the other tests run. Run it in the foreground, cell
by cell, with ``.venv/bin/python -m pytest notebooks``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mfgghg.runner.pipeline import discover_notebooks
from mfgghg.runner.fast import kernelfork
from nbval_forked import FORKED_LINE, OFF_LINE


def test_stored_notebook_outputs_reproduce_under_nbval(nbval_run):
    assert nbval_run["returncode"] == 0, nbval_run["log"]
    cells = list(ET.parse(nbval_run["junit"]).getroot().iter("testcase"))
    for nb in discover_notebooks():  # every notebook ran, cell by cell
        assert sum(nb.stem in (c.get("classname", "") + c.get("file", "")) for c in cells) > 1, nb.name
    assert not [c.get("name") for c in cells for tag in ("failure", "error", "skipped") if c.find(tag) is not None], \
        nbval_run["log"]
    # every notebook's kernel was forked (nbval_forked.py), none started as a standard one; unless
    # forking is switched off
    expected = FORKED_LINE.format(len(discover_notebooks())) if kernelfork.enabled() else OFF_LINE
    assert expected in nbval_run["log"], nbval_run["log"]

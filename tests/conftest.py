"""Shared fixtures: copies of real data to break on purpose, and the repository's folders."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from mfgghg.data.paths import repo_root

REPO = repo_root()
FIXTURE_DATA = REPO / "tests" / "fixtures" / "data"


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/raw/2021 and data/reference laid out as <root>/raw/2021, <root>/reference."""
    root = tmp_path / "data"
    shutil.copytree(REPO / "data" / "raw" / "2021", root / "raw" / "2021")
    shutil.copytree(REPO / "data" / "reference", root / "reference")
    return root


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Overwrite one cell of a CSV; ``row`` is the file's line number (header = 1)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(column)
    rows[row - 1][col] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def line_of_value(path: Path, column: str, value: str) -> int:
    """The line number of the first row whose ``column`` equals ``value``."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(column)
    return next(i + 1 for i, r in enumerate(rows) if i and r[col] == value)


# --- figures: the project's style, and the English edition for a test --------------------------


@pytest.fixture
def styled():
    import matplotlib.pyplot as plt

    from mfgghg.plots.style import use_cjk_font

    use_cjk_font()
    yield
    plt.close("all")


@pytest.fixture
def english(styled):
    from mfgghg.i18n import set_lang

    set_lang("en")
    yield
    set_lang("zh-TW")


def drawn(fig, line=None):
    """The figure laid out as for drawing (with its source line, as the notebook adds it): every text,
    tick labels included, is set and measured, which is where a missing glyph warns, without the
    cost of rasterising."""
    from mfgghg.plots.style import source_note

    if line is not None:
        source_note(fig, line)
    fig.draw_without_rendering()
    return fig


def missing_numbers_written(fig) -> list[str]:
    """Every text ``fig`` draws that writes a missing number as a word ("nan", "+nan%", "inf"): a value
    that cannot be computed must draw no label. (Drawn first, as a reader sees it.)"""
    import re

    fig.draw_without_rendering()
    word = re.compile(r"(?<![A-Za-z])(nan|inf)(?![A-Za-z])", re.IGNORECASE)
    texts = (a.get_text() for a in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible()))
    return [t for t in texts if isinstance(t, str) and word.search(t)]


# --- work done in background processes: whole figure sets, nbval, the notebooks' figures ---------

_background: dict = {}


BACKGROUND_FIXTURES = ("figure_sets", "nbval_run", "notebook_figures")


def pytest_configure(config):
    """On a run of the whole suite (``make test``), start the background work before collecting: the
    collection (importing the test modules) uses one core for seconds, the other would wait."""
    if _whole_suite(config):
        for fixture in BACKGROUND_FIXTURES:
            _start_background(fixture)
    # The tests read unchanged copies of the raw files many times: this process keeps what it has
    # validated (mfgghg.runner.fast.validated, as the runner's fork server does; a researcher's
    # kernel keeps nothing).
    from mfgghg.runner.fast import validated

    validated.install()


def _whole_suite(config) -> bool:
    option = config.option
    if option.collectonly or option.keyword or option.markexpr or getattr(option, "lf", False) \
            or getattr(option, "deselect", None) or getattr(option, "ignore", None):
        return False
    return config.args_source == pytest.Config.ArgsSource.TESTPATHS


@pytest.hookimpl(trylast=True)  # after -k / -m / --deselect: only for the tests that will run
def pytest_collection_modifyitems(session, config, items):
    """Three slow parts of the suite run in background processes beside the unit tests (which use one
    core): the whole figure sets (``figure_sets_driver.py``), nbval over the notebooks
    (``test_notebooks.py``) and the notebooks' figures measured for the layout check
    (``notebook_figures_driver.py``). They start now if ``pytest_configure`` did not start them already, and
    stop if no test needs them. Tests that wait for them go last."""
    if config.option.collectonly:
        return
    for fixture in BACKGROUND_FIXTURES:
        using = [item for item in items if fixture in getattr(item, "fixturenames", ())]
        if not using:
            _stop_background(fixture)
            continue
        moved = set(map(id, using))
        items[:] = [item for item in items if id(item) not in moved] + using
        if fixture not in _background:
            _start_background(fixture)


def _start_background(fixture: str) -> None:
    import os
    import subprocess
    import sys
    import tempfile
    import time

    start = {"figure_sets": _start_figure_sets, "nbval_run": _start_nbval,
             "notebook_figures": _start_notebook_figures}[fixture]
    root = Path(tempfile.mkdtemp(prefix=f"mfgghg-{fixture.replace('_', '-')}-"))
    log = open(root / "output.log", "w")
    # At the lowest priority, so that the unit tests (one process, one core) are not slowed by the
    # background's many processes and the two finish about together. A process group of its own
    # (killed as one), in this session: a new session would also be a new scheduler autogroup,
    # whose CPU share Linux balances against this one whatever the niceness inside it. (The kernels,
    # each in a session of its own, keep the niceness: runner.fast.processes.keep_niceness_in_new_session.)
    proc = subprocess.Popen(start(root, sys.executable), cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                            process_group=0, env=_background_env(), preexec_fn=lambda: os.nice(19))
    _background[fixture] = {"root": root, "proc": proc, "log": log, "started": time.time()}


def _stop_background(fixture: str) -> None:
    """Stop the process (its process group: runners, fork servers; their kernels, in sessions of their
    own, end with their parent) and remove its folder."""
    import os
    import signal

    job = _background.pop(fixture, None)
    if job is None:
        return
    if job["proc"].poll() is None:
        os.killpg(job["proc"].pid, signal.SIGKILL)
        job["proc"].wait()
    job["log"].close()
    shutil.rmtree(job["root"], ignore_errors=True)


def _background_env() -> dict:
    import os

    from mfgghg.runner.pipeline import INLINE_BACKEND

    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", MPLBACKEND=INLINE_BACKEND)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "tests"), env.get("PYTHONPATH")]))
    return env


def _start_figure_sets(root: Path, python: str) -> list[str]:
    return [python, str(REPO / "tests" / "figure_sets_driver.py"), str(root)]


def _start_notebook_figures(root: Path, python: str) -> list[str]:
    return [python, str(REPO / "tests" / "notebook_figures_driver.py"), str(root)]


def _start_nbval(root: Path, python: str) -> list[str]:
    # pyproject's addopts give nbval its options; nbval_forked forks its kernels like the runner's
    return [python, "-m", "pytest", "notebooks", "-p", "no:cacheprovider", "-p", "nbval_forked", "-q",
            "--junitxml", str(root / "nbval.xml")]


def pytest_sessionfinish(session, exitstatus):
    for fixture in list(_background):  # stopped early (-x, Ctrl-C): the background work stops too
        _stop_background(fixture)


def background_result(fixture: str, timeout: float = 900):
    """Wait for the background process of ``fixture``; its folder and the tail of its output."""
    assert fixture in _background, f"the background process for {fixture} was not started"
    job = _background[fixture]
    job["proc"].wait(timeout=timeout)
    job["log"].flush()
    log = (job["root"] / "output.log").read_text(encoding="utf-8", errors="replace")
    return job["proc"].returncode, job["root"], log[-4000:]


@pytest.fixture(scope="session")
def nbval_run():
    """nbval over notebooks/ (run in the background): return code, junit report and output."""
    returncode, root, log = background_result("nbval_run")
    return {"returncode": returncode, "junit": root / "nbval.xml", "log": log,
            "started": _background["nbval_run"]["started"]}


@pytest.fixture(scope="session")
def figure_sets():
    """The folders made by figure_sets_driver.py (multi/, single/) and its report, once it is done."""
    import json

    returncode, root, log = background_result("figure_sets")
    assert returncode == 0 and (root / "report.json").is_file(), log
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    assert "error" not in report, f"{report['error']}\n{log}"
    return {"multi": root / "multi", "single": root / "single", "report": report, "layout": root / "layout"}


@pytest.fixture(scope="session")
def notebook_figures():
    """The notebooks' figures of the editions the figure sets do not run, measured by
    notebook_figures_driver.py: ``{"<year> <lang>": [{name, problems, texts, table: {columns, rows}}]}``."""
    import json

    returncode, root, log = background_result("notebook_figures")
    assert returncode == 0 and (root / "figures.json").is_file(), log
    return json.loads((root / "figures.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def saved_figures(notebook_figures, figure_sets):
    """``saved_figures(year, lang)``: every figure the notebooks save in that edition, as it was saved
    (``layout_record.figure_record``: its name, layout problems, texts, axes and table), recorded in the
    figure sets' kernels or, for the edition those do not run, by ``notebook_figures_driver.py``."""
    import pandas as pd

    from layout_record import read_records

    recorded = read_records(figure_sets["layout"])
    assert not set(recorded) & set(notebook_figures), sorted(recorded)  # (each edition recorded once)
    recorded.update(notebook_figures)

    def get(year, lang):
        figures = recorded[f"{year} {lang}"]
        return [{**f, "table": pd.DataFrame(f["table"]["rows"], columns=f["table"]["columns"])} for f in figures]

    return get


@pytest.fixture(scope="session")
def fork_server():
    """One kernel fork server (mfgghg.runner.fast.kernelfork) for the tests that run notebooks in this process.
    It keeps the memo of validated raw tables too (:mod:`mfgghg.runner.fast.validated`, as this process
    does): its preflights, and the kernels it forks, read unchanged copies of 2021's raw files."""
    from mfgghg import KERNEL_NAME
    from mfgghg.runner.fast import kernelfork
    from mfgghg.runner.pipeline import fork_server_preload

    memo = "from mfgghg.runner.fast.validated import install as _keep; _keep()"
    preload = fork_server_preload(staged=False, batch=False)[0] + [memo]
    with kernelfork.KernelForkServer(KERNEL_NAME, preload) as server:
        yield server

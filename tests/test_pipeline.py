"""The runner: order, all-or-nothing publishing, locking, one-line errors, and notebook conventions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from conftest import REPO
from mfgghg import KERNEL_NAME
from mfgghg.runner.pipeline import RunError, discover_notebooks, run_year, year_lock

PARAMS = 'report_year = 2021\nraw_root = "data/raw"\nprocessed_root = "data/processed"\nfigures_root = "figures"'


def make_notebook(path, body: str):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (mfgghg)", "language": "python"}
    params = new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, new_code_cell(body)]
    nbformat.write(nb, path)
    return path


WRITE_FIGURE = (
    "from pathlib import Path\n"
    "d = Path(figures_root) / str(report_year); d.mkdir(parents=True, exist_ok=True)\n"
    "(d / 'new.txt').write_text('new')\n"
    "p = Path(processed_root) / str(report_year); p.mkdir(parents=True, exist_ok=True)\n"
    "(p / 'table.csv').write_text('x\\n2\\n')"
)


@pytest.fixture
def roots(tmp_path):
    import shutil

    shutil.copytree(REPO / "data" / "raw" / "2021", tmp_path / "raw" / "2021")  # the run validates it first
    old_fig = tmp_path / "figures" / "2021"
    old_fig.mkdir(parents=True)
    (old_fig / "old.txt").write_text("old")
    old_proc = tmp_path / "processed" / "2021"
    old_proc.mkdir(parents=True)
    (old_proc / "table.csv").write_text("x\n1\n")
    return tmp_path


@pytest.fixture
def run(fork_server):
    def run(roots, notebooks):
        return run_year(2021, roots / "raw", roots / "processed", roots / "figures", roots / "build",
                        notebooks=notebooks, log=lambda *_: None, fork_server=fork_server)
    return run


def test_success_replaces_the_year_outputs(roots, tmp_path, run):
    nb = make_notebook(tmp_path / "01_ok.ipynb", WRITE_FIGURE)
    result = run(roots, [nb])
    # the old figure is gone: the folder was replaced, not merged; the page and notebook copies are new
    assert sorted(p.name for p in (roots / "figures" / "2021").iterdir()) == ["data", "index.html", "new.txt",
                                                                              "notebooks"]
    assert (roots / "figures" / "2021" / "notebooks" / "01_ok.html").is_file()
    # the year's processed tables go with the figure set
    assert (roots / "figures" / "2021" / "data" / "table.csv").read_text() == "x\n2\n"
    assert (roots / "processed" / "2021" / "table.csv").read_text() == "x\n2\n"
    assert (roots / "build" / "2021" / "01_ok.ipynb").is_file() and result.executed
    assert not any(p.name.startswith(".staging") for p in (roots / "build" / "2021").iterdir())


def test_failing_notebook_names_notebook_cell_and_error_and_keeps_outputs(roots, tmp_path, run):
    """(The failing notebook runs in a kernel started ahead, while the first one ran.)"""
    ok = make_notebook(tmp_path / "01_ok.ipynb", WRITE_FIGURE)
    bad = make_notebook(tmp_path / "02_fail.ipynb", "raise ValueError('boom in the data')")
    with pytest.raises(RunError) as info:
        run(roots, [ok, bad])
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("02_fail.ipynb: cell ")
    assert "ValueError: boom in the data" in message
    assert sorted(p.name for p in (roots / "figures" / "2021").iterdir()) == ["old.txt"]
    assert (roots / "processed" / "2021" / "table.csv").read_text() == "x\n1\n"


def test_a_failing_ingest_stops_the_kernels_started_ahead_for_the_others(roots, tmp_path, fork_server, monkeypatch):
    """The analysis notebooks' kernels start while the first notebook runs; when it fails, none of
    the others runs a cell, and every kernel started is stopped."""
    # The ingest fails only once the other two kernels have been launched: it waits on a FIFO, which
    # the third launch opens for writing (no sleep, no race).
    go = tmp_path / "go"
    os.mkfifo(go)
    launched = []
    launch = fork_server.launch

    def launch_and_count(*a, **k):
        launched.append(launch(*a, **k))
        if len(launched) == 3:
            threading.Thread(target=lambda: go.write_text("go"), daemon=True).start()
        return launched[-1]

    monkeypatch.setattr(fork_server, "launch", launch_and_count)
    never_hang = threading.Timer(120, lambda: go.write_text("go"))  # (then the count below fails)
    never_hang.daemon = True
    never_hang.start()
    bad = make_notebook(tmp_path / "01_fail.ipynb", f"open({str(go)!r}).read(); raise ValueError('bad ingest')")
    others = [make_notebook(tmp_path / f"0{i}_ok.ipynb", f"open({str(tmp_path / f'ran{i}')!r}, 'w').close()")
              for i in (2, 3)]
    with pytest.raises(RunError, match=r"^01_fail\.ipynb: cell .*ValueError: bad ingest"):
        run_year(2021, roots / "raw", roots / "processed", roots / "figures", roots / "build", notebooks=[bad, *others],
                 jobs=2, log=lambda *_: None, fork_server=fork_server)
    never_hang.cancel()
    assert not list(tmp_path.glob("ran*"))
    assert len(launched) == 3  # the ingest's kernel, and one started ahead for each of the others
    # Stopped: each ends (a kernel left running would not: its parent, the server, lives on). Waited for,
    # not polled: jupyter_client's wait after the kill is bounded (5 s), not a promise it was reaped.
    for kernel in launched:
        kernel.wait(timeout=60)


def test_bad_raw_data_stops_the_run_with_the_preflights_error_before_any_kernel(roots, tmp_path, fork_server,
                                                                                monkeypatch):
    """The fork server validates the year while the runner gets the ingest ready; bad input still
    stops the run with the preflight's error (file, row, column), before any kernel is launched,
    and the published outputs stay as they were."""
    from conftest import set_cell
    from mfgghg.errors import DataError

    launched = []
    launch = fork_server.launch
    monkeypatch.setattr(fork_server, "launch", lambda *a, **k: launched.append(launch(*a, **k)) or launched[-1])
    set_cell(roots / "raw" / "2021" / "annex_funding.csv", 3, "amount_10k_twd", "12,3x")
    nb = make_notebook(tmp_path / "01_ok.ipynb", WRITE_FIGURE)
    with pytest.raises(DataError) as err:
        run_year(2021, roots / "raw", roots / "processed", roots / "figures", roots / "build", notebooks=[nb],
                 log=lambda *_: None, fork_server=fork_server)
    assert (err.value.row, err.value.column) == (3, "amount_10k_twd")
    assert launched == []
    assert (roots / "figures" / "2021" / "old.txt").is_file()
    assert (roots / "processed" / "2021" / "table.csv").read_text() == "x\n1\n"


def test_an_english_run_needs_every_sources_english_before_any_kernel(roots, tmp_path, fork_server, monkeypatch):
    """A new year's report title (or an outside source) without its row in translations.csv stops an
    English run in the preflight, naming the title and the file to add it to, not once every notebook
    has run; the Chinese edition needs no such row."""
    from mfgghg.data.paths import YearPaths
    from mfgghg.runner.preflight import preflight

    launched = []
    launch = fork_server.launch
    monkeypatch.setattr(fork_server, "launch", lambda *a, **k: launched.append(launch(*a, **k)) or launched[-1])
    package = roots / "raw" / "2021" / "datapackage.json"
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["sources"][0]["title"] = "製造部門溫室氣體排放管制行動方案999年執行成果報告"
    package.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    nb = make_notebook(tmp_path / "01_ok.ipynb", WRITE_FIGURE)
    from mfgghg.errors import MfgGhgError
    from mfgghg.i18n import MissingTranslation

    # (the fork server's preflight sends the error back as it is: the command line prints it in one line)
    title = "製造部門溫室氣體排放管制行動方案999年執行成果報告"
    line = rf"^no English for '{title}'.*translations\.csv \(zh_tw,en,kind,note\); `mfgghg translations-needed"
    with pytest.raises(MissingTranslation, match=line) as err:
        run_year(2021, roots / "raw", roots / "processed", roots / "figures", roots / "build", notebooks=[nb],
                 lang="en", log=lambda *_: None, fork_server=fork_server)
    assert isinstance(err.value, MfgGhgError)  # (what the command line prints as one line)
    assert launched == []
    assert (roots / "figures" / "2021" / "old.txt").is_file()
    preflight(YearPaths.for_year(2021, roots / "raw", lang="zh-TW"), False)  # (the Chinese run goes on)


def test_second_run_of_the_same_year_is_refused(roots, tmp_path, run):
    nb = make_notebook(tmp_path / "01_ok.ipynb", WRITE_FIGURE)
    with year_lock(roots / "build", 2021):
        with pytest.raises(RunError, match="another run for report year 2021 is in progress"):
            run(roots, [nb])
    assert (roots / "figures" / "2021" / "old.txt").is_file()


def cli(*args):
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    return subprocess.run([sys.executable, "-m", "mfgghg", *args], capture_output=True, text=True, cwd=REPO, env=env)


@pytest.mark.parametrize("year, message", [
    ("abc", "error: report year 'abc' is not a number"),
    ("2035", "error: no data for report year 2035"),
])
def test_cli_bad_year_is_one_line_without_traceback(year, message):
    p = cli("run", "--year", year)
    assert p.returncode == 1
    assert p.stderr.startswith(message)
    assert len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr


def test_cli_unknown_option_is_refused():
    p = cli("run", "--yaer", "2021")
    assert p.returncode == 2
    assert "unrecognized arguments: --yaer" in p.stderr
    assert "Traceback" not in p.stderr


def test_notebooks_are_numbered_and_follow_the_conventions():
    notebooks = discover_notebooks()
    assert [p.name for p in notebooks][0] == "01_ingest.ipynb"
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] == KERNEL_NAME, path.name
        assert "papermill" not in nb["metadata"], path.name
        params = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(params) == 1, path.name
        source = "".join(params[0]["source"])
        for default in ("report_year = 2021", 'raw_root = "data/raw"', 'processed_root = "data/processed"',
                        'figures_root = "figures"', 'lang = "zh-TW"'):
            assert default in source, (path.name, default)
        assert nb["cells"][0]["cell_type"] == "markdown" and nb["cells"][-1]["cell_type"] == "markdown", path.name
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(c.get("outputs") is not None for c in code)
        assert not any(o.get("output_type") == "error" for c in code for o in c["outputs"]), path.name
        assert any(c["outputs"] for c in code), f"{path.name} has no stored outputs for nbval"


RUNNER_SIDE = '''
import importlib.abc, json, shutil, sys, tempfile
from pathlib import Path

HEAVY = ("pandas", "pandera", "matplotlib", "seaborn", "numpy")

class RefuseHeavy(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY:
            raise ImportError(f"the runner imported {name}")

sys.meta_path.insert(0, RefuseHeavy())
from mfgghg.runner import cli
from mfgghg.runner.fast import kernelfork
from mfgghg.runner.fast import pagewriter
from mfgghg.runner.fast import kernelmanager
from mfgghg.runner import pipeline
from mfgghg.i18n import check_lang
from mfgghg.data.paths import YearPaths
from mfgghg.runner.site import build_index
from mfgghg.runner.publish import ship_processed_data

check_lang("en")
pipeline.import_run_dependencies()
notebooks = pipeline.discover_notebooks()
pipeline.fork_server_preload()
tmp = Path(tempfile.mkdtemp())
executed = tmp / "executed.ipynb"
shutil.copy(notebooks[1], executed)
pipeline.parameters_for(executed, {"report_year": 2021}, lang="en")
pipeline.show_published_paths(executed, {"staging": "final"})
(tmp / "new").mkdir()
(tmp / "processed").mkdir()
# the real sources, so that the English page translates their titles and publishers
sources = json.loads(Path("data/processed/2021/datapackage.json").read_text(encoding="utf-8"))["sources"]
(tmp / "processed" / "datapackage.json").write_text(json.dumps({"name": "p", "resources": [], "sources": sources}),
                                                    encoding="utf-8")
ship_processed_data(tmp / "processed", tmp / "new")
build_index(tmp / "new", 2021, [], "en")
pipeline.publish(tmp / "new", tmp / "figures")
assert (tmp / "figures" / "index.html").is_file() and not (tmp / "new").exists()
assert "Ministry of Economic Affairs" in (tmp / "figures" / "index.html").read_text(encoding="utf-8")
print(sorted(m for m in sys.modules if m.split(".")[0] in HEAVY))
'''


def test_the_runner_itself_imports_no_analysis_library(tmp_path):
    """Only kernels (and the fork server) need pandas and matplotlib. The runner's own steps (from
    checking the options to publishing at the end) must not import them: about 0.8 s of the runner's
    time when one of them did (publishing at the very end of a run)."""
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", TMPDIR=str(tmp_path))  # (its folder is removed)
    p = subprocess.run([sys.executable, "-c", RUNNER_SIDE], capture_output=True, text=True, cwd=REPO, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip() == "[]"


def test_a_notebook_that_prints_a_warning_stops_the_run_naming_notebook_and_cell(roots, tmp_path, run):
    """A warning in a stored output would be published on the notebook's page: the run fails instead,
    and publishes nothing."""
    ok = make_notebook(tmp_path / "01_ok.ipynb", WRITE_FIGURE)
    warns = make_notebook(tmp_path / "02_warns.ipynb",
                          "import warnings\nwarnings.warn('findfont: Failed to find font weight bold')")
    with pytest.raises(RunError) as info:
        run(roots, [ok, warns])
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("02_warns.ipynb: cell ") and "warning" in message
    assert "findfont: Failed to find font weight bold" in message
    assert sorted(p.name for p in (roots / "figures" / "2021").iterdir()) == ["old.txt"]


def test_published_folders_and_files_follow_the_users_umask(roots, tmp_path, run):
    """Under umask 022 every published folder is 755 and every file 644, the processed tables (written
    through a temporary folder, private when made) and their copy beside the figures included; under
    027, 750 and 640."""
    import stat

    ingest_like = make_notebook(tmp_path / "01_ingest_like.ipynb", (
        "from mfgghg.data.ingest import write_tables\nimport pandas as pd\nfrom pathlib import Path\n"
        "write_tables({'table': pd.DataFrame({'x': [2]})}, Path(processed_root) / str(report_year))\n" + WRITE_FIGURE))
    for mask, folder_mode, file_mode in ((0o022, 0o755, 0o644), (0o027, 0o750, 0o640)):
        old = os.umask(mask)
        try:
            run(roots, [ingest_like])
        finally:
            os.umask(old)
        published = [roots / "processed" / "2021", roots / "figures" / "2021"]
        paths = [p for root in published for p in [root, *root.rglob("*")]]
        assert roots / "figures" / "2021" / "data" / "table.csv" in paths
        wrong = [(str(p.relative_to(roots)), oct(stat.S_IMODE(p.stat().st_mode))) for p in paths
                 if stat.S_IMODE(p.stat().st_mode) != (folder_mode if p.is_dir() else file_mode)]
        assert not wrong, (oct(mask), wrong)


SPLIT_PRINT = (
    "import sys\n"
    "from IPython.display import display\n"
    "print('a', end=''); sys.stdout.flush(); print('b')  # two stream messages, as a busy machine can make\n"
    "sys.stdout.flush()  # (sent before what goes to stderr, whichever stream's flush timer fires first)\n"
    "print('warned', file=sys.stderr)\n"
    "display('shown')\n"
    "print('after')"
)


def test_a_print_the_kernel_sends_in_pieces_is_stored_as_one_output_in_order(tmp_path, fork_server):
    from mfgghg.runner.execute import execute_notebook

    source = make_notebook(tmp_path / "split.ipynb", SPLIT_PRINT)
    execute_notebook(source, tmp_path / "run.ipynb", {}, fork_server=fork_server)
    cell = nbformat.read(tmp_path / "run.ipynb", as_version=4).cells[-1]
    assert [(o.output_type, o.get("name"), o.get("text", o.get("data", {}).get("text/plain"))) for o in cell.outputs] \
        == [("stream", "stdout", "ab\n"), ("stream", "stderr", "warned\n"), ("display_data", None, "'shown'"),
            ("stream", "stdout", "after\n")]


def test_only_adjacent_outputs_of_one_stream_are_joined():
    from mfgghg.runner.execute import merge_adjacent_streams

    def stream(name, text):
        return {"output_type": "stream", "name": name, "text": text}

    cell = {"outputs": [stream("stdout", "a"), stream("stdout", ["b", "\n"]), stream("stderr", "x\n"),
                        stream("stdout", "c\n"), {"output_type": "display_data", "data": {}}, stream("stdout", "d\n")]}
    merge_adjacent_streams(cell)
    assert cell["outputs"] == [stream("stdout", "ab\n"), stream("stderr", "x\n"), stream("stdout", "c\n"),
                               {"output_type": "display_data", "data": {}}, stream("stdout", "d\n")]
    empty = {"cell_type": "markdown"}
    merge_adjacent_streams(empty)
    assert empty == {"cell_type": "markdown"}

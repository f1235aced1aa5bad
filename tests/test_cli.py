"""The command line: the installed console script ``mfgghg`` (pyproject's [project.scripts]) and
:func:`mfgghg.runner.cli.main` itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from mfgghg.runner.cli import main

# The script pip wrote beside this interpreter from [project.scripts] (the venv of `make setup`).
SCRIPT = Path(sys.executable).parent / "mfgghg"
REPORT = REPO / "tests" / "fixtures" / "reports" / "2021_roc110_report.txt"


def script(*args, cwd=REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.mark.parametrize("command, option", [("run", "--years"), ("extract", "--previous"),
                                             ("refresh-notebooks", "notebooks")])
def test_the_console_script_answers_help(command, option):
    assert SCRIPT.is_file(), f"no console script at {SCRIPT}: run make setup"
    done = script(command, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: mfgghg {command} ") and option in done.stdout


def test_the_console_script_extracts_a_year(tmp_path):
    """A real run of the installed script: the 2021 report's text drafted into a raw folder."""
    done = script("extract", str(REPORT), "--year", "110", "--out", str(tmp_path / "2021"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "2021" / "annex_measures.csv").is_file()
    assert (tmp_path / "2021" / "datapackage.json").is_file()


def test_the_console_script_fails_in_one_line_with_a_nonzero_code(tmp_path):
    done = script("run", "--year", "2021", "--raw-root", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1


def test_main_refuses_a_year_out_of_range(capsys):
    assert main(["run", "--year", "3000"]) == 1
    err = capsys.readouterr().err
    assert err == "error: report year '3000' is out of range (1990-2200 or ROC 79-289)\n"


def test_main_refuses_no_jobs(capsys):
    assert main(["run", "--jobs", "0"]) == 1
    assert capsys.readouterr().err == "error: --jobs must be at least 1, not 0\n"


def test_main_extract_refuses_an_empty_report_and_writes_nothing(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(empty), "--year", "2022", "--out", str(out)]) != 0
    assert capsys.readouterr().err == f"error: {empty}: report file is empty\n"
    assert not out.exists() or not any(out.iterdir())


def test_main_without_a_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main([])
    assert stop.value.code == 2
    assert "usage:" in capsys.readouterr().err

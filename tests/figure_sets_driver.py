"""Produce the whole figure sets the tests in ``test_figure_sets.py`` check, in a process of its own.

The test session starts this script in the background as soon as it has collected (see
``conftest.py``), so the runs use the core the unit tests and nbval leave idle; the figure-set
tests are moved to the end of the session and wait for it. Usage::

    python tests/figure_sets_driver.py ROOT

Under ``ROOT`` (raw data of 2021 and the synthetic year 2099 in ``raw/``):

Two strands run at once:

- ``single/``: the synthetic year's run killed midway (after the first notebook), a snapshot of
  its year folders then (in the report), and the run repeated to the end **sequentially**
  (``--jobs 1``), through the command line; then the English edition of 2099 next to that Chinese one;
- ``multi/``: one multi-year run of 2021 and 2099 (concurrent);
- ``report.json``: the return codes and error output of the command-line runs and the outcome
  of the others;
- ``layout/``: every figure the in-process runs save (the multi-year run and the English edition),
  recorded by their kernels as it is saved
  (``layout_record.py``: its layout problems, texts and table), for ``test_figure_layout.py`` and
  ``test_notebook_figures.py``.

The English edition comes after the sequential run, not after the multi-year run, so that the two
strands take about as long: neither is left running alone, on part of the machine, at the end.

The single-year execution of 2021 that the multi-year run is compared with is nbval's (it runs the
notebooks one by one with their defaults, writing ``data/processed/2021`` and ``figures/2021``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from mfgghg import KERNEL_NAME
from mfgghg.data.paths import repo_root
from mfgghg.runner.execute import fork_server_preload, use_inline_backend_in_kernels
from mfgghg.runner.fast.kernelfork import KernelForkServer
from mfgghg.runner.fast.processes import keep_niceness_in_new_session
from mfgghg.runner.pipeline import discover_notebooks, import_run_dependencies, run_year, run_years

import layout_record

REPO = repo_root()
FIXTURE_DATA = REPO / "tests" / "fixtures" / "data"
PREVIOUS = b"previous run\n"
QUIET = dict(log=lambda *_: None)  # (the in-process runs' progress lines)


def roots(root: Path, name: str) -> dict:
    return dict(raw_root=root / "raw", processed_root=root / name / "processed", figures_root=root / name / "figures",
                build_root=root / name / "build")


def cli_args(root: Path, name: str, year: int, *extra: str) -> list[str]:
    r = roots(root, name)
    return [sys.executable, "-m", "mfgghg", "run", "--year", str(year), "--raw-root", str(r["raw_root"]),
            "--processed-root", str(r["processed_root"]), "--figures-root", str(r["figures_root"]),
            "--build-root", str(r["build_root"]), *extra]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def killed_then_complete(root: Path, report: dict, server) -> None:
    """Kill a real run of the synthetic year once its first notebook is done; snapshot; run again; then
    its English edition (on ``server``, whose kernels record the figures)."""
    r = roots(root, "single")
    for key in ("processed_root", "figures_root"):
        d = r[key] / "2099"
        d.mkdir(parents=True)
        (d / "previous.csv").write_bytes(PREVIOUS)
    # (its own temp folder: the kernels killed with it leave their connection files and sockets there)
    temp = root / "single" / "tmp"
    temp.mkdir(parents=True)
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", PYTHONUNBUFFERED="1", TMPDIR=str(temp))
    env.pop(layout_record.RECORD_DIR, None)  # (these runs record nothing)
    errors = root / "single" / "killed_run_stderr.txt"  # (for the report, should it end by itself)
    with open(errors, "w") as stderr:
        proc = subprocess.Popen(cli_args(root, "single", 2099), cwd=REPO, env=env, stdout=subprocess.PIPE,
                                stderr=stderr, text=True, start_new_session=True,
                                preexec_fn=keep_niceness_in_new_session)  # (at the background's priority)
    first = discover_notebooks()[0].name
    said = []
    for line in proc.stdout:  # the runner says each notebook is done as it is (or the run ends: no more lines)
        said.append(line)
        if f"{first} done" in line:
            break
    first_done = r["build_root"] / "2099" / first
    report["kill"] = {"running_when_killed": proc.poll() is None, "first_notebook_done": first_done.exists()}
    os.killpg(proc.pid, signal.SIGKILL)  # the runner, its fork server (kernels notice their parent is gone)
    proc.wait()
    proc.stdout.close()
    if not report["kill"]["first_notebook_done"]:
        report["kill"]["said"] = "".join(said)[-2000:]
        report["kill"]["stderr"] = errors.read_text(encoding="utf-8", errors="replace")[-2000:]
    report["kill"]["after"] = {key: snapshot(r[key] / "2099") for key in ("processed_root", "figures_root")}
    report["kill"]["previous"] = hashlib.sha256(PREVIOUS).hexdigest()
    # the next run is not blocked by the dead one; sequential: the reference for the concurrent runs
    done = subprocess.run(cli_args(root, "single", 2099, "--jobs", "1"), cwd=REPO, capture_output=True, text=True,
                          env=env)
    report["complete"] = {"returncode": done.returncode, "stderr": done.stderr[-2000:]}
    if done.returncode == 0:
        run_year(2099, jobs=2, lang="en", fork_server=server, **roots(root, "single"), **QUIET)
        report["english"] = "ok"


def main(root: Path) -> int:
    raw = root / "raw"
    shutil.copytree(FIXTURE_DATA / "raw" / "2099", raw / "2099")
    shutil.copytree(FIXTURE_DATA / "reference", root / "reference")
    shutil.copytree(REPO / "data" / "raw" / "2021", raw / "2021")
    report: dict = {}
    # Two independent strands at once, so that none of them is left running alone at the end.
    from concurrent.futures import ThreadPoolExecutor

    import_run_dependencies()  # before the threads (see its docstring)

    # One fork server for the in-process runs, as the runner starts it, whose kernels also record
    # every figure they save (the command-line runs record nothing).
    os.environ[layout_record.RECORD_DIR] = str(root / "layout")
    use_inline_backend_in_kernels()
    first, later = fork_server_preload()
    with KernelForkServer(KERNEL_NAME, first, preload_later=[*later, "import layout_record; layout_record.install()"]) \
            as server:

        def multi():
            outcomes = run_years([2021, 2099], jobs=2, progress=False, lang="zh-TW", fork_server=server,
                                 **roots(root, "multi"), **QUIET)
            report["multi"] = {str(y): (str(o) if isinstance(o, Exception) else "ok") for y, o in outcomes.items()}

        with ThreadPoolExecutor(max_workers=3) as pool:
            strands = [pool.submit(killed_then_complete, root, report, server), pool.submit(multi)]
            errors = []
            for strand in strands:
                try:
                    strand.result()
                except Exception as err:  # reported to the tests, which fail with it
                    errors.append(f"{type(err).__name__}: {err}")
    if errors:
        report["error"] = "; ".join(errors)
    (root / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    sys.exit(main(Path(sys.argv[1])))

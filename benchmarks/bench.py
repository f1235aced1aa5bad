"""How long the yearly figure set takes, against the floor of starting its kernels.

Measures, in one run on this machine, the median over several runs of:

  (a) the full yearly figure set through the runner (`python -m mfgghg run`, one edition);
  (b) the floor: as many notebooks as the pipeline has, each only importing what the real notebook
      imports, executed one after another by papermill with the same kernel;
  (c) `make test` (set-up already done).

and prints each median, the CPU time (a) and (b) kept the machine busy (Linux), and the ratio a/b.
Usage, from the repository root:

    .venv/bin/python benchmarks/bench.py            # 3 runs of (a) and (b), 1 of (c)
    .venv/bin/python benchmarks/bench.py --runs 5 --test-runs 3
    .venv/bin/python benchmarks/bench.py --skip-test
    .venv/bin/python benchmarks/bench.py --extract-only     # (d): the extractor on text and on a 60-page PDF
    .venv/bin/python benchmarks/bench.py --speedups --runs 3   # each batch speed-up's gain on (a)

With ``--speedups``, (a) is run with all of the runner's batch speed-ups (mfgghg.runner.fast.batch),
without each one in turn (``MFGGHG_FAST_SKIP``) and without any (``MFGGHG_FAST=0``), interleaved; for
each it prints the median wall time and the CPU time of the run's own processes (the runner, its fork
server, kernels and page writer: all reaped descendants, so other work on the machine does not count),
and the gain: what the run costs more without it. A speed-up that replaces library internals and
gains less than 5% does not belong in the project.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from mfgghg import KERNEL_NAME  # noqa: E402
from mfgghg.runner.notebooks import notebook_imports  # noqa: E402
from mfgghg.runner.pipeline import discover_notebooks  # noqa: E402

ENV = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")


def floor_notebooks(folder: Path) -> list[Path]:
    """One import-only notebook per pipeline notebook."""
    out = []
    for path in discover_notebooks():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": f"Python 3 ({KERNEL_NAME})",
                                     "language": "python"}
        params = nbformat.v4.new_code_cell("report_year = 2021")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell("\n".join(notebook_imports([path])) or "pass")]
        target = folder / path.name
        nbformat.write(nb, target)
        out.append(target)
    return out


def machine_cpu_seconds() -> float | None:
    """CPU time the whole machine has spent busy (Linux: /proc/stat), or None elsewhere. Kernels
    forked by the runner's fork server are not children this process can account for, so the
    machine's total is taken; run the benchmark on an otherwise idle machine."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def time_it(fn, cpu: list | None = None) -> float:
    """Wall time of ``fn()``; its CPU time (whole machine) appended to ``cpu`` where known."""
    busy = machine_cpu_seconds()
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    if cpu is not None and busy is not None:
        cpu.append(machine_cpu_seconds() - busy)
    return wall


def run_pipeline(work: Path, env: dict | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "mfgghg", "run", "--year", "2021", "--lang", "zh-TW",
         "--processed-root", str(work / "processed"), "--figures-root", str(work / "figures"),
         "--build-root", str(work / "build")],
        cwd=REPO, env=env or ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def children_cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_extract(runs: int = 5) -> tuple[list[float], list[float], int]:
    """Drafting a year (``python -m mfgghg extract``'s work, in process, imports done): from the 2021 report's
    text, and from a PDF of at least 60 pages that LibreOffice makes of it (the annex as a ruled table with
    the report's wrapped column titles, in a large font), as a ministry would print it."""
    from mfgghg.data.extract import draft

    sys.path.insert(0, str(REPO / "tests"))
    import lo_reports
    from extract_helpers import report_text

    report = REPO / "tests" / "fixtures" / "reports" / "2021_roc110_report.txt"
    previous = REPO / "data" / "raw" / "2021"
    text_times, pdf_times = [], []
    with tempfile.TemporaryDirectory(prefix="mfgghg-bench-extract-") as tmp:
        tmp = Path(tmp)
        text = report_text()
        measures, funding = lo_reports.transcription()
        layout = dataclasses.replace(lo_reports.LAYOUTS["landscape_ruled_huge"], font_pt=24.0)
        doc = tmp / "report60.fodt"
        doc.write_text(lo_reports.fodt(text[: text.index("附件、")], "附件、110 年製造部門行動方案執行情形",
                                       lo_reports.cells(measures, funding), layout), encoding="utf-8")
        pdf = lo_reports.convert([doc], tmp)[0]
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(pdf))
        for i in range(runs):
            text_times.append(time_it(lambda i=i: draft(report, tmp / f"t{i}", previous=previous)))
            pdf_times.append(time_it(lambda i=i: draft(pdf, tmp / f"p{i}", previous=previous)))
    return text_times, pdf_times, pages


def measure_speedups(runs: int) -> int:
    """Each batch speed-up's gain on (a): the run with all of them against the run without it."""
    from mfgghg.runner.fast import NAMES as SPEEDUPS, SKIP, SWITCH

    variants = {"all": {}, **{f"without {name}": {SKIP: name} for name in SPEEDUPS}, "none": {SWITCH: "0"}}
    wall = {v: [] for v in variants}
    cpu = {v: [] for v in variants}
    with tempfile.TemporaryDirectory(prefix="mfgghg-bench-") as tmp:
        for i in range(runs):
            for v, extra in variants.items():
                before = children_cpu_seconds()
                work = Path(tmp) / f"{i}-{len(wall[v])}-{hash(v)}"
                wall[v].append(time_it(lambda work=work, extra=extra: run_pipeline(work, dict(ENV, **extra))))
                cpu[v].append(children_cpu_seconds() - before)
    print(f"machine: {machine()}")
    print(f"runs: {runs} of each; (a) one edition through the runner; gain = cost without it / cost with all - 1")
    base_wall, base_cpu = statistics.median(wall["all"]), statistics.median(cpu["all"])
    for v in variants:
        w, c = statistics.median(wall[v]), statistics.median(cpu[v])
        gain = "" if v == "all" else (f"   gain: wall {100 * (w / base_wall - 1):+5.1f}%, "
                                      f"CPU {100 * (c / base_cpu - 1):+5.1f}%")
        print(f"{v:28s} wall {w:5.2f} s   CPU {c:5.2f} s{gain}")
    return 0


def run_floor(notebooks: list[Path], work: Path) -> None:
    code = (
        "import sys, papermill as pm\n"
        "for nb in sys.argv[2:]:\n"
        "    pm.execute_notebook(nb, sys.argv[1] + '/' + nb.rsplit('/', 1)[-1], kernel_name='%s',"
        " progress_bar=False, cwd=sys.argv[1])\n" % KERNEL_NAME
    )
    subprocess.run([sys.executable, "-c", code, str(work), *map(str, notebooks)], cwd=REPO, env=ENV, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_tests() -> None:
    # the output is kept only to be shown should the tests fail
    subprocess.run(["make", "test"], cwd=REPO, env=ENV, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   text=True)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3, help="runs of (a) and (b) (default 3)")
    p.add_argument("--test-runs", type=int, default=1, help="runs of make test (default 1)")
    p.add_argument("--skip-test", action="store_true", help="do not time make test")
    p.add_argument("--speedups", action="store_true", help="measure each batch speed-up's gain on (a) instead")
    p.add_argument("--extract-only", action="store_true", help="measure (d), the extractor, only")
    args = p.parse_args(argv)
    try:
        if args.extract_only:
            print_extract()
            return 0
        return measure_speedups(args.runs) if args.speedups else measure(args)
    except subprocess.CalledProcessError as err:
        shown = "\n".join((err.stderr or err.stdout or "").splitlines()[-40:])  # the end: where pytest says what failed
        print(f"error: {' '.join(map(str, err.cmd[:6]))} ... failed:\n{shown}", file=sys.stderr)
        return 1


def measure(args) -> int:

    with tempfile.TemporaryDirectory(prefix="mfgghg-bench-") as tmp:
        tmp = Path(tmp)
        floor_dir = tmp / "floor"
        floor_dir.mkdir()
        floors = floor_notebooks(floor_dir)
        a, b, a_cpu, b_cpu = [], [], [], []
        for i in range(args.runs):  # interleaved, so a slow spell of the machine hits both
            a.append(time_it(lambda i=i: run_pipeline(tmp / f"a{i}"), a_cpu))
            b.append(time_it(lambda: run_floor(floors, floor_dir), b_cpu))
        c = [] if args.skip_test else [time_it(run_tests) for _ in range(args.test_runs)]

    ma, mb = statistics.median(a), statistics.median(b)
    print(f"machine: {machine()}")
    print(f"notebooks: {len(floors)}; runs: {args.runs} of (a) and (b), {len(c)} of (c)")
    print(f"(a) figure set through the runner   median {ma:6.1f} s   runs {', '.join(f'{x:.1f}' for x in a)}")
    print(f"(b) floor: import-only notebooks     median {mb:6.1f} s   runs {', '.join(f'{x:.1f}' for x in b)}")
    if a_cpu and b_cpu:
        print(f"CPU time (whole machine), median: (a) {statistics.median(a_cpu):.1f} s, "
              f"(b) {statistics.median(b_cpu):.1f} s, over {os.cpu_count()} cores")
    if c:
        runs = ", ".join(f"{x:.1f}" for x in c)
        print(f"(c) make test                        median {statistics.median(c):6.1f} s   runs {runs}")
        # the floor runs no code of ours: this ratio follows our code, not the machine's drift
        print(f"c/b = {statistics.median(c) / mb:.1f}  (make test in floors)")
    print(f"a/b = {ma / mb:.2f}  (target <= 0.75)")
    print_extract()
    return 0


def print_extract() -> None:
    ex, pdf, pages = measure_extract()
    print(f"(d) extract: the 2021 report's text  median {statistics.median(ex):6.3f} s   "
          f"runs {', '.join(f'{x:.3f}' for x in ex)}")
    print(f"(d) extract: a {pages}-page PDF (LibreOffice) median {statistics.median(pdf):6.3f} s   "
          f"runs {', '.join(f'{x:.3f}' for x in pdf)}   (target < 2 s)")


if __name__ == "__main__":
    sys.exit(main())

"""The yearly run: the numbered notebooks in order, under papermill, all-or-nothing, in three
steps: stage (:mod:`mfgghg.runner.stage`), execute (:mod:`mfgghg.runner.execute`) and publish
(:mod:`mfgghg.runner.publish`).

Notebooks write into a staging folder under ``build/<year>/``; only when every one of
them succeeded are ``data/processed/<year>`` and ``figures/<year>`` replaced (by
renames), so a failed or killed run leaves the previous outputs as they were.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from mfgghg import KERNEL_NAME
from mfgghg.errors import MfgGhgError, ParameterError
from mfgghg.data.paths import YearPaths, normalize_year, relative_to_repo, resolve
from mfgghg.errors import RunError  # (re-exported: part of this module's API)
# The run's three steps, each in its own module (re-exported: the yearly run's API is this module).
from mfgghg.runner.execute import (  # noqa: F401
                                   ANALYSIS_PRELOAD, BATCH_WARM_UP, INGEST_PRELOAD, INLINE_BACKEND,
                                   STANDARD_WARM_UP, close_thread_event_loop, execute_with_retry,
                                   fork_server_preload, import_run_dependencies, kernel_fork_server,
                                   parameters_for, prestarted_kernel, use_inline_backend_in_kernels)
from mfgghg.runner.preflight import PREFLIGHT_FUNCTION, preflight
from mfgghg.runner.publish import publish, ship_processed_data, show_published_paths
from mfgghg.runner.stage import open_staging, year_lock

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


@dataclass
class RunResult:
    year: int
    executed: list[Path] = field(default_factory=list)
    processed: Path | None = None
    figures: Path | None = None


def notebooks_dir() -> Path:
    return resolve("notebooks")


def discover_notebooks(folder: Path | None = None) -> list[Path]:
    """The pipeline's notebooks: ``NN_name.ipynb``, in number order."""
    folder = folder or notebooks_dir()
    found = sorted(Path(folder).glob(NOTEBOOK_GLOB))
    if not found:
        raise ParameterError(f"no numbered notebooks (NN_name.ipynb) in {folder}")
    return found


def default_jobs() -> int:
    """Kernels at once: one per core, plus one. The analysis notebooks differ in length, and with one
    kernel per core the last one runs alone while a core idles; one more kernel keeps every core busy
    until the end (on 2 cores it won 5 of 5 alternating runs against one per core, by ~0.45 s)."""
    return (os.cpu_count() or 1) + 1


def run_year(
    year,
    raw_root: str | os.PathLike = "data/raw",
    processed_root: str | os.PathLike = "data/processed",
    figures_root: str | os.PathLike = "figures",
    build_root: str | os.PathLike = "build",
    notebooks: list[Path] | None = None,
    kernel: str = KERNEL_NAME,
    strict: bool = False,
    lang: str = "zh-TW",
    jobs: int | None = None,
    log=print,
    on_notebook_done=None,
    fork_server=None,
) -> RunResult:
    """Run every pipeline notebook for one report year and publish its outputs at the end.

    The first notebook (the ingest) runs alone; the analysis notebooks after it only read its
    output, so they run concurrently, at most ``jobs`` kernels at once. Kernels are forked from
    ``fork_server`` (else from one started for this run, see :mod:`mfgghg.runner.fast.kernelfork`).
    """
    from mfgghg.i18n import check_lang

    y = normalize_year(year)
    check_lang(lang)  # before anything runs (and without changing the language of this process's figures)
    final = YearPaths.for_year(y, raw_root, processed_root, figures_root, lang)
    final.require_raw()
    notebooks = notebooks or discover_notebooks()
    if fork_server is None:
        # no server yet: bad input stops the run here, before one is started (the command line starts
        # its server first, and has the preflight done there only)
        preflight(final, strict)
    with kernel_fork_server(notebooks, kernel, fork_server) as server:
        # The preflight is done in the server, which has the analysis libraries this process never
        # imports. It is sent first and answered in the background: the server validates while this
        # process imports and gets the ingest ready. No kernel is launched before it has passed.
        validated = None
        if server is not None:
            validated = server.start_call(PREFLIGHT_FUNCTION, year=y, raw_root=str(resolve(raw_root)),
                                          processed_root=str(resolve(processed_root)),
                                          figures_root=str(resolve(figures_root)), lang=lang, strict=strict)
        try:
            import_run_dependencies()
            return _run_year(y, final, notebooks, kernel, strict, lang, jobs, build_root, figures_root, log,
                             on_notebook_done, server, validated.result if validated is not None else None)
        except BaseException:
            if validated is not None:
                validated.result()  # bad input is the error to report, whatever else it made fail
            raise


def _run_year(y, final, notebooks, kernel, strict, lang, jobs, build_root, figures_root, log, on_notebook_done,
              server, before_first_launch=None) -> RunResult:
    from concurrent.futures import ThreadPoolExecutor

    from mfgghg.runner.fast.kernelmanager import stop_kernel_and_clients

    jobs = jobs or default_jobs()
    build_dir = resolve(build_root) / str(y) / ("" if lang == "zh-TW" else lang)
    result = RunResult(y)
    with year_lock(resolve(build_root), y):
        staging = open_staging(build_dir)
        try:
            staged = YearPaths.for_year(y, final.raw.parent, staging / "processed", staging / "figures", lang)
            parameters = {
                "report_year": y,
                "raw_root": str(final.raw.parent),
                "processed_root": str(staging / "processed"),
                "figures_root": str(staging / "figures"),
            }

            published_roots = {str(staging / "processed"): str(final.processed.parent),
                               str(staging / "figures"): str(resolve(figures_root))}

            from mfgghg.runner.fast.pagewriter import shared_page_writer
            from mfgghg.runner.site import build_index, link_editions, notebook_pages_dir

            pages = notebook_pages_dir(staged.figures)
            # Pages are rendered by a process of their own (mfgghg.runner.fast.pagewriter) as each notebook finishes,
            # while other kernels run, without holding a kernel slot; it gets ready during the ingest.
            page_writer = shared_page_writer()
            page_jobs = []

            def notebook_parameters(nb: Path) -> dict:
                return parameters_for(nb, parameters, strict=strict, lang=lang)

            def run_one(nb: Path, km=None, on_kernel_ready=None, params: dict | None = None,
                        before_launch=None) -> Path:
                out = build_dir / nb.name
                execute_with_retry(nb, out, params or notebook_parameters(nb), kernel, log, server, km,
                                   on_kernel_ready, before_launch)
                show_published_paths(out, published_roots)
                page_jobs.append(page_writer.submit(out, pages))
                log(f"[{y}] {nb.name} done")
                if on_notebook_done:
                    on_notebook_done(nb)
                return out

            first, rest = notebooks[:1], notebooks[1:]
            # The analysis notebooks' kernels start while the ingest runs (once its kernel is up, so that
            # they are forked after the server's second stage of imports) and wait for it to end.
            ingest_started, ingest_over, ingest_ok = threading.Event(), threading.Event(), []

            def run_analysis(nb: Path) -> Path | None:
                ingest_started.wait()  # not before: this would slow the ingest's own start
                failed = ingest_over.is_set() and not ingest_ok
                params = None if failed else notebook_parameters(nb)  # (reads the notebook now, not after)
                km = prestarted_kernel(server, kernel, nb, log) if server is not None and not failed else None
                try:
                    ingest_over.wait()
                    return run_one(nb, km, params=params) if ingest_ok else None
                finally:
                    if km is not None:
                        stop_kernel_and_clients(km)
                    close_thread_event_loop()

            try:
                with ThreadPoolExecutor(max_workers=jobs) as pool:
                    futures = {nb: pool.submit(run_analysis, nb) for nb in rest}
                    try:
                        result.executed += [run_one(nb, on_kernel_ready=ingest_started.set,
                                                    before_launch=before_first_launch) for nb in first]
                        ingest_ok.append(True)
                    finally:
                        ingest_started.set()
                        ingest_over.set()
                    outcomes = []
                    for nb in rest:  # in notebook order, so the first failure reported is the earliest notebook
                        try:
                            outcomes.append(futures[nb].result())
                        except RunError as err:
                            outcomes.append(err)
                failures = [o for o in outcomes if isinstance(o, RunError)]
                if failures:
                    raise failures[0]
                result.executed += outcomes
                for job in page_jobs:
                    job.result()
            finally:
                for job in page_jobs:  # none may still write into the staging folder once it is removed
                    job.exception()
            if before_first_launch is not None:  # (passed already, when the ingest's kernel was launched)
                before_first_launch()  # nothing is published unless the preflight passed
            ship_processed_data(staged.processed, staged.figures)
            build_index(staged.figures, y, [pages / f"{nb.stem}.html" for nb in result.executed], lang,
                        staged.reference)
            publish(staged.processed, final.processed)
            # the English set lives inside the Chinese year folder: carry it over when replacing that folder
            keep = ["en"] if lang == "zh-TW" and (final.figures / "en").is_dir() else []
            publish(staged.figures, final.figures, keep=keep)
            link_editions(final.figures if lang == "zh-TW" else final.figures.parent)  # once both are there
            result.processed, result.figures = final.processed, final.figures
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    log(f"[{y}] done: {relative_to_repo(final.processed, 'full')}, {relative_to_repo(final.figures, 'full')}, "
        f"executed notebooks in {relative_to_repo(build_dir, 'full')}")
    return result


def parse_years(text: str) -> list[int]:
    """``'2021,2099'``, ``'2021-2023'`` or ``'110,111'`` → Gregorian years, in order, without repeats."""
    years: list[int] = []
    for part in filter(None, (s.strip() for s in str(text).split(","))):
        if "-" in part.strip("-"):
            a, b = part.split("-", 1)
            start, end = normalize_year(a), normalize_year(b)
            if end < start:
                raise ParameterError(f"year range {part!r} ends before it starts")
            years += range(start, end + 1)
        else:
            years.append(normalize_year(part))
    if not years:
        raise ParameterError(f"no report year in {text!r}")
    return list(dict.fromkeys(years))


def run_years(years: list[int], jobs: int | None = None, progress: bool = True, **kwargs) -> dict[int, object]:
    """Several report years at once, at most ``jobs`` kernels in all; a failing year does not stop
    the others. Returns year → RunResult or the error that stopped it."""
    from concurrent.futures import ThreadPoolExecutor

    from tqdm.auto import tqdm

    jobs = jobs or default_jobs()
    notebooks = kwargs.pop("notebooks", None) or discover_notebooks()
    parallel_years = max(1, min(len(years), jobs))
    per_year_jobs = max(1, jobs // parallel_years)
    bar = tqdm(total=len(years) * len(notebooks), desc="notebooks", unit="nb", disable=not progress)
    log = kwargs.pop("log", None) or (lambda msg: bar.write(msg))

    def one(year, server):
        try:
            return run_year(year, notebooks=notebooks, jobs=per_year_jobs, log=log,
                            on_notebook_done=lambda nb: bar.update(1), fork_server=server, **kwargs)
        except MfgGhgError as err:
            return err

    kernel = kwargs.get("kernel", KERNEL_NAME)
    import_run_dependencies()
    with kernel_fork_server(notebooks, kernel, kwargs.pop("fork_server", None)) as server:  # one for all years
        with ThreadPoolExecutor(max_workers=parallel_years) as pool:
            outcomes = dict(zip(years, pool.map(lambda y: one(y, server), years)))
    bar.close()
    return outcomes

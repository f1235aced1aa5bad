"""The yearly run: the numbered notebooks in order, under papermill, all-or-nothing.

Notebooks write into a staging folder under ``build/<year>/``; only when every one of
them succeeded are ``data/processed/<year>`` and ``figures/<year>`` replaced (by
renames), so a failed or killed run leaves the previous outputs as they were.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mfgghg import KERNEL_NAME
from mfgghg.errors import MfgGhgError, ParameterError
from mfgghg.data.paths import YearPaths, normalize_year, relative_to_repo, resolve, swap_in

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
# The runner's kernels show figures inline whatever the shell's MPLBACKEND says, so that executed
# notebooks (and the stored outputs nbval compares) do not depend on it. It is set in the runner's own
# process, whose kernels inherit it; a researcher's kernel keeps the backend they chose.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def use_inline_backend_in_kernels() -> None:
    os.environ["MPLBACKEND"] = INLINE_BACKEND


class RunError(MfgGhgError):
    """A notebook of the pipeline failed."""


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


@contextmanager
def year_lock(build_dir: Path, year: int):
    """Refuse a second concurrent run of the same year instead of letting both write."""
    build_dir.mkdir(parents=True, exist_ok=True)
    lock_path = build_dir / f"{year}.lock"
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another run for report year {year} is in progress (lock {lock_path})") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def describe_failure(notebook: Path, err: Exception) -> str:
    """One line: notebook, cell and error."""
    cell = getattr(err, "exec_count", None)
    index = getattr(err, "cell_index", None)
    ename = getattr(err, "ename", type(err).__name__)
    evalue = str(getattr(err, "evalue", err)).strip().splitlines()
    where = f"cell {cell}" if cell is not None else f"cell index {index}" if index is not None else "a cell"
    return f"{notebook.name}: {where} failed: {ename}: {evalue[-1] if evalue else ''}".rstrip()


def execute_notebook(notebook: Path, output: Path, parameters: dict, kernel: str = KERNEL_NAME,
                     fork_server=None, km=None, on_kernel_ready=None, before_launch=None) -> None:
    """Execute one notebook under papermill; its kernel is forked from ``fork_server`` when given
    (see :mod:`mfgghg.runner.fast.kernelfork`), or is the one ``km`` has started already (left running: see
    ``kernelfork.prestart_kernel``). ``on_kernel_ready()`` is called once the kernel answers;
    ``before_launch()`` before a kernel of the fork server's manager is launched (it may refuse)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    use_inline_backend_in_kernels()
    extra = {}
    if fork_server is not None:
        from mfgghg.runner.fast.kernelfork import forking_kernel_manager_class

        extra["kernel_manager_class"] = forking_kernel_manager_class(fork_server, before_launch)
    if km is not None:
        extra["km"] = km
    if on_kernel_ready is not None:
        extra["on_notebook_start"] = lambda **_: on_kernel_ready()  # nbclient's hook
    try:
        pm.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=kernel, **extra,
            # when the last cell is done, every output has arrived and every file is closed: the kernel
            # is stopped at once rather than asked to exit (which the next notebook would wait for)
            shutdown_kernel="immediate",
            # no cwd: papermill would chdir this whole process, which races between concurrent runs;
            # the notebooks find the repository by themselves (mfgghg.data.paths.repo_root)
            progress_bar=False, log_output=False,
            # one write at the end: saving after every cell re-serialises (and validates) the whole
            # notebook with its images each time, for a copy in the build folder nobody reads midway
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as err:
        raise RunError(describe_failure(notebook, err)) from None


def parameters_for(notebook: Path, common: dict, **optional) -> dict:
    """The common parameters plus those optional ones the notebook declares (papermill would
    warn about the others)."""
    import papermill as pm

    declared = pm.inspect_notebook(str(notebook))
    return {**common, **{k: v for k, v in optional.items() if k in declared}}


PORT_RACE_SIGNS = ("Address already in use", "Kernel died before replying", "ZMQError")


def execute_with_retry(notebook: Path, output: Path, parameters: dict, kernel: str, log=print,
                       fork_server=None, km=None, on_kernel_ready=None, before_launch=None) -> None:
    """Execute once more (with a kernel of its own) when the kernel could not start because two
    kernels raced for a port."""
    try:
        execute_notebook(notebook, output, parameters, kernel, fork_server, km, on_kernel_ready, before_launch)
    except MfgGhgError:  # the notebook failed, or the launch was refused (before_launch)
        raise
    except Exception as err:  # kernel start-up failures are not notebook errors
        if not any(sign in f"{type(err).__name__}: {err}" for sign in PORT_RACE_SIGNS):
            raise RunError(f"{notebook.name}: the kernel failed: {type(err).__name__}: {err}") from None
        log(f"{notebook.name}: kernel start-up raced for a port; retrying once")
        try:
            execute_notebook(notebook, output, parameters, kernel, fork_server, None, on_kernel_ready, before_launch)
        except RunError:
            raise
        except Exception as again:
            raise RunError(f"{notebook.name}: the kernel failed twice: {type(again).__name__}: {again}") from None


@contextmanager
def kernel_fork_server(notebooks: list[Path], kernel: str, server=None):
    """The given fork server, or a new one for this run (closed at the end) that has imported what
    ``notebooks`` import; None when turned off (``MFGGHG_FORK_KERNELS=0``). The first notebook's
    imports come first, the others' after the server has forked its kernel (the ingest imports no
    plotting library, and runs while the server imports them)."""
    from mfgghg.runner.fast import kernelfork

    if server is not None or not kernelfork.enabled():
        yield server
        return
    use_inline_backend_in_kernels()
    # started before the notebooks are read: it imports ipykernel meanwhile
    with kernelfork.KernelForkServer(kernel, send_preload=False) as started:
        started.send_preload(*fork_server_preload())
        yield started


# What the kernel fork server imports before it forks kernels: declared here (not read from the
# notebooks' source). The ingest's stage has no plotting library; the analysis stage adds them, this
# package's analysis and plotting modules, and the batch speed-ups (mfgghg.runner.fast.batch).
INGEST_PRELOAD = [
    "import pandas", "import pandera.pandas", "import mfgghg.nb", "import mfgghg.data.ingest",
    "import mfgghg.data.overview", "import mfgghg.checks.reconcile",
]
ANALYSIS_PRELOAD = [
    "import matplotlib", "import matplotlib.pyplot", "import seaborn", "import mfgghg.plots.style",
    "import mfgghg.analysis.status", "import mfgghg.analysis.emissions", "import mfgghg.analysis.intensity",
    "import mfgghg.analysis.budget",
]
# Run by the fork server after the plotting libraries: the batch speed-ups and first-use work of
# every figure-drawing kernel (MFGGHG_FAST=0: the warm-up only, no speed-up).
BATCH_WARM_UP = "from mfgghg.runner.fast.batch import warm_up as _warm_up; _warm_up()"
# nbval's kernels (tests): the same imports, the style's first-use work, no batch speed-up.
STANDARD_WARM_UP = "from mfgghg.plots.style import apply_style as _apply_style; _apply_style()"


def fork_server_preload(staged: bool = True, batch: bool = True) -> tuple[list[str], list[str]]:
    """What a kernel fork server runs before forking kernels: :data:`INGEST_PRELOAD`, then
    :data:`ANALYSIS_PRELOAD` and the warm-up (with ``batch``, the runner's batch speed-ups, see
    :mod:`mfgghg.runner.fast.batch`). ``staged``: the analysis stage after the server has forked its
    first kernel (the ingest's, see :mod:`mfgghg.runner.fast.kernelfork`); else everything before."""
    later = ANALYSIS_PRELOAD + [BATCH_WARM_UP if batch else STANDARD_WARM_UP]
    return (list(INGEST_PRELOAD), later) if staged else (INGEST_PRELOAD + later, [])


def import_run_dependencies() -> None:
    """Import papermill here, before any thread starts: two threads importing the same package for
    the first time can meet it half-initialised ("partially initialized module"). Also build
    nbformat's notebook validator (about 0.1 s, at the first notebook read otherwise), while the
    fork server still imports and validates."""
    import papermill  # noqa: F401
    from nbformat.validator import get_validator

    get_validator()


def default_jobs() -> int:
    """Kernels at once: one per core, plus one. The analysis notebooks differ in length, and with one
    kernel per core the last one runs alone while a core idles; one more kernel keeps every core busy
    until the end (on 2 cores it won 5 of 5 alternating runs against one per core, by ~0.45 s)."""
    return (os.cpu_count() or 1) + 1


def preflight(paths: YearPaths, strict: bool) -> None:
    """Validate the year's raw data, the reference tables and the external facts (and, with
    ``strict``, the reconciliation) before any kernel starts: bad input stops the run with one line
    naming file, row and column, and nothing is written. A run with a kernel fork server has it done
    there (``KernelForkServer.preflight``), so that its kernels start with the tables validated."""
    from mfgghg.data.external import external_dir, read_external_facts
    from mfgghg.data.ingest import ingest
    from mfgghg.checks.reconcile import enforce, reconciliation_table

    read_external_facts(external_dir(paths))
    ingested = ingest(paths)
    if strict:
        enforce(reconciliation_table(ingested), strict=True)


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
        # The preflight is done in the server, so that its kernels start with the tables validated. It
        # is sent first and answered in the background: the server validates while this process
        # imports and gets the ingest ready. No kernel is launched before it has passed.
        validated = None
        if server is not None:
            validated = server.start_preflight(y, resolve(raw_root), resolve(processed_root), resolve(figures_root),
                                               lang, strict)
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

    from mfgghg.runner.fast.kernelfork import stop_kernel_and_clients

    jobs = jobs or default_jobs()
    build_dir = resolve(build_root) / str(y) / ("" if lang == "zh-TW" else lang)
    result = RunResult(y)
    with year_lock(resolve(build_root), y):
        build_dir.mkdir(parents=True, exist_ok=True)
        for stale in build_dir.glob(".staging-*"):  # left by a killed run; we hold the lock, so no one uses it
            shutil.rmtree(stale, ignore_errors=True)
        # A fixed name (we hold the year's lock) keeps the executed notebooks identical across runs.
        staging = build_dir / ".staging-run"
        staging.mkdir()
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
            from mfgghg.runner.site import build_index, notebook_pages_dir

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
            build_index(staged.figures, y, [pages / f"{nb.stem}.html" for nb in result.executed], lang)
            publish(staged.processed, final.processed)
            # the English set lives inside the Chinese year folder: carry it over when replacing that folder
            publish(staged.figures, final.figures, keep=["en"] if lang == "zh-TW" and (final.figures / "en").is_dir() else [])
            result.processed, result.figures = final.processed, final.figures
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    log(f"[{y}] done: {relative_to_repo(final.processed, 'full')}, {relative_to_repo(final.figures, 'full')}, "
        f"executed notebooks in {relative_to_repo(build_dir, 'full')}")
    return result


def close_thread_event_loop() -> None:
    """Close the asyncio loop that papermill and jupyter_client (``jupyter_core.utils.run_sync``) left
    set for this worker thread: nothing else would, and an unclosed loop leaks its socket pair until
    it is garbage-collected. The thread's next notebook gets a new one."""
    import asyncio

    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # none set
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()
        asyncio.set_event_loop(None)


def prestarted_kernel(server, kernel: str, notebook: Path, log=print):
    """A kernel started ahead for ``notebook`` (``kernelfork.prestart_kernel``), or None if that
    failed: the notebook then starts its own, as it would have."""
    from mfgghg.runner.fast.kernelfork import prestart_kernel

    try:
        return prestart_kernel(server, kernel)
    except Exception as err:  # noqa: BLE001 - its own start will meet (and report) the same error
        log(f"{notebook.name}: could not start its kernel ahead ({type(err).__name__}: {err}); starting it later")
        return None


def show_published_paths(executed: Path, replacements: dict[str, str]) -> None:
    """The executed copy shows where its outputs were published, not the staging folder it wrote to,
    and has nothing that changes from run to run. Read and written without validating it again:
    papermill has just written (and validated) it, and only strings change (the validation of a
    notebook with its images, twice, was a tenth of the runner's own work)."""
    from nbformat import versions

    from mfgghg.runner.site import read_executed

    nb = read_executed(executed)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id; pages must not change per run
            for old, new in replacements.items():
                cell.source = cell.source.replace(old, new)
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    for key, value in params.items():
        if isinstance(value, str):
            for old, new in replacements.items():
                params[key] = params[key].replace(old, new)
    text = versions[nb.nbformat].writes_json(nb)
    executed.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")  # as nbformat.write


def ship_processed_data(processed: Path, figures: Path) -> None:
    """The year's processed tables and their datapackage.json go with the figure set (``data/``), so
    that a reader of the yearly page downloads the data with its description."""
    from mfgghg.runner.site import DATA_DIR

    if processed.is_dir():
        shutil.copytree(processed, figures / DATA_DIR, dirs_exist_ok=True)


def publish(new: Path, target: Path, keep: list[str] = ()) -> None:
    """Put ``new`` in the place of ``target`` by renames. Subfolders named in ``keep`` (the other
    language's figure set) are carried over from the old ``target`` into the new one first."""
    if not new.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    for name in keep:
        if not (new / name).exists():
            shutil.copytree(target / name, new / name)
    swap_in(new, target)


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

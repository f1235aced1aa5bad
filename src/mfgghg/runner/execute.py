"""Execute: one notebook under papermill (with the runner's kernel, named parameters, a bounded
retry when kernels race for ports), and the kernel fork server's declared preload.

Nothing here decides what is published: :mod:`mfgghg.runner.stage` gives the staging folder the
notebooks write into, :mod:`mfgghg.runner.publish` swaps it in, :mod:`mfgghg.runner.pipeline`
runs the year.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from mfgghg import KERNEL_NAME
from mfgghg.errors import MfgGhgError, RunError

# The runner's kernels show figures inline whatever the shell's MPLBACKEND says, so that executed
# notebooks (and the stored outputs nbval compares) do not depend on it. It is set in the runner's own
# process, whose kernels inherit it; a researcher's kernel keeps the backend they chose.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def use_inline_backend_in_kernels() -> None:
    os.environ["MPLBACKEND"] = INLINE_BACKEND


def merge_adjacent_streams(cell, **_) -> None:
    """Join the stream outputs of ``cell`` that follow one another on the same stream (nbclient's
    ``on_cell_executed`` hook), as JupyterLab joins them as they arrive. ipykernel sends what a cell
    prints in pieces, as its flush timer fires: a busy machine can split one ``print`` into its text and
    its newline, and the stored notebook and its page would then differ from run to run. Unlike
    nbclient's ``coalesce_streams``, a stream printed after a figure or a table stays after it."""
    merged = []
    for output in cell.get("outputs", []):
        previous = merged[-1] if merged else None
        if output.get("output_type") == "stream" and previous is not None \
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name"):
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    if "outputs" in cell:
        cell["outputs"] = merged


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
    ``kernelmanager.prestart_kernel``). ``on_kernel_ready()`` is called once the kernel answers;
    ``before_launch()`` before a kernel of the fork server's manager is launched (it may refuse)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    use_inline_backend_in_kernels()
    extra = {}
    if fork_server is not None:
        from mfgghg.runner.fast.kernelmanager import forking_kernel_manager_class

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
            on_cell_executed=merge_adjacent_streams,
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
    "import pandas", "import mfgghg.data.package", "import mfgghg.nb", "import mfgghg.data.ingest",
    "import mfgghg.data.overview", "import mfgghg.data.translations", "import mfgghg.checks.reconcile",
]


ANALYSIS_PRELOAD = [
    "import matplotlib", "import matplotlib.pyplot", "import seaborn", "import mfgghg.plots.style",
    "import mfgghg.analysis.status", "import mfgghg.analysis.emissions", "import mfgghg.analysis.intensity",
    "import mfgghg.analysis.budget", "import mfgghg.analysis.netzero", "import mfgghg.analysis.external_intensity",
    "import mfgghg.plots.status", "import mfgghg.plots.emissions", "import mfgghg.plots.intensity",
    "import mfgghg.plots.budget", "import mfgghg.plots.table4_trace", "import mfgghg.plots.netzero",
    "import mfgghg.plots.external_intensity",
]


# Run by the fork server after the plotting libraries: the batch speed-ups and first-use work of
# every figure-drawing kernel (MFGGHG_FAST=0: the warm-up only, no speed-up).
BATCH_WARM_UP = "from mfgghg.runner.fast.batch import warm_up as _warm_up; _warm_up()"


# Before the preflight (batch only): the raw tables it validates are kept for the ingest kernel.
VALIDATED_TABLES = "from mfgghg.runner.fast.validated import install_for_batch as _keep; _keep()"


# nbval's kernels (tests): the same imports, the style's first-use work, no batch speed-up.
STANDARD_WARM_UP = "from mfgghg.plots.style import use_cjk_font as _use_cjk_font; _use_cjk_font()"


def fork_server_preload(staged: bool = True, batch: bool = True) -> tuple[list[str], list[str]]:
    """What a kernel fork server runs before forking kernels: :data:`INGEST_PRELOAD` (with ``batch``,
    and :data:`VALIDATED_TABLES`), then :data:`ANALYSIS_PRELOAD` and the warm-up (with ``batch``, the
    runner's batch speed-ups, see :mod:`mfgghg.runner.fast.batch`). ``staged``: the analysis stage
    after the server has forked its first kernel (the ingest's, see :mod:`mfgghg.runner.fast.kernelfork`);
    else everything before."""
    first = INGEST_PRELOAD + ([VALIDATED_TABLES] if batch else [])
    later = ANALYSIS_PRELOAD + [BATCH_WARM_UP if batch else STANDARD_WARM_UP]
    return (first, later) if staged else (first + later, [])


def import_run_dependencies() -> None:
    """Import papermill here, before any thread starts: two threads importing the same package for
    the first time can meet it half-initialised ("partially initialized module"). Also build
    nbformat's notebook validator (about 0.1 s, at the first notebook read otherwise), while the
    fork server still imports and validates."""
    import papermill  # noqa: F401
    from nbformat.validator import get_validator

    get_validator()


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
    """A kernel started ahead for ``notebook`` (``kernelmanager.prestart_kernel``), or None if that
    failed: the notebook then starts its own, as it would have."""
    from mfgghg.runner.fast.kernelmanager import prestart_kernel

    try:
        return prestart_kernel(server, kernel)
    except Exception as err:  # its own start will meet (and report) the same error
        log(f"{notebook.name}: could not start its kernel ahead ({type(err).__name__}: {err}); starting it later")
        return None

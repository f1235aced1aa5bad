"""pytest plugin (``-p nbval_forked``): nbval's kernels forked like the runner's.

nbval starts a kernel per notebook; here they are forked from one server that has imported what
the notebooks import (mfgghg.runner.fast.kernelfork), saving about two seconds a notebook. The stored outputs
were made with standard kernels (``make refresh-notebooks``), so nbval passing also shows that a
forked kernel prints what a standard one does. Without the plugin nbval uses standard kernels.

nbval compares a figure's ``text/plain`` and never its PNG (without ``--nbdime`` it skips
``image/png``), so these kernels show figures without drawing them inline once more
(``InlineBackend.figure_formats`` empty): a figure's output is its ``<Figure size …>`` text alone.
Every figure is still drawn, and its warnings printed, as ``save_figure`` writes its PNG and SVG.

The server is put in place when the session starts, not by a fixture: nbval starts a notebook's
kernel as its file is set up, and nbval's items use no fixtures (an autouse fixture never ran).
"""

from __future__ import annotations

_state: dict = {}


def pytest_sessionstart(session):
    from mfgghg import KERNEL_NAME
    from mfgghg.runner.fast import kernelfork, kernelmanager
    from mfgghg.runner.pipeline import fork_server_preload

    if not session.config.pluginmanager.hasplugin("nbval"):
        return
    if not kernelfork.enabled():
        _state["off"] = True
        return
    import ipykernel.kernelspec
    import nbval.kernel

    # --nbval-current-env: nbval starts this interpreter's ipykernel command, not the kernelspec's
    argv = ipykernel.kernelspec.get_kernel_dict()["argv"] if session.config.option.nbval_current_env else None
    server = kernelfork.KernelForkServer(KERNEL_NAME, fork_server_preload(staged=False, batch=False)[0],
                                         argv=argv)
    standard = nbval.kernel.KernelManager

    class ForkingKernelManager(standard):
        def __init__(self, *args, **kwargs):
            client_class = "mfgghg.runner.fast.kernelmanager.PromptBlockingKernelClient"
            super().__init__(*args, client_class=client_class, **kwargs)
            kernelmanager.use_fork_server(self, server)

        def start_kernel(self, **kwargs):
            # (run by IPython at start-up, before the inline backend is set up with the formats)
            no_inline_png = "--IPKernelApp.exec_lines=%config InlineBackend.figure_formats = set()"
            kwargs["extra_arguments"] = [*kwargs.get("extra_arguments", []), no_inline_png]
            return super().start_kernel(**kwargs)

    nbval.kernel.KernelManager = ForkingKernelManager
    # (counted for the summary line: a kernel the server cannot fork would start as a standard one)
    launch, forked = server.launch, []
    server.launch = lambda *args, **kwargs: forked.append(launch(*args, **kwargs)) or forked[-1]
    _state.update(server=server, standard=standard, forked=forked)


FORKED_LINE = "nbval_forked: {} kernels forked from one server"
OFF_LINE = "nbval_forked: off (MFGGHG_FORK_KERNELS), standard kernels"


def pytest_terminal_summary(terminalreporter):
    """One line the suite's test_notebooks.py reads: how many of nbval's kernels were forked."""
    if "forked" in _state:
        terminalreporter.write_line(FORKED_LINE.format(len(_state["forked"])))
    elif _state.get("off"):
        terminalreporter.write_line(OFF_LINE)


def pytest_sessionfinish(session):
    if "server" not in _state:
        return
    import nbval.kernel

    nbval.kernel.KernelManager = _state.pop("standard")
    _state["server"].close()

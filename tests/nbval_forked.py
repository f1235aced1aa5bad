"""pytest plugin (``-p nbval_forked``): nbval's kernels forked like the runner's.

nbval starts a kernel per notebook; here they are forked from one server that has imported what
the notebooks import (mfgghg.runner.fast.kernelfork), saving about two seconds a notebook. The stored outputs
were made with standard kernels (``make refresh-notebooks``), so nbval passing also shows that a
forked kernel prints what a standard one does. Without the plugin nbval uses standard kernels.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def nbval_kernels_forked(request):
    from mfgghg import KERNEL_NAME
    from mfgghg.runner.fast import kernelfork, kernelmanager
    from mfgghg.runner.pipeline import fork_server_preload

    if not request.config.pluginmanager.hasplugin("nbval") or not kernelfork.enabled():
        yield None
        return
    import ipykernel.kernelspec
    import nbval.kernel

    # --nbval-current-env: nbval starts this interpreter's ipykernel command, not the kernelspec's
    argv = ipykernel.kernelspec.get_kernel_dict()["argv"] if request.config.option.nbval_current_env else None
    server = kernelfork.KernelForkServer(KERNEL_NAME, fork_server_preload(staged=False, batch=False)[0],
                                         argv=argv)
    standard = nbval.kernel.KernelManager

    class ForkingKernelManager(standard):
        def __init__(self, *args, **kwargs):
            client_class = "mfgghg.runner.fast.kernelmanager.PromptBlockingKernelClient"
            super().__init__(*args, client_class=client_class, **kwargs)
            kernelmanager.use_fork_server(self, server)

    nbval.kernel.KernelManager = ForkingKernelManager
    try:
        yield server
    finally:
        nbval.kernel.KernelManager = standard
        server.close()

"""The kernels the runner starts talk to it over local sockets, not TCP.

ipykernel warns at every start of a kernel on TCP without CurveZMQ keys that its traffic is sent
unencrypted; the runner and its kernels share one machine, so each kernel gets IPC sockets of its own
instead (POSIX only: elsewhere jupyter_client's default, TCP, stays). Used by the pipeline's kernel
managers (:mod:`mfgghg.runner.fast.kernelmanager`) and by ``refresh-notebooks``.
"""

from __future__ import annotations

import functools
import os


def local_socket_prefix() -> str:
    """Where one kernel's IPC sockets go: ``<temp dir>/mfgghg-kernel-<random>-ipc-<n>``, beside the
    connection files jupyter_client writes there (its own default, ``kernel-ipc`` in the working folder,
    is the same for every kernel); jupyter_client removes them when it shuts the kernel down."""
    import tempfile
    import uuid

    return os.path.join(tempfile.gettempdir(), f"mfgghg-kernel-{uuid.uuid4().hex[:12]}-ipc")


@functools.cache
def local_kernel_manager_class():
    """jupyter_client's asynchronous kernel manager (what nbclient and papermill use), whose kernel
    listens on local sockets unless a ``transport`` is given. (A function: importing this module
    does not import jupyter_client.)"""
    from jupyter_client import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            if "transport" not in kwargs and os.name == "posix":
                kwargs.update(transport="ipc", ip=local_socket_prefix())
            super().__init__(**kwargs)

    return LocalKernelManager

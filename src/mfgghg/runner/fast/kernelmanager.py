"""jupyter_client's classes for kernels forked from a :class:`~mfgghg.runner.fast.kernelfork.KernelForkServer`:
a provisioner that asks the server for the kernel process, a kernel manager class for papermill,
a kernel started ahead of its notebook, and clients that are ready as soon as their kernel is
(:func:`wait_until_ready`). Public jupyter_client API only: the provisioner and the manager are
its documented extension points, and the clients override the public ``wait_for_ready``."""

from __future__ import annotations

import functools
import time
from pathlib import Path

from mfgghg.runner.fast.kernelfork import ForkedKernel, KernelForkServer


def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ForkedKernelProvisioner(LocalProvisioner):
        """jupyter_client's local provisioner, except that the kernel process is forked from
        ``fork_server`` (when set and able to start this kernelspec's command)."""

        fork_server = None  # a KernelForkServer
        before_launch = None  # called first; what it raises stops the launch

        async def launch_kernel(self, cmd, **kwargs):
            if self.before_launch is not None:
                self.before_launch()
            server = self.fork_server
            if server is None or not server.can_launch(cmd):
                return await super().launch_kernel(cmd, **kwargs)
            self.process = server.launch(cmd, env=kwargs.get("env"), cwd=kwargs.get("cwd"),
                                         stdout=_path_of(kwargs.get("stdout")), stderr=_path_of(kwargs.get("stderr")))
            self.pid = self.pgid = self.process.pid  # the child starts its own session
            self.cwd = kwargs.get("cwd") or Path.cwd()
            return self.connection_info

        async def kill(self, restart: bool = False) -> None:
            """SIGKILL to the kernel's process group (jupyter_client's way; ``ForkedKernel.kill`` only
            when that fails), then wait briefly for the kernel to be gone: jupyter_client checks a
            killed kernel at once and then every 0.1 s, so a kernel still dying at the first check
            cost every notebook 0.1 s at its end (the ingest's on the run's critical path)."""
            import asyncio

            await super().kill(restart=restart)
            if isinstance(self.process, ForkedKernel):
                deadline = time.monotonic() + 0.5
                while self.process.poll() is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.002)

    return ForkedKernelProvisioner


def _path_of(stream) -> str | None:
    """A file object's path (nbval sends kernel stderr to os.devnull), to be reopened in the child."""
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) else None


def use_fork_server(km, server: KernelForkServer | None, before_launch=None):
    """Make the (not yet started) kernel manager ``km`` fork its kernel from ``server``. jupyter_client
    only creates a provisioner from the kernelspec when none is set, so this one is used.
    ``before_launch()`` is called before the kernel is launched (and may refuse it by raising)."""
    provisioner = _provisioner_class()(kernel_id=None, kernel_spec=km.kernel_spec, parent=km)
    provisioner.fork_server = server
    provisioner.before_launch = before_launch
    km.provisioner = provisioner
    return km


def forking_kernel_manager_class(server: KernelForkServer | None, before_launch=None):
    """An asynchronous kernel manager class (what papermill's client uses; pass it as
    ``kernel_manager_class``) whose kernels are forked from ``server`` (standard kernels when
    ``server`` is None or cannot start the kernelspec), with clients that are ready as soon as the
    kernel is (:func:`wait_until_ready`). Given the class rather than a manager, nbclient owns the
    manager: it shuts the kernel down and closes its channels when the notebook is done.
    ``before_launch``: see :func:`use_fork_server`."""
    from mfgghg.runner.kernels import local_kernel_manager_class

    class ForkingKernelManager(local_kernel_manager_class()):  # (its kernels on local sockets)
        def __init__(self, **kwargs):
            kwargs.setdefault("client_class", f"{__name__}.PromptKernelClient")
            kwargs.setdefault("kernel_spec_manager", shared_kernel_spec_manager())
            super().__init__(**kwargs)
            use_fork_server(self, server, before_launch)
            self.clients_made = []

        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.clients_made.append(made)  # (see stop_kernel_and_clients)
            return made

    return ForkingKernelManager


@functools.cache
def shared_kernel_spec_manager():
    """One KernelSpecManager for the managers of this process. Each new one works out the Jupyter
    data folders again (~15 ms of CPU, six times a run); the kernelspec itself is still read from
    its file for every kernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KernelSpecManager()


def forking_kernel_manager(server: KernelForkServer | None, kernel_name: str):
    """One manager of :func:`forking_kernel_manager_class` (whoever starts its kernel shuts it down)."""
    return forking_kernel_manager_class(server)(kernel_name=kernel_name)


def prestart_kernel(server: KernelForkServer | None, kernel_name: str):
    """A manager with its kernel started now, to run a notebook given to it later (papermill's
    ``km``): the runner starts the analysis notebooks' kernels while the ingest runs. The kernel is
    started as nbclient starts its own (its in-memory IPython history). Whoever runs the notebook
    stops it afterwards (:func:`stop_kernel_and_clients`): nbclient leaves a manager it was given
    running."""
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient

    km = forking_kernel_manager(server, kernel_name)
    extra = []
    if getattr(km, "ipykernel", False):
        extra.append(f"--HistoryManager.hist_file={NotebookClient.ipython_hist_file.default_value}")
    run_sync(km.start_kernel)(extra_arguments=extra)
    return km


def stop_kernel_and_clients(km) -> None:
    """Close the channels of every client of ``km`` and stop its kernel at once (what nbclient does
    with a kernel it started itself, once its notebook is done)."""
    from jupyter_core.utils import run_sync

    for made in getattr(km, "clients_made", []):
        made.stop_channels()
    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


async def wait_until_ready(client, timeout: float | None = None) -> None:
    """jupyter_client's ``wait_for_ready`` for a client made by a kernel manager, except for its end.

    Both send ``kernel_info`` requests until one is answered on the shell channel and IOPub delivers
    messages (a subscription misses what was published before it connected). jupyter_client then
    reads IOPub until it has been silent for 0.2 s: a fixed wait at every kernel start, several on a
    run's critical path. Here IOPub is read until it shows it is connected: the kernel's welcome to
    the subscription (``iopub_welcome``, ipykernel 7), or the ``idle`` status of the answered request,
    which the kernel publishes after its reply. (What else is left on IOPub is no bother to nbclient
    and papermill, which read only the messages of their own requests.)"""
    from queue import Empty

    from jupyter_client import protocol_version_info
    from jupyter_core.utils import ensure_async  # a blocking client's channels and is_alive answer at once

    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    idle: set[str] = set()  # requests whose idle status IOPub has delivered
    welcomed = False
    while True:
        client.kernel_info()
        try:
            reply = await ensure_async(client.shell_channel.get_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            answered = reply["parent_header"].get("msg_id")
            while not welcomed and answered not in idle:
                try:
                    msg = await ensure_async(client.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    break  # IOPub not connected yet: ask again
                if msg["msg_type"] == "iopub_welcome":
                    welcomed = True
                elif msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                    idle.add(msg["parent_header"].get("msg_id"))
            if welcomed or answered in idle:
                # what jupyter_client does with the reply: talk the kernel's protocol version
                adapt_version = int(reply["content"]["protocol_version"].split(".")[0])
                if adapt_version != protocol_version_info[0]:
                    client.session.adapt_version = adapt_version
                return
        if not await ensure_async(client.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


def _prompt_client_classes() -> dict:
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_client.manager import KernelManager
    from jupyter_core.utils import run_sync

    class PromptKernelClient(AsyncKernelClient):
        """jupyter_client's asynchronous client (papermill's), ready as soon as its kernel is (see
        :func:`wait_until_ready`); without a manager, jupyter_client's own wait."""

        async def wait_for_ready(self, timeout=None):
            if not isinstance(self.parent, KernelManager):
                return await super().wait_for_ready(timeout)
            await wait_until_ready(self, timeout)

    class PromptBlockingKernelClient(BlockingKernelClient):
        """jupyter_client's blocking client (nbval's), ready as soon as its kernel is."""

        def wait_for_ready(self, timeout=None):
            if not isinstance(self.parent, KernelManager):
                return super().wait_for_ready(timeout)
            run_sync(wait_until_ready)(self, timeout)

    return {"PromptKernelClient": PromptKernelClient, "PromptBlockingKernelClient": PromptBlockingKernelClient}


def __getattr__(name):  # the client classes are built on first use: importing jupyter_client costs time
    if name in ("PromptKernelClient", "PromptBlockingKernelClient"):
        globals().update(_prompt_client_classes())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

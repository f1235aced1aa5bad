"""Kernels forked from one process that has already imported what the notebooks import.

Starting a kernel costs a Python start-up, IPython and ipykernel, then the notebook's own imports
(pandas, matplotlib, seaborn, this package): about 2.4 s each on a 2-core machine, against well
under a second for most notebooks' actual work. The runner therefore starts one *fork server* per
run: a process that imports all of that once (and does the runner's validation of the year's raw
data), and then forks a fresh process for every kernel. Each kernel is still a separate process with its own
memory, started by ``jupyter_client`` through its usual connection file and channels; it merely
begins with those modules in ``sys.modules``.

Only the runner and the tests use it (papermill gets :func:`forking_kernel_manager_class`, whose
clients are ready as soon as the kernel is, see :func:`wait_until_ready`). The ``mfgghg``
kernelspec that JupyterLab uses is untouched, so an interactive kernel restart always re-imports
the package a researcher may have edited. A fork server lives as long as its run: the next run
starts a new one and sees the current code. ``MFGGHG_FORK_KERNELS=0`` turns it off.

The imports come in two stages when the first notebook needs less than the others (the runner's
ingest imports no plotting library): the server imports the first stage, answers, and imports the
second stage right after it has forked its first kernel, so that the first notebook runs on one core
while the server imports the rest on the other.

Protocol (JSON lines over a socket pair): the client sends ``{"preload": [...], "preload_later":
[...]}``, the server answers ``{"ready": ...}`` once the first stage is imported; then ``{"op":
"launch", ...}`` → ``{"pid": N}``, ``{"op": "poll", "pid": N}`` → ``{"code": None | int}`` and
``{"op": "preflight", ...}`` → ``{"ok": true}`` or ``{"raised": ...}`` (the runner's validation of a
year's raw data, done here: the tables it validated stay in this process, and every kernel forked
after it finds them in its store instead of validating them again). Besides, the server writes
``"<pid> <exit code>\n"`` to a pipe as it reaps each kernel, so that a kernel's end is known at once,
even while the server is busy importing (and answers nothing). When the client's end closes
(the runner ended or died), the server terminates the kernels still running and exits; kernels also
watch their parent (ipykernel's parent poller) and exit when the server is gone.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import NoReturn

# ipykernel and IPython themselves: most of a bare kernel's start-up.
KERNEL_MODULES = (
    "import ipykernel.kernelapp",
    "import ipykernel.ipkernel",
    "import ipykernel.zmqshell",
    "import ipykernel.debugger",  # debugpy, which each kernel would import at start (~0.1 s)
)
# matplotlib's inline backend (which imports much of matplotlib): with the stage of the imports that
# has the plotting libraries
INLINE_BACKEND_MODULES = ("import matplotlib_inline.backend_inline",)
LAUNCHER_MODULE = "ipykernel_launcher"


def enabled() -> bool:
    return os.environ.get("MFGGHG_FORK_KERNELS", "1").strip().lower() not in ("0", "false", "no", "off")


def notebook_imports(paths) -> list[str]:
    """The top-level import statements of the notebooks' code cells, in order, without repeats."""
    import ast

    found = []
    for path in paths:
        # plain JSON: nbformat would validate every stored output, for nothing but the sources
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse(source if isinstance(source, str) else "".join(source))
            except SyntaxError:
                continue
            found += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return list(dict.fromkeys(found))


class ForkServerError(RuntimeError):
    pass


class ForkedKernel:
    """The parts of ``subprocess.Popen`` that jupyter_client's local provisioner uses, for a kernel
    that is the fork server's child rather than ours (so its exit status comes from the server)."""

    stdin = stdout = stderr = None

    def __init__(self, server: KernelForkServer, pid: int):
        self.server, self.pid, self.returncode = server, pid, None

    def poll(self) -> int | None:
        """None while the kernel runs. The server reaps its kernels as they end, so a kernel that is
        still a process is running; a finished one's exit code is the one the server reported when
        it reaped it (see :meth:`KernelForkServer.exit_code`)."""
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = self.server.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL (the provisioner's ``kill`` then waits for the kernel to be gone)."""
        self.send_signal(signal.SIGKILL)


def kernelspec_argv(kernel_name: str) -> list[str]:
    """The command of a kernelspec, read from the first ``<name>/kernel.json`` in Jupyter's data path
    (where jupyter_client's KernelSpecManager finds it) without importing jupyter_client, which
    takes about 0.3 s: the fork server is started before anything else. Anything else (a kernel
    found only by the manager's other rules) is left to the manager."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("kernels"):
        spec = Path(folder) / kernel_name.lower() / "kernel.json"
        if spec.is_file():
            try:
                argv = json.loads(spec.read_text(encoding="utf-8"))["argv"]
            except (OSError, ValueError, KeyError, TypeError):
                break
            if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
                return argv
            break
    from jupyter_client.kernelspec import KernelSpecManager

    return KernelSpecManager().get_kernel_spec(kernel_name).argv


def launcher_prefix(argv: list[str]) -> list[str] | None:
    """``[python, *interpreter options]`` of a kernelspec command ``python [-X...] -m ipykernel_launcher
    ...`` (ipykernel adds ``-Xfrozen_modules=off`` on Python 3.11), or None for any other command."""
    for i in range(1, len(argv) - 1):
        if argv[i:i + 2] == ["-m", LAUNCHER_MODULE]:
            return list(argv[:i])
    return None


class KernelForkServer:
    """Client side: starts the server process at once (it imports in the background) and talks to it.

    The server runs the kernelspec's own interpreter with its options, so a forked kernel is what
    that kernelspec would have started. ``preload`` is imported before the server answers,
    ``preload_later`` after it has forked its first kernel (see the module's docstring)."""

    def __init__(self, kernel_name: str, preload: list[str] = (), argv: list[str] | None = None,
                 preload_later: list[str] = (), send_preload: bool = True):
        if argv is None:
            argv = kernelspec_argv(kernel_name)
        self.prefix = launcher_prefix(argv)
        if self.prefix is None:
            raise ForkServerError(f"kernel {kernel_name!r} is not started as 'python -m {LAUNCHER_MODULE}': {argv}")
        ours, theirs = socket.socketpair()
        exits, exits_theirs = os.pipe()
        self.process = subprocess.Popen(
            [*self.prefix, "-m", "mfgghg.runner.fast.kernelfork", str(theirs.fileno()), str(exits_theirs)],
            pass_fds=[theirs.fileno(), exits_theirs], stdin=subprocess.DEVNULL,
        )
        theirs.close()
        os.close(exits_theirs)
        os.set_blocking(exits, False)
        self._exits_fd, self._exits_pending, self._exits = exits, b"", {}
        self._exits_lock = threading.Lock()
        self._sock = ours
        self._io = ours.makefile("rwb")
        self._lock = threading.Lock()
        self._ready = False
        self._closed = False
        if send_preload:
            self.send_preload(preload, preload_later)

    def send_preload(self, preload: list[str] = (), preload_later: list[str] = ()) -> None:
        """The two stages of imports (once, unless given to the constructor). The server imports
        what every kernel needs (ipykernel) before it reads them, so the runner may start it first
        and find the notebooks' imports meanwhile."""
        first, later = list(preload), list(preload_later)  # (after KERNEL_MODULES, which it imports first)
        if later:
            later[:0] = INLINE_BACKEND_MODULES
        else:
            first += INLINE_BACKEND_MODULES
        self._send({"preload": first, "preload_later": later})

    # -- protocol
    def _send(self, message: dict) -> None:
        self._io.write(json.dumps(message).encode() + b"\n")
        self._io.flush()

    def _receive(self) -> dict:
        line = self._io.readline()
        if not line:
            raise ForkServerError(f"the kernel fork server (pid {self.process.pid}) has exited")
        return json.loads(line)

    def _request(self, message: dict) -> dict:
        with self._lock:
            if self._closed:
                raise ForkServerError("the kernel fork server is closed")
            # sent at once: the server reads it once it has imported its first stage and answered
            # the preload (no round trip between the two)
            self._send(message)
            if not self._ready:
                self._receive()  # the answer to the preload: imports done
                self._ready = True
            return self._receive()

    # -- API
    def can_launch(self, cmd: list[str]) -> bool:
        """Only a kernel started by the server's own interpreter and options can be forked from it."""
        return launcher_prefix(cmd) == self.prefix

    def launch(self, cmd: list[str], env: dict | None = None, cwd=None, stdout: str | None = None,
               stderr: str | None = None) -> ForkedKernel:
        """Fork a kernel for ``cmd`` (a kernelspec command, connection file included); ``stdout`` and
        ``stderr`` are paths to send its output to (default: the server's, i.e. the runner's)."""
        args = cmd[len(self.prefix) + 2:]
        reply = self._request({"op": "launch", "argv": [cmd[0], *args], "env": dict(env or os.environ),
                               "cwd": str(cwd) if cwd else None, "stdout": stdout, "stderr": stderr})
        if "error" in reply:
            raise ForkServerError(reply["error"])
        return ForkedKernel(self, reply["pid"])

    def preflight(self, year: int, raw_root, processed_root, figures_root, lang: str, strict: bool) -> None:
        """The runner's preflight (:func:`mfgghg.runner.pipeline.preflight`) of a report year, done in the
        server: it has pandas and pandera imported already (the runner then needs neither), and the
        tables it validates stay in its store, where every kernel forked from now on finds them.
        Bad input raises the same error, with the same one line, as the preflight would here."""
        import base64
        import pickle

        reply = self._request({"op": "preflight", "year": year, "raw_root": str(raw_root),
                               "processed_root": str(processed_root), "figures_root": str(figures_root),
                               "lang": lang, "strict": bool(strict)})
        if "raised" in reply:
            raise pickle.loads(base64.b64decode(reply["raised"]))  # noqa: S301 - from our own child process
        if "error" in reply:
            raise ForkServerError(reply["error"])

    def start_preflight(self, year: int, raw_root, processed_root, figures_root, lang: str,
                        strict: bool) -> concurrent.futures.Future:
        """:meth:`preflight`, sent now and answered in the background (a future of None, or of its
        error): the server validates while the runner imports and gets its first notebook ready.
        Whoever launches a kernel of the run waits for it first (``before_launch``)."""
        import concurrent.futures

        future = concurrent.futures.Future()

        def run() -> None:
            try:
                self.preflight(year, raw_root, processed_root, figures_root, lang, strict)
            except BaseException as err:  # noqa: BLE001 - the future holds it
                future.set_exception(err)
            else:
                future.set_result(None)

        threading.Thread(target=run, name="preflight", daemon=True).start()
        return future

    def exit_code(self, pid: int) -> int | None:
        """The exit code of a kernel that is no longer a process (None while it runs): as the server
        reported it when it reaped the kernel, else asked (which waits while the server imports)."""
        with self._exits_lock:
            if pid not in self._exits and self._exits_fd is not None:
                try:
                    while chunk := os.read(self._exits_fd, 4096):
                        self._exits_pending += chunk
                except BlockingIOError:  # all read
                    pass
                *lines, self._exits_pending = self._exits_pending.split(b"\n")
                self._exits.update((int(k), int(c)) for k, c in (line.split() for line in lines))
            if pid in self._exits:
                return self._exits[pid]
        try:
            return self._request({"op": "poll", "pid": pid})["code"]
        except (ForkServerError, OSError):
            # The server has gone (killed, or closed), and the kernel is no longer a process: it
            # ended, with a code nobody can tell now. (Raising instead would hide the kernel's death
            # from nbclient, whose notebook would then wait for it for ever.)
            return -1

    def close(self) -> None:
        """The server terminates the kernels still running and exits (killed at once if it has not
        finished its imports: then it has no kernels, and a run that stopped early need not wait)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            close_quietly(self._io, self._sock)
            if not self._ready:
                self.process.kill()
        with self._exits_lock:
            os.close(self._exits_fd)
            self._exits_fd = None
        wait_or_kill(self.process, timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def exit_without_teardown(code: int, exit_handlers: bool = True) -> NoReturn:
    """End this process with ``code`` now: its exit handlers run (with ``exit_handlers``), the standard
    streams are flushed, and the interpreter's teardown is skipped. With pandas, matplotlib,
    nbconvert or papermill loaded that teardown takes a noticeable part of a second, which whoever
    waits for the process (the runner, or the user at a run's end) would wait for."""
    try:
        if exit_handlers:
            import atexit

            atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def close_quietly(*ends) -> None:
    """Close our ends of a helper process's socket pair (which tells it to finish)."""
    for end in ends:
        try:
            end.close()
        except OSError:
            pass


def wait_or_kill(process: subprocess.Popen, timeout: float) -> None:
    """Wait for a helper process told to finish; kill it if it has not after ``timeout`` seconds."""
    try:
        wait_for_exit(process, timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_exit(process: subprocess.Popen, timeout: float) -> None:
    """``process.wait(timeout)``, but woken the moment the process ends: with a timeout, Popen polls
    with sleeps growing to 50 ms, which a run's end would spend waiting for nothing. (Linux's pidfd;
    elsewhere, Popen's polling.)"""
    import select

    if process.returncode is None and hasattr(os, "pidfd_open"):
        try:
            fd = os.pidfd_open(process.pid)
        except OSError:  # already reaped, or a kernel without pidfd: Popen's own wait then
            fd = None
        if fd is not None:
            try:
                ready, _, _ = select.select([fd], [], [], timeout)
            finally:
                os.close(fd)
            if not ready:
                raise subprocess.TimeoutExpired(process.args, timeout)
    process.wait(timeout=timeout)  # reaps it (at once, when it has ended)


def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ForkedKernelProvisioner(LocalProvisioner):
        """jupyter_client's local provisioner, except that the kernel process is forked from
        ``fork_server`` (when set and able to start this kernelspec's command)."""

        fork_server: KernelForkServer | None = None
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
    from jupyter_client import AsyncKernelManager

    class ForkingKernelManager(AsyncKernelManager):
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

    from jupyter_core.utils import ensure_async  # the channels of a blocking client answer at once

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
                client._handle_kernel_info_reply(reply)
                return
        if not await client._async_is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


async def _wait_for_ready(client, timeout=None) -> None:
    from jupyter_client.client import KernelClient
    from jupyter_client.manager import KernelManager

    if not isinstance(client.parent, KernelManager):  # no manager: jupyter_client's own wait
        return await KernelClient._async_wait_for_ready(client, timeout)
    await wait_until_ready(client, timeout)


def _prompt_client_classes() -> dict:
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_core.utils import run_sync

    class PromptKernelClient(AsyncKernelClient):
        """jupyter_client's asynchronous client (papermill's), ready as soon as its kernel is (see
        :func:`wait_until_ready`)."""

        _async_wait_for_ready = _wait_for_ready
        wait_for_ready = _wait_for_ready

    class PromptBlockingKernelClient(BlockingKernelClient):
        """jupyter_client's blocking client (nbval's), ready as soon as its kernel is."""

        _async_wait_for_ready = _wait_for_ready
        wait_for_ready = run_sync(_wait_for_ready)

    return {"PromptKernelClient": PromptKernelClient, "PromptBlockingKernelClient": PromptBlockingKernelClient}


def __getattr__(name):  # the client classes are built on first use: importing jupyter_client costs time
    if name in ("PromptKernelClient", "PromptBlockingKernelClient"):
        globals().update(_prompt_client_classes())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------- server side (its own process)

def _kernel_child(argv: list[str], env: dict, cwd: str | None, stdout: str | None = None,
                  stderr: str | None = None) -> None:
    """In the forked child: become what ``python -m ipykernel_launcher <args>`` would be."""
    code = 1
    try:
        os.setsid()  # own process group, as jupyter_client gives its kernels (interrupts reach it alone)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, stdout, os.O_WRONLY | os.O_APPEND | os.O_CREAT),
                                (2, stderr, os.O_WRONLY | os.O_APPEND | os.O_CREAT)):
            if path:
                opened = os.open(path, flags, 0o644)
                os.dup2(opened, fd)
                os.close(opened)
        if cwd:
            os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        # ipykernel exits when this parent (the fork server) goes away. Its default for the parent
        # was read from the environment when the server imported it, hence the explicit option.
        parent = str(os.getppid())
        os.environ["JPY_PARENT_PID"] = parent
        sys.argv = list(argv)
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()  # (what launch_instance does, with one step between)
        app.initialize([*argv[1:], f"--IPKernelApp.parent_handle={parent}"])
        backend = "module://matplotlib_inline.backend_inline"
        if "matplotlib_inline.backend_inline" in sys.modules and env.get("MPLBACKEND", backend) == backend:
            # The server imported the inline backend before any shell existed, so its IPython side (figures
            # shown at the end of a cell) was not set up, as a standard kernel's first import of pyplot does.
            from IPython.core.pylabtools import activate_matplotlib
            from matplotlib_inline.backend_inline import configure_inline_support

            activate_matplotlib(backend)
            configure_inline_support(app.shell, backend)
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - report, then leave with a failure code
        import traceback

        traceback.print_exc()
    finally:
        exit_without_teardown(code)  # with the exit handlers a normal exit would run (IPython's history)


def serve(fd: int, exits_fd: int | None = None) -> None:
    code = 0
    try:
        _serve(fd, exits_fd)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the runner went away; the kernels still running were sent SIGTERM
    except BaseException:  # noqa: BLE001 - shown, and the exit code says so
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        exit_without_teardown(code, exit_handlers=False)  # nothing to save


def _preflight(request: dict) -> dict:
    """The runner's preflight, in this process (see :meth:`KernelForkServer.preflight`). A project
    error goes back pickled, so the runner raises the very error (class, file, row, column)."""
    import base64
    import pickle

    from mfgghg.errors import MfgGhgError
    from mfgghg.data.paths import YearPaths
    from mfgghg.runner.pipeline import preflight

    try:
        paths = YearPaths.for_year(request["year"], request["raw_root"], request["processed_root"],
                                   request["figures_root"], request["lang"])
        preflight(paths, request["strict"])
    except MfgGhgError as err:
        return {"raised": base64.b64encode(pickle.dumps(err)).decode("ascii")}
    except Exception as exc:  # noqa: BLE001 - the runner raises it
        return {"error": f"the preflight failed in the kernel fork server: {type(exc).__name__}: {exc}"}
    return {"ok": True}


def _preload(statements: list[str]) -> list[str]:
    """Execute import statements; those that fail, for the answer (the notebook will meet, and show,
    the same error itself). Without the cyclic garbage collector meanwhile: importing pandas and
    matplotlib creates hundreds of thousands of objects that all stay, and the collections they
    trigger, each walking all of them, took about a tenth of the imports' time."""
    failed = []
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for statement in statements:
            try:
                exec(statement, {})  # noqa: S102 - import statements read from the project's own notebooks
            except Exception as exc:  # noqa: BLE001
                failed.append(f"{statement}: {type(exc).__name__}")
    finally:
        # What the imports made stays: frozen, it is not walked by the first collection after them
        # (which would have found every generation over its threshold: about 0.06 s)
        gc.freeze()
        if was_enabled:
            gc.enable()
    return failed


def _serve(fd: int, exits_fd: int | None = None) -> None:
    sock = socket.socket(fileno=fd)
    if exits_fd is not None:
        os.set_blocking(exits_fd, False)  # a full pipe (nobody reading) loses a report, never blocks
    io = sock.makefile("rwb")

    def reply(message: dict) -> None:
        io.write(json.dumps(message).encode() + b"\n")
        io.flush()

    # What a kernel does before any notebook import (ipykernel's init_gui_pylab); matplotlib reads it
    # when imported.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # One BLAS thread per kernel: the runner runs a kernel per core (and one more) side by side, and
    # OpenBLAS's own pool of a thread per core, in each of them, would only compete for the same
    # cores; its threads also spin a while after every call they serve (~2 % of a figure notebook's
    # CPU). numpy reads this as it loads OpenBLAS, in the first stage; a kernel keeps the pool size
    # although its environment is then the runner's.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # What every kernel imports, while the runner reads the notebooks' own imports
    failed = _preload(list(KERNEL_MODULES))
    first = io.readline()
    if not first:
        return
    stages = json.loads(first)
    failed += _preload(stages.get("preload", []))
    later = stages.get("preload_later", [])
    reply({"ready": True, "failed": failed, "threads": threading.active_count()})

    children: dict[int, int | None] = {}

    def reap(*_signal) -> None:
        # also the SIGCHLD handler, which may run in the middle of this function: a kernel it reaped
        # meanwhile keeps the exit code it recorded
        for pid in [p for p, code in children.items() if code is None]:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                if children.get(pid) is None:
                    children[pid] = -1
                continue
            if done:
                children[pid] = os.waitstatus_to_exitcode(status)
                if exits_fd is not None:
                    try:
                        os.write(exits_fd, f"{pid} {children[pid]}\n".encode())
                    except OSError:  # the runner has gone, or reads none: it can still ask
                        pass

    # Kernels are reaped as they end, so that a client sees a finished kernel gone (ForkedKernel.poll).
    signal.signal(signal.SIGCHLD, reap)

    try:
        for line in io:
            request = json.loads(line)
            reap()
            if request.get("op") == "launch":
                sys.stdout.flush()
                sys.stderr.flush()
                # What the server holds stays for the kernel's life: out of the collector's sight, a
                # kernel's collections walk only its own objects (and do not write to, and so copy,
                # the memory pages it shares with the server).
                gc.freeze()
                pid = os.fork()
                if pid == 0:
                    io.close()
                    sock.close()
                    if exits_fd is not None:
                        os.close(exits_fd)
                    _kernel_child(request["argv"], request["env"], request.get("cwd"), request.get("stdout"),
                                  request.get("stderr"))
                children[pid] = None
                reap()  # in case it ended before it was in the list
                reply({"pid": pid})
                if later:  # the first kernel runs; now the imports of the others
                    _preload(later)
                    later = []
            elif request.get("op") == "poll":
                reply({"code": children.get(request["pid"], -1)})
            elif request.get("op") == "preflight":
                reply(_preflight(request))
            else:
                reply({"error": f"unknown request {request!r}"})
    finally:
        reap()
        for pid, code in children.items():
            if code is None:
                try:
                    os.killpg(pid, signal.SIGTERM)
                except OSError:
                    pass


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else None)

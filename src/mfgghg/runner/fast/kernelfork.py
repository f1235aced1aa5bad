"""Kernels forked from one process that has already imported what the notebooks import.

Starting a kernel costs a Python start-up, IPython and ipykernel, then the notebook's own imports
(pandas, matplotlib, seaborn, this package): about 2.4 s each on a 2-core machine, against well
under a second for most notebooks' actual work. The runner therefore starts one *fork server* per
run: a process that imports all of that once (and does the runner's validation of the year's raw
data), and then forks a fresh process for every kernel. Each kernel is still a separate process with its own
memory, started by ``jupyter_client`` through its usual connection file and channels; it merely
begins with those modules in ``sys.modules``.

This module is the client; the server is :mod:`.forkserver` (its own process), the jupyter_client
classes that use it are in :mod:`.kernelmanager` (papermill gets
:func:`~.kernelmanager.forking_kernel_manager_class`), reading a kernelspec is :mod:`.kernelspec`.
Only the runner and the tests use it. The ``mfgghg``
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
``{"op": "call", "function": "module:name", "kwargs": {...}}`` → ``{"ok": true}`` or ``{"raised": ...}``
(the runner hands it its validation of a year's raw data this way). Besides, the server writes
``"<pid> <exit code>\n"`` to a pipe as it reaps each kernel, so that a kernel's end is known at once,
even while the server is busy importing (and answers nothing). When the client's end closes
(the runner ended or died), the server terminates the kernels still running and exits; kernels also
watch their parent (ipykernel's parent poller) and exit when the server is gone.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import threading
import time

from mfgghg.runner.fast.kernelspec import LAUNCHER_MODULE, kernelspec_argv, launcher_prefix
from mfgghg.runner.fast.processes import close_quietly, wait_or_kill

# matplotlib's inline backend (which imports much of matplotlib): with the stage of the imports that
# has the plotting libraries
INLINE_BACKEND_MODULES = ("import matplotlib_inline.backend_inline",)


def enabled() -> bool:
    return os.environ.get("MFGGHG_FORK_KERNELS", "1").strip().lower() not in ("0", "false", "no", "off")


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
            [*self.prefix, "-m", "mfgghg.runner.fast.forkserver", str(theirs.fileno()), str(exits_theirs)],
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

    def call(self, function: str, **kwargs) -> None:
        """Call ``function`` (``"package.module:name"``) with ``kwargs`` (JSON values) in the server,
        which imports it by that name: the runner hands it its preflight this way
        (:func:`mfgghg.runner.preflight.preflight_year`). A project error raises
        the same error, with the same one line, as the function would here."""
        import base64
        import pickle

        reply = self._request({"op": "call", "function": function, "kwargs": kwargs})
        if "raised" in reply:
            raise pickle.loads(base64.b64decode(reply["raised"]))  # from our own child process
        if "error" in reply:
            raise ForkServerError(reply["error"])

    def start_call(self, function: str, **kwargs) -> concurrent.futures.Future:
        """:meth:`call`, sent now and answered in the background (a future of None, or of its error):
        the server validates while the runner imports and gets its first notebook ready. Whoever
        launches a kernel of the run waits for it first (``before_launch``)."""
        future = concurrent.futures.Future()

        def run() -> None:
            try:
                self.call(function, **kwargs)
            except BaseException as err:  # the future holds it
                future.set_exception(err)
            else:
                future.set_result(None)

        threading.Thread(target=run, name=function, daemon=True).start()
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

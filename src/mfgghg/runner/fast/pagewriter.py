"""Notebook pages rendered by a process of its own while the runner runs kernels.

Rendering a page (nbconvert: templates, syntax highlighting) is pure Python. On a thread of the
runner it holds the interpreter lock that the runner's threads talking to the kernels need, and its
first page (compiling the templates, loading the highlighter) would land on the runner's critical
path. So a run starts a page writer (one per process, kept for later runs): a plain
``python -m mfgghg.runner.fast.pagewriter`` process that gets ready at once and then renders the pages it is
sent, one at a time. It runs at a lower priority (``nice``): it only has to be done by the end of the
run, so it takes the time a core would otherwise idle, and never slows a kernel or the fork server.
Protocol: JSON lines over a socket pair, ``{"executed": path, "out_dir": path}`` → ``{"page": path}``
or ``{"error": "..."}``; the process ends when the runner's end closes.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


class PageWriterError(RuntimeError):
    pass


class PageWriter:
    """Client side: starts the process at once; :meth:`submit` returns a future of the page's path."""

    def __init__(self):
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen([sys.executable, "-m", "mfgghg.runner.fast.pagewriter", str(theirs.fileno())],
                                        pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self._sock = ours
        self._io = ours.makefile("rwb")
        self._lock = threading.Lock()
        self._submitted = False
        # one thread waits for the pages (blocked on the socket, so without the interpreter lock)
        self._waiting = ThreadPoolExecutor(max_workers=1)

    def submit(self, executed: Path, out_dir: Path) -> Future:
        self._submitted = True
        return self._waiting.submit(self._render, Path(executed), Path(out_dir))

    def _render(self, executed: Path, out_dir: Path) -> Path:
        with self._lock:
            self._io.write(json.dumps({"executed": str(executed), "out_dir": str(out_dir)}).encode() + b"\n")
            self._io.flush()
            line = self._io.readline()
        if not line:
            raise PageWriterError(f"the page writer (pid {self.process.pid}) has exited")
        reply = json.loads(line)
        if "error" in reply:
            raise PageWriterError(f"{executed.name}: page not written: {reply['error']}")
        return Path(reply["page"])

    def close(self) -> None:
        """Wait for the pages submitted, then let the process end (stopped at once if it was never
        sent a page: a run stopped by bad input need not wait for it to finish getting ready)."""
        from mfgghg.runner.fast.processes import close_quietly, wait_or_kill

        self._waiting.shutdown(wait=True)
        close_quietly(self._io, self._sock)
        if not self._submitted:
            self.process.kill()
        wait_or_kill(self.process, timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_shared: PageWriter | None = None
_shared_lock = threading.Lock()


def shared_page_writer() -> PageWriter:
    """This process's page writer: started on first use and kept for the rest of the process (every
    year and edition of a command, every run of a test session), closed at exit."""
    global _shared
    import atexit

    with _shared_lock:
        if _shared is None or _shared.process.poll() is not None:
            _shared = PageWriter()
            atexit.register(_shared.close)
        return _shared


def serve(fd: int) -> None:
    from mfgghg.runner.site import render_notebook, warm_up_pages

    if hasattr(os, "nice"):
        os.nice(10)
    io = socket.socket(fileno=fd).makefile("rwb")
    warm_up_pages()
    for line in io:
        request = json.loads(line)
        try:
            reply = {"page": str(render_notebook(Path(request["executed"]), Path(request["out_dir"])))}
        except Exception as exc:  # the runner raises it
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        io.write(json.dumps(reply).encode() + b"\n")
        io.flush()


if __name__ == "__main__":
    from mfgghg.runner.fast.processes import exit_without_teardown

    serve(int(sys.argv[1]))
    exit_without_teardown(0, exit_handlers=False)  # every page is written; the runner waits for this end

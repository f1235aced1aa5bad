"""Process helpers of the runner's helper processes (the kernel fork server, the page writer) and of
the command itself: end a process without the interpreter's teardown, close a socket pair, wait for a
process to end (woken at once) or kill it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import NoReturn


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

"""Process helpers of the runner's helper processes (the kernel fork server, the page writer) and of
the command itself: end a process without the interpreter's teardown, close a socket pair, wait for a
process to end (woken at once) or kill it, keep a new session's priority."""

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


def keep_niceness_in_new_session() -> None:
    """Call right after ``os.setsid()``: give the new session's scheduling group this process's niceness.

    Linux with autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``, on by default in most
    distributions' kernels) puts each new session into a group of its own and shares the CPU between
    groups first, whatever the niceness inside them. A kernel in a session of its own (as jupyter_client
    starts kernels, and the fork server forks them) would otherwise take a full share beside the user's
    other work although its run was started with ``nice``. A group's niceness can be raised by its own
    processes; where there is no autogroup file (another system, or a kernel without autogroups) the
    niceness alone already holds."""
    niceness = os.nice(0)
    if niceness <= 0:
        return
    for _attempt in range(3):
        try:
            with open("/proc/self/autogroup", "w") as fh:
                fh.write(str(niceness))
            return
        except FileNotFoundError:
            return
        except BlockingIOError:  # EAGAIN: without CAP_SYS_ADMIN Linux allows one change per 100 ms, machine-wide
            import time

            time.sleep(0.1)
        except OSError:
            return


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

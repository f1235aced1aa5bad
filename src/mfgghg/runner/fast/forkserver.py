"""The kernel fork server's own process (``python -m mfgghg.runner.fast.forkserver``), started by
:class:`mfgghg.runner.fast.kernelfork.KernelForkServer`: it imports the declared modules, then forks
a kernel for each launch request, reaps its kernels and reports their exits, and calls the functions
it is handed (see the protocol in :mod:`mfgghg.runner.fast.kernelfork`)."""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import sys
import threading

from mfgghg.runner.fast.processes import exit_without_teardown, keep_niceness_in_new_session

# ipykernel and IPython themselves: most of a bare kernel's start-up.
KERNEL_MODULES = (
    "import ipykernel.kernelapp",
    "import ipykernel.ipkernel",
    "import ipykernel.zmqshell",
    "import ipykernel.debugger",  # debugpy, which each kernel would import at start (~0.1 s)
)


def _kernel_child(argv: list[str], env: dict, cwd: str | None, stdout: str | None = None,
                  stderr: str | None = None) -> None:
    """In the forked child: become what ``python -m ipykernel_launcher <args>`` would be."""
    code = 1
    try:
        os.setsid()  # own process group, as jupyter_client gives its kernels (interrupts reach it alone)
        keep_niceness_in_new_session()  # (a niced run's kernels stay niced)
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
    except BaseException:  # report, then leave with a failure code
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
    except BaseException:  # shown, and the exit code says so
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        exit_without_teardown(code, exit_handlers=False)  # nothing to save


def _call(request: dict) -> dict:
    """Call the function the request names (see :meth:`KernelForkServer.call`). A project error goes
    back pickled, so the runner raises the very error (class, file, row, column)."""
    import base64
    import importlib
    import pickle

    from mfgghg.errors import MfgGhgError

    try:
        module, _, name = request["function"].partition(":")
        getattr(importlib.import_module(module), name)(**request.get("kwargs", {}))
    except MfgGhgError as err:
        return {"raised": base64.b64encode(pickle.dumps(err)).decode("ascii")}
    except Exception as exc:  # the runner raises it
        return {"error": f"{request.get('function')} failed in the kernel fork server: {type(exc).__name__}: {exc}"}
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
                exec(statement, {})  # the import statements the runner declared
            except Exception as exc:
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
            elif request.get("op") == "call":
                reply(_call(request))
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

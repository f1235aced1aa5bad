"""Kernels forked from a pre-imported server (mfgghg.runner.fast.kernelfork) behave as standard kernels."""

from __future__ import annotations

import hashlib
import inspect
import os
import signal
import socket
import subprocess
import types
import uuid

import nbformat
import papermill as pm
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mfgghg import KERNEL_NAME
from mfgghg.runner.fast.kernelfork import KernelForkServer
from mfgghg.runner.fast.kernelmanager import forking_kernel_manager, forking_kernel_manager_class
from mfgghg.runner.fast.kernelspec import kernelspec_argv, launcher_prefix
from mfgghg.runner.fast.processes import wait_for_exit, wait_or_kill
from mfgghg.runner.notebooks import notebook_imports
from mfgghg.runner.preflight import PREFLIGHT_FUNCTION

# Prints what a kernel knows about its start, draws with the project's style and saves a figure.
BODY = """\
import os, sys
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from mfgghg import nb
from mfgghg.plots.style import save_figure

paths = nb.setup(2021, figures_root=out)
print(matplotlib.get_backend(), os.environ["MPLBACKEND"], sys.argv[1:2], os.getcwd() == cwd)
print(pd.DataFrame({"a": [1.5, 2.25]}).to_string())
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(["實質", "預期"], [1, 200])
ax.set_yscale("log")  # tick labels in math text
ax.set_title("減碳量")
save_figure(fig, "probe", out, pd.DataFrame({"x": [1, 2]}))
"""


def make_notebook(path, out, cwd):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (mfgghg)", "language": "python"}
    params = new_code_cell(f"out = {str(out)!r}\ncwd = {str(cwd)!r}")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell("probe"), params, new_code_cell(BODY), new_code_cell(BLAS)]
    nbformat.write(nb, path)
    return path


# The size of numpy's OpenBLAS thread pool (numpy's wheels bundle scipy-openblas, with its symbol prefix)
BLAS = """\
import ctypes, numpy
blas = next(line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line)
print("blas threads:", ctypes.CDLL(blas).scipy_openblas_get_num_threads64_())
"""


def outputs(path):
    nb = nbformat.read(path, as_version=4)
    return [(o.get("output_type"), o.get("text"), sorted(o.get("data", {}))) for c in nb.cells if c.cell_type == "code"
            for o in c.outputs]


def test_launcher_prefix():
    assert launcher_prefix(["/py", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]) == [
        "/py", "-Xfrozen_modules=off"]
    assert launcher_prefix(["/py", "-m", "ipykernel_launcher", "-f", "c.json"]) == ["/py"]
    assert launcher_prefix(["/usr/bin/R", "--slave", "-e", "IRkernel::main()"]) is None


def test_kernelspec_argv_is_what_jupyter_client_finds():
    from jupyter_client.kernelspec import KernelSpecManager

    assert kernelspec_argv(KERNEL_NAME) == KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv


def test_kernel_managers_share_one_kernelspec_manager():
    first, second = (forking_kernel_manager(None, KERNEL_NAME) for _ in range(2))
    assert first.kernel_spec_manager is second.kernel_spec_manager
    assert first.kernel_spec.argv == kernelspec_argv(KERNEL_NAME)


def test_the_server_preflight_raises_the_runners_error(fork_server, data_copy):
    """Bad raw data: the server's preflight raises the error the preflight raises in this process
    (class, file, row, column and line), as if it had run here."""
    from conftest import set_cell
    from mfgghg.errors import DataError
    from mfgghg.data.paths import YearPaths
    from mfgghg.runner.preflight import preflight

    raw = data_copy / "raw"
    set_cell(raw / "2021" / "annex_funding.csv", 3, "amount_10k_twd", "12,3x")
    with pytest.raises(DataError) as here:
        preflight(YearPaths.for_year(2021, raw), False)
    with pytest.raises(DataError) as there:
        fork_server.call(PREFLIGHT_FUNCTION, year=2021, raw_root=str(raw), processed_root=str(data_copy / "processed"),
                         figures_root=str(data_copy / "figures"), lang="zh-TW", strict=False)
    assert (there.value.file, there.value.row, there.value.column, str(there.value)) == (
        here.value.file, here.value.row, here.value.column, str(here.value))
    assert there.value.row == 3 and there.value.column == "amount_10k_twd"


def test_notebook_imports_are_the_top_level_imports_in_order(tmp_path):
    nb = new_notebook()
    nb.cells = [new_code_cell("import pandas as pd\nx = 1\nfrom mfgghg import nb"),
                new_markdown_cell("import not_code"), new_code_cell("if x:\n    import json\nimport pandas as pd"),
                new_code_cell("%matplotlib inline")]
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert notebook_imports([tmp_path / "a.ipynb"]) == ["import pandas as pd", "from mfgghg import nb"]


def test_forked_kernel_gives_the_outputs_and_files_of_a_standard_kernel(tmp_path, fork_server, monkeypatch):
    """Same printed outputs, same figure bytes (the server's figure warm-up leaves caches only); the
    kernel starts in the caller's working folder, and is stopped when its notebook is done, forked
    after the server has run the runner's preflight (as in a run). Its BLAS pool has one thread
    (kernels run one per core)."""
    from conftest import REPO

    raw = REPO / "data" / "raw" / "2021"
    fork_server.call(PREFLIGHT_FUNCTION, year=2021, raw_root=str(raw.parent),
                     processed_root=str(tmp_path / "processed"), figures_root=str(tmp_path / "figures"),
                     lang="zh-TW", strict=False)
    launched = []
    launch = fork_server.launch
    monkeypatch.setattr(fork_server, "launch", lambda *a, **k: launched.append(launch(*a, **k)) or launched[-1])
    managers = forking_kernel_manager_class(fork_server)
    assert type(managers(kernel_name=KERNEL_NAME).client()).__name__ == "PromptKernelClient"
    results = {}
    for kind in ("standard", "forked"):
        out = tmp_path / kind
        source = make_notebook(tmp_path / f"{kind}.ipynb", out, os.getcwd())
        extra = {"kernel_manager_class": managers, "shutdown_kernel": "immediate"} if kind == "forked" else {}
        # start_timeout: under make test this kernel starts beside the background figure sets, nbval and
        # LibreOffice; nbclient's default of 60 s for a kernel to answer was seen to run out on a fresh clone
        pm.execute_notebook(str(source), str(tmp_path / f"{kind}-run.ipynb"), kernel_name=KERNEL_NAME,
                            progress_bar=False, start_timeout=300, **extra)
        if kind == "forked":
            assert len(launched) == 1  # forked
            launched[0].wait(timeout=60)  # and gone (waited for: the kill's own wait is brief, not a promise)
        files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}
        printed = outputs(tmp_path / f"{kind}-run.ipynb")
        results[kind] = (printed[:-1], files, printed[-1][1])
    assert results["forked"][2] == "blas threads: 1\n"
    assert results["forked"][:2] == results["standard"][:2]
    printed = results["forked"][0][0][1]
    assert printed.startswith("module://matplotlib_inline.backend_inline module://matplotlib_inline.backend_inline")
    assert set(results["forked"][1]) == {"probe.png", "probe.svg", "probe.csv", "probe.meta.json"}


def test_kernel_exit_code_comes_from_the_server_and_closing_it_ends_running_kernels():
    """Also: the server's second stage of imports comes after its first kernel is forked; that kernel
    lacks those modules (and exits with a code saying so), the next one has them. And the first
    kernel's exit code is known while the server is still busy with that second stage."""
    import asyncio
    import threading

    async def start(server, code=None, output=None):
        km = forking_kernel_manager(server, KERNEL_NAME)
        await km.start_kernel()
        client = km.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)  # as nbclient does before any request
        if output is not None:
            await client.execute_interactive(code, timeout=60,
                                             output_hook=lambda msg: output.append(msg["content"].get("text", "")))
        elif code:
            client.execute(code)
            await asyncio.to_thread(km.provisioner.process.wait, 30)
        client.stop_channels()
        return km

    # The second stage ends only once the gate is open: it connects to a socket this test listens on
    # and waits for an answer, which comes when the test closes that socket (the connection is then
    # reset; or refused, if the server comes to it later). After 60 s the gate opens anyway, so that
    # a failure does not hang (and the assertion below then fails).
    gate = socket.socket(socket.AF_UNIX)
    gate.bind(f"\0mfgghg-test-gate-{os.getpid()}-{uuid.uuid4().hex}")  # (Linux's abstract namespace)
    gate.listen(1)
    busy = (f"import socket\nwith socket.socket(socket.AF_UNIX) as gate:\n    try:\n"
            f"        gate.connect({gate.getsockname()!r})\n        gate.recv(1)\n    except OSError:\n        pass")
    server = KernelForkServer(KERNEL_NAME, ["import json"], preload_later=["import xml.dom.minidom", busy])
    timed_out = threading.Event()

    def open_the_gate_anyway():
        timed_out.set()
        gate.close()

    safety = threading.Timer(60, open_the_gate_anyway)
    safety.start()
    # The kernel ends itself with its own exit code. (Not a shutdown request: ipykernel 7 may hang in
    # its shutdown when that comes right after start-up, cf. posit-dev/positron#7142, and be killed.)
    try:
        done = asyncio.run(start(server, "import os, sys; os._exit(4 if 'xml.dom.minidom' in sys.modules else 3)"))
        assert not timed_out.is_set(), "the exit code came only once the server had finished its imports"
    finally:
        safety.cancel()
        gate.close()
    printed = []
    # (and what it inherited from the server is out of its garbage collector's sight, which is on)
    running = asyncio.run(start(server, "import gc, sys; print('xml.dom.minidom' in sys.modules, "
                                        "'matplotlib_inline.backend_inline' in sys.modules, "
                                        "gc.get_freeze_count() > 10000, gc.isenabled())", printed))
    assert "".join(printed).split() == ["True", "True", "True", "True"]
    finished = done.provisioner.process
    assert finished.returncode == 3
    # Killed (as nbclient stops a kernel once its notebook is done), with SIGKILL. (The kill waits a
    # moment for the server to see the kernel gone, so that jupyter_client's wait after it mostly finds
    # it gone at its first check; a moment only: on a busy machine the server may not have reaped it yet.)
    killed = asyncio.run(start(server))
    process = killed.provisioner.process
    asyncio.run(killed.provisioner.kill())
    assert process.wait(timeout=60) == -signal.SIGKILL
    asyncio.run(killed.shutdown_kernel(now=True))  # what is left: the manager's own sockets
    kernel = running.provisioner.process
    assert kernel.poll() is None
    watched = psutil.Process(kernel.pid)  # alive
    server.close()
    # The server's child, not ours: psutil wakes on its pidfd when it exits, then waits for it to be
    # reaped (by init, its parent being gone), after which its pid is free (what poll below looks at)
    try:
        watched.wait(timeout=60)
    except psutil.TimeoutExpired:
        pytest.fail(f"kernel {kernel.pid} still running 60 s after its fork server closed")
    assert server.process.returncode is not None
    assert kernel.poll() is not None  # seen ended, with the server gone (not an error, which hid it)
    for ended in (done, running):  # (their connection files and sockets: no manager shut these kernels down)
        asyncio.run(ended.cleanup_resources())


def own_autogroup() -> list[str]:
    """This process's scheduler autogroup and its niceness (``/autogroup-7 nice 0``), split; empty where
    there are none to read (other systems, and sandboxes such as CI's that have the file but leave it empty)."""
    try:
        with open("/proc/self/autogroup") as fh:
            return fh.read().split()
    except OSError:
        return []


def test_a_niced_servers_kernels_keep_its_niceness_in_their_own_sessions():
    """A run started with ``nice`` keeps its kernels niced: each kernel is in a session of its own (as
    jupyter_client starts kernels), which Linux's autogroup scheduling would weigh as a new group at
    niceness 0 beside the user's other work; the kernel gives its group the server's niceness."""
    import asyncio

    async def ask(server, code, printed):
        km = forking_kernel_manager(server, KERNEL_NAME)
        await km.start_kernel()
        client = km.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        await client.execute_interactive(code, timeout=60,
                                         output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
        client.stop_channels()
        await km.shutdown_kernel(now=True)

    mine = own_autogroup()
    niced = min(os.nice(0) + 5, 19)
    printed = []
    with KernelForkServer(KERNEL_NAME, [f"import os; os.nice({niced} - os.nice(0))"]) as server:
        asyncio.run(ask(server, "import os\n" + inspect.getsource(own_autogroup)
                        + "print(os.nice(0), os.getsid(0) == os.getpid(), *own_autogroup())", printed))
    words = "".join(printed).split()
    assert words[:2] == [str(niced), "True"], words
    if mine:  # (Linux with autogroups: a group of its own, at the server's niceness)
        assert words[2] != mine[0] and words[3:] == ["nice", str(niced)], (mine, words)


def test_waiting_for_a_helper_ends_when_it_ends_else_it_is_killed_at_the_timeout():
    sleeper = subprocess.Popen(["sleep", "60"])
    with pytest.raises(subprocess.TimeoutExpired):
        wait_for_exit(sleeper, 0.05)
    assert sleeper.poll() is None
    wait_or_kill(sleeper, 0.05)
    assert sleeper.returncode == -signal.SIGKILL
    ends = subprocess.Popen(["sh", "-c", "exit 3"])
    wait_for_exit(ends, 30)
    assert ends.returncode == 3
    wait_for_exit(ends, 30)  # reaped already: nothing to wait for


class FakeChannel:
    """A kernel client's channel: ``get_msg`` hands out queued messages, else raises Empty."""

    def __init__(self):
        self.queue = []

    async def get_msg(self, timeout=None):
        from queue import Empty

        if not self.queue:
            raise Empty
        return self.queue.pop(0)


class FakeClient:
    """A kernel whose IOPub subscription connects only after ``connect_after`` kernel_info requests:
    what it published before is lost, as with a real subscription."""

    def __init__(self, connect_after=1, welcome=False, status=True, alive=True, answers=True):
        self.shell_channel, self.iopub_channel = FakeChannel(), FakeChannel()
        self.requests, self.session = 0, types.SimpleNamespace(adapt_version=None)
        self.connect_after, self.welcome, self.status, self.alive, self.answers = (
            connect_after, welcome, status, alive, answers)

    def kernel_info(self):
        self.requests += 1
        msg_id = f"k{self.requests}"
        if self.answers:
            # protocol version 100 + n: the session then talks the version of the reply it took
            self.shell_channel.queue.append({"msg_type": "kernel_info_reply", "parent_header": {"msg_id": msg_id},
                                             "content": {"protocol_version": f"{100 + self.requests}.0"}})
        if self.requests > self.connect_after:
            if self.welcome and self.requests == self.connect_after + 1:
                self.iopub_channel.queue.append({"msg_type": "iopub_welcome", "parent_header": {}, "content": {}})
            for state in ("busy", "idle") if self.status else ():
                self.iopub_channel.queue.append({"msg_type": "status", "parent_header": {"msg_id": msg_id},
                                                 "content": {"execution_state": state}})
        return msg_id

    async def is_alive(self):
        return self.alive

    @property
    def handled(self):
        return [f"k{self.session.adapt_version - 100}"] if self.session.adapt_version else []


def test_client_is_ready_once_iopub_shows_it_is_connected():
    import asyncio

    from mfgghg.runner.fast.kernelmanager import wait_until_ready

    connected_at_once = FakeClient(connect_after=0)
    asyncio.run(wait_until_ready(connected_at_once, timeout=5))
    assert connected_at_once.handled == ["k1"] and connected_at_once.requests == 1
    # the first request's status was published before IOPub connected: ask again, ready on the second
    late = FakeClient(connect_after=1)
    asyncio.run(wait_until_ready(late, timeout=5))
    assert late.handled == ["k2"] and late.requests == 2
    # a kernel that welcomes the subscription (ipykernel 7): ready without waiting for its status
    welcomed = FakeClient(connect_after=1, welcome=True, status=False)
    asyncio.run(wait_until_ready(welcomed, timeout=5))
    assert welcomed.handled == ["k2"]
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(wait_until_ready(FakeClient(answers=False, alive=False), timeout=5))
    never = FakeClient(connect_after=10 ** 6)
    with pytest.raises(RuntimeError, match="didn't respond"):
        asyncio.run(wait_until_ready(never, timeout=0))

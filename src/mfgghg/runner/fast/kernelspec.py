"""The command of a kernelspec, read without importing jupyter_client, and whether it is
``python [options] -m ipykernel_launcher ...`` (which the kernel fork server can start)."""

from __future__ import annotations

import json
from pathlib import Path

LAUNCHER_MODULE = "ipykernel_launcher"


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

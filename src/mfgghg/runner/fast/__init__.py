"""What exists only for the speed of the runner's batch run, behind one switch each
(``MFGGHG_FORK_KERNELS=0`` turns the fork server off, ``MFGGHG_FAST=0`` the batch speed-ups). A kernel
that JupyterLab or the plain papermill CLI starts uses none of it; the tests' nbval kernels are forked
like the runner's (``tests/nbval_forked.py``), without the batch speed-ups.

- :mod:`.kernelfork`: kernels forked from one process that has imported what the notebooks need (the
  client), :mod:`.forkserver` (that process), :mod:`.kernelmanager` (jupyter_client's classes for
  it), :mod:`.kernelspec` (a kernelspec's command);
- :mod:`.processes`: ending, closing and waiting for the helper processes;
- :mod:`.pagewriter`: the notebooks' HTML pages rendered in a process of their own, by
  :mod:`.pageexporter` (nbconvert's exporter without its BeautifulSoup pass);
- :mod:`.batch`: the speed-ups installed in the runner's forked kernels only (``MFGGHG_FAST``): PNG
  files written without Pillow (:mod:`.pngfile`), a saved figure shown as its PNG and closed;
- :mod:`.validated`: raw tables the fork server's preflight validated, not validated again by the
  ingest kernel forked after it. Each
  one's gain is measured by ``benchmarks/bench.py --speedups``; one under 5% does not belong here.

Importing this package imports nothing but :mod:`os` (the runner's own process never loads matplotlib).
"""

import os

SWITCH = "MFGGHG_FAST"  # 0, false, no or off: no batch speed-up at all
SKIP = "MFGGHG_FAST_SKIP"  # name,name: those left out (benchmarks/bench.py --speedups measures each)
# Every speed-up by name (benchmarks/bench.py --speedups measures each one's gain).
NAMES = ("png-writer", "show-saved-png", "page-exporter", "validated-tables")


def fast_enabled() -> bool:
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def skipped() -> set[str]:
    names = {s.strip() for s in os.environ.get(SKIP, "").split(",") if s.strip()}
    unknown = names - set(NAMES)
    if unknown:
        raise ValueError(f"unknown speed-up(s) in {SKIP}: {', '.join(sorted(unknown))}; known: {', '.join(NAMES)}")
    return names


def speedup_enabled(name: str) -> bool:
    """Whether the batch speed-up ``name`` is on in this process (the one switch and its skip list)."""
    return fast_enabled() and name not in skipped()

"""What exists only for the speed of the runner's batch run, behind one switch each
(``MFGGHG_FORK_KERNELS=0`` turns the fork server off, ``MFGGHG_FAST=0`` the batch speed-ups). A kernel
that JupyterLab or the plain papermill CLI starts uses none of it; the tests' nbval kernels are forked
like the runner's (``tests/nbval_forked.py``), without the batch speed-ups.

- :mod:`.kernelfork`: kernels forked from one process that has imported what the notebooks need (the
  client), :mod:`.forkserver` (that process), :mod:`.kernelmanager` (jupyter_client's classes for
  it), :mod:`.kernelspec` (a kernelspec's command);
- :mod:`.processes`: ending, closing and waiting for the helper processes;
- :mod:`.pagewriter`: the notebooks' HTML pages rendered in a process of their own;
- :mod:`.batch`: the speed-ups installed in the runner's forked kernels only (``MFGGHG_FAST``): PNG
  files written without Pillow (:mod:`.pngfile`), a saved figure shown as its PNG and closed. Each
  one's gain is measured by ``benchmarks/bench.py --speedups``; one under 5% does not belong here.

Importing this package imports nothing else (the runner's own process never loads matplotlib).
"""

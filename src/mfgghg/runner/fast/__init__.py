"""What exists only for the speed of the runner's batch run; nothing here is used in JupyterLab,
by nbval or under the plain papermill CLI.

- :mod:`.kernelfork`: kernels forked from one process that has imported what the notebooks need;
- :mod:`.pagewriter`: the notebooks' HTML pages rendered in a process of their own;
- :mod:`.batch`: the speed-ups installed in the runner's forked kernels only (``MFGGHG_FAST``): PNG
  files written without Pillow (:mod:`.pngfile`), a saved figure shown as its PNG and closed. Each
  one's gain is measured by ``benchmarks/bench.py --speedups``; one under 5% does not belong here.

Importing this package imports nothing else (the runner's own process never loads matplotlib).
"""

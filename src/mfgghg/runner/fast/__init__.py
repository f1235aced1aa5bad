"""What exists only for the speed of the runner's batch run; nothing here is used in JupyterLab,
by nbval or under the plain papermill CLI.

- :mod:`.kernelfork`: kernels forked from one process that has imported what the notebooks need;
- :mod:`.pagewriter`: the notebooks' HTML pages rendered in a process of their own;
- :mod:`.batch`: the speed-ups installed in the runner's forked kernels (``MFGGHG_FAST``), some of
  which replace matplotlib internals (:mod:`.textdraw`, :mod:`.axisdraw`, with :mod:`.replacing`)
  or write PNG files without Pillow (:mod:`.pngfile`).

Importing this package imports nothing else (the runner's own process never loads matplotlib).
"""

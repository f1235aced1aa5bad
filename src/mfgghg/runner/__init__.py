"""Runner: the command line (``python -m mfgghg``), the yearly pipeline (the notebooks through
papermill, all-or-nothing publishing), the yearly page, and :mod:`mfgghg.runner.fast`, what exists
only for batch speed in the runner's own processes. Notebooks never import this package.
"""

"""Analysis: pandas only. Each module serves one notebook (status → 02, emissions → 03,
intensity → 04, budget → 05) and works on processed tables given to it: it reads no file and
draws nothing. Every comparison with a published figure (a check row) is built in
:mod:`mfgghg.checks`, which this room may use; it never imports plots or the runner. Functions named
``*_figure_data`` give the data behind a figure of :mod:`mfgghg.plots`.
"""

"""Plots: one style and one convention (see :mod:`mfgghg.plots.status`).

A figure function takes the data behind the figure and the report year, draws its title and its
source line in the current edition (Traditional Chinese or English, :mod:`mfgghg.i18n`), and
returns the Figure, left open for the caller. ``CAPTIONS`` in each module holds the captions.
:mod:`mfgghg.plots.style` holds the style (applied only inside these functions) and ``save_figure``
(reproducible PNG and SVG bytes, the data as CSV, title and caption as JSON). Nothing here changes
matplotlib's process-wide state.
"""

"""Speed-ups for the runner's batch kernels only: never in JupyterLab, nbval or the plain papermill CLI.

What makes the yearly figure set fast here writes PNG files without Pillow and changes what happens
to a figure once it is saved: :data:`SAVE_OPTIONS` (the PNG backend, what to do after saving) are
given to :func:`mfgghg.plots.style.save_figure`, which :func:`install` replaces in this process with
itself bound to them. That is acceptable only in a process the runner owns: :func:`install` is called
by the runner's kernel fork server (``runner.execute.fork_server_preload``) before it forks the
analysis kernels, which then import the bound one, behind one switch, ``MFGGHG_FAST`` (on by default
for the runner; ``MFGGHG_FAST=0`` turns every speed-up off). A researcher's kernel calls
``nb.setup()``, which uses public APIs only (tested).

Each speed-up has a name (:data:`SPEEDUPS`); ``MFGGHG_FAST_SKIP=name,name`` leaves those out, which
``benchmarks/bench.py --speedups`` uses to measure each one's gain on the figure set; one that gains
less than 5% goes (see the README's Speed section for the last measurements). The PNG writer gives
the same pixels as matplotlib's own PNG (tested), not the same bytes.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib

from mfgghg.plots import style
from mfgghg.plots.style import DISPLAY_DPI, DPI

from mfgghg.runner.fast import SKIP, SWITCH, fast_enabled as enabled, skipped  # noqa: F401 - SKIP, SWITCH: here too


def show_saved_and_close(fig, png: Path) -> None:
    """In a notebook, show the PNG just written and close the figure: drawing it once more for
    the inline display would cost as much as saving it, and the reader sees the very file (shown
    at DISPLAY_DPI: the size matplotlib's inline display had)."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or shell.__class__.__name__ != "ZMQInteractiveShell":
        return
    data = png.read_bytes()
    width = int.from_bytes(data[16:20], "big")  # the PNG's IHDR chunk: width in pixels at DPI
    display(Image(data=data, format="png", width=round(width * DISPLAY_DPI / DPI)))
    import matplotlib.pyplot as plt

    plt.close(fig)


def use_png_writer() -> bool:
    """PNG files written by :mod:`mfgghg.runner.fast.pngfile` (Agg's pixels, unfiltered rows) instead of
    Pillow's adaptive row filters."""
    from mfgghg.runner.fast.pngfile import BACKEND

    SAVE_OPTIONS["png_backend"] = BACKEND
    return True


def show_saved_png() -> bool:
    """In a batch kernel, a saved figure is shown as the PNG just written and closed, instead of being
    drawn once more for the inline display (which costs as much as saving it)."""
    SAVE_OPTIONS["after_save"] = show_saved_and_close
    return True


# What save_figure is given in a batch kernel (keyword arguments), filled in by the speed-ups below.
SAVE_OPTIONS: dict = {}
PLAIN_SAVE_FIGURE = style.save_figure

# name -> what installs it; measured one by one by benchmarks/bench.py --speedups
SPEEDUPS = {
    "png-writer": use_png_writer,
    "show-saved-png": show_saved_png,
}


def install(skip=None) -> list[str]:
    """Put the batch speed-ups in place in this process (a runner's fork server or kernel), except
    those named in ``skip`` (default: ``$MFGGHG_FAST_SKIP``); nothing when ``$MFGGHG_FAST`` is off.
    Returns the names installed."""
    if not enabled():
        return []
    if skip is None:
        skip = skipped()
    installed = [name for name, put in SPEEDUPS.items() if name not in skip and put()]
    if SAVE_OPTIONS:
        style.save_figure = functools.partial(PLAIN_SAVE_FIGURE, **SAVE_OPTIONS)
    return installed


def warm_up() -> None:
    """Do here, once, the first-use work that every kernel would otherwise repeat before its first
    figure: seaborn's theme built and the CJK font registered and read, and fonts looked up (the
    project's figures draw no math text: log axes are labelled in plain numbers). The runner's kernel
    fork server calls this before it forks the analysis kernels (see ``runner.execute.fork_server_preload``),
    with :func:`install`.
    It measures one text and draws nothing; what it leaves behind are caches, so figures drawn
    after it are the same bytes (``test_kernelfork``: a kernel forked from a server that ran it
    saves the same figure files as a standard kernel)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    style.use_cjk_font()
    install()
    with matplotlib.rc_context(style.project_rc()):  # (the project's figures are drawn in its look)
        renderer = RendererAgg(1, 1, DPI)
        prop = FontProperties(size=matplotlib.rcParams["font.size"])
        renderer.get_text_width_height_descent("減碳量 CO2e 2021", prop, ismath=False)

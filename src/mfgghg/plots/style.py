"""One look for every figure, Chinese that renders, and files that are the same bytes on re-run.

The project's look (seaborn's whitegrid, the palette, the dpi, a fixed title height: :func:`project_rc`)
holds only inside the project's plotting functions (:func:`figure_style`) and while
:func:`save_figure` writes: nothing here changes it process-wide. What a researcher's own figures
need to show Chinese, the CJK font and the ASCII minus sign, is :func:`use_cjk_font`, which
``nb.setup()`` calls. Each figure is written as ``figures/<year>/<name>.png`` and ``.svg`` beside the
data behind it, ``<name>.csv``.
"""

from __future__ import annotations

import functools
import math
import os
import textwrap
from pathlib import Path

import matplotlib

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from cycler import cycler
from matplotlib import font_manager


CJK_FAMILY = "Noto Sans CJK TC"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SVG_HASH_SALT = "mfgghg"
DPI = 150  # of the PNG files, and of figures while they are laid out
DISPLAY_DPI = 100  # the size a figure is shown at in a notebook

def register_cjk_font() -> str:
    """Make "Noto Sans CJK TC" known to matplotlib from the ``noto-cjk-sans-otc`` wheel
    (no root needed), falling back to a system copy (Debian's fonts-noto-cjk)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    if CJK_FAMILY in names:
        return CJK_FAMILY
    try:
        import noto_cjk_sans_otc

        font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    except ImportError:
        pass
    names = {f.name for f in font_manager.fontManager.ttflist}
    if CJK_FAMILY not in names:
        raise RuntimeError(
            f"font {CJK_FAMILY!r} not found: install the 'noto-cjk-sans-otc' package or Debian's fonts-noto-cjk"
        )
    return CJK_FAMILY


def cjk_font_rc(family: str) -> dict:
    """The settings that make text in ``family`` (the CJK font) render: it first, and the ASCII minus
    sign (the CJK font has no U+2212)."""
    return {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"], "axes.unicode_minus": False}


def use_cjk_font() -> None:
    """What a researcher's own figures need to show Chinese, and nothing else: the CJK font first in
    the sans-serif list (their other fonts kept after it) and the ASCII minus sign. ``nb.setup()``
    calls it; the project's look stays inside the project's figures (:func:`figure_style`)."""
    family = register_cjk_font()
    rc = cjk_font_rc(family)
    rc["font.sans-serif"] = [family] + [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams.update(rc)


# Inside the project's own plotting functions only (see figure_style).
FIGURE_RC = {
    # A fixed title height: with the default (None) every draw lays out all tick labels again to find
    # the top of the axes, which is most of the cost of drawing; no figure of ours has labels on top.
    "axes.titley": 1.0,
}


@functools.cache
def _theme_rc() -> dict:
    # seaborn's theme as set_theme(context="notebook", style="whitegrid", palette=PALETTE) would set
    # it, as a dict for rc_context (set_theme changes the process's rcParams)
    rc = dict(sns.plotting_context("notebook"))
    rc.update(sns.axes_style("whitegrid", rc={"font.family": "sans-serif"}))
    rc["axes.prop_cycle"] = cycler("color", sns.color_palette(PALETTE))
    return rc


def project_rc() -> dict:
    """The project's look, for ``rc_context``: seaborn's whitegrid theme (whose font list is replaced
    by the CJK font's), the palette, figures laid out at the PNG's dpi (so that saving reuses the
    layout's text sizes), files without hash salt drift, and :data:`FIGURE_RC`."""
    rc = dict(_theme_rc())
    rc.update(cjk_font_rc(register_cjk_font()))
    rc.update({
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "savefig.bbox": "tight",
        "svg.hashsalt": SVG_HASH_SALT,
        "svg.fonttype": "path",
        "figure.autolayout": False,
    })
    rc.update(FIGURE_RC)
    return rc


def figure_style(function):
    """Decorator for the project's plotting functions: the figure they make is built within
    :func:`project_rc` (a matplotlib ``rc_context``), so the project's look holds for that figure and
    nowhere else (rdtools' way: the plot functions make no global change)."""

    @functools.wraps(function)
    def styled(*args, **kwargs):
        with matplotlib.rc_context(project_rc()):
            return function(*args, **kwargs)

    return styled


def omit_unseen_minor_ticks(axis) -> bool:
    """Leave out the minor ticks of a log ``axis`` when they draw nothing, and return whether it did.

    They draw nothing when this style draws no minor tick marks and no minor grid (whitegrid: none)
    and matplotlib's log formatter labels no minor tick: it labels only powers of the base, or the
    view holds more powers of the base than its threshold (``LogFormatter.set_locs``, whose count
    this repeats). matplotlib still works out their eight ticks a decade (objects, positions, empty
    labels) in every layout and every draw: about a quarter of the cost of a figure with a log axis.
    Call it once the axis's limits are set; the PNG is the same (tested)."""
    from matplotlib.ticker import LogFormatter, NullLocator

    if axis.get_scale() != "log":
        return False
    shown = axis.get_tick_params(which="minor")
    if shown.get("gridOn") or any(shown.get(side) for side in ("bottom", "top", "left", "right")):
        return False
    formatter = axis.get_minor_formatter()
    if not isinstance(formatter, LogFormatter):
        return False
    low, high = sorted(axis.get_view_interval())
    if low <= 0:
        return False
    base = axis.get_transform().base  # the log scale's base, which its default formatter labels
    powers = math.floor(math.log(high, base)) - math.floor(math.nextafter(math.log(low, base), -math.inf))
    if not (formatter.labelOnlyBase or powers > formatter.minor_thresholds[0]):  # (inf: labels every tick)
        return False
    axis.set_minor_locator(NullLocator())
    return True


def figure_title(fig) -> str:
    """The figure's suptitle, else its axes' titles joined."""
    if fig.get_suptitle():
        return fig.get_suptitle()
    titles = (ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center", "right"))
    return " / ".join(t for t in titles if t)


def save_figure(fig, name: str, figures_dir: str | os.PathLike, data: pd.DataFrame,
                caption: str | None = None, sources: list[dict] | None = None, *,
                png_backend: str | None = None, after_save=None) -> list[Path]:
    """Write ``<name>.png``, ``<name>.svg``, the data behind the figure ``<name>.csv``, and
    ``<name>.meta.json``: title and caption (for the yearly index page), and what made the figure and
    on what terms it may be reused (:func:`mfgghg.data.provenance.figure_meta`: the project's version
    and commit, the licence, and ``sources``, by default those of the year :func:`mfgghg.nb.setup` set up).
    It is written within the project's look (:func:`project_rc`: what matplotlib reads only as it
    draws, the fonts among it). The figure is left open, the caller's to change and show.

    PNG and SVG carry no timestamps or software versions, so re-runs give identical bytes; they carry no
    version or commit either (a figure drawn again at another commit has the same pixels).
    ``png_backend`` (a matplotlib backend to write the PNG with) and ``after_save(fig, png_path)``
    are for the runner's batch kernels (:mod:`mfgghg.runner.fast.batch`).
    """
    import json

    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    # After tight_layout a figure keeps a placeholder layout engine, and savefig then lays the whole
    # figure out once more (a draw with drawing switched off) before each file. The layout is done:
    # without the engine while saving, that pass is skipped (about a sixth of the cost of saving).
    engine = fig.get_layout_engine()
    fig.set_layout_engine(None)
    try:
        with matplotlib.rc_context(project_rc()):
            bbox = tight_bbox(fig)
            fig.savefig(out / f"{name}.png", metadata={"Software": None}, bbox_inches=bbox,
                        **({"backend": png_backend} if png_backend else {}))
            fig.savefig(out / f"{name}.svg", metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
    finally:
        fig.set_layout_engine(engine)
    data.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g")
    from mfgghg.data.provenance import figure_meta

    meta = {"name": name, "title": figure_title(fig), "caption": caption or "", **figure_meta(sources)}
    (out / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if after_save is not None:
        after_save(fig, out / f"{name}.png")
    return [out / f"{name}.{ext}" for ext in ("png", "svg", "csv")]


def tight_bbox(fig):
    """The figure's tight bounding box in inches, padded as ``savefig.pad_inches``, computed once for
    both files: ``bbox_inches="tight"`` would lay every text out again for each format, and text
    layout is most of the cost of a figure. The renderer is the canvas's own (the one
    ``tight_layout`` used), whose text sizes are cached."""
    get_renderer = getattr(fig.canvas, "get_renderer", None)
    if get_renderer is None:  # a canvas without a reusable renderer: let savefig do it per file
        return "tight"
    return fig.get_tightbbox(get_renderer()).padded(matplotlib.rcParams["savefig.pad_inches"])


def wrap_label(text: str, width: int) -> str:
    """A label broken into lines of ``width`` CJK characters; Latin letters are about half as wide,
    so the English edition gets twice as many (at spaces, not at hyphens)."""
    from mfgghg.i18n import get_lang

    width = 2 * width if get_lang() == "en" else width
    return "\n".join(textwrap.wrap(str(text), width, break_on_hyphens=False)) or str(text)


def source_line(year: int, report_parts=(), external_parts=()) -> str:
    """The source line of a figure in the current edition, e.g. ``資料來源：110年執行成果報告 表6`` /
    ``Source: 2021 (ROC 110) execution report, Table 6``; external sources are named after it.
    Parts are texts of translations.csv (e.g. ``表6``, ``附件``)."""
    from mfgghg.i18n import _, get_lang

    from mfgghg.data.paths import roc_year

    roc = roc_year(year)
    parts = [_(p) for p in dict.fromkeys(report_parts)]
    external = [_(p) for p in dict.fromkeys(external_parts)]
    if get_lang() == "en":
        text = f"Source: {year} (ROC {roc}) execution report" + (", " + ", ".join(parts) if parts else "")
        return text + ("; external: " + "; ".join(external) if external else "")
    text = f"資料來源：{roc}年執行成果報告" + (" " + "、".join(parts) if parts else "")
    return text + ("；外部資料：" + "；".join(external) if external else "")


def cjk_texts(fig) -> list[str]:
    """Every text drawn in ``fig`` that contains CJK characters (an English figure must have none)."""
    from mfgghg.i18n import CJK

    found = []
    for artist in fig.findobj(lambda a: hasattr(a, "get_text")):
        text = artist.get_text()
        if text and CJK.search(text):
            found.append(text)
    return found


def source_note(ax_or_fig, text: str) -> None:
    """A source line under the figure (e.g. 資料來源：110年執行成果報告 表6)."""
    fig = ax_or_fig.figure if hasattr(ax_or_fig, "figure") and not isinstance(ax_or_fig, plt.Figure) else ax_or_fig
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=8, color="#555555")

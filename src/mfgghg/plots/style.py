"""One look for every figure, Chinese that renders, and files that are the same bytes on re-run.

Notebooks call :func:`apply_style` once and :func:`save_figure` for every figure; each
figure is written as ``figures/<year>/<name>.png`` and ``.svg`` beside the data behind
it, ``<name>.csv``.
"""

from __future__ import annotations

import math
import os
import textwrap
from pathlib import Path

import matplotlib

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import font_manager


CJK_FAMILY = "Noto Sans CJK TC"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SVG_HASH_SALT = "mfgghg"
DPI = 150  # of the PNG files, and of figures while they are laid out
DISPLAY_DPI = 100  # the size a figure is shown at in a notebook

# Filled in only in the runner's batch kernels (mfgghg.runner.fast.install): a PNG writer to use
# instead of matplotlib's own, and what to do with a figure once saved. Empty in a researcher's
# kernel, where a saved figure stays open, to change and show.
BATCH = {"png_backend": None, "after_save": None}


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


def apply_style() -> None:
    """The project's look, through matplotlib's public settings only: seaborn's theme (which resets
    the font list, so the CJK font is set after it), the CJK font, and files without timestamps.
    Settings that only the project's own figures need (a fixed title height) are in
    :func:`figure_style`, not here: they would change a figure the researcher draws."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    family = register_cjk_font()
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK font has no U+2212 minus sign
        # laid out at the PNG's dpi, so that saving it reuses the layout's text sizes
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "savefig.bbox": "tight",
        "svg.hashsalt": SVG_HASH_SALT,
        "svg.fonttype": "path",
        "figure.autolayout": False,
    })


# Inside the project's own plotting functions only (see figure_style).
FIGURE_RC = {
    # A fixed title height: with the default (None) every draw lays out all tick labels again to find
    # the top of the axes, which is most of the cost of drawing; no figure of ours has labels on top.
    "axes.titley": 1.0,
}


def figure_style(function):
    """Decorator for the project's plotting functions: the figure they make is built within
    :data:`FIGURE_RC` (a matplotlib ``rc_context``), so those settings hold for that figure and
    nowhere else."""
    import functools

    @functools.wraps(function)
    def styled(*args, **kwargs):
        with matplotlib.rc_context(FIGURE_RC):
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
    base = formatter._base
    powers = math.floor(math.log(high, base)) - math.floor(math.nextafter(math.log(low, base), -math.inf))
    if not (formatter.labelOnlyBase or powers > formatter.minor_thresholds[0]):  # (inf: labels every tick)
        return False
    axis.set_minor_locator(NullLocator())
    return True


def figure_title(fig) -> str:
    """The figure's suptitle, else its axes' titles joined."""
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text():
        return fig._suptitle.get_text()
    titles = (ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center", "right"))
    return " / ".join(t for t in titles if t)


def save_figure(fig, name: str, figures_dir: str | os.PathLike, data: pd.DataFrame,
                caption: str | None = None) -> list[Path]:
    """Write ``<name>.png``, ``<name>.svg``, the data behind the figure ``<name>.csv``, and
    ``<name>.meta.json`` (title and caption, for the yearly index page).

    PNG and SVG carry no timestamps or software versions, so re-runs give identical bytes.
    """
    import json

    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    bbox = tight_bbox(fig)
    # After tight_layout a figure keeps a placeholder layout engine, and savefig then lays the whole
    # figure out once more (a draw with drawing switched off) before each file. The layout is done:
    # without the engine while saving, that pass is skipped (about a sixth of the cost of saving).
    engine = fig.get_layout_engine()
    fig.set_layout_engine(None)
    try:
        with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
            fig.savefig(out / f"{name}.png", metadata={"Software": None}, bbox_inches=bbox,
                        **({"backend": BATCH["png_backend"]} if BATCH["png_backend"] else {}))
            fig.savefig(out / f"{name}.svg", metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
    finally:
        fig.set_layout_engine(engine)
    data.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g")
    meta = {"name": name, "title": figure_title(fig), "caption": caption or ""}
    (out / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if BATCH["after_save"] is not None:
        BATCH["after_save"](fig, out / f"{name}.png")
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

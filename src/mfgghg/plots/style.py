"""One look for every figure, Chinese that renders, and files that are the same bytes on re-run.

Notebooks call :func:`apply_style` once and :func:`save_figure` for every figure; each
figure is written as ``figures/<year>/<name>.png`` and ``.svg`` beside the data behind
it, ``<name>.csv``.
"""

from __future__ import annotations

import functools
import io
import math
import os
from pathlib import Path

import matplotlib

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import font_manager

from mfgghg.runner.fast import axisdraw
from mfgghg.runner.fast import textdraw
from mfgghg.runner.fast.pngfile import BACKEND as PNG_BACKEND

CJK_FAMILY = "Noto Sans CJK TC"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SVG_HASH_SALT = "mfgghg"
DPI = 150  # of the PNG files, and of figures while they are laid out (see share_agg_text_metrics)
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


def share_agg_text_metrics() -> bool:
    """One cache of text sizes for all Agg renderers of the same dpi, instead of one per renderer.

    Measuring a text is most of the cost of drawing these figures (matplotlib 3.11 loads every glyph
    of the CJK font from its file for each measurement), and matplotlib caches the sizes per renderer
    object: ``tight_layout`` measures with the canvas's renderer, then saving the PNG with a bounding
    box draws with a new renderer, which measures every text again at the same dpi. An Agg
    renderer's text size depends on nothing but the text, its font properties and the renderer's
    dpi, so the sizes and the bytes written are the same (``test_figures`` checks it); with the
    figure dpi equal to the PNG's, the PNG reuses what the layout measured. Uses matplotlib's
    private ``text._get_text_metrics_function`` (matplotlib is pinned); without it, nothing changes.
    Returns whether the cache is shared."""
    from matplotlib import text
    from matplotlib.backends.backend_agg import RendererAgg

    per_renderer = getattr(text, "_get_text_metrics_function", None)
    if per_renderer is None:
        return False
    if getattr(per_renderer, "shared_by_dpi", False):
        return True
    measuring = {}  # dpi -> the renderer whose cache every Agg renderer of that dpi uses

    def metrics_function(renderer):
        if type(renderer) is RendererAgg:
            renderer = measuring.get(renderer.dpi) or measuring.setdefault(renderer.dpi, RendererAgg(1, 1, renderer.dpi))
        return per_renderer(renderer)

    metrics_function.shared_by_dpi = True
    metrics_function.per_renderer = per_renderer
    text._get_text_metrics_function = metrics_function
    return True


class FontFileInMemory(io.BytesIO):
    """A font file read into memory once per process; each font object reads it through its own
    stream. ``str()`` gives the file's path, which is what matplotlib's PDF and PS backends take from
    a font's ``fname`` to name and embed it."""

    _contents: dict[str, bytes] = {}

    def __init__(self, path):
        path = os.fspath(path)
        data = self._contents.get(path)
        if data is None:
            data = self._contents.setdefault(path, Path(path).read_bytes())
        super().__init__(data)  # shares the bytes; nothing is copied
        self.name = path

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


# matplotlib's font_manager._get_font, as of matplotlib 3.11, with font objects reading from memory.
_GET_FONT_PARAMETERS = ("font_filepaths", "_kerning_factor", "thread_id", "enable_last_resort")


@functools.lru_cache(64)
def _get_font_from_memory(font_filepaths, *, _kerning_factor, thread_id, enable_last_resort):
    from matplotlib import cbook, ft2font

    def open_font(path, **kwargs):
        return ft2font.FT2Font(FontFileInMemory(path), _kerning_factor=_kerning_factor, **kwargs)

    (first_fontpath, first_fontindex), *rest = font_filepaths
    fallback_list = [open_font(fpath, face_index=index) for fpath, index in rest]
    last_resort_path = font_manager._cached_realpath(cbook._get_data_path("fonts", "ttf", "LastResortHE-Regular.ttf"))
    try:
        last_resort_index = font_filepaths.index((last_resort_path, 0))
    except ValueError:
        last_resort_index = -1
        if enable_last_resort:
            fallback_list.append(open_font(last_resort_path, _warn_if_used=True))
            last_resort_index = len(fallback_list)
    font = open_font(first_fontpath, face_index=first_fontindex, _fallback_list=fallback_list)
    if last_resort_index == 0:
        font.set_charmap(0)
    elif last_resort_index > 0:
        fallback_list[last_resort_index - 1].set_charmap(0)
    return font


if hasattr(os, "register_at_fork"):  # font objects cannot cross a fork (as matplotlib's own cache)
    os.register_at_fork(after_in_child=_get_font_from_memory.cache_clear)


def read_fonts_from_memory() -> bool:
    """Font objects read their font file from memory instead of from the file on disk.

    FreeType reads a glyph's outline through Python each time matplotlib measures or draws a text,
    and from a file that is a seek and a read system call per access: with the CJK font, reading from
    memory almost halves the time to lay a text out (about a fifth of the cost of drawing these figures).
    The glyphs, and so the bytes written, are the same (``test_figures`` checks PNG, SVG and PDF).
    Replaces matplotlib's private ``font_manager._get_font`` (matplotlib is pinned) when its
    signature is the one this was written for; otherwise changes nothing. Returns whether it did."""
    import inspect

    current = font_manager._get_font
    if current is _get_font_from_memory:
        return True
    original = getattr(current, "__wrapped__", None)
    if original is None or tuple(inspect.signature(original).parameters) != _GET_FONT_PARAMETERS:
        return False
    _get_font_from_memory.from_disk = current
    font_manager._get_font = _get_font_from_memory
    return True


def apply_style() -> None:
    """The project's look. seaborn's theme resets the font list, so the CJK font is set after it."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    family = register_cjk_font()
    share_agg_text_metrics()
    read_fonts_from_memory()
    textdraw.install()
    axisdraw.install()
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK font has no U+2212 minus sign
        # laid out at the PNG's dpi, so that saving it reuses the layout's text sizes (shown in
        # notebooks at DISPLAY_DPI, see show_saved)
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "savefig.bbox": "tight",
        "svg.hashsalt": SVG_HASH_SALT,
        "svg.fonttype": "path",
        "figure.autolayout": False,
        # A fixed title height: with the default (None) every draw lays out all tick labels again to
        # find the top of the axes, which is most of the cost of drawing; no figure has labels on top.
        "axes.titley": 1.0,
    })


def warm_up() -> None:
    """Do here, once, the first-use work that every kernel would otherwise repeat before its first
    figure: the style set and the CJK font registered and read, fonts looked up, and matplotlib's
    math-text parser built (about 0.1 s alone; log axes label their ticks with it). The kernel fork
    server calls this before it forks the analysis kernels (see ``pipeline.fork_server_preload``).
    It measures two texts and draws nothing; what it leaves behind are caches, so figures drawn
    after it are the same bytes (``test_kernelfork``: a kernel forked from a server that ran it
    saves the same figure files as a standard kernel)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    apply_style()
    renderer = RendererAgg(1, 1, DPI)
    prop = FontProperties(size=matplotlib.rcParams["font.size"])
    renderer.get_text_width_height_descent("減碳量 CO2e 2021", prop, ismath=False)
    renderer.get_text_width_height_descent(r"$\mathdefault{10^{2}}$", prop, ismath=True)


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
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    bbox = tight_bbox(fig)
    # After tight_layout a figure keeps a placeholder layout engine, and savefig then lays the whole
    # figure out once more (a draw with drawing switched off) before each file. The layout is done:
    # without the engine while saving, that pass is skipped (about a sixth of the cost of saving).
    engine = fig.get_layout_engine()
    fig.set_layout_engine(None)
    try:
        with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
            # written by mfgghg.runner.fast.pngfile: Agg's pixels, without Pillow's costly search for row filters
            fig.savefig(out / f"{name}.png", metadata={"Software": None}, bbox_inches=bbox, backend=PNG_BACKEND)
            fig.savefig(out / f"{name}.svg", metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
    finally:
        fig.set_layout_engine(engine)
    data.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g")
    meta = {"name": name, "title": figure_title(fig), "caption": caption or ""}
    (out / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    show_saved(fig, out / f"{name}.png")
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


def show_saved(fig, png: Path) -> None:
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
    plt.close(fig)


def source_line(year: int, report_parts=(), external_parts=()) -> str:
    """The source line of a figure in the current edition, e.g. ``資料來源：110年執行成果報告 表6`` /
    ``Source: 2021 (ROC 110) execution report, Table 6``; external sources are named after it.
    Parts are texts of translations.csv (e.g. ``表6``, ``附件``)."""
    from mfgghg.i18n import _, get_lang

    roc = year - 1911
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

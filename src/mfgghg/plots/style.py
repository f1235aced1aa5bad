"""One look for every figure, Chinese that renders, and files that are the same bytes on re-run.

The project's look (seaborn's whitegrid, the palette, the dpi, a fixed title height: :func:`project_rc`)
holds only inside the project's plotting functions (:func:`figure_style`) and while
:func:`save_figure` writes: nothing here changes it process-wide. What a researcher's own figures
need to show Chinese, the CJK font and the ASCII minus sign, is :func:`use_cjk_font`, which
``nb.setup()`` calls. Each figure is written as ``figures/<year>/<name>.png`` and ``.svg`` beside the
data behind it, ``<name>.csv``. The PNG is the exact rendering; the SVG keeps its text as text, naming the
CJK font first and a generic sans-serif after it, so a viewer without that font shows its own.
"""

from __future__ import annotations

import functools
import math
import os
import re
import textwrap
from pathlib import Path

import matplotlib

import matplotlib.pyplot as plt
import matplotlib.ticker
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
# zlib level of the PNG files: for these flat-coloured charts level 3 is both quicker and smaller than
# Pillow's default of 6 (2021's goals chart: 0.17 s and 605 kB against 0.29 s and 688 kB)
PNG_ZLIB_LEVEL = 3

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


def _has_bold(family: str) -> bool:
    return any(f.name == family and f.weight >= 600 for f in font_manager.fontManager.ttflist)


def register_cjk_bold(family: str = CJK_FAMILY) -> bool:
    """Whether ``family`` has a bold face, adding the system's (Debian's fonts-noto-cjk,
    ``NotoSansCJK-Bold.ttc``) when matplotlib's font list, cached before it was installed, lacks it.
    The ``noto-cjk-sans-otc`` wheel has the regular face only."""
    if _has_bold(family):
        return True
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in _system_cjk_bold_files():
        if path not in known:
            font_manager.fontManager.addfont(path)
    return _has_bold(family)


@functools.cache
def _system_cjk_bold_files() -> tuple[str, ...]:
    # the system's font folders read once per process: bold_text() asks for every heading it draws
    found = font_manager.findSystemFonts(fontext="ttc") + font_manager.findSystemFonts(fontext="otf")
    return tuple(path for path in found if Path(path).name.startswith("NotoSansCJK-Bold"))


def bold_text() -> dict:
    """Text properties that make a heading bold in every edition without a warning: the bold face where
    there is one, else the regular face drawn with a thin stroke of its own colour (asking matplotlib
    for a weight the font lacks prints ``findfont: Failed to find font weight bold`` and draws it regular)."""
    family = matplotlib.rcParams["font.sans-serif"][0] if matplotlib.rcParams["font.sans-serif"] else CJK_FAMILY
    if family != CJK_FAMILY or register_cjk_bold(family):
        return {"weight": "bold"}
    from matplotlib import patheffects

    return {"path_effects": [patheffects.Stroke(linewidth=0.7), patheffects.Normal()]}


def cjk_font_rc(family: str) -> dict:
    """The settings that make text in ``family`` (the CJK font) render: it first, and the ASCII minus
    sign (the CJK font has no U+2212)."""
    return {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"], "axes.unicode_minus": False}


def use_cjk_font() -> None:
    """What a researcher's own figures need to show Chinese, and nothing else: the CJK font first in
    the sans-serif list (their other fonts kept after it) and the ASCII minus sign. Their font family
    is kept: where it is not sans-serif (a serif family, a named font), the CJK font is added after it,
    as the fallback for the glyphs their fonts lack. ``nb.setup()`` calls it; the project's look stays
    inside the project's figures (:func:`figure_style`)."""
    family = register_cjk_font()
    rc = cjk_font_rc(family)
    rc["font.sans-serif"] = [family] + [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    users = list(matplotlib.rcParams["font.family"])
    rc["font.family"] = users if "sans-serif" in users or family in users else users + [family]
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
        # Text stays text in the SVG (editable, searchable, about a sixth of the size), in the CJK font
        # with a generic fallback, and writing it costs no glyph outlines; the PNG is the exact rendering.
        "svg.fonttype": "none",
        # Glyphs as the font draws them, not fitted to the pixel grid by FreeType's hinter (whose output
        # depends on its version and engine): at the PNG's 150 dpi they read as well, and laying text
        # out costs about a tenth less.
        "text.hinting": "no_hinting",
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


def plain_number(value: float) -> str:
    """A tick value of a log axis as the report prints numbers: 0.05, 2, 1,000 (a power of ten, or a
    whole multiple of one, shown in full)."""
    if not value > 0:
        return ""
    decimals = max(0, -math.floor(math.log10(value) + 1e-9))
    return f"{value:,.{decimals}f}"


def missing_value(value) -> bool:
    """Whether ``value`` is no number to write: None, NaN (a rate or a reduction that cannot be computed
    for a row, a cell the report leaves empty) or infinite (a rate over a plan of 0)."""
    try:
        return value is None or not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def value_label(value, spec: str) -> str:
    """A value written on a figure with the format ``spec`` (``"+.1f"``, ``",.0f"``, ...), or ``""`` where
    there is no value (:func:`missing_value`): a missing value draws no label, never "nan". Callers draw
    no text for ``""``."""
    return "" if missing_value(value) else format(value, spec)


def plain_value(value: float) -> str:
    """A value written on a figure as ``f"{value:g}"`` writes it (six significant digits, no trailing
    zeros), but never in powers of ten: 1203150 rather than 1.20315e+06, 0.000035 rather than 3.5e-05.
    No value (:func:`missing_value`) is ``""``, as in :func:`value_label`."""
    if missing_value(value):
        return ""
    text = f"{value:g}"
    if "e" not in text:
        return text
    import numpy as np

    return np.format_float_positional(value, precision=6, fractional=False, trim="-")


class PlainLogFormatter(matplotlib.ticker.LogFormatter):
    """matplotlib's own choice of which ticks of a log axis carry a label, each label a plain number
    (:func:`plain_number`) instead of a power of ten: a reader of the report reads 1,000 元 at once,
    and a plain label is plain text, where ``10^3`` is math text parsed for every label and file."""

    def __call__(self, x, pos=None):
        return plain_number(x) if super().__call__(x, pos) else ""


def label_log_ticks_plainly(axis) -> None:
    """Label a log ``axis``'s major and minor ticks as plain numbers (:class:`PlainLogFormatter`),
    its minor ones only where matplotlib's log formatter would label them."""
    if axis.get_scale() != "log":
        return
    base = axis.get_transform().base
    axis.set_major_formatter(PlainLogFormatter(base))
    axis.set_minor_formatter(PlainLogFormatter(base, labelOnlyBase=False))


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
                        **({"backend": png_backend} if png_backend else
                           {"pil_kwargs": {"compress_level": PNG_ZLIB_LEVEL}}))
            fig.savefig(out / f"{name}.svg", metadata={"Date": None, "Creator": None}, bbox_inches=bbox)
    finally:
        fig.set_layout_engine(engine)
    edition_data(data).to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n",
                              float_format="%.10g")
    from mfgghg.data.provenance import figure_meta

    meta = {"name": name, "title": figure_title(fig), "caption": caption or "", **figure_meta(sources)}
    (out / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if after_save is not None:
        after_save(fig, out / f"{name}.png")
    return [out / f"{name}.{ext}" for ext in ("png", "svg", "csv")]


def edition_data(data: pd.DataFrame) -> pd.DataFrame:
    """The data behind a figure in the current edition. In English every label, unit and source is in
    English: a column whose name ends in ``_zh`` keeps the Chinese that identifies a thing (a measure's,
    an agency's name; a quote) and gets its English beside it (``<name>_en``) where every value has one;
    any other text is translated (through ``translations.csv``; a unit without a row there by its
    English label) and one that has no English fails, as a figure's text does. Two texts of a column whose
    English is the same (two ministries' names in a figure's ``group`` column) are followed by their own
    Chinese in brackets, as the figure writes them (:func:`distinct_labels`). Chinese: as it is."""
    from mfgghg.i18n import CJK, _, get_lang, outside_title, translations
    from mfgghg.data.units import UNITS

    if get_lang() != "en":
        return data
    english = translations()

    def has_cjk(value) -> bool:
        return isinstance(value, str) and bool(CJK.search(value))

    def one(text: str) -> str:
        for candidate in (text, re.sub(r"(?<=[\u3400-\u9fff]) (?=\d)", "", text)):  # (表 6 is 表6)
            if candidate in english:
                return english[candidate]
            if candidate in UNITS:
                return UNITS[candidate].label_en
        return _(text)  # (fails, naming the text)

    def translated(value):
        if not has_cjk(value):
            return outside_title(value) if isinstance(value, str) and value in english else value
        if value in english or value in UNITS:
            return one(value)
        dated = re.fullmatch(r"(.+), (\d{4}-\d{2}-\d{2})", value)  # an outside source's "title, date"
        if dated:
            return f"{translated(dated.group(1))}, {dated.group(2)}"
        if not re.search(r"; |_| \(", value):
            return one(value)
        # a list of sections ("摘要 三; 貳 二(一)"), a name with a suffix ("公務預算_twd"), a name with
        # its unit ("reduction (萬公噸CO2e)"): each part
        for separator in ("; ", "_"):
            if separator in value:
                return separator.join(translated(p) for p in value.split(separator))
        head, tail = value.split(" (", 1)
        return f"{translated(head)} ({translated(tail[:-1]) + ')' if tail.endswith(')') else translated(tail)}"

    out = pd.DataFrame(index=data.index)
    for column in data.columns:
        values = data[column]
        name = translated(column) if has_cjk(column) else column
        if str(column).endswith("_zh"):
            out[name] = values
            texts = [v for v in values.dropna().unique() if has_cjk(v)]
            if texts and all(v in english for v in texts):
                out[f"{str(column)[:-3]}_en"] = values.map(lambda v: english.get(v, v) if has_cjk(v) else v)
            continue
        textual = pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)
        if not textual:
            out[name] = values
            continue
        # two names whose English is the same (two ministries) stay two, told apart as the figures tell them
        names = [v for v in dict.fromkeys(values.dropna()) if isinstance(v, str)]
        shown = dict(zip(names, distinct_labels(names, translated)))
        out[name] = values.map(lambda v, shown=shown: shown[v] if isinstance(v, str) else translated(v))
    return out


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
    so the English edition gets twice as many (at spaces, not at hyphens). Lines are evened out so that
    the last is never a lone character (「業」 or 「施」 on a line of its own)."""
    from mfgghg.i18n import get_lang

    text = str(text)
    width = 2 * width if get_lang() == "en" else width
    lines = textwrap.wrap(text, width, break_on_hyphens=False)
    if len(lines) > 1 and len(lines[-1]) <= 1:
        even = math.ceil(len(text) / len(lines))
        for w in range(even, width + 1):  # the narrowest width that keeps the number of lines
            candidate = textwrap.wrap(text, w, break_on_hyphens=False)
            if len(candidate) == len(lines) and len(candidate[-1]) > 1:
                lines = candidate
                break
    return "\n".join(lines) or text


def distinct_labels(names, label) -> list[str]:
    """The labels ``label(name)`` of a figure's groups ``names`` (ministries, pillars, named in Chinese), in
    their order; a label that two different names share (two ministries whose English names are the same)
    is followed by each one's own name in brackets, so that the groups stay apart and a reader can tell
    them apart. Group by the names, never by the labels: equal labels would be one group."""
    names = [str(n) for n in names]
    shown = [label(n) for n in names]
    owners: dict[str, set] = {}
    for name, text in zip(names, shown):
        owners.setdefault(text, set()).add(name)
    return [f"{text} [{name}]" if len(owners[text]) > 1 else text for name, text in zip(names, shown)]


def text_width_em(text: str) -> float:
    """About how wide ``text`` is, in ems: a CJK character is one em, other characters about 0.55."""
    from mfgghg.i18n import CJK

    return sum(1.0 if CJK.match(ch) else 0.55 for ch in text)


def wrap_to_width(text: str, width_in: float, fontsize: float) -> str:
    """``text`` broken into lines no wider than ``width_in`` inches at ``fontsize`` points: at spaces
    between Latin words, after 、；，。 or between CJK characters."""
    import re

    limit = width_in * 72 / fontsize  # in ems
    out = []
    for paragraph in str(text).split("\n"):
        tokens = re.findall(r"[^\s\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|.\s*", paragraph)
        line = ""
        for token in tokens:
            if line and text_width_em((line + token).rstrip()) > limit:
                out.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        out.append(line.rstrip())
    return "\n".join(out)


def fit_texts_in_axes(ax, texts=None, pad_px: float = 4.0) -> bool:
    """Widen ``ax``'s limits just enough that each of ``texts`` (default: the axes' own texts and
    annotations) lies inside its frame: a value written beside the longest bar must not cross the
    frame. A log axis is widened by the same share of its width (in decades). Returns whether it widened
    them. Call it once the figure is laid out (after ``tight_layout``); it measures the texts with the
    canvas's renderer, a few times, since the texts move as the limits widen."""
    renderer = ax.figure.canvas.get_renderer()
    texts = [t for t in (ax.texts if texts is None else texts) if t.get_visible() and t.get_text().strip()]
    for _round in range(6):
        if not texts:
            return False
        boxes = [t.get_window_extent(renderer) for t in texts]
        frame = ax.bbox
        done = True
        for axis in ("x", "y"):
            if (ax.get_xscale() if axis == "x" else ax.get_yscale()) not in ("linear", "log"):
                continue
            low, high = (frame.x0, frame.x1) if axis == "x" else (frame.y0, frame.y1)
            lo_px = min(b.x0 if axis == "x" else b.y0 for b in boxes) - pad_px
            hi_px = max(b.x1 if axis == "x" else b.y1 for b in boxes) + pad_px
            over_low, over_high = max(0.0, low - lo_px), max(0.0, hi_px - high)
            if over_low < 0.5 and over_high < 0.5:
                continue
            get, set_ = (ax.get_xlim, ax.set_xlim) if axis == "x" else (ax.get_ylim, ax.set_ylim)
            a, b = get()
            if a >= b:  # (an inverted axis is left as it is)
                continue
            done = False
            if (ax.get_xscale() if axis == "x" else ax.get_yscale()) == "log":  # (in decades)
                a, b = math.log10(a), math.log10(b)
                per_px = (b - a) / (high - low)
                set_(10 ** (a - over_low * per_px * 1.1), 10 ** (b + over_high * per_px * 1.1))
                continue
            per_px = (b - a) / (high - low)
            set_(a - over_low * per_px * 1.1, b + over_high * per_px * 1.1)
        if done:
            return _round > 0
    return True


def keep_texts_apart(ax, texts, pad_px: float = 2.0) -> bool:
    """Move each of ``texts`` (labels of one column, placed at data heights) up, from the lowest, just
    enough that none overlaps the one below it: values of nearly equal height (stacked parts much
    smaller than the axis) would otherwise be written on each other. Call it once the figure is laid
    out, before :func:`fit_texts_in_axes`, which then makes room for a label moved past the frame.
    Returns whether it moved any."""
    renderer = ax.figure.canvas.get_renderer()
    to_data = ax.transData.inverted()
    top = None
    moved = False
    for text in sorted(texts, key=lambda t: t.get_position()[1]):
        box = text.get_window_extent(renderer)
        if top is not None and box.y0 < top + pad_px:
            x, y = ax.transData.transform(text.get_position())
            text.set_y(to_data.transform((x, y + top + pad_px - box.y0))[1])
            box = text.get_window_extent(renderer)
            moved = True
        top = box.y1
    return moved


def turn_crowded_labels(ax, texts, slot: float | None = None, pad_px: float = 2.0) -> bool:
    """Turn ``texts`` (values written above a row of bars, or a row of tick labels, centred on them)
    upright when any two of them overlap, or when one is wider than ``slot`` (the width, in x data units,
    it may take: its bar's, beside a taller one): with many groups, or long values, the bars are narrower
    than their labels. Upright, each label is one line wide. Returns whether it turned them; then make
    room (:func:`fit_texts_in_axes` for values, a new layout for tick labels). Call it once the figure
    is laid out."""
    renderer = ax.figure.canvas.get_renderer()
    texts = [t for t in texts if t.get_visible() and t.get_text().strip()]
    boxes = [t.get_window_extent(renderer) for t in texts]
    crowded = any(min(a.x1, b.x1) - max(a.x0, b.x0) > -pad_px and min(a.y1, b.y1) - max(a.y0, b.y0) > 0
                  for i, a in enumerate(boxes) for b in boxes[i + 1:])
    if slot is not None and boxes:
        slot_px = abs(ax.transData.transform((slot, 0))[0] - ax.transData.transform((0, 0))[0])
        crowded = crowded or max(b.width for b in boxes) > slot_px
    if crowded:
        for text in texts:
            text.set_rotation(90)
    return crowded


def turn_crowded_values(ax, slot: float, refit: bool = False) -> bool:
    """The values written above ``ax``'s bars (its texts, each ``slot`` x units wide at most) upright where
    they are crowded (:func:`turn_crowded_labels`), and the axes' limits widened to hold them, also with
    ``refit`` (upright names below left the bars less height). Returns whether it turned them."""
    turned = turn_crowded_labels(ax, ax.texts, slot=slot)
    if turned or refit:
        fit_texts_in_axes(ax)
    return turned


def raise_above_legend(ax, texts, pad_px: float = 2.0) -> bool:
    """Raise ``ax``'s (linear) upper y limit until its legend, drawn inside the axes, covers none of
    ``texts`` (values written above bars; or bars, such as hatched ones, whose pattern would run through
    the legend's words): taller or upright labels, and more bars, reach where the legend sits. Returns
    whether it raised it. Call it once the figure is laid out."""
    legend = ax.get_legend()
    if legend is None or ax.get_yscale() != "linear":
        return False
    renderer = ax.figure.canvas.get_renderer()
    texts = [t for t in texts if t.get_visible() and (not hasattr(t, "get_text") or t.get_text().strip())]
    for _round in range(12):
        box = legend.get_window_extent(renderer).padded(pad_px)
        if not any(boxes_overlap(box, t.get_window_extent(renderer)) for t in texts):
            return _round > 0
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + 0.15 * (high - low))
    return True


def thin_out_labels(texts, pad_px: float = 2.0) -> list:
    """Hide each of ``texts`` (labels of a series' points, in the series' order) that would overlap one
    already kept, the last always kept: a long yearly series has more points than room for their values
    (the data file has every value). Returns the hidden ones. Call it once the figure is laid out."""
    texts = [t for t in texts if t.get_visible() and t.get_text().strip()]
    if not texts:
        return []
    renderer = texts[0].figure.canvas.get_renderer()
    kept = [texts[-1].get_window_extent(renderer).padded(pad_px)]
    hidden = []
    for text in texts[:-1]:
        box = text.get_window_extent(renderer)
        if any(boxes_overlap(box, k) for k in kept):
            text.set_visible(False)
            hidden.append(text)
        else:
            kept.append(box.padded(pad_px))
    return hidden


MOVES = ((7, 0, "left", "center"), (-7, 0, "right", "center"), (0, 7, "center", "bottom"), (0, -7, "center", "top"),
         (7, 7, "left", "bottom"), (7, -7, "left", "top"), (-7, 7, "right", "bottom"), (-7, -7, "right", "top"),
         (0, 16, "center", "bottom"), (0, -16, "center", "top"))  # beside, above, below, diagonal, further


def move_off_lines(ax, labels, offsets=MOVES) -> None:
    """Move each of ``labels`` (annotations written beside a point, in offset points) to the first of
    ``offsets`` (x, y points, horizontal and vertical alignment) where no line of ``ax`` runs through it,
    nor another of ``labels``: a point of one series among the years another series' line covers. A label
    already clear stays where it is. Call it once the figure is laid out."""
    renderer = ax.figure.canvas.get_renderer()
    # (the lines, and each label once placed, stay where they are: each measured once)
    lines = [(line, line.get_transform().transform_path(line.get_path()))
             for line in ax.lines if line.get_visible() and len(line.get_xdata())]

    def clear(label, placed) -> bool:
        box = label.get_window_extent(renderer)
        if any(boxes_overlap(box, other) for other in placed):
            return False
        for line, path in lines:
            if path.intersects_bbox(box.padded(line.get_linewidth() * ax.figure.dpi / 72), filled=False):
                return False
            r = (line.get_markersize() / 2 if line.get_marker() not in (None, "None", "none", "", " ") else 0) \
                * ax.figure.dpi / 72
            if r and any(box.x0 - r < x < box.x1 + r and box.y0 - r < y < box.y1 + r for x, y in path.vertices):
                return False
        return True

    placed = []
    for label in labels:
        if not clear(label, placed):
            start = (label.xyann, label.get_horizontalalignment(), label.get_verticalalignment())
            for x, y, ha, va in offsets:
                label.set_position((x, y))
                label.set_horizontalalignment(ha)
                label.set_verticalalignment(va)
                if clear(label, placed):
                    break
            else:  # (nowhere clear: where it was)
                label.set_position(start[0])
                label.set_horizontalalignment(start[1])
                label.set_verticalalignment(start[2])
        placed.append(label.get_window_extent(renderer))


def legend_above_if_covering(ax, artists, ncol: int = 2, fontsize: float = 8) -> bool:
    """Move ``ax``'s legend, drawn inside the axes, above the figure (centred, unframed, as the figures
    whose legend is always there) when it covers any of ``artists`` (values, names, lines between groups):
    a year with few rows, or a long bar where the legend sits. Returns whether it moved it. Call it once
    the figure is laid out."""
    legend = ax.get_legend()
    if legend is None:
        return False
    renderer = ax.figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    shown = [a for a in artists if a.get_visible() and (not hasattr(a, "get_text") or a.get_text().strip())]
    # (padded: a line has no height)
    if not any(boxes_overlap(box, a.get_window_extent(renderer).padded(1)) for a in shown):
        return False
    handles, labels = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
    legend.remove()
    ax.figure.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=ncol, fontsize=fontsize,
                     frameon=False)
    return True


def boxes_overlap(a, b, tol: float = 0.0) -> bool:
    """Whether ``a`` and ``b`` (display boxes) share more than ``tol`` pixels each way."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tol and min(a.y1, b.y1) - max(a.y0, b.y0) > tol


def source_line(year: int, report_parts=(), external_parts=()) -> str:
    """The source line of a figure in the current edition, e.g. ``資料來源：110年執行成果報告 表6`` /
    ``Source: 2021 (ROC 110) execution report, Table 6``; external sources are named after it.
    Parts are texts of translations.csv (e.g. ``表6``, ``附件``)."""
    from mfgghg.i18n import _, get_lang, outside_title

    from mfgghg.data.paths import roc_year

    roc = roc_year(year)
    parts = [_(p) for p in dict.fromkeys(report_parts)]
    external = [outside_title(p) for p in dict.fromkeys(external_parts)]
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


@figure_style
def placeholder_figure(title: str, message: str):
    """A figure that says there is nothing to draw (a report year without these figures), so the
    notebook still writes every figure file and the reader sees why it is empty. ``title`` and
    ``message`` are shown as given: callers pass them through ``_``."""
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555555", transform=ax.transAxes)
    return fig


def source_note(ax_or_fig, text: str) -> None:
    """A source line under the figure (e.g. 資料來源：110年執行成果報告 表6), wrapped to the figure's width."""
    fig = ax_or_fig.figure if hasattr(ax_or_fig, "figure") and not isinstance(ax_or_fig, plt.Figure) else ax_or_fig
    fig.text(0.01, -0.02, wrap_to_width(text, 0.97 * fig.get_figwidth(), 8), ha="left", va="top", fontsize=8,
             color="#555555")

"""Text drawn by matplotlib with less repeated work per glyph, and the same output.

Private parts of matplotlib 3.11, replaced by copies that skip work whose result is known:

**Agg's glyph loop.** matplotlib 3.11's ``RendererAgg._draw_text_glyphs_and_boxes`` draws a text glyph by glyph, and
for every glyph builds the same 2x2 rotation matrix with numpy (array, product, round, cast) and
rounds its position through numpy scalars. For these figures (thousands of CJK glyphs, mostly tick
labels) that arithmetic costs more than FreeType's rendering of the glyph: about a third of the
time Agg spends drawing text, a few percent of a figure notebook. :func:`install` replaces the
method with the same loop in which the matrix is computed once per text (per slant and extend, as
before) and positions are rounded as Python floats (the same IEEE doubles, the same round-half-even),
so every pixel is the same (``test_figures`` compares the bytes with and without it).

**Text as paths (SVG).** ``TextToPath.get_glyphs_with_font`` lays a text out and then loads every
glyph's outline from the font (FreeType interprets its CFF program), although it keeps the outline
only of a glyph the file has not used yet; and it quotes every glyph's id anew. Here a glyph is
loaded only when its outline is kept, and ids are remembered: the same paths, ids and positions
(``test_figures`` compares the SVG bytes with and without it).

**A text's line height.** ``Text._get_layout``, which every measurement and every draw of a text
calls, looks up the text's fonts and reads two tables of the first font (``OS/2`` and ``head``), which
FreeType copies out afresh each time: about 0.1 ms per call, thousands of calls per notebook. It gets
the font from ``matplotlib.text.get_font`` and asks nothing of it but those tables, so that name is
given :func:`font_tables`: the same tables, read once per font (``test_figures`` compares the bytes).

**Math text.** Log axes label their ticks in math text (``$\\mathdefault{10^{4}}$``), which
matplotlib parses with pyparsing (~15 ms a label) and caches per parser object; every renderer has
its own parser, so the same label is parsed again for each measurement renderer, PNG and SVG. A
parse depends only on the parser's kind of output (paths or pixels) and its arguments, so
:func:`_parse_cached` keeps the results per kind: the same objects matplotlib would build.

:func:`install` puts them in place only on the matplotlib version whose code they copy or rely on
(matplotlib is pinned); elsewhere nothing changes.
"""

from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np

from mfgghg.runner.fast.replacing import replace_methods

# The version whose methods these are copies of (matplotlib/backends/backend_agg.py, matplotlib/textpath.py).
COPIED_FROM = "3.11."


def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.ft2font import RenderMode
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D

    # y is downwards.
    cos = math.cos(math.radians(angle))
    sin = math.sin(math.radians(angle))
    load_flags = get_hinting_flag()
    antialiased = gc.get_antialiased()
    mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
    height = self.height
    matrices = {}  # (slant, extend) -> FreeType's 16.16 matrix, as matplotlib computes it per glyph
    for font, size, glyph_index, slant, extend, dx, dy in glyphs:  # dy is upwards.
        font.set_size(size, self.dpi)
        matrix = matrices.get((slant, extend))
        if matrix is None:
            matrix = matrices[(slant, extend)] = (
                0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[extend, extend * slant], [0, 1]]
            ).round().astype(int)
        dx, dy = float(dx), float(dy)
        font._set_transform(matrix, [round(0x40 * (x + dx * cos - dy * sin)),
                                     # FreeType's y is upwards.
                                     round(0x40 * (height - y + dx * sin + dy * cos))])
        bitmap = font._render_glyph(glyph_index, load_flags, mode)
        buffer = bitmap.buffer
        if not antialiased:
            buffer *= 0xff
        # draw_text_image's y is downwards & the bitmap bottom side.
        self._renderer.draw_text_image(buffer, bitmap.left, int(height) - bitmap.top + buffer.shape[0], 0, gc)

    rgba = gc.get_rgb()
    if len(rgba) == 3 or gc.get_forced_alpha():
        rgba = rgba[:3] + (gc.get_alpha(),)
    gc1 = self.new_gc()
    gc1.set_linewidth(0)
    gc1.set_snap(gc.get_snap())
    for dx, dy, w, h in boxes:  # dy is upwards.
        if gc1.get_snap() in [None, True]:
            # Prevent thin bars from disappearing by growing symmetrically.
            if w < 1:
                dx -= (1 - w) / 2
                w = 1
            if h < 1:
                dy -= (1 - h) / 2
                h = 1
        path = Path._create_closed([(dx, dy), (dx + w, dy), (dx + w, dy + h), (dx, dy + h)])
        self._renderer.draw_path(gc1, path, Affine2D().rotate_deg(angle).translate(x, self.height - y), rgba)
    gc1.restore()


@lru_cache(maxsize=4096)
def _glyph_repr(postscript_name: str, glyph: int) -> str:
    """``TextToPath._get_glyph_repr``: the id of a glyph in the SVG's definitions."""
    import urllib.parse

    return urllib.parse.quote(f"{postscript_name}-{glyph:x}")


def get_glyphs_with_font(self, font, s, glyph_map=None, return_new_glyphs_only=False, *, features=None,
                         language=None):
    """``TextToPath.get_glyphs_with_font``, loading a glyph only when its outline is kept."""
    from matplotlib.ft2font import LoadFlags

    if glyph_map is None:
        glyph_map = OrderedDict()
    glyph_map_new = OrderedDict() if return_new_glyphs_only else glyph_map
    xpositions, ypositions, glyph_reprs = [], [], []
    # matplotlib._text_helpers.layout, without loading each glyph as it is yielded
    for item in font._layout(s, LoadFlags.NO_HINTING, features=features, language=language):
        ft_object, glyph = item.ft_object, item.glyph_index
        glyph_repr = _glyph_repr(ft_object.postscript_name, glyph)
        glyph_reprs.append(glyph_repr)
        xpositions.append(item.x)
        ypositions.append(item.y)
        if glyph_repr not in glyph_map:
            ft_object.load_glyph(glyph, flags=LoadFlags.NO_HINTING)
            glyph_map_new[glyph_repr] = ft_object.get_path()
    sizes = [1.] * len(xpositions)
    return list(zip(glyph_reprs, xpositions, ypositions, sizes)), glyph_map_new, []


class FontTables:
    """A font's sfnt tables, each read once: all that ``Text._get_layout`` asks of its font."""

    __slots__ = ("font", "tables")

    def __init__(self, font):
        self.font, self.tables = font, {}

    def get_sfnt_table(self, name: str):
        try:
            return self.tables[name]
        except KeyError:
            table = self.tables[name] = self.font.get_sfnt_table(name)  # (None when the font has none)
            return table


_font_tables: dict = {}


def font_tables(font_filepaths, **options) -> FontTables:
    """``matplotlib.text.get_font``: the tables of the font ``font_manager.get_font`` gives, kept per
    font and thread (as matplotlib keeps font objects: they are not shared between threads). The
    ``options`` of ``get_font`` do not change a font's tables."""
    from matplotlib.font_manager import get_font

    paths = tuple(font_filepaths) if isinstance(font_filepaths, list) else font_filepaths
    key = (paths, threading.get_ident())
    found = _font_tables.get(key)
    if found is None:
        found = _font_tables[key] = FontTables(get_font(font_filepaths, **options))
    return found


if hasattr(os, "register_at_fork"):  # font objects do not cross a fork (as matplotlib's own cache)
    os.register_at_fork(after_in_child=_font_tables.clear)


def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
    """``MathTextParser._parse_cached``, its results kept per kind of output rather than per parser
    (``prop`` is matplotlib's copy, taken for this cache's key). A parse into paths holds font
    objects, so results are also kept per thread, and none crosses a fork (as fonts, above)."""
    return _math_parsed(self._output_type, s, dpi, prop, antialiased, load_glyph_flags, threading.get_ident())


@lru_cache(maxsize=256)
def _math_parsed(output_type, s, dpi, prop, antialiased, load_glyph_flags, thread_id):
    from matplotlib.mathtext import MathTextParser

    parser = MathTextParser("path" if output_type == "vector" else "agg")
    # matplotlib's own method, without its per-parser cache
    return _parse_cached.original.__wrapped__(parser, s, dpi, prop, antialiased, load_glyph_flags)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_math_parsed.cache_clear)


def replacements() -> list:
    """The ``(owner, name, replacement)`` of this module (see the module docstring)."""
    from matplotlib import text
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.mathtext import MathTextParser
    from matplotlib.textpath import TextToPath

    return [(RendererAgg, "_draw_text_glyphs_and_boxes", _draw_text_glyphs_and_boxes),
            (TextToPath, "get_glyphs_with_font", get_glyphs_with_font),
            (text, "get_font", font_tables),
            (MathTextParser, "_parse_cached", _parse_cached)]


def install() -> bool:
    """Put the replacements in place (see the module docstring); returns whether they are."""
    return replace_methods(COPIED_FROM, replacements())

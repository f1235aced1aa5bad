"""Axes drawn without laying out their tick labels twice in a row, and the same output.

matplotlib 3.11's ``Axis.draw`` and ``Axis.get_tightbbox`` work out the ticks to draw (locator,
formatter, each tick's position and label text) and the boxes of their labels; then, to place the
axis label clear of them, ``_update_label_position`` asks ``_get_tick_boxes_siblings`` for the boxes
of the axis's label group (the axis itself, plus the axes ``Figure.align_labels`` joined to it),
which works out the axis's own ticks and label boxes once more. Nothing changes in between: within
one call of those two methods, :func:`install` makes an axis hand out again what it has just worked
out (about a tenth of the drawing time of these figures; every save and every ``tight_layout``
draws each axis). Other axes of the group are worked out as before.

Only on the matplotlib version whose call order this relies on (matplotlib is pinned); elsewhere
nothing changes. ``test_figures`` compares PNG and SVG bytes with and without it.
"""

from __future__ import annotations

import functools

import matplotlib

COPIED_FROM = "3.11."
_MEMO = "_mfgghg_ticks_of_this_pass"  # an axis's instance attribute while it draws or measures itself


def _one_pass(method):
    """``Axis.draw`` or ``Axis.get_tightbbox``, during which the axis remembers its ticks."""

    @functools.wraps(method)
    def within_one_pass(self, *args, **kwargs):
        if _MEMO in self.__dict__:  # called from within a pass of this axis: part of it
            return method(self, *args, **kwargs)
        self.__dict__[_MEMO] = {}
        try:
            return method(self, *args, **kwargs)
        finally:
            del self.__dict__[_MEMO]

    within_one_pass.original = method
    return within_one_pass


def _update_ticks(self):
    memo = self.__dict__.get(_MEMO)
    if memo is None:
        return _update_ticks.original(self)
    if "ticks" not in memo:
        memo["ticks"] = _update_ticks.original(self)
    return memo["ticks"]


def _get_ticklabel_bboxes(self, ticks, renderer):
    memo = self.__dict__.get(_MEMO)
    if memo is None or ticks is not memo.get("ticks"):
        return _get_ticklabel_bboxes.original(self, ticks, renderer)
    known = memo.get("bboxes")
    if known is None or known[0] is not renderer:
        known = memo["bboxes"] = (renderer, _get_ticklabel_bboxes.original(self, ticks, renderer))
    return known[1]


def install() -> bool:
    """Put the reuse in place (see the module docstring); returns whether it is."""
    from matplotlib.axis import Axis

    if Axis._update_ticks is _update_ticks:
        return True
    if not matplotlib.__version__.startswith(COPIED_FROM):
        return False
    _update_ticks.original = Axis._update_ticks
    _get_ticklabel_bboxes.original = Axis._get_ticklabel_bboxes
    Axis._update_ticks = _update_ticks
    Axis._get_ticklabel_bboxes = _get_ticklabel_bboxes
    Axis.draw = _one_pass(Axis.draw)
    Axis.get_tightbbox = _one_pass(Axis.get_tightbbox)
    return True


def uninstall() -> None:
    """matplotlib's own methods again (for the test that compares the two)."""
    from matplotlib.axis import Axis

    if Axis._update_ticks is not _update_ticks:
        return
    Axis._update_ticks = _update_ticks.original
    Axis._get_ticklabel_bboxes = _get_ticklabel_bboxes.original
    Axis.draw = Axis.draw.original
    Axis.get_tightbbox = Axis.get_tightbbox.original

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

from mfgghg.runner.fast.replacing import replace_methods, restore_methods

COPIED_FROM = "3.11."
_MEMO = "_mfgghg_ticks_of_this_pass"  # an axis's instance attribute while it draws or measures itself


def _in_one_pass(axis, method, *args, **kwargs):
    """``method`` (``Axis.draw`` or ``Axis.get_tightbbox``), during which the axis remembers its ticks."""
    if _MEMO in axis.__dict__:  # called from within a pass of this axis: part of it
        return method(axis, *args, **kwargs)
    axis.__dict__[_MEMO] = {}
    try:
        return method(axis, *args, **kwargs)
    finally:
        del axis.__dict__[_MEMO]


def draw(self, renderer):
    return _in_one_pass(self, draw.original, renderer)


def get_tightbbox(self, renderer=None, *, for_layout_only=False):
    return _in_one_pass(self, get_tightbbox.original, renderer, for_layout_only=for_layout_only)


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


def _replacements():
    from matplotlib.axis import Axis

    return [(Axis, f.__name__, f) for f in (_update_ticks, _get_ticklabel_bboxes, draw, get_tightbbox)]


def install() -> bool:
    """Put the reuse in place (see the module docstring); returns whether it is."""
    return replace_methods(COPIED_FROM, _replacements())


def uninstall() -> None:
    """matplotlib's own methods again (for the test that compares the two)."""
    restore_methods(_replacements())

"""A figure's layout as a reader sees it, checked through matplotlib's renderer.

:func:`layout_problems` draws a figure (without writing a file) and measures every artist's window
extent at the figure's dpi, then lists what a reader would trip over:

- ``overlap``: a text on another text;
- ``frame``: a text that straddles an axes frame (part inside, part outside);
- ``line``: a data line, an error bar or a marker through a text, or a hatched area under it;
- ``canvas``: anything drawn outside the saved image (the region :func:`mfgghg.plots.style.save_figure`
  writes: the figure's tight bounding box, padded);
- ``width``: an image wider than :data:`MAX_WIDTH_PX` at the saved dpi;
- ``height``: an image taller than :data:`MAX_HEIGHT_PX` at the saved dpi.

It is a check for tests and for a researcher who wants one (``check_layout(fig)``); nothing calls it
while a figure is drawn or saved, and it changes neither the figure nor matplotlib's settings.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import matplotlib
from matplotlib.collections import Collection, LineCollection, PathCollection
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from mfgghg.plots.style import boxes_overlap, project_rc, tight_bbox

MAX_WIDTH_PX = 1800
# 24 inches at the PNG's 150 dpi. The tallest figure the project saves is 2021's goals against results
# (02_goals_vs_results: 3,448 px in Chinese, 3,453 in English; every other figure of 2021 and 2099, in
# either edition, is under 2,000 px): the limit holds it with a little room, and stops a figure that
# grows with its data (a list, a row per item) from growing without end.
MAX_HEIGHT_PX = 3600
TOLERANCE_PX = 1.0  # extents are measured to the pixel; touching is not overlapping


class LayoutError(AssertionError):
    """A figure whose layout a reader would trip over; the message names the figure and the artists."""


@dataclass(frozen=True)
class Problem:
    kind: str  # overlap, frame, line, canvas, width, height
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def _describe(artist) -> str:
    if isinstance(artist, Text):
        text = artist.get_text().replace("\n", " ")
        return f"text {text[:60]!r}" + ("…" if len(text) > 60 else "")
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    name = type(artist).__name__
    return f"{name} {label!r}" if label and not str(label).startswith("_") else name


def _axes_name(ax) -> str:
    title = next((ax.get_title(loc=loc) for loc in ("left", "center", "right") if ax.get_title(loc=loc)), "")
    return f"axes {title[:40]!r}" if title else "axes"


def _shrunk(bbox: Bbox, by: float) -> Bbox:
    return Bbox.from_extents(bbox.x0 + by, bbox.y0 + by, bbox.x1 - by, bbox.y1 - by)


def _inside(inner: Bbox, outer: Bbox, tol: float = TOLERANCE_PX) -> bool:
    return (inner.x0 >= outer.x0 - tol and inner.y0 >= outer.y0 - tol
            and inner.x1 <= outer.x1 + tol and inner.y1 <= outer.y1 + tol)


def _axes_axis(ax) -> tuple:
    """The axes' x and y axis (the project draws no 3D axes)."""
    return ax.xaxis, ax.yaxis


def _tick_labels(fig) -> tuple[set[int], set[int], dict]:
    """Each axis's ticks worked out once, as ``Axis.get_children`` gives them (from the axis's
    locations): ids of their labels; ids of the labels matplotlib draws, those of ticks whose location
    is inside the view, as ``Axis.draw`` picks them (the others exist as artists but are never drawn;
    the locations are the axis's own, its minor ones without those under a major tick, the i-th tick
    showing the i-th); and each axis's children, for :func:`_texts_and_legends`. An axis not drawn (its
    axes turned off or hidden, or itself hidden) draws no tick label: its ticks are left out of its
    children, not made (``get_major_ticks`` makes those missing) to be skipped."""
    labels, drawn, children = set(), set(), {}
    for ax in fig.axes:
        for axis in _axes_axis(ax):
            ticks = []
            if ax.get_visible() and ax.axison and axis.get_visible():  # an axes turned off draws no axis
                transform = axis.get_transform()
                low, high = sorted(transform.transform(axis.get_view_interval()))
                close = 1e-10 * (high - low)  # (matplotlib's own tolerance at the view's ends)
                for locs, get in ((axis.get_majorticklocs(), axis.get_major_ticks),
                                  (axis.get_minorticklocs(), axis.get_minor_ticks)):
                    some = get(len(locs))
                    ticks += some
                    for tick, loc in zip(some, transform.transform(locs)):
                        labels.update((id(tick.label1), id(tick.label2)))
                        if low - close <= loc <= high + close:
                            drawn.update(id(label) for label in (tick.label1, tick.label2) if label.get_visible())
            children[id(axis)] = [axis.label, axis.offsetText, *ticks]
    return labels, drawn, children


def _texts_and_legends(artist, axis_children: dict, texts: list, legends: list) -> None:
    """``artist.findobj(Text)`` and ``artist.findobj(Legend)`` in one walk, in their order, an axis's
    children taken from ``axis_children`` where it has them (:func:`_tick_labels`)."""
    children = axis_children.get(id(artist))
    for child in artist.get_children() if children is None else children:
        _texts_and_legends(child, axis_children, texts, legends)
    if isinstance(artist, Text):
        texts.append(artist)
    elif isinstance(artist, Legend):
        legends.append(artist)


def drawn_texts(fig, renderer, legends: list | None = None) -> list[tuple[Text, Bbox]]:
    """Every text the figure draws that shows something, with its extent (a boxed text's box included).
    ``legends``, where given, gets the figure's legends (``fig.findobj(Legend)``)."""
    tick_labels, drawn, axis_children = _tick_labels(fig)
    texts, legends = [], ([] if legends is None else legends)
    _texts_and_legends(fig, axis_children, texts, legends)
    hidden_legend_texts = {id(t) for lg in legends if not lg.get_visible() for t in lg.findobj(Text)}
    out = []
    for text in texts:
        if not text.get_visible() or not text.get_text().strip() or id(text) in hidden_legend_texts:
            continue
        if id(text) in tick_labels and id(text) not in drawn:
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        extent = text.get_window_extent(renderer)
        patch = text.get_bbox_patch()
        if patch is not None:
            extent = Bbox.union([extent, patch.get_window_extent(renderer)])
        if extent.width <= 0 or extent.height <= 0:
            continue
        out.append((text, extent))
    return out


def overlapping_pairs(boxes, tol: float = 0.0) -> list[tuple[int, int]]:
    """Every pair ``(i, j)``, ``i < j``, of ``boxes`` that overlap (:func:`boxes_overlap`), in the order
    ``itertools.combinations`` gives them; sorted by left edge, each box is compared only with those
    that begin before it ends (the texts of a figure are many, few of them near each other)."""
    if not all(math.isfinite(v) for b in boxes for v in (b.x0, b.x1)):  # (unsortable: every pair)
        return [(i, j) for i, j in itertools.combinations(range(len(boxes)), 2)
                if boxes_overlap(boxes[i], boxes[j], tol)]
    order = sorted(range(len(boxes)), key=lambda i: boxes[i].x0)
    pairs = []
    for k, i in enumerate(order):
        right = boxes[i].x1
        for j in order[k + 1:]:
            if right - boxes[j].x0 <= tol:  # (this one and those after it begin too far right)
                break
            if boxes_overlap(boxes[i], boxes[j], tol):
                pairs.append((min(i, j), max(i, j)))
    return sorted(pairs)


def _frames(fig) -> list:
    """Axes whose frame is drawn (an axes turned off has none)."""
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax.get_frame_on()
            and any(s.get_visible() for s in ax.spines.values())]


def _data_artists(ax) -> list:
    return [a for a in (*ax.lines, *ax.collections, *ax.patches) if a.get_visible()]


def _reach(mark, fig, renderer) -> Bbox | None:
    """A box that holds all of ``mark`` as drawn (line widths and markers included), or None when it
    draws nothing that :func:`_crosses` looks at."""
    if isinstance(mark, Patch):
        if not mark.get_hatch():
            return None
        return mark.get_window_extent(renderer)
    if isinstance(mark, Line2D):
        path = mark.get_transform().transform_path(mark.get_path())
        if not len(path.vertices):
            return None
        has_marker = mark.get_marker() not in (None, "None", "none", "", " ")
        widest = max(mark.get_linewidth(), mark.get_markersize() or 0) if has_marker else mark.get_linewidth()
        return Bbox([path.vertices.min(axis=0), path.vertices.max(axis=0)]).padded(_pixels(fig, widest) + 2)
    if isinstance(mark, PathCollection):
        if not len(mark.get_offsets()):
            return None
        points = mark.get_offset_transform().transform(mark.get_offsets())
        pad = _pixels(fig, float(max(mark.get_sizes())) ** 0.5) if len(mark.get_sizes()) else 0.0
        return Bbox([points.min(axis=0), points.max(axis=0)]).padded(pad + 2)
    if isinstance(mark, LineCollection):
        transform = mark.get_transform()
        vertices = [transform.transform(p.vertices) for p in mark.get_paths() if len(p.vertices)]
        if not vertices:
            return None
        import numpy as np

        points = np.vstack(vertices)
        pad = _pixels(fig, float(max(mark.get_linewidths()))) if len(mark.get_linewidths()) else 0.0
        return Bbox([points.min(axis=0), points.max(axis=0)]).padded(pad + 2)
    return None


def _pixels(fig, points: float) -> float:
    return points * fig.dpi / 72.0


def _line_hits(line: Line2D, box: Bbox, fig) -> bool:
    ls = line.get_linestyle()
    path = line.get_transform().transform_path(line.get_path())
    if ls not in ("None", "none", "", " ") and line.get_linewidth() > 0 and len(path.vertices) > 1:
        widened = box.expanded(1, 1).padded(_pixels(fig, line.get_linewidth()) / 2)
        if path.intersects_bbox(_shrunk(widened, TOLERANCE_PX), filled=False):
            return True
    marker = line.get_marker()
    if marker not in (None, "None", "none", "", " ") and line.get_markersize() > 0:
        r = _pixels(fig, line.get_markersize()) / 2
        for x, y in path.vertices:
            if boxes_overlap(Bbox.from_extents(x - r, y - r, x + r, y + r), box, TOLERANCE_PX):
                return True
    return False


def _collection_hits(coll: Collection, box: Bbox, fig) -> bool:
    if isinstance(coll, PathCollection) and len(coll.get_offsets()):
        offsets = coll.get_offset_transform().transform(coll.get_offsets())
        sizes = coll.get_sizes()
        for i, (x, y) in enumerate(offsets):
            r = _pixels(fig, float(sizes[i % len(sizes)]) ** 0.5) / 2 if len(sizes) else 0
            if boxes_overlap(Bbox.from_extents(x - r, y - r, x + r, y + r), box, TOLERANCE_PX):
                return True
        return False
    if isinstance(coll, LineCollection):
        widths = coll.get_linewidths()
        transform = coll.get_transform()
        for i, path in enumerate(coll.get_paths()):
            p = transform.transform_path(path)
            w = _pixels(fig, float(widths[i % len(widths)])) / 2 if len(widths) else 0
            if len(p.vertices) > 1 and p.intersects_bbox(_shrunk(box.padded(w), TOLERANCE_PX), filled=False):
                return True
    return False


def _hatched_hits(patch: Patch, box: Bbox, renderer, extent: Bbox | None = None) -> bool:
    if not patch.get_hatch():
        return False
    extent = patch.get_window_extent(renderer) if extent is None else extent  # (given: :func:`_reach`'s)
    return extent.width > 0 and extent.height > 0 and boxes_overlap(extent, box, TOLERANCE_PX)


def _crosses(mark, box: Bbox, fig, renderer, reach: Bbox | None = None) -> bool:
    if isinstance(mark, Line2D):
        return _line_hits(mark, box, fig)
    if isinstance(mark, Collection):
        return _collection_hits(mark, box, fig)
    if isinstance(mark, Patch):  # (a patch's reach is its extent: measured once, not once per text)
        return _hatched_hits(mark, box, renderer, reach)
    return False


def saved_region(fig, renderer) -> Bbox:
    """The part of the figure a saved file shows, in display pixels: the tight bounding box padded as
    save_figure does (``savefig.bbox = "tight"``), else the whole figure."""
    if matplotlib.rcParams["savefig.bbox"] != "tight":
        return fig.bbox
    inches = tight_bbox(fig)
    return Bbox(inches.get_points() * fig.dpi) if isinstance(inches, Bbox) else fig.bbox


def layout_problems(fig, max_width_px: int = MAX_WIDTH_PX, saved_dpi: float | None = None,
                    max_height_px: int = MAX_HEIGHT_PX) -> list[Problem]:
    """Every layout problem of ``fig`` (see the module's docstring), measured once it is drawn, as
    :func:`~mfgghg.plots.style.save_figure` draws and saves it: within the project's look
    (:func:`~mfgghg.plots.style.project_rc`: a tight bounding box, the PNG's dpi), whatever the
    caller's own settings. ``saved_dpi``: the dpi of the saved image (default: the PNG's)."""
    with matplotlib.rc_context(project_rc()):
        return _layout_problems(fig, max_width_px, saved_dpi, max_height_px)


def _layout_problems(fig, max_width_px: int, saved_dpi: float | None, max_height_px: int) -> list[Problem]:
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    legends: list = []
    texts = drawn_texts(fig, renderer, legends)
    problems: list[Problem] = []

    for i, j in overlapping_pairs([box for _text, box in texts], TOLERANCE_PX):
        problems.append(Problem("overlap", f"{_describe(texts[i][0])} overlaps {_describe(texts[j][0])}"))

    for ax in _frames(fig):
        frame = ax.bbox
        for text, box in texts:
            if boxes_overlap(box, frame, TOLERANCE_PX) and not _inside(box, frame):
                problems.append(Problem("frame", f"{_describe(text)} straddles the frame of {_axes_name(ax)}"))

    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for mark in _data_artists(ax):
            reach = _reach(mark, fig, renderer)  # where the mark can be at all: texts elsewhere are skipped
            if reach is None:
                continue
            clip = mark.get_clip_box() if mark.get_clip_on() else None
            for text, box in texts:
                if not boxes_overlap(box, reach):
                    continue
                clipped = box if clip is None else Bbox.intersection(box, clip)
                if clipped is None or clipped.width <= 0 or clipped.height <= 0:
                    continue
                if _crosses(mark, clipped, fig, renderer, reach):
                    problems.append(Problem("line", f"{_describe(mark)} of {_axes_name(ax)} passes through "
                                                    f"{_describe(text)}"))

    region = saved_region(fig, renderer)
    extents = [(text, box) for text, box in texts]
    for legend in legends:
        if legend.get_visible():
            extents.append((legend, legend.get_window_extent(renderer)))
    for ax in fig.axes:  # (their tick labels and titles are among the texts)
        if ax.get_visible():
            extents.append((ax, ax.bbox))
    for artist, box in extents:
        if not _inside(box, region):
            what = _axes_name(artist) if artist in fig.axes else _describe(artist)
            problems.append(Problem("canvas", f"{what} is drawn outside the saved image"))

    dpi = saved_dpi or (fig.dpi if matplotlib.rcParams["savefig.dpi"] == "figure"
                        else float(matplotlib.rcParams["savefig.dpi"]))
    width = region.width / fig.dpi * dpi
    if round(width) > max_width_px:
        problems.append(Problem("width", f"{round(width)} px wide at {dpi:g} dpi (at most {max_width_px})"))
    height = region.height / fig.dpi * dpi
    if round(height) > max_height_px:
        problems.append(Problem("height", f"{round(height)} px tall at {dpi:g} dpi (at most {max_height_px})"))
    return problems


def check_layout(fig, name: str = "figure", **kwargs) -> None:
    """Raise :class:`LayoutError` naming ``name`` and every problem :func:`layout_problems` finds."""
    problems = layout_problems(fig, **kwargs)
    if problems:
        raise LayoutError(f"{name}: {len(problems)} layout problem(s):\n" + "\n".join(f"  {p}" for p in problems))

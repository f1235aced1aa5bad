"""The shared figure look: CJK font, identical bytes on re-save, titles, source lines, editions."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mfgghg.plots.style import CJK_FAMILY, apply_style, cjk_texts, figure_title, save_figure, source_line  # noqa: E402
from mfgghg.i18n import MissingTranslation, _, set_lang  # noqa: E402


@pytest.fixture(autouse=True)
def chinese_edition():
    set_lang("zh-TW")
    yield
    set_lang("zh-TW")


def test_cjk_font_survives_seaborn_theme_and_draws_without_missing_glyphs(tmp_path):
    apply_style()
    assert matplotlib.rcParams["font.sans-serif"][0] == CJK_FAMILY
    fig, ax = plt.subplots()
    ax.set_title("製造部門溫室氣體排放 −1.3")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        fig.savefig(tmp_path / "x.png")
    plt.close(fig)


def test_saving_twice_gives_identical_bytes(tmp_path):
    apply_style()
    data = pd.DataFrame({"year": [2016, 2017], "value": [1.5, 2.5]})
    digests = []
    for run in ("a", "b"):
        fig, ax = plt.subplots()
        ax.plot(data["year"], data["value"], label="排放值")
        ax.legend()
        ax.set_title("測試")
        save_figure(fig, "t", tmp_path / run, data, caption="cap")
        plt.close(fig)
        digests.append({p.name: p.read_bytes() for p in (tmp_path / run).iterdir()})
    assert digests[0] == digests[1]
    assert set(digests[0]) == {"t.png", "t.svg", "t.csv", "t.meta.json"}
    assert b"Software" not in digests[0]["t.png"] and b"<dc:date>" not in digests[0]["t.svg"]


def test_saving_lays_a_tight_figure_out_once_per_file_and_keeps_its_pixels(tmp_path, monkeypatch):
    """After tight_layout, savefig would lay the figure out again before each file; save_figure skips
    that pass (two draws, not four), writes a PNG of the same pixels as savefig with it, and puts the
    engine back."""
    from matplotlib.figure import Figure

    from PIL import Image

    from mfgghg.plots.style import tight_bbox

    apply_style()

    def tight_figure():
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.barh(["製造部門", "能源部門"], [3.5, 1.25])
        ax.set_title("減碳量（萬公噸CO$_2$e）")
        fig.tight_layout()
        return fig

    fig = tight_figure()
    engine = fig.get_layout_engine()
    assert engine is not None  # the placeholder tight_layout leaves: what makes savefig lay out again
    draws = []
    draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (draws.append(1), draw(self, renderer))[1])
    save_figure(fig, "t", tmp_path / "ours", pd.DataFrame({"x": [1]}))
    monkeypatch.undo()
    assert len(draws) == 2
    assert fig.get_layout_engine() is engine
    reference = tight_figure()
    reference.savefig(tmp_path / "reference.png", metadata={"Software": None}, bbox_inches=tight_bbox(reference))
    ours, theirs = Image.open(tmp_path / "ours" / "t.png"), Image.open(tmp_path / "reference.png")
    assert ours.size == theirs.size and ours.info["dpi"] == theirs.info["dpi"]
    assert ours.convert("RGBA").tobytes() == theirs.convert("RGBA").tobytes()  # the same pixels (ours as RGB)
    plt.close("all")


def test_figure_title_reads_titles_at_any_location():
    fig, (a, b) = plt.subplots(1, 2)
    a.set_title("left one", loc="left")
    b.set_title("centre one")
    assert figure_title(fig) == "left one / centre one"
    fig.suptitle("the figure")
    assert figure_title(fig) == "the figure"
    plt.close(fig)


def test_source_line_in_both_editions():
    assert source_line(2021, ["表6"]) == "資料來源：110年執行成果報告 表6"
    set_lang("en")
    assert source_line(2021, ["表6", "附件"]) == "Source: 2021 (ROC 110) execution report, Table 6, Annex"


def test_english_edition_refuses_untranslated_text():
    set_lang("en")
    assert _("經濟部工業局") == "Industrial Development Bureau, MOEA"
    with pytest.raises(MissingTranslation, match="translations.csv"):
        _("這句沒有翻譯")


def test_cjk_texts_finds_chinese_left_in_a_figure():
    fig, ax = plt.subplots()
    ax.set_xlabel("year")
    ax.set_title("排放")
    assert cjk_texts(fig) == ["排放"]
    plt.close(fig)


def test_unknown_language_is_refused():
    from mfgghg.errors import ParameterError

    with pytest.raises(ParameterError, match="unknown language 'fr'"):
        set_lang("fr")


def test_shared_text_metrics_change_no_byte(tmp_path, monkeypatch):
    """apply_style shares Agg text sizes across renderers of one dpi (a speed-up): the files are
    the same as with matplotlib's own per-renderer cache."""
    from matplotlib import text

    apply_style()
    shared = text._get_text_metrics_function
    assert shared.shared_by_dpi
    data = pd.DataFrame({"x": [1, 2, 3]})

    def draw(folder):
        fig, (a, b) = plt.subplots(1, 2, figsize=(6, 3))
        a.barh(["製造部門", "能源部門", "運輸部門"], [3.5, -1.25, 2])
        a.set_title("減碳量（萬公噸CO$_2$e）")
        b.plot([2016, 2021], [1e3, 2.5e5], label="排放")
        b.set_yscale("log")
        b.legend(title="圖例")
        fig.suptitle("行動方案 2021")
        fig.tight_layout()
        save_figure(fig, "m", folder, data)
        plt.close(fig)
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    with_shared = draw(tmp_path / "shared")
    monkeypatch.setattr(text, "_get_text_metrics_function", shared.per_renderer)
    assert with_shared == draw(tmp_path / "own")


def test_text_drawing_replacements_change_no_byte(tmp_path, monkeypatch):
    """apply_style installs Agg's glyph loop with its matrix computed once per text, text-to-path
    that loads only the glyphs whose outline it keeps, line heights from font tables read once, and
    math text parsed once per kind of output (speed-ups): PNG and SVG are the same bytes as with
    matplotlib's own, for CJK and Latin text, repeated glyphs, rotated text, text of several lines
    and sizes, math text (log ticks, subscripts) and text drawn without antialiasing."""
    from matplotlib import text
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.mathtext import MathTextParser
    from matplotlib.textpath import TextToPath

    from mfgghg.runner.fast import textdraw

    apply_style()
    assert RendererAgg._draw_text_glyphs_and_boxes is textdraw._draw_text_glyphs_and_boxes
    assert TextToPath.get_glyphs_with_font is textdraw.get_glyphs_with_font
    assert text.get_font is textdraw.font_tables
    assert MathTextParser._parse_cached is textdraw._parse_cached

    def draw(folder):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.text(0.05, 0.9, "兩行文字\nsecond line 2", fontsize=7, transform=ax.transAxes)
        ax.bar(["製造部門", "能源部門"], [3.5, 250.0])
        ax.set_yscale("log")
        ax.set_title("減碳量（萬公噸CO$_2$e）部門部門")
        ax.text(0.2, 0.5, "斜 rotated 2021", rotation=30, transform=ax.transAxes)
        ax.text(0.5, 0.2, "aliased 文字", antialiased=False, transform=ax.transAxes)
        fig.tight_layout()
        save_figure(fig, "t", folder, pd.DataFrame({"x": [1]}))
        plt.close(fig)
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    ours = draw(tmp_path / "ours")
    monkeypatch.setattr(RendererAgg, "_draw_text_glyphs_and_boxes", textdraw._draw_text_glyphs_and_boxes.original)
    monkeypatch.setattr(TextToPath, "get_glyphs_with_font", textdraw.get_glyphs_with_font.original)
    monkeypatch.setattr(text, "get_font", textdraw.font_tables.original)
    monkeypatch.setattr(MathTextParser, "_parse_cached", textdraw._parse_cached.original)
    assert ours == draw(tmp_path / "matplotlib")


def test_axes_reusing_their_tick_labels_change_no_byte(tmp_path):
    """apply_style makes an axis reuse, within one draw or measurement, the ticks and label boxes it
    has just worked out (a speed-up): PNG and SVG are the same bytes as with matplotlib's own, with
    axis labels, shared and aligned axes, a log axis, an offset text, a twin axis and the tight
    layout and bounding box."""
    from matplotlib.axis import Axis

    from mfgghg.runner.fast import axisdraw

    apply_style()
    assert Axis._update_ticks is axisdraw._update_ticks

    def draw(folder):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(4, 4), sharex=True)
        top.plot([1, 2, 3], [1e6 + 1, 1e6 + 5, 1e6 + 2])  # ticks with an offset text
        top.set_ylabel("排放量 (公噸)")
        bottom.bar(["製造", "能源", "運輸"], [3.5, 250.0, 40.0])
        bottom.set_yscale("log")
        bottom.set_ylabel("log 值")
        bottom.set_xlabel("部門")
        twin = bottom.twinx()
        twin.plot([0, 1, 2], [0.1, 0.5, 0.3], color="k")
        twin.set_ylabel("比率")
        fig.align_ylabels([top, bottom])
        fig.tight_layout()
        save_figure(fig, "t", folder, pd.DataFrame({"x": [1]}))
        plt.close(fig)
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    ours = draw(tmp_path / "ours")
    axisdraw.uninstall()
    try:
        assert Axis._update_ticks is not axisdraw._update_ticks
        assert ours == draw(tmp_path / "matplotlib")
    finally:
        axisdraw.install()


def test_fonts_read_from_memory_change_no_byte(tmp_path, monkeypatch):
    """apply_style makes font objects read their file from memory (a speed-up): PNG, SVG and PDF
    are the same bytes as with fonts read from disk, and a font's file name still reads as its path."""
    from matplotlib import font_manager

    from mfgghg.plots.style import FontFileInMemory, _get_font_from_memory

    apply_style()
    assert font_manager._get_font is _get_font_from_memory
    prop = font_manager.FontProperties(family=[CJK_FAMILY])
    font = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(prop))
    assert isinstance(font.fname, FontFileInMemory)
    assert str(font.fname) == font_manager.findfont(prop) and font.family_name == CJK_FAMILY

    def draw(folder):
        font_manager._get_font.cache_clear()
        folder.mkdir()
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.bar(["製造", "Other"], [3.5, -1.25])
        ax.set_title("減碳量 CO$_2$e")
        for ext in ("png", "svg", "pdf"):
            fig.savefig(folder / f"f.{ext}", metadata={"png": {"Software": None}, "svg": {"Date": None},
                                                       "pdf": {"CreationDate": None}}[ext])
        plt.close(fig)
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    from_memory = draw(tmp_path / "memory")
    monkeypatch.setattr(font_manager, "_get_font", _get_font_from_memory.from_disk)
    assert from_memory.keys() == {"f.png", "f.svg", "f.pdf"}
    assert from_memory == draw(tmp_path / "disk")


def test_unseen_minor_ticks_of_a_log_axis_are_left_out_and_the_png_is_the_same(tmp_path):
    """Over several decades in this style (no tick marks, no minor grid, no minor labels), the minor
    ticks of a log axis draw nothing: leaving them out changes no pixel (the SVG loses only their
    empty groups). Where they would show, they are kept: a view within a decade or two (minor
    labels), a minor grid, tick marks, and a linear axis."""
    from matplotlib.ticker import NullLocator

    from mfgghg.plots.style import omit_unseen_minor_ticks

    apply_style()

    def figure(left, right, omit):
        fig, ax = plt.subplots(figsize=(4, 2))
        ax.barh(["製造", "能源"], [left, right])
        ax.set_xscale("log")
        ax.set_xlim(left * 0.75, right * 1.25)
        fig.tight_layout()
        return fig, ax, (omit_unseen_minor_ticks(ax.xaxis) if omit else None)

    files = {}
    for omit in (False, True):
        fig, ax, omitted = figure(30, 4e6, omit)
        save_figure(fig, "log", tmp_path / str(omit), pd.DataFrame({"x": [1]}))
        files[omit] = (tmp_path / str(omit) / "log.png").read_bytes()
    assert omitted and isinstance(ax.xaxis.get_minor_locator(), NullLocator)
    assert files[True] == files[False]

    fig, ax, omitted = figure(20, 80, True)  # a view of 15 to 100: one power of ten, labelled minor ticks
    assert not omitted and any(t.get_text() for t in ax.xaxis.get_minorticklabels())
    plt.close(fig)
    for rc in ({"xtick.bottom": True}, {"axes.grid.which": "both"}):
        with matplotlib.rc_context(rc):
            fig, ax, omitted = figure(30, 4e6, True)
            assert not omitted
            plt.close(fig)
    fig, ax = plt.subplots()
    assert not omit_unseen_minor_ticks(ax.xaxis)  # linear
    plt.close(fig)


def test_math_text_parses_are_shared_by_parsers_but_not_by_threads_or_across_a_fork():
    """A parse into paths holds font objects: kept for every parser of its kind, per thread, and
    dropped in a forked child (as matplotlib's own fonts)."""
    import os
    import threading

    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    from mfgghg.runner.fast import textdraw

    apply_style()
    label, prop = r"$\mathdefault{10^{3}}$", FontProperties(size=9)
    first = MathTextParser("path").parse(label, 72, prop)
    assert MathTextParser("path").parse(label, 72, prop) is first  # another parser, the same parse
    in_thread = []
    worker = threading.Thread(target=lambda: in_thread.append(MathTextParser("path").parse(label, 72, prop)))
    worker.start()
    worker.join()
    assert in_thread[0] is not first and in_thread[0].width == first.width
    assert textdraw._math_parsed.cache_info().currsize > 0
    pid = os.fork()
    if pid == 0:
        os._exit(0 if textdraw._math_parsed.cache_info().currsize == 0 else 1)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0

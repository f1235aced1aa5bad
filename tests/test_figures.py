"""The shared figure look: CJK font, identical bytes on re-save, titles, source lines, editions."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from mfgghg.plots.style import (CJK_FAMILY, use_cjk_font, cjk_texts, figure_title, save_figure, source_line,
                                 wrap_label)
from mfgghg.i18n import MissingTranslation, _, set_lang


@pytest.fixture(autouse=True)
def chinese_edition():
    set_lang("zh-TW")
    yield
    set_lang("zh-TW")


def test_cjk_font_survives_seaborn_theme_and_draws_without_missing_glyphs(tmp_path):
    use_cjk_font()
    assert matplotlib.rcParams["font.sans-serif"][0] == CJK_FAMILY
    fig, ax = plt.subplots()
    ax.set_title("製造部門溫室氣體排放 −1.3")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        fig.savefig(tmp_path / "x.png")
    plt.close(fig)


def test_a_png_written_by_pillow_is_deflated_at_the_projects_zlib_level(tmp_path):
    """Outside the runner's batch kernels Pillow writes the PNG: at zlib level 3 (quicker and, for these
    charts, smaller than its default 6), which the zlib header's level bits say (01: levels 2-5)."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["實質", "預期"], [1, 2])
    try:
        save_figure(fig, "zlib", tmp_path, pd.DataFrame({"x": [1]}))
    finally:
        plt.close(fig)
    data = (tmp_path / "zlib.png").read_bytes()
    start = data.index(b"IDAT") + 4
    assert data[start] == 0x78 and data[start + 1] >> 6 == 1, data[start:start + 2].hex()


def test_saving_twice_gives_identical_bytes(tmp_path):
    use_cjk_font()
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


def test_the_svg_keeps_its_text_as_text_in_the_cjk_font_with_a_fallback(tmp_path):
    """A reader can search and edit the SVG's words: each text is a <text> element (not glyph outlines),
    its font the CJK one first and a generic sans-serif last, for a viewer without it."""
    import xml.etree.ElementTree as ET

    from mfgghg.plots.style import CJK_FAMILY

    use_cjk_font()
    fig, ax = plt.subplots()
    ax.bar(["能源局", "工業局"], [1.5, 2.5])
    ax.set_title("減碳量 2021")
    save_figure(fig, "t", tmp_path, pd.DataFrame({"v": [1.5, 2.5]}))
    plt.close(fig)
    svg = ET.parse(tmp_path / "t.svg").getroot()
    texts = [t for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    shown = {"".join(t.itertext()).strip() for t in texts}
    assert {"減碳量 2021", "能源局", "工業局"} <= shown, shown
    families = {style.split("font-family:")[1].split(";")[0].strip() for style in (t.get("style") for t in texts)}
    assert all(f.startswith(f"'{CJK_FAMILY}'") and f.endswith(", sans-serif") for f in families), families
    glyphs = [e.get("id") for e in svg.iter() if any(f in (e.get("id") or "") for f in ("NotoSansCJK", "DejaVuSans"))]
    assert glyphs == []  # (outlines of characters would be defined under their font's name)


def test_saving_lays_a_tight_figure_out_once_per_file_and_keeps_its_pixels(tmp_path, monkeypatch):
    """After tight_layout, savefig would lay the figure out again before each file; save_figure skips
    that pass (two draws, not four), writes a PNG of the same pixels as savefig with it, and puts the
    engine back."""
    from matplotlib.figure import Figure

    from PIL import Image

    from mfgghg.plots.style import figure_style, project_rc, tight_bbox

    use_cjk_font()

    @figure_style  # (a figure of the project's: its look)
    def tight_figure():
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.barh(["製造部門", "能源部門"], [3.5, 1.25])
        ax.set_title("減碳量（萬公噸CO2e）")
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
    with matplotlib.rc_context(project_rc()):
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


def test_labels_wrap_at_a_width_in_cjk_characters_and_twice_that_in_english():
    set_lang("zh-TW")
    try:
        assert wrap_label("節能技術服務" * 3, 6) == "\n".join(["節能技術服務"] * 3)
        assert wrap_label("短名", 6) == "短名" and wrap_label("", 6) == ""
        set_lang("en")
        # 12 letters a line in English for a width of 6, broken at spaces; a longer word is cut
        assert wrap_label("net-zero energy users", 6) == "net-zero\nenergy users"
        assert wrap_label("abcdefghijklmn", 6) == "abcdefghijkl\nmn"
    finally:
        set_lang("zh-TW")


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


def test_unseen_minor_ticks_of_a_log_axis_are_left_out_and_the_png_is_the_same(tmp_path):
    """Over several decades in this style (no tick marks, no minor grid, no minor labels), the minor
    ticks of a log axis draw nothing: leaving them out changes no pixel (the SVG loses only their
    empty groups). Where they would show, they are kept: a view within a decade or two (minor
    labels), a minor grid, tick marks, and a linear axis."""
    from matplotlib.ticker import NullLocator

    from mfgghg.plots.style import label_log_ticks_plainly, omit_unseen_minor_ticks, project_rc

    use_cjk_font()

    def figure(left, right, omit, rc=None):  # in the project's look (and ``rc`` over it), labelled as its figures are
        with matplotlib.rc_context(project_rc()), matplotlib.rc_context(rc or {}):
            fig, ax = plt.subplots(figsize=(4, 2))
            ax.barh(["製造", "能源"], [left, right])
            ax.set_xscale("log")
            ax.set_xlim(left * 0.75, right * 1.25)
            label_log_ticks_plainly(ax.xaxis)
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
        fig, ax, omitted = figure(30, 4e6, True, rc)
        assert not omitted
        plt.close(fig)
    fig, ax = plt.subplots()
    assert not omit_unseen_minor_ticks(ax.xaxis)  # linear
    plt.close(fig)


@pytest.mark.parametrize("value, label", [(0.01, "0.01"), (0.05, "0.05"), (0.1, "0.1"), (2, "2"), (10, "10"),
                                          (1000, "1,000"), (300000, "300,000"), (0, ""), (-1, "")])
def test_plain_number_writes_a_log_ticks_value_in_full(value, label):
    from mfgghg.plots.style import plain_number

    assert plain_number(value) == label


def test_log_ticks_are_labelled_as_plain_numbers_and_drawn_without_math_text():
    """Over several decades only the powers of ten carry a label, within one decade the minor ticks as
    well, as matplotlib's own log labels do; every label is a plain number, none math text."""
    from mfgghg.plots.style import label_log_ticks_plainly, omit_unseen_minor_ticks, project_rc

    def shown(left, right):
        with matplotlib.rc_context(project_rc()):
            fig, ax = plt.subplots(figsize=(6, 2))
            ax.set_xscale("log")
            ax.set_xlim(left, right)
            label_log_ticks_plainly(ax.xaxis)
            omit_unseen_minor_ticks(ax.xaxis)
            fig.draw_without_rendering()
        labels = [t.get_text() for t in ax.xaxis.get_majorticklabels() + ax.xaxis.get_minorticklabels()
                  if t.get_text()]
        plt.close(fig)
        return labels

    wide = shown(0.05, 2e5)
    assert {"0.1", "1", "10", "100", "1,000", "10,000", "100,000"} <= set(wide)
    assert "2" not in wide and "20" not in wide  # minor ticks unlabelled over many decades
    narrow = shown(15, 90)
    assert {"20", "30"} <= set(narrow)  # (matplotlib picks which minor ticks to label)
    assert not any("$" in label for label in wide + narrow)
    fig, ax = plt.subplots()
    label_log_ticks_plainly(ax.xaxis)  # a linear axis keeps its own labels
    assert not isinstance(ax.xaxis.get_major_formatter(), matplotlib.ticker.LogFormatter)
    plt.close(fig)


def test_translations_come_from_the_reference_table_and_a_draft_overrides_it(tmp_path):
    from conftest import REPO
    from mfgghg.data.translations import read_translations

    table = read_translations(REPO / "data" / "reference")
    assert table["經濟部工業局"] == "Industrial Development Bureau, MOEA"
    assert read_translations(REPO / "data" / "reference", validate=False) == table  # (the runner's read)
    draft = tmp_path / "draft.csv"
    draft.write_text("zh_tw,en\n經濟部工業局,IDB\n新名詞,New term\n", encoding="utf-8")
    drafted = read_translations(REPO / "data" / "reference", [draft])
    assert drafted["經濟部工業局"] == "IDB" and drafted["新名詞"] == "New term"
    assert len(drafted) == len(table) + 1


def test_translations_are_decoded_as_every_data_file_and_a_table_without_its_columns_is_one_line(tmp_path):
    """A translations table or draft saved by Excel on a Traditional Chinese Windows (Big5, or UTF-8
    with a byte-order mark) reads as the validated read reads it, in the runner's pandas-free read too."""
    import shutil

    from conftest import REPO
    from mfgghg.data.translations import TABLE_FILE, read_translations
    from mfgghg.errors import DataError

    reference = tmp_path / "reference"
    shutil.copytree(REPO / "data" / "reference", reference)
    table = reference / TABLE_FILE
    def big5(line: str) -> bool:
        try:
            return bool(line.encode("cp950"))
        except UnicodeEncodeError:
            return False

    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if big5(line)]  # (the rows Big5 can hold)
    assert len(kept) > len(lines) / 2
    table.write_text("".join(kept), encoding="utf-8")
    plain = read_translations(reference, validate=False)
    table.write_bytes("".join(kept).encode("cp950"))
    assert read_translations(reference) == read_translations(reference, validate=False) == plain
    draft = tmp_path / "draft.csv"
    draft.write_bytes("\ufeffzh_tw,en\r\n新名詞,New term\r\n,\r\n".encode("utf-8"))
    assert read_translations(reference, [draft], validate=False)["新名詞"] == "New term"
    draft.write_bytes("zh_tw,en\n經濟部,MOEA\n".encode("cp950"))
    assert read_translations(reference, [draft])["經濟部"] == "MOEA"
    draft.write_text("zh_tw,english\n經濟部,MOEA\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column") as info:
        read_translations(reference, [draft], validate=False)
    assert (info.value.file, info.value.row, info.value.column) == (str(draft), 1, "en")
    assert len(str(info.value).splitlines()) == 1


def test_overlapping_pairs_are_those_of_every_pair_in_their_order():
    """The layout check's sweep finds the pairs that comparing every pair finds, in the same order:
    boxes that touch, nest, are inverted, share an edge within the tolerance, or are not finite."""
    import itertools
    import random

    from matplotlib.transforms import Bbox

    from mfgghg.plots.layout import TOLERANCE_PX, overlapping_pairs
    from mfgghg.plots.style import boxes_overlap

    r = random.Random(7)
    for n in (0, 1, 2, 5, 40, 120):
        boxes = []
        for _i in range(n):
            x, y = r.choice([r.uniform(0, 300), float(r.randint(0, 30) * 10)]), r.uniform(0, 300)
            w, h = r.choice([r.uniform(-5, 60), 10.0, 1.0, 0.0]), r.uniform(1, 40)
            boxes.append(Bbox.from_bounds(x, y, w, h))
        if n > 5:
            boxes[3] = Bbox.from_extents(float("nan"), 0, 10, 10)
        for candidates in (boxes, boxes[4:] if n > 5 else boxes):
            for tol in (0.0, TOLERANCE_PX):
                every = [(i, j) for i, j in itertools.combinations(range(len(candidates)), 2)
                         if boxes_overlap(candidates[i], candidates[j], tol)]
                assert overlapping_pairs(candidates, tol) == every

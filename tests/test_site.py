"""Notebook pages: the batch run's exporter (runner/fast/pageexporter.py), which skips nbconvert's
BeautifulSoup pass, writes the same page as nbconvert's own."""

from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from mfgghg.runner.fast.pageexporter import NO_ALT, accessible_markup, page_exporter

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_page_is_nbconverts_page():
    # 04 (the smallest with figures) has images, HTML tables, stdout and markdown: every kind of
    # output the pages show
    nb = nbformat.read(NOTEBOOKS / "04_carbon_intensity.ipynb", as_version=4)
    reference = HTMLExporter(template_name="lab")
    reference.log.setLevel("ERROR")
    expected, _ = reference.from_notebook_node(nb)
    page, _ = page_exporter().from_notebook_node(nb)
    assert page.count(f'alt="{NO_ALT}"') == sum(
        "image/png" in out.get("data", {}) for cell in nb.cells for out in cell.get("outputs", []))
    # nbconvert's page is BeautifulSoup's serialisation; ours, parsed and serialised the same way, is equal
    assert str(BeautifulSoup(page, features="html.parser")) == expected


def test_accessible_markup():
    page = ('<div class="jp-Cell jp-Cell-inputWrapper">x</div><div class="jp-OutputArea-outputs">'
            '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain">'
            '<img src="a.png" alt="kept"><img src="b.png"\nclass=""\n><img src="c.png"/></div></div>')
    assert accessible_markup(page) == (
        '<div class="jp-Cell jp-Cell-inputWrapper" tabindex="0">x</div><div class="jp-OutputArea-outputs">'
        '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain" tabindex="0">'
        f'<img src="a.png" alt="kept"><img src="b.png"\nclass="" alt="{NO_ALT}">'
        f'<img src="c.png" alt="{NO_ALT}"/></div></div>'
    )


def test_only_highlighted_code_skips_the_html_cleaner():
    from mfgghg.runner.fast.pageexporter import HIGHLIGHTED, clean_html_unless_highlighted

    highlighted = HIGHLIGHTED + 'python"><pre><span class="n">x</span></pre></div>'
    assert clean_html_unless_highlighted(highlighted) == highlighted
    assert "<script" not in clean_html_unless_highlighted('<p>a</p><script>alert(1)</script>')


def test_executed_notebook_read_without_validation_is_nbformats_read():
    from mfgghg.runner.site import read_executed

    path = NOTEBOOKS / "04_carbon_intensity.ipynb"
    assert read_executed(path) == nbformat.read(path, as_version=4)


def test_page_writer_process_writes_the_page_and_names_what_failed(tmp_path):
    """The page writer (a process that warms up first) writes the page render_notebook writes here."""
    import pytest

    from mfgghg.runner.fast.pagewriter import PageWriter, PageWriterError
    from mfgghg.runner.site import render_notebook

    notebook = NOTEBOOKS / "04_carbon_intensity.ipynb"
    with PageWriter() as writer:
        page = writer.submit(notebook, tmp_path / "process").result()
        with pytest.raises(PageWriterError, match=r"^missing\.ipynb: page not written: FileNotFoundError"):
            writer.submit(tmp_path / "missing.ipynb", tmp_path / "process").result()
        assert writer.submit(notebook, tmp_path / "again").result().is_file()  # still serving
    assert writer.process.returncode == 0
    assert page == tmp_path / "process" / "04_carbon_intensity.html"
    assert page.read_text(encoding="utf-8") == render_notebook(notebook, tmp_path / "here").read_text(encoding="utf-8")


def test_one_page_writer_serves_every_run_of_a_process():
    from mfgghg.runner.fast.pagewriter import shared_page_writer

    first = shared_page_writer()
    assert shared_page_writer() is first and first.process.poll() is None


def test_the_index_links_the_years_processed_data_package(tmp_path):
    from mfgghg.runner.site import DATA_DIR, build_index

    figures = tmp_path / "figures"
    figures.mkdir()
    assert 'datapackage.json' not in build_index(figures, 2021, []).read_text(encoding="utf-8")
    (figures / DATA_DIR).mkdir()
    (figures / DATA_DIR / "datapackage.json").write_text("{}", encoding="utf-8")
    page = build_index(figures, 2021, [], "en").read_text(encoding="utf-8")
    assert f'<a href="{DATA_DIR}/datapackage.json">' in page and "Frictionless Data Package" in page


def test_the_page_names_version_commit_source_report_licence_and_citation_in_both_editions(tmp_path):
    """The footer of the yearly page, from the year's data package in the figure set."""
    import html
    import shutil

    from mfgghg.data.provenance import DATA_LICENSE, citation, current_commit, project_version
    from mfgghg.runner.site import DATA_DIR, build_index

    repo = Path(__file__).resolve().parent.parent
    figures = tmp_path / "figures"
    shutil.copytree(repo / "data" / "processed" / "2021", figures / DATA_DIR)
    commit = current_commit()
    for lang, words in (("zh-TW", ("專案版本", "提交", "來源報告", "發行者：經濟部", "授權", "引用方式", "不重新授權")),
                        ("en", ("Project version", "Commit", "Source report", "publisher: 經濟部", "Licence",
                                "How to cite", "does not relicense"))):
        page = build_index(figures, 2021, [], lang).read_text(encoding="utf-8")
        footer = page.split('<section id="provenance">', 1)[1].split("</section>", 1)[0]
        for word in words:
            assert word in footer, (lang, word)
        assert f"mfgghg {project_version()}" in footer and f"<code>{commit.text}</code>" in footer
        assert "製造部門溫室氣體排放管制行動方案110年執行成果報告" in footer and "2021" in footer
        assert "CC BY 4.0" in footer and DATA_LICENSE["path"] in footer and "MIT" in footer
        assert html.escape(citation(2021, commit)) in footer
        assert "Taipei Times" in footer  # the outside sources, with their addresses as text, not links
        assert "<a " not in footer


def test_without_the_years_data_the_page_still_names_version_commit_licence_and_citation(tmp_path):
    import html

    from mfgghg.data.provenance import citation, current_commit, project_version
    from mfgghg.runner.site import build_index

    page = build_index(tmp_path, 2099, [], "en").read_text(encoding="utf-8")
    assert f"mfgghg {project_version()}" in page and current_commit().text in page and "CC BY 4.0" in page
    assert html.escape(citation(2099, current_commit())) in page and "Source report" not in page


def test_each_editions_page_links_to_the_other(tmp_path):
    """The Chinese page links to en/index.html and the English one back, each link resolving to the
    other edition's page where the runner puts them (figures/<year>/ and figures/<year>/en/), once both
    are published; with one edition only, its page links to nothing that is not there."""
    import re

    from mfgghg.runner.site import build_index, link_editions

    zh_dir, en_dir = tmp_path / "2021", tmp_path / "2021" / "en"
    zh_dir.mkdir(parents=True)
    zh = build_index(zh_dir, 2021, [], "zh-TW")
    assert link_editions(zh_dir) == [] and "hreflang" not in zh.read_text(encoding="utf-8")
    en_dir.mkdir(parents=True)
    pages = {"zh-TW": zh, "en": build_index(en_dir, 2021, [], "en")}
    assert sorted(link_editions(zh_dir)) == sorted(pages.values())
    assert link_editions(zh_dir) == []  # (linked once)
    for lang, other in (("zh-TW", "en"), ("en", "zh-TW")):
        text = pages[lang].read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', text)
        assert len(links) == 1, links
        href, hreflang = links[0]
        assert hreflang == other
        assert (pages[lang].parent / href).resolve() == pages[other].resolve()
    assert "English edition" in pages["zh-TW"].read_text(encoding="utf-8")
    assert "中文版" in pages["en"].read_text(encoding="utf-8")

"""Notebook pages: the batch run's exporter (runner/fast/pageexporter.py), which skips nbconvert's
BeautifulSoup pass, writes the same page as nbconvert's own. The yearly page (runner/site.py): its
links, its provenance footer, and one language in each edition."""

import html
import json
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from mfgghg.runner.fast.pageexporter import NO_ALT, accessible_markup, page_exporter

from language_helpers import english_prose

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
    import shutil

    from mfgghg.data.provenance import DATA_LICENSE, citation, current_commit, project_version
    from mfgghg.runner.site import DATA_DIR, build_index

    repo = Path(__file__).resolve().parent.parent
    figures = tmp_path / "figures"
    shutil.copytree(repo / "data" / "processed" / "2021", figures / DATA_DIR)
    commit = current_commit()
    for lang, words in (("zh-TW", ("專案版本", "提交", "來源報告", "發行者：經濟部", "授權", "引用方式", "不重新授權",
                                   "製造部門溫室氣體排放管制行動方案110年執行成果報告")),
                        ("en", ("Project version", "Commit", "Source report", "publisher: Ministry of Economic Affairs",
                                "Licence", "How to cite", "does not relicense", "Execution report of the"))):
        page = build_index(figures, 2021, [], lang).read_text(encoding="utf-8")
        footer = page.split('<section id="provenance">', 1)[1].split("</section>", 1)[0]
        for word in words:
            assert word in footer, (lang, word)
        sha, beside = commit.shown(lang)  # (the sha as code, and the words beside it in the edition's language)
        assert f"mfgghg {project_version()}" in footer and (sha is None or f"<code>{sha}</code>" in footer)
        assert beside in footer
        assert "2021" in footer
        assert "CC BY 4.0" in footer and DATA_LICENSE["path"] in footer and "MIT" in footer
        assert html.escape(citation(2021, commit, lang=lang)) in footer
        assert "Taipei Times" in footer  # the outside sources, with their addresses as text, not links
        assert "<a " not in footer


# Names that identify a thing, which either edition shows as they are: addresses, file, folder and
# repository names, commits and versions (a run of ASCII holding a /, an _, a digit, or a dot inside a word).
IDENTIFIER = re.compile(r"[!-~]*(?:[/_\d]|\.\w)[!-~]*")


def shown_text(markup: str) -> str:
    """What a reader of ``markup`` reads: tags (and comments) left out, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def english_prose_beside(text: str, names) -> list[str]:
    """English prose in ``text`` once ``names`` and identifiers are taken out."""
    for name in names:
        text = text.replace(name, " ")
    return english_prose(IDENTIFIER.sub(" ", text))


@pytest.mark.parametrize("commit", ["clean", "local changes", "unknown"])
def test_each_edition_of_the_page_speaks_one_language(tmp_path, monkeypatch, commit):
    """The yearly page built from the real 2021 data package: the Chinese edition shows no English
    prose (names of outside sources, acronyms, the names above and what is shown as code stay as they
    are, and so do the figure set's own name, title and authors, as CITATION.cff gives them: a citation
    keeps a work's title) and the English edition no Chinese at all, whatever state the checkout is in
    (a commit with local changes, or none known). The provenance section names every source's title and
    publisher as mfgghg.i18n.outside_title gives them in that edition."""
    import shutil

    from mfgghg.data import provenance
    from mfgghg.data.provenance import DISTRIBUTION, PUBLISHER_KEY, Commit, read_citation

    state = {"clean": Commit("0" * 40), "local changes": Commit("0" * 40, local_changes=True),
             "unknown": Commit(None, note=provenance.NOT_A_CHECKOUT)}[commit]
    monkeypatch.setattr(provenance, "current_commit", lambda: state)
    from mfgghg.i18n import CJK
    from mfgghg.runner.pipeline import discover_notebooks
    from mfgghg.runner.site import DATA_DIR, build_index, notebook_pages_dir

    repo = Path(__file__).resolve().parent.parent
    cff = read_citation()
    names = [cff["title"], *(a["name"] for a in cff["authors"]), DISTRIBUTION]
    pages = {}
    for lang, folder in (("zh-TW", tmp_path / "2021"), ("en", tmp_path / "2021" / "en")):
        shutil.copytree(repo / "data" / "processed" / "2021", folder / DATA_DIR)
        notebooks = [notebook_pages_dir(folder) / f"{nb.stem}.html" for nb in discover_notebooks()]
        pages[lang] = build_index(folder, 2021, notebooks, lang).read_text(encoding="utf-8")

    # (what is shown as code is shown as recorded: addresses, and the commit as the metadata name it)
    chinese = shown_text(re.sub(r"<code>.*?</code>", " ", pages["zh-TW"].split("<body>", 1)[1]))
    prose = [line.strip() for line in chinese.splitlines() if english_prose_beside(line, names)]
    assert not prose, "\n".join(prose)
    english = shown_text(pages["en"].split("<body>", 1)[1])
    assert not CJK.search(english), [line.strip() for line in english.splitlines() if CJK.search(line)]
    for lang, page in pages.items():  # the commit's row says the state, in the edition's language
        sha, beside = state.shown(lang)
        assert (f"<code>{sha}</code>" in page) == (sha is not None) and beside in page
    assert ("with local changes" in english) == (commit == "local changes")

    from mfgghg.i18n import outside_title, translations

    table = translations(validate=False)
    sources = json.loads((repo / "data" / "processed" / "2021" / "datapackage.json").read_text(encoding="utf-8"))
    for lang, page in pages.items():
        footer = page.split('<section id="provenance">', 1)[1]
        for source in sources["sources"]:
            for text in (source["title"], source[PUBLISHER_KEY]):
                assert html.escape(outside_title(text, lang, table)) in footer, (lang, text)


def test_an_outside_title_in_each_edition():
    """English: a Chinese title translated (an error without a row), an English one kept. Chinese: the
    most Chinese of the title and the rows with its English (fewest Latin letters; the title when tied)."""
    import pytest

    from mfgghg.i18n import MissingTranslation, outside_title

    table = {"經濟部": "Ministry of Economic Affairs (MOEA)",
             "經濟部 (Ministry of Economic Affairs)": "Ministry of Economic Affairs (MOEA)",
             "自由時報 (LTN)": "Liberty Times (LTN)", "自由時報 (Liberty Times, LTN)": "Liberty Times (LTN)",
             "Taipei Times（官方說法之新聞報導）": "Taipei Times (news report of official statements)"}

    def chinese(title):
        return outside_title(title, "zh-TW", table)

    assert chinese("經濟部 (Ministry of Economic Affairs)") == "經濟部"  # recorded in both languages
    assert chinese("自由時報 (Liberty Times, LTN)") == chinese("自由時報 (LTN)") == "自由時報 (LTN)"
    assert chinese("Taipei Times (news report of official statements)") == "Taipei Times（官方說法之新聞報導）"
    assert chinese("沒有翻譯的標題") == "沒有翻譯的標題" and chinese("Some Journal") == "Some Journal"
    assert outside_title("經濟部 (Ministry of Economic Affairs)", "en", table) == "Ministry of Economic Affairs (MOEA)"
    assert outside_title("Some Journal", "en", table) == "Some Journal"
    with pytest.raises(MissingTranslation):
        outside_title("沒有翻譯的標題", "en", table)


def test_without_the_years_data_the_page_still_names_version_commit_licence_and_citation(tmp_path):
    from mfgghg.data.provenance import citation, current_commit, project_version
    from mfgghg.runner.site import build_index

    page = build_index(tmp_path, 2099, [], "en").read_text(encoding="utf-8")
    sha, beside = current_commit().shown("en")
    assert f"mfgghg {project_version()}" in page and (sha or "") in page and beside in page and "CC BY 4.0" in page
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

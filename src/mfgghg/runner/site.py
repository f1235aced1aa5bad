"""A page for a year's figure set: ``figures/<year>/index.html``.

Every figure with its title and caption, a link to the data behind it (CSV) and its SVG, and
the executed notebooks rendered as HTML (``figures/<year>/notebooks/``). Plain HTML with no
scripts and no outside resources, so it opens from disk and on any static host.
"""

from __future__ import annotations

import html
import json
import re
import threading
from pathlib import Path

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK TC", "Noto Sans TC", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }}
figure {{ margin: 2rem 0; border-top: 1px solid #ddd; padding-top: 1rem; }}
img {{ max-width: 100%; height: auto; }}
figcaption {{ font-size: 0.95rem; }}
.links a {{ margin-right: 1rem; }}
</style>
</head>
<body>
<h1>{title}</h1>
{edition_link}
<p>{intro}</p>
{data_link}
<h2>{notebooks_heading}</h2>
<ul>
{notebook_items}
</ul>
<h2>{figures_heading}</h2>
{figure_items}
</body>
</html>
"""

# Where each edition's page finds the other's: the English set lives in the Chinese year folder's en/.
OTHER_EDITION = {"zh-TW": ("en/index.html", "en"), "en": ("../index.html", "zh-TW")}
EDITION_MARK = "<!-- the other edition's link -->"  # replaced by link_editions once both pages are published

DATA_DIR = "data"  # the year's processed tables inside a figure set (see runner.pipeline.ship_processed_data)

TEXT = {
    "zh-TW": {
        "title": "{roc}年製造部門溫室氣體排放管制行動方案執行成果：圖表",
        "intro": "每張圖附上其資料（CSV）。所有數值皆由 data/ 中的資料計算。",
        "notebooks": "執行後的筆記本",
        "figures": "圖表",
        "data": "資料 (CSV)",
        "tables": "本年度處理後資料表（CSV 與 Frictionless 資料包描述 datapackage.json）",
        "other_edition": "English edition",
    },
    "en": {
        "title": "Manufacturing-sector GHG action plan, {year} execution report: figures",
        "intro": "Each figure links to the data behind it (CSV). Every number is computed from the files in data/.",
        "notebooks": "Executed notebooks",
        "figures": "Figures",
        "data": "data (CSV)",
        "tables": "This year's processed tables (CSV, described by a Frictionless Data Package, datapackage.json)",
        "other_edition": "中文版",
    },
}


def render_notebook(executed: Path, out_dir: Path) -> Path:
    """One executed notebook as a standalone HTML file in ``out_dir`` (the runner calls this as soon
    as the notebook is done, so pages are written while other notebooks still run)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = read_executed(executed)
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": executed.stem}})
    target = out_dir / f"{executed.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def warm_up_pages() -> None:
    """Build this thread's exporter and render a one-cell notebook, so that the templates are compiled
    and the code highlighter is loaded (most of the cost of the first page) before the first real
    page: the page writer (:mod:`mfgghg.runner.fast.pagewriter`) does this as it starts, while the ingest runs."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# x"), nbformat.v4.new_code_cell("x = 1")])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    _exporter().from_notebook_node(nb)


def read_executed(path: Path):
    """A notebook papermill has just written (and validated), read without validating it once more:
    the exporter validates it (once, see ``_exporter``)."""
    import nbformat
    from nbformat.v4.nbjson import JSONReader

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    if nb.get("nbformat") != 4:
        return nbformat.read(path, as_version=4)
    return JSONReader().to_notebook(nb)  # what nbformat.read does, but for its validation


def render_notebooks(executed: list[Path], out_dir: Path) -> list[Path]:
    """Executed notebooks as standalone HTML files in ``out_dir``."""
    return [render_notebook(path, out_dir) for path in executed]


_exporters = threading.local()


def _exporter():
    # One exporter per thread: building one (templates, filters) costs a third of a page, and
    # threads must not share one.
    exporter = getattr(_exporters, "html", None)
    if exporter is None:
        # optimistic_validation: validate the notebook once, after all preprocessors, instead of after
        # each of the dozen (most of them do nothing to these notebooks); nbconvert's own option
        exporter = _page_exporter_class()(template_name="lab", optimistic_validation=True)
        _exporters.html = exporter
    return exporter


def _page_exporter_class():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        """nbconvert's HTML exporter without its final BeautifulSoup pass, which parses and re-writes
        the whole page (embedded images included) to add alt texts and tab stops: more than half of
        the cost of a page. :func:`accessible_markup` adds the same attributes to the template's
        output directly. Code cells' highlighted source skips bleach (see
        :func:`clean_html_unless_highlighted`)."""

        def default_filters(self):
            for name, function in super().default_filters():
                yield name, (clean_html_unless_highlighted if name == "clean_html" else function)

        def from_notebook_node(self, nb, resources=None, **kw):
            # the body of HTMLExporter.from_notebook_node (nbconvert 7.17) up to the soup
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", highlighter_class(Highlight2HTML)(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type",
                                 WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                       resources=resources))
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible_markup(body), resources

    return PageExporter


def highlighter_class(Highlight2HTML):
    """nbconvert's ``Highlight2HTML`` with one pygments ``HtmlFormatter`` per language and options,
    kept: nbconvert builds a new one for every code cell, and building one (its whole style sheet)
    was a fifth of a page. A formatter keeps nothing from one text to the next but caches of its
    style, so the output is the same (``test_site``)."""
    from html import escape

    from nbconvert.filters.highlight import _pygments_highlight
    from pygments.formatters import HtmlFormatter

    class KeptFormatterHighlight2HTML(Highlight2HTML):
        def __call__(self, source, language=None, metadata=None):
            language = language or self.pygments_lexer
            options = dict(cssclass=escape(f" highlight hl-{language}"), **self.extra_formatter_options)
            key = repr(sorted(options.items()))
            formatters = self.__dict__.setdefault("_formatters", {})
            if key not in formatters:
                formatters[key] = HtmlFormatter(**options)
            return _pygments_highlight(source if len(source) > 0 else " ", formatters[key], language, metadata)

    return KeptFormatterHighlight2HTML


HIGHLIGHTED = '<div class=" highlight hl-'  # how nbconvert's Highlight2HTML output starts


def clean_html_unless_highlighted(element):
    """nbconvert's ``clean_html`` (bleach), except on source code that pygments has highlighted: the
    template cleans every code cell's highlighted source, which changes nothing (pygments escapes
    every character of the source and adds only its own spans) and costs half of the rest of a page."""
    from nbconvert.filters.strings import clean_html

    if str(element).startswith(HIGHLIGHTED):
        return element
    return clean_html(element)


NO_ALT = "No description has been provided for this image"  # nbconvert's own wording
# The template's cell wrappers and outputs (nbconvert's soup selects ".jp-Notebook div.jp-Cell-inputWrapper"
# and ".jp-Notebook div.jp-OutputArea-output"); outputs' own HTML (pandas tables) never uses these classes.
_FOCUSABLE_DIV = re.compile(r'<div class="(?:[^"]*\s)?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?:\s[^"]*)?"[^>]*')
_IMG = re.compile(r"<img\b[^>]*")


def accessible_markup(page: str) -> str:
    """What nbconvert's HTML exporter adds with BeautifulSoup: ``tabindex="0"`` on cell inputs and
    outputs, an ``alt`` text on images without one (each added as the tag's last attribute, as
    BeautifulSoup does)."""

    def with_alt(match: re.Match) -> str:
        tag = match.group(0)
        if re.search(r"\salt=", tag):
            return tag
        closing = "/" if tag.endswith("/") else ""
        return f'{tag[:len(tag) - len(closing)].rstrip()} alt="{NO_ALT}"{closing}'

    page = _FOCUSABLE_DIV.sub(lambda m: m.group(0) + ' tabindex="0"', page)
    return _IMG.sub(with_alt, page)


def build_index(figures_dir: Path, year: int, notebook_pages: list[Path], lang: str = "zh-TW") -> Path:
    """Write ``index.html`` for the figures in ``figures_dir`` (those with a ``.meta.json``)."""
    t = TEXT[lang]
    figures_dir = Path(figures_dir)
    items = []
    for meta_path in sorted(figures_dir.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        name = meta["name"]
        title = html.escape(meta.get("title") or name)
        caption = html.escape(meta.get("caption") or "")
        items.append(
            f'<figure id="{html.escape(name)}">\n'
            f'<img src="{html.escape(name)}.png" alt="{title}">\n'
            f"<figcaption><strong>{title}</strong>{' — ' + caption if caption else ''}<br>\n"
            f'<span class="links"><a href="{html.escape(name)}.csv">{t["data"]}</a>'
            f'<a href="{html.escape(name)}.svg">SVG</a></span></figcaption>\n</figure>'
        )
    notebook_items = [
        f'<li><a href="{html.escape(p.relative_to(figures_dir).as_posix())}">{html.escape(p.stem)}</a></li>'
        for p in notebook_pages
    ]
    page = PAGE.format(
        edition_link=EDITION_MARK,
        lang=lang, title=html.escape(t["title"].format(year=year, roc=year - 1911)), intro=html.escape(t["intro"]),
        notebooks_heading=t["notebooks"], figures_heading=t["figures"],
        notebook_items="\n".join(notebook_items), figure_items="\n".join(items),
        data_link=(f'<p><a href="{DATA_DIR}/datapackage.json">{html.escape(t["tables"])}</a></p>'
                   if (figures_dir / DATA_DIR / "datapackage.json").is_file() else ""),
    )
    index = figures_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def link_editions(year_dir: Path) -> list[Path]:
    """Link each published edition's page of a year (``<year>/index.html``, ``<year>/en/index.html``) to
    the other's, once both exist: a page is built before the other edition may be published (one
    language per run), so the link is added then, never to a page that is not there. Each page is
    replaced whole (written beside it, then renamed). Returns the pages changed."""
    import os

    year_dir = Path(year_dir)
    pages = {"zh-TW": year_dir / "index.html", "en": year_dir / "en" / "index.html"}
    changed = []
    if not all(p.is_file() for p in pages.values()):
        return changed
    for lang, page in pages.items():
        text = page.read_text(encoding="utf-8")
        if EDITION_MARK not in text:
            continue
        href, other = OTHER_EDITION[lang]
        link = (f'<p class="edition"><a href="{href}" hreflang="{other}" lang="{other}">'
                f'{html.escape(TEXT[lang]["other_edition"])}</a></p>')
        tmp = page.with_name(f".{page.name}.tmp-{os.getpid()}")
        tmp.write_text(text.replace(EDITION_MARK, link), encoding="utf-8")
        os.replace(tmp, page)
        changed.append(page)
    return changed


def notebook_pages_dir(figures_dir: Path) -> Path:
    return Path(figures_dir) / "notebooks"


def build_site(figures_dir: Path, year: int, executed: list[Path], lang: str = "zh-TW") -> Path:
    """Notebook pages and the index for one year's figure set."""
    pages = render_notebooks(executed, notebook_pages_dir(figures_dir))
    return build_index(figures_dir, year, pages, lang)

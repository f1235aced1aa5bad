"""nbconvert's HTML exporter for the yearly page's notebook pages, less what costs most and changes
nothing: the final BeautifulSoup pass (replaced by :func:`accessible_markup`, which adds the same
attributes), a pygments formatter built for every code cell, and bleach on highlighted source.
Measured by ``benchmarks/bench.py --speedups`` (``page-exporter``); it copies the part of
``HTMLExporter.from_notebook_node`` (nbconvert 7.17) up to the soup, so a new nbconvert is checked
against it by ``tests/test_site.py`` (same page as nbconvert's own but for those attributes' order).
"""

from __future__ import annotations

import re


def page_exporter():
    """The exporter (a new one: one per thread)."""
    # optimistic_validation: validate the notebook once, after all preprocessors, instead of after
    # each of the dozen (most of them do nothing to these notebooks); nbconvert's own option
    return _page_exporter_class()(template_name="lab", optimistic_validation=True)


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

"""A page for a year's figure set: ``figures/<year>/index.html``.

Every figure with its title and caption, a link to the data behind it (CSV) and its SVG, and
the executed notebooks rendered as HTML (``figures/<year>/notebooks/``). Plain HTML with no
scripts and no outside resources, so it opens from disk and on any static host.
"""

from __future__ import annotations

import html
import json
import threading
from pathlib import Path

from mfgghg.data.paths import roc_year

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK TC", "Noto Sans TC", sans-serif; margin: 2rem auto; max-width: 72rem;
  padding: 0 1rem; color: #222; }}
figure {{ margin: 2rem 0; border-top: 1px solid #ddd; padding-top: 1rem; }}
img {{ max-width: 100%; height: auto; }}
figcaption {{ font-size: 0.95rem; }}
.links a {{ margin-right: 1rem; }}
#provenance {{ border-top: 1px solid #ddd; margin-top: 2rem; font-size: 0.9rem; }}
#provenance dt {{ font-weight: bold; margin-top: 0.5rem; }}
#provenance code {{ word-break: break-all; }}
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
{provenance}
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


# The page's footer: what made the figure set, its sources, its licence and how to cite it.
PROVENANCE_TEXT = {
    "zh-TW": {
        "heading": "出處、授權與引用",
        "version": "專案版本",
        "commit": "提交",
        "report": "來源報告",
        "report_line": "{title}；報告年度 {year}（民國 {roc} 年）；發行者：{publisher}",
        "others": "其他來源（外部資料）",
        "other_line": "{title}；發行者：{publisher}",
        "separator": "；",
        "licence": "授權",
        "licence_text": ("本專案產製的圖表與資料以 CC BY 4.0（創用 CC 姓名標示 4.0 國際，{url}）授權，"
                         "見 LICENSE-DATA.md；程式碼以 MIT 授權（LICENSE）。來源報告及外部資料不在此授權之內："
                         "其內容依各發行者自身之條款，本專案不重新授權。"),
        "cite": "引用方式",
        "cite_text": "請引用本圖表集（含版本與提交）並同時引用來源報告：",
        "report_citation": "{publisher}。{title}。",
    },
    "en": {
        "heading": "Provenance, licence and how to cite",
        "version": "Project version",
        "commit": "Commit",
        "report": "Source report",
        "report_line": "{title}; report year {year} (ROC {roc}); publisher: {publisher}",
        "others": "Other sources (external)",
        "other_line": "{title}; publisher: {publisher}",
        "separator": "; ",
        "licence": "Licence",
        "licence_text": ("The figures and data this project derives are licensed under CC BY 4.0 (Creative Commons "
                         "Attribution 4.0 International, {url}), see LICENSE-DATA.md; the code is under the MIT "
                         "License (LICENSE). The source report and the outside sources are not covered: their "
                         "content stays under each publisher's own terms, and this project does not relicense it."),
        "cite": "How to cite",
        "cite_text": "Cite the figure set (with its version and commit) and the source report:",
        "report_citation": "{publisher}. {title}.",
    },
}


def provenance_section(figures_dir: Path, year: int, lang: str = "zh-TW", reference: Path | None = None) -> str:
    """The footer of a year's page: project version and commit, the source report (title, year,
    publisher) and the other sources as the year's data package names them, the licence, and the
    citation. Addresses are shown as text, not links: the page links only files of the figure set.

    Titles and publishers are shown in the page's language by :func:`mfgghg.i18n.outside_title`,
    from the translations of the reference folder ``reference`` (default: as for
    :func:`mfgghg.i18n.translations`), read without pandas: the run's preflight has validated them."""
    from mfgghg.data.provenance import DATA_LICENSE, citation, current_commit, project_version
    from mfgghg.i18n import translations

    t = PROVENANCE_TEXT[lang]
    e = html.escape
    commit = current_commit()
    package = Path(figures_dir) / DATA_DIR / "datapackage.json"
    sources = json.loads(package.read_text(encoding="utf-8")).get("sources", []) if package.is_file() else []
    table = translations(reference, validate=False) if sources else {}
    sha, beside = commit.shown(lang)
    shown_commit = (f"<code>{e(sha)}</code>" if sha else "") + e(beside)
    rows = [(t["version"], f"mfgghg {e(project_version())}"), (t["commit"], shown_commit)]
    if sources:
        report, others = sources[0], sources[1:]
        rows.append((t["report"], e(t["report_line"].format(
            year=year, roc=roc_year(year), **shown_source(report, lang, table)))))
        if others:
            items = "".join(
                f"<li>{e(t['other_line'].format(**shown_source(s, lang, table)))}"
                f"{t['separator'] + '<code>' + e(s['path']) + '</code>' if s.get('path') else ''}</li>" for s in others)
            rows.append((t["others"], f"<ul>{items}</ul>"))
    rows.append((t["licence"], e(t["licence_text"].format(url=DATA_LICENSE["path"]))))
    rows.append((t["cite"], f"{e(t['cite_text'])}<br>\n"
                            f"<span class=\"citation\">{e(citation(year, commit, lang=lang))}</span>"
                 + (f"<br>\n{e(report_citation(sources[0], lang, table))}" if sources else "")))
    body = "\n".join(f"<dt>{name}</dt>\n<dd>{value}</dd>" for name, value in rows)
    return f'<section id="provenance">\n<h2>{e(t["heading"])}</h2>\n<dl>\n{body}\n</dl>\n</section>'


def shown_source(source: dict, lang: str, table: dict[str, str]) -> dict[str, str]:
    """A source's title and publisher as the edition ``lang`` shows them (``table``: zh_tw → en)."""
    from mfgghg.data.provenance import PUBLISHER_KEY
    from mfgghg.i18n import outside_title

    return {"title": outside_title(source["title"], lang, table),
            "publisher": outside_title(source.get(PUBLISHER_KEY, "?"), lang, table)}


def report_citation(source: dict, lang: str, table: dict[str, str]) -> str:
    """The source report as a reference, in the edition ``lang``: publisher, title."""
    return PROVENANCE_TEXT[lang]["report_citation"].format(**shown_source(source, lang, table))


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


_exporters = threading.local()


def _exporter():
    # One exporter per thread: building one (templates, filters) costs a third of a page, and
    # threads must not share one. In a batch run, nbconvert's exporter without its BeautifulSoup pass
    # (mfgghg.runner.fast.pageexporter, behind the batch switch); else nbconvert's own.
    exporter = getattr(_exporters, "html", None)
    if exporter is None:
        from mfgghg.runner.fast import speedup_enabled

        if speedup_enabled("page-exporter"):
            from mfgghg.runner.fast.pageexporter import page_exporter

            exporter = page_exporter()
        else:
            from nbconvert import HTMLExporter

            exporter = HTMLExporter(template_name="lab")
        _exporters.html = exporter
    return exporter


def build_index(figures_dir: Path, year: int, notebook_pages: list[Path], lang: str = "zh-TW",
                reference: Path | None = None) -> Path:
    """Write ``index.html`` for the figures in ``figures_dir`` (those with a ``.meta.json``);
    ``reference``: the run's reference folder, whose translations name the sources."""
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
        lang=lang, title=html.escape(t["title"].format(year=year, roc=roc_year(year))), intro=html.escape(t["intro"]),
        notebooks_heading=t["notebooks"], figures_heading=t["figures"],
        notebook_items="\n".join(notebook_items), figure_items="\n".join(items),
        data_link=(f'<p><a href="{DATA_DIR}/datapackage.json">{html.escape(t["tables"])}</a></p>'
                   if (figures_dir / DATA_DIR / "datapackage.json").is_file() else ""),
        provenance=provenance_section(figures_dir, year, lang, reference),
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

"""What every notebook does first: resolve its folders, set pandas' display options and what a
researcher's own figures need to show Chinese (the project's look stays in the project's figures)."""

from __future__ import annotations

import pandas as pd

from mfgghg.data.paths import YearPaths, relative_to_repo


def setup(report_year, raw_root="data/raw", processed_root="data/processed", figures_root="figures",
          lang: str = "zh-TW", figures: bool = True) -> YearPaths:
    """Folders of the report year (relative roots resolve against the repository), the figures'
    language (``zh-TW`` or ``en``), pandas' display options, and the CJK font with the ASCII minus
    sign (:func:`mfgghg.plots.style.use_cjk_font`), so that the researcher's own figures show
    Chinese. Nothing else global: the project's look is applied inside its plot functions.

    ``figures=False`` is for a notebook that draws none (the ingest): matplotlib is then not even
    imported, which saves its kernel most of a second. To plot in such a notebook after all, call
    :func:`mfgghg.plots.style.use_cjk_font` first."""
    from mfgghg.data.provenance import use_year
    from mfgghg.i18n import set_lang

    paths = YearPaths.for_year(report_year, raw_root, processed_root, figures_root, lang)
    set_lang(lang, paths.reference)
    use_year(paths.processed)  # the figures saved name this year's sources (plots.style.save_figure)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", 60)
    pd.set_option("display.max_rows", 200)
    # Up to 4 decimals, trailing zeros dropped: 146.544 stays 146.544, 1194000.0 shows as 1,194,000.
    pd.set_option("display.float_format", lambda v: f"{v:,.4f}".rstrip("0").rstrip("."))
    if figures:
        from mfgghg.plots.style import use_cjk_font

        use_cjk_font()
    return paths


def rel(path) -> str:
    """A path as shown in notebook output: relative to the repository, so outputs are the same everywhere."""
    return relative_to_repo(path, outside="name")

"""Two editions of every figure: Traditional Chinese (the report's language) and English.

Every title, axis label, legend entry, source line, and every agency, pillar and measure name a
figure shows goes through :func:`_`. In the ``zh-TW`` edition it returns the text unchanged; in
the ``en`` edition it looks the text up in ``data/reference/translations.csv`` (one table, kept as
data) and **fails** on a text that has no translation, so an English figure can never silently
show Chinese. Templates keep their placeholders: ``_("資料來源：{roc}年執行成果報告 {table}")
.format(roc=..., table=_("表6"))``.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache

from mfgghg.errors import MfgGhgError


# CJK ideographs, CJK punctuation and full-width forms: what an English figure must not show.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")  # (how English a form of an outside title is: see outside_title)

LANGS = ("zh-TW", "en")
DEFAULT_LANG = "zh-TW"
_current = {"lang": DEFAULT_LANG, "reference": None, "missing": None}


class MissingTranslation(MfgGhgError, KeyError):
    """A text the English edition shows has no row in translations.csv: bad input, so one line (the
    runner prints it as it prints a DataError); a KeyError too, as a lookup that failed."""

    def __str__(self) -> str:
        return (f"no English for {self.args[0]!r}: add a row to data/reference/translations.csv "
                f"(zh_tw,en,kind,note); `mfgghg translations-needed --year <year>` lists every text the "
                f"English edition lacks")


@contextmanager
def listing_missing():
    """Within it, a text without English is written down instead of failing, and shown as it is: the
    dict yielded maps each such text to None, in the order met. For ``mfgghg translations-needed``
    (:mod:`mfgghg.runner.translations_needed`), which runs the notebooks' code in its own process to
    list them all at once; everywhere else a missing translation fails at once."""
    previous, _current["missing"] = _current["missing"], {}
    try:
        yield _current["missing"]
    finally:
        _current["missing"] = previous


def _missing(text: str) -> str:
    if _current["missing"] is None:
        raise MissingTranslation(text) from None
    _current["missing"].setdefault(text, None)
    return text


def check_lang(lang: str) -> str:
    """``lang`` if it is an edition this project draws, else a one-line error."""
    if lang not in LANGS:
        from mfgghg.errors import ParameterError

        raise ParameterError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def set_lang(lang: str, reference=None) -> str:
    """Select the edition for the figures drawn from now on, and the reference folder whose
    ``translations.csv`` to use (default: the repository's ``data/reference``)."""
    check_lang(lang)
    _current["lang"] = lang
    _current["reference"] = None if reference is None else str(reference)
    return lang


def get_lang() -> str:
    return _current["lang"]


def translations(reference=None, validate: bool = True) -> dict[str, str]:
    """zh_tw → en from the table of the reference folder ``reference`` (default: the current one),
    validated by its description, read again whenever the table (or a draft named in
    ``MFGGHG_EXTRA_TRANSLATIONS``) has changed on disk: a row added after an error is found by the
    same kernel. ``validate=False`` reads the same rows without pandas (see
    :func:`mfgghg.data.translations.read_translations`)."""
    import os
    from pathlib import Path

    from mfgghg.data.paths import resolve

    reference = reference if reference is not None else _current["reference"]
    folder = Path(reference) if reference else resolve("data/reference")
    files = [folder / "translations.csv", folder / "datapackage.json",
             *map(Path, filter(None, os.environ.get("MFGGHG_EXTRA_TRANSLATIONS", "").split(",")))]
    stamps = tuple((str(f), *_stamp(f)) for f in files)
    return _translations(str(folder), stamps, validate)


def _stamp(path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (None, None)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _translations(reference: str, stamps: tuple, validate: bool) -> dict[str, str]:
    """(``stamps``: the files' modification times and sizes, part of the cache key only)"""
    from mfgghg.data.translations import read_translations

    # Drafts being written (rows not yet merged into the table), named in MFGGHG_EXTRA_TRANSLATIONS.
    return read_translations(reference, [s[0] for s in stamps[2:]], validate)


def _(text: str) -> str:
    """``text`` in the current edition's language."""
    if _current["lang"] == "zh-TW" or text is None or text == "":
        return text
    import pandas as pd

    if pd.isna(text):
        return text
    try:
        return translations()[text]
    except KeyError:
        return _missing(text)


def outside_title(title: str, lang: str | None = None, table: dict[str, str] | None = None) -> str:
    """The title of an outside source, or the name of its publisher, in the edition ``lang``
    (default: the current one), from ``table`` (zh_tw → en; default: :func:`translations`).

    Titles are recorded as the source gives them, in either language or in both. English: a
    Chinese title is translated (and fails without a row, as :func:`_` does); an English one is
    kept. Chinese: a title is shown in its most Chinese form, of itself and the rows with the same
    English the one with the fewest Latin letters (itself, when tied). So an English title keeps
    its name and has its description translated (the row ``Taipei Times（官方說法之新聞報導）``
    for ``Taipei Times (news report of official statements)``), and a title recorded in both
    languages shows its Chinese (``經濟部 (Ministry of Economic Affairs)`` is ``經濟部``)."""
    if title is None or title == "":
        return title
    lang = lang or _current["lang"]
    table = translations() if table is None else table
    chinese = bool(CJK.search(str(title)))
    if lang == "en":
        if not chinese:
            return table.get(title, title)
        return table[title] if title in table else _missing(title)
    english, forms = (table.get(title), [title]) if chinese else (title, [])
    forms += [zh for zh, en in table.items() if en == english and zh != title and CJK.search(zh)]
    # (min keeps the first of equals: the title as recorded)
    return min(forms, key=lambda form: len(LATIN.findall(form))) if forms else title

"""Facts from outside the report (``data/external/facts.csv``, each with its source).

Kept apart from :mod:`mfgghg.analysis.emissions` (which draws figures) so that reading them needs no
plotting library: the runner's preflight validates them before any kernel starts.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mfgghg.data.package import read_package
from mfgghg.data.paths import resolve
from mfgghg.data.units import to_base, unit

EXTERNAL = "external"  # the ``origin`` of a number taken from facts.csv


def external_dir(paths) -> Path:
    """``<raw_root>/../external`` if that exists (a self-contained data tree), else ``data/external``."""
    sibling = Path(paths.raw).parent.parent / "external"
    return sibling if sibling.is_dir() else resolve("data/external")


def read_external_facts(folder) -> pd.DataFrame:
    """``facts.csv`` validated through its ``datapackage.json``, with base-unit values and origin 'external'."""
    return facts_table(read_package(Path(folder), reference={})["facts"])


def facts_table(table) -> pd.DataFrame:
    """The external package's validated ``facts`` resource with base-unit values and origin 'external'."""
    facts = table.data.copy()
    facts["value_printed"] = table.text["value"]
    facts["value_base"] = [to_base(v, u) for v, u in zip(facts["value"], facts["unit"])]
    facts["base_unit"] = [unit(u).base for u in facts["unit"]]
    facts["origin"] = EXTERNAL
    return facts

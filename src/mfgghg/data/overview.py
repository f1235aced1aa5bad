"""Small tables that describe what was read (used by the ingest notebook and the tests)."""

from __future__ import annotations

import pandas as pd


def raw_inventory(ingested) -> pd.DataFrame:
    """One row per raw file: rows, columns, the report section it comes from and its title."""
    rows = []
    for t in ingested.raw.values():
        rows.append({
            "file": t.path.name,
            "rows": len(t.data),
            "columns": t.data.shape[1],
            "source": t.resource.get("source", {}).get("section", ""),
            "title": t.resource.get("title", ""),
        })
    return pd.DataFrame(rows)


def measure_overview(measures: pd.DataFrame) -> pd.DataFrame:
    """Measures per pillar and type (with totals): the shape Tables 2 and 3 count."""
    table = pd.crosstab(measures["pillar"], measures["measure_type"], margins=True, margins_name="total")
    return table.reindex(columns=[c for c in ("substantive", "capacity", "total") if c in table.columns])


def normalisations(ingested) -> pd.DataFrame:
    """What the ingest changed on the way in, per file (empty for clean files)."""
    rows = [{"file": t.path.name, "normalised": note}
            for src in (ingested.reference, ingested.raw) for t in src.values() for note in t.notes]
    return pd.DataFrame(rows, columns=["file", "normalised"])

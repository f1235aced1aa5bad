"""The verdict core: a published figure beside its recomputation, judged at the precision printed.

A published number is printed at some precision, so "equal" is too strict and
"close" too loose. Each comparison gets a verdict:

- ``equal``: the recomputed value is the printed one;
- ``rounds to published``: rounding the recomputed value to the printed decimals gives it;
- ``truncates to published``: cutting the recomputed value at the printed decimals gives it
  (the report sometimes truncates);
- ``within tolerance``: within an explicit tolerance given for that check (e.g. a total of
  individually rounded rows);
- ``not printed``: the report prints '-' (or nothing) where the recomputation has no value;
- ``differs``: none of the above. Differences are shown and explained, never forced to zero.
"""

from __future__ import annotations

import math
from decimal import Decimal, ROUND_DOWN, ROUND_HALF_UP, localcontext

import pandas as pd

from mfgghg.data.units import printed_decimals, size_in
from mfgghg.errors import DataError

AGREES = ("equal", "rounds to published", "truncates to published", "within tolerance", "not printed")
# The columns of every check table (one row per comparison), before ``agrees`` and ``explanation``.
CHECK_COLUMNS = ["check_id", "source", "description", "unit", "published", "recomputed", "difference", "verdict"]
REL_EPS = 1e-9


def verdict(published, recomputed, decimals: int, tolerance: float | None = None) -> str:
    """How a recomputed value stands to a published one printed with ``decimals`` places."""
    p_missing = published is None or (isinstance(published, float) and math.isnan(published))
    r_missing = recomputed is None or (isinstance(recomputed, float) and math.isnan(recomputed))
    if p_missing:
        return "not printed" if r_missing or recomputed == 0 else "differs"
    if r_missing:
        return "differs"
    p, r = float(published), float(recomputed)
    if abs(p - r) <= REL_EPS * max(1.0, abs(p)):
        return "equal"
    q = Decimal(1).scaleb(-decimals)
    rd = Decimal(repr(r))
    with localcontext():  # (rounding sets the context's flags: the caller's context keeps its own)
        rounded, truncated = float(rd.quantize(q, rounding=ROUND_HALF_UP)), float(rd.quantize(q, rounding=ROUND_DOWN))
    if rounded == p:
        return "rounds to published"
    if truncated == p:
        return "truncates to published"
    if tolerance is not None and abs(p - r) <= tolerance + REL_EPS * max(1.0, abs(p)):
        return "within tolerance"
    return "differs"


def with_agreement(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``agrees``: whether its verdict is one of :data:`AGREES` (the one place it is set)."""
    return table.assign(agrees=table["verdict"].isin(AGREES))


def check_row(check_id: str, source: str, description: str, published_text, recomputed, unit: str,
              factor: float = 1.0, tolerance: float | None = None) -> dict:
    """One reconciliation row. ``published_text`` is the value as printed (its decimals set the
    precision); ``recomputed`` is in the same unit as the printed value, after dividing base-unit
    values by ``factor``."""
    text = "" if published_text is None else str(published_text).strip()
    published = float(text.replace(",", "")) if text not in ("", "-", "nan", "<NA>") else float("nan")
    recomputed = float(recomputed) / factor if recomputed is not None else float("nan")
    return {
        "check_id": check_id,
        "source": source,
        "description": description,
        "unit": unit,
        "published": published,
        "recomputed": recomputed,
        "difference": recomputed - published,
        "verdict": verdict(published, recomputed, printed_decimals(text), tolerance),
    }


def headline_size(unit_name: str, key: str, base: str) -> float:
    """How many ``base`` units (``t_co2e``, ``twd``, ``count``) one unit of headline ``key`` is, as the text
    prints it (:func:`mfgghg.data.units.size_in`): check_row's factor. A unit of another quantity is refused
    in one line naming the headline."""
    try:
        return size_in(unit_name, base)
    except ValueError as err:
        raise DataError("published_headlines.csv", f"headline {key}: {err}", column="unit_zh") from None


def concat_checks(parts) -> pd.DataFrame:
    """Several check tables as one (empty ones skipped; no rows gives the columns of a check table)."""
    frames = [p for p in parts if len(p)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHECK_COLUMNS)


# The kinds of reported reduction a published total may count (actual, expected, potential).
REDUCTION_KIND_SETS = {
    "actual": ("actual",),
    "actual_expected": ("actual", "expected"),
    "all_kinds": ("actual", "expected", "potential"),
}


def reduction_total(measures: pd.DataFrame, kinds) -> float:
    """Sum of the measures' reported reductions (t CO2e) of the given kinds."""
    return float(measures.loc[measures["reduction_kind"].isin(kinds), "reduction_t_co2e"].sum())

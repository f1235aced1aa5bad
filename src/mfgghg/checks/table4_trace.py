"""Table 4 traced to the annex: each item's count and reduction against the measures mapped to it.

Table 4 (published_table4_results_summary) summarises the year by item (e.g. 製程改善與設備汰舊換新:
174 家工廠, 11.6 萬公噸CO2e) without saying which measures an item covers. The mapping file
``table4_measure_map.csv`` (data, read by hand from the text, with quotes) names, per item, the
measures whose printed counts add up to the item's count (role ``counted``) and the measures the
item's text names in another unit (role ``named``). This module checks both sums item by item:

- ``table4.item.<pillar>.<item_no>.count``: the printed count against the sum of the counted figures;
- ``table4.item.<pillar>.<item_no>.reduction``: the printed reduction against the sum of the mapped
  measures' reductions of the counted kinds (default actual + expected, as the headline counts them).

An item that no set of measures adds up to (mapping_status ``no_set_adds_up``) still gets both rows:
the recomputed value is NaN, so :func:`mfgghg.checks.verdict.check_row` gives ``differs`` where
Table 4 prints a value.

The mapping file is optional (the extractor does not draft it: which measures an item covers is a
judgment). A year without it (``mapping`` None) has no item traced: no check rows, no evidence, no
figure data, and :func:`describe_mapping` says so, as the reconciliation table leaves those rows out.
"""

from __future__ import annotations

import pandas as pd

from mfgghg.checks.verdict import CHECK_COLUMNS, REDUCTION_KIND_SETS, check_row, with_agreement
from mfgghg.data.units import size_in
from mfgghg.errors import DataError

MAP_FILE = "table4_measure_map.csv"
COUNTED, NAMED = "counted", "named"
ADDS_UP, NO_SET = "adds_up", "no_set_adds_up"
REDUCTION_UNIT = "萬公噸CO2e"  # Table 4 prints its reductions in 萬公噸CO2e
T_PER_10K = size_in(REDUCTION_UNIT, "t_co2e")
SOURCE = "表 4; 附件"
ITEM_KEY = ["pillar", "item_no"]


def _items(table4: pd.DataFrame) -> pd.DataFrame:
    """Table 4 as printed (text cells) with integer item keys."""
    t = table4.copy()
    for c in ITEM_KEY:
        t[c] = t[c].astype(int)
    return t


def _mapping(mapping: pd.DataFrame) -> pd.DataFrame:
    m = mapping.copy()
    for c in ITEM_KEY:
        m[c] = m[c].astype(int)
    return m


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def check_mapping(mapping: pd.DataFrame, table4: pd.DataFrame) -> None:
    """The mapping covers every Table 4 item, with one status per item; an item that adds up names its
    measures and an item that does not names none. A DataError (naming the mapping file) otherwise."""
    m, t = _mapping(mapping), _items(table4)
    mapped = set(map(tuple, m[ITEM_KEY].drop_duplicates().to_numpy()))
    for key in map(tuple, t[ITEM_KEY].to_numpy()):
        if key not in mapped:
            raise DataError(MAP_FILE, f"no row for Table 4 item {key[0]}.{key[1]} (map it, or say no_set_adds_up)",
                            column="item_no")
    for key, g in m.groupby(ITEM_KEY):
        statuses = g["mapping_status"].unique()
        if len(statuses) > 1:
            raise DataError(MAP_FILE, f"item {key[0]}.{key[1]} has more than one mapping_status "
                                      f"({', '.join(map(str, statuses))})", column="mapping_status")
        has_measure = ~g["measure_id"].map(_blank)
        if statuses[0] == ADDS_UP and not (has_measure & (g["role"] == COUNTED)).any():
            raise DataError(MAP_FILE, f"item {key[0]}.{key[1]} is marked adds_up but counts no measure",
                            column="measure_id")
        if statuses[0] == NO_SET and has_measure.any():
            raise DataError(MAP_FILE, f"item {key[0]}.{key[1]} is marked no_set_adds_up but names a measure",
                            column="measure_id")


def mapped_counts(mapping: pd.DataFrame) -> pd.Series:
    """Per item (pillar, item_no): the sum of its counted figures; items mapped to no measure are absent."""
    m = _mapping(mapping)
    counted = m[(m["role"] == COUNTED) & ~m["measure_id"].map(_blank)]
    return counted.groupby(ITEM_KEY)["measure_count"].sum().astype(float)


def mapped_measures(mapping: pd.DataFrame) -> pd.DataFrame:
    """One row per (item, measure) mapped, counted or named (a measure with two figures once)."""
    m = _mapping(mapping)
    m = m[~m["measure_id"].map(_blank)]
    return m.drop_duplicates(subset=ITEM_KEY + ["measure_id"])[ITEM_KEY + ["measure_id", "role"]].reset_index(drop=True)


def measure_contributions(mapping: pd.DataFrame, measures: pd.DataFrame,
                          kinds=REDUCTION_KIND_SETS["actual_expected"]) -> pd.DataFrame:
    """Each mapped measure with its reduction (t CO2e) where its kind is counted, else 0, and its kind."""
    mm = mapped_measures(mapping)
    known = set(measures["measure_id"])
    unknown = sorted(set(mm["measure_id"]) - known)
    if unknown:
        raise DataError(MAP_FILE, f"measure {unknown[0]} is not in the measures table", column="measure_id")
    m = measures.set_index("measure_id")
    kind = mm["measure_id"].map(m["reduction_kind"])
    reduction = mm["measure_id"].map(m["reduction_t_co2e"])
    counted = kind.isin(kinds) & reduction.notna()
    return mm.assign(reduction_kind=kind, reduction_t_co2e=reduction.where(counted, 0.0).astype(float),
                     reduction_counted=counted)


def mapped_reductions(mapping: pd.DataFrame, measures: pd.DataFrame,
                      kinds=REDUCTION_KIND_SETS["actual_expected"]) -> pd.Series:
    """Per item: the sum of its mapped measures' reductions (t CO2e) of the given kinds (0 where none
    has one); items mapped to no measure are absent."""
    c = measure_contributions(mapping, measures, kinds)
    return c.groupby(ITEM_KEY)["reduction_t_co2e"].sum()


def describe_mapping(mapping: pd.DataFrame | None) -> str:
    """One line saying whether the year has a mapping file and how many Table 4 items it traces."""
    if mapping is None:
        return (f"no {MAP_FILE} in the year's raw data: Table 4's items are not traced to the measures "
                "(which measures an item covers is read by hand; data/README.md)")
    m = _mapping(mapping)
    status = m.drop_duplicates(subset=ITEM_KEY)["mapping_status"]
    return (f"{MAP_FILE}: {len(status)} items, {int((status == ADDS_UP).sum())} traced to measures whose counts "
            f"add up, {int((status == NO_SET).sum())} to none")


EVIDENCE_COLUMNS = ["pillar", "item_no", "measure_id", "role", "measure_count", "measure_count_unit_zh", "quote_zh",
                    "mapping_status"]


def mapping_evidence(mapping: pd.DataFrame | None) -> pd.DataFrame:
    """The mapping's evidence: per item, which measures, which counts, which words (empty without it)."""
    if mapping is None:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    return mapping[EVIDENCE_COLUMNS]


def trace_table4(table4: pd.DataFrame, mapping: pd.DataFrame | None, measures: pd.DataFrame,
                 kinds=REDUCTION_KIND_SETS["actual_expected"]) -> pd.DataFrame:
    """One count row and one reduction row per Table 4 item (check table columns + ``agrees``).

    ``table4``: Table 4 as printed (text cells: pillar, item_no, title_zh, count_value, count_unit_zh,
    reduction_10k_t_co2e; the printed decimals set the precision); ``mapping``: the mapping file (None:
    the year has none, and no item is traced); ``measures``: the processed measures (measure_id,
    reduction_t_co2e, reduction_kind)."""
    if mapping is None:
        return with_agreement(pd.DataFrame(columns=CHECK_COLUMNS))
    check_mapping(mapping, table4)
    t = _items(table4)
    m = _mapping(mapping)
    counts = mapped_counts(m)
    reductions = mapped_reductions(m, measures, kinds)
    mm = mapped_measures(m)
    kind_label = " + ".join(kinds)
    rows = []
    for _i, item in t.iterrows():
        key = (int(item["pillar"]), int(item["item_no"]))
        base = f"table4.item.{key[0]}.{key[1]}"
        label = f"pillar {key[0]} item {key[1]} ({item['title_zh']})"
        status = m.loc[(m["pillar"] == key[0]) & (m["item_no"] == key[1]), "mapping_status"].iloc[0]
        ids = mm.loc[(mm["pillar"] == key[0]) & (mm["item_no"] == key[1]), "measure_id"].tolist()
        counted_ids = m.loc[(m["pillar"] == key[0]) & (m["item_no"] == key[1]) & (m["role"] == COUNTED),
                            "measure_id"].drop_duplicates().tolist()
        unit = "" if _blank(item.get("count_unit_zh")) else str(item["count_unit_zh"])
        if status == NO_SET:
            count_desc = f"{label}: printed count; no set of annex measures adds up to it ({MAP_FILE}: {NO_SET})"
            red_desc = f"{label}: printed reduction; no measures mapped, as no set of them adds up to the item's count"
            count_rec, red_rec = None, None
        else:
            count_desc = f"{label}: printed count vs the sum of its measures' counts ({', '.join(counted_ids)})"
            red_desc = (f"{label}: printed reduction vs the sum of its measures' {kind_label} reductions "
                        f"({', '.join(ids)})")
            count_rec = counts.get(key, 0.0)
            red_rec = reductions.get(key, 0.0)
        rows.append(check_row(f"{base}.count", SOURCE, count_desc, item["count_value"], count_rec, unit))
        rows.append(check_row(f"{base}.reduction", SOURCE, red_desc, item["reduction_10k_t_co2e"], red_rec,
                              REDUCTION_UNIT, T_PER_10K))
    return with_agreement(pd.DataFrame(rows, columns=CHECK_COLUMNS))


def unmapped_measures(mapping: pd.DataFrame | None, measures: pd.DataFrame,
                      kinds=REDUCTION_KIND_SETS["actual_expected"]) -> pd.DataFrame:
    """Measures with a reduction of the counted kinds that no Table 4 item covers (none listed without a
    mapping: which ones an item covers is then not known)."""
    columns = ["measure_id", "name_zh", "reduction_t_co2e", "reduction_kind"]
    if mapping is None:
        return measures.loc[[], columns].reset_index(drop=True)
    mapped = set(mapped_measures(mapping)["measure_id"])
    m = measures[measures["reduction_kind"].isin(kinds) & measures["reduction_t_co2e"].notna()]
    return m.loc[~m["measure_id"].isin(mapped), columns].reset_index(drop=True)


FIGURE_COLUMNS = ["pillar", "item_no", "title_zh", "bar", "measure_id", "reduction_10k_t_co2e", "origin",
                  "mapping_status", "verdict"]


def trace_figure_data(table4: pd.DataFrame, mapping: pd.DataFrame | None, measures: pd.DataFrame,
                      kinds=REDUCTION_KIND_SETS["actual_expected"]) -> pd.DataFrame:
    """The data of the figure "Table 4 item against its measures": per item that prints a reduction or
    whose measures have one, a ``published`` bar (Table 4, origin report) and its measures' stacked
    parts (bar ``measures``, one row per measure with a counted reduction, origin derived), in 萬公噸CO2e,
    with the item's reduction verdict. Empty without a mapping."""
    if mapping is None:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    checks = trace_table4(table4, mapping, measures, kinds).set_index("check_id")
    t = _items(table4)
    contrib = measure_contributions(mapping, measures, kinds)
    rows = []
    for _i, item in t.iterrows():
        key = (int(item["pillar"]), int(item["item_no"]))
        check = checks.loc[f"table4.item.{key[0]}.{key[1]}.reduction"]
        parts = contrib[(contrib["pillar"] == key[0]) & (contrib["item_no"] == key[1]) & contrib["reduction_counted"]]
        if pd.isna(check["published"]) and parts.empty:
            continue
        status = _mapping(mapping).set_index(ITEM_KEY).loc[key, "mapping_status"]
        status = status.iloc[0] if isinstance(status, pd.Series) else status
        common = {"pillar": key[0], "item_no": key[1], "title_zh": item["title_zh"], "mapping_status": status,
                  "verdict": check["verdict"]}
        rows.append({**common, "bar": "published", "measure_id": "", "reduction_10k_t_co2e": check["published"],
                     "origin": "report"})
        for _j, p in parts.iterrows():
            rows.append({**common, "bar": "measures", "measure_id": p["measure_id"],
                         "reduction_10k_t_co2e": p["reduction_t_co2e"] / T_PER_10K, "origin": "derived"})
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)

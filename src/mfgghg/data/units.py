"""Units printed in the report and their conversion to the base units of processed tables.

Raw files keep the report's units (萬公噸, 萬元, 百萬公噸, 億元; outside sources' own, such as
百萬元); processed columns
carry their base unit in the name: ``_t_co2e`` (tonnes), ``_twd`` (New Taiwan
dollars), ``_mt_co2e`` (million tonnes).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    factor: float  # multiply a value in this unit by factor to get the base unit
    base: str  # base unit: suffix used in processed column names, or a plain label
    label_en: str


UNITS: dict[str, Unit] = {
    "萬公噸CO2e": Unit(1e4, "t_co2e", "10,000 t CO2e"),
    "公噸CO2e": Unit(1.0, "t_co2e", "t CO2e"),
    "公噸CO2e/年": Unit(1.0, "t_co2e_per_year", "t CO2e per year"),
    "百萬公噸CO2e": Unit(1.0, "mt_co2e", "Mt CO2e"),
    "萬元": Unit(1e4, "twd", "NT$10,000"),
    "億元": Unit(1e8, "twd", "NT$100 million"),
    "百萬元": Unit(1e6, "twd", "NT$ million"),  # outside sources (ETD value added)
    "千元": Unit(1e3, "twd", "NT$1,000"),
    "元": Unit(1.0, "twd", "NT$"),
    "%": Unit(1.0, "pct", "%"),
    "index": Unit(1.0, "index", "index (base year = 100)"),
    # A user-supplied series in whatever unit its named source uses (converted never, compared as an index).
    "source unit": Unit(1.0, "source_unit", "unit of the named source"),
}

# Counts printed in the text (家工廠 = factories, 場次 = sessions, ...): no conversion.
COUNT_UNITS = {
    "項": "items", "家工廠": "factories", "家產業園區": "industrial parks", "家廠商": "firms",
    "家企業": "companies", "家": "firms", "場次": "sessions", "人次": "person-times",
    "座鍋爐": "boilers", "座": "units", "件": "projects", "案": "cases",
}
UNITS.update({name: Unit(1.0, "count", label) for name, label in COUNT_UNITS.items()})


def unit(name: str) -> Unit:
    try:
        return UNITS[name]
    except KeyError:
        raise KeyError(f"unknown unit {name!r}; known units: {', '.join(UNITS)}") from None


def to_base(value, unit_name: str):
    """A value (scalar or pandas object) in ``unit_name`` expressed in its base unit."""
    return value * unit(unit_name).factor


def from_base(value, unit_name: str):
    """A value in base units expressed in ``unit_name`` (e.g. t CO2e → 萬公噸CO2e)."""
    return value / unit(unit_name).factor


# A base unit that is a multiple of another base: million tonnes are 10^6 tonnes.
BASE_MULTIPLES = {"mt_co2e": ("t_co2e", 1e6)}


def size_in(unit_name: str, base: str) -> float:
    """How many ``base`` units one ``unit_name`` is: what a value recomputed in ``base`` is divided by to
    be read in the printed unit (萬公噸CO2e in ``t_co2e``: 1e4; 百萬公噸CO2e: 1e6; 億元 in ``twd``: 1e8;
    項 in ``count``: 1). A unit of another quantity is refused (ValueError)."""
    u = unit(unit_name)
    if u.base == base:
        return u.factor
    other, multiple = BASE_MULTIPLES.get(u.base, (None, 1.0))
    if other == base:
        return u.factor * multiple
    raise ValueError(f"{unit_name} is not a unit of {base} (it is one of {u.base})")


def printed_decimals(text: str) -> int:
    """Decimal places of a number as printed: ``'734.0'`` → 1, ``'62,030'`` → 0."""
    text = str(text).strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def rounding_tolerance(text: str) -> float:
    """Half a unit of the last printed digit: what rounding alone can explain."""
    return 0.5 * 10 ** (-printed_decimals(text))

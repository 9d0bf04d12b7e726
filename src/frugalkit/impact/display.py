"""One way to write a figure, for the terminal, the web and the PDFs alike (issue 23: the
same value at the same precision on every page and command): a metric prefix on the
unit, as many significant figures as the figure's own band allows, never an exponent,
and the reader's locale's separators (Babel's CLDR data: `1,234.5` in English,
`1 234,5` in French).

>>> quantity(0.000434, "Wh")
'434 µWh'
>>> quantity(0.000434, "Wh", low=0.000217, high=0.000651)   # ±50 %: two figures
'430 µWh'
>>> quantity(1234.5, "L", locale="fr"), number(1234.5, locale="fr") == "1\\u202f230"
('1,23 kL', True)
"""

from __future__ import annotations

import math
from typing import Any

from frugalkit import i18n

PREFIXES = ((1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"))
NO_PREFIX = {"%", "°C", "years", "samples"}  # units read as they are
DOWN_ONLY = {"s"}  # 22.8 ms and 0.4 µs, but 1,234 s (not 1.23 ks)
MAX_DIGITS = 3
NO_VALUE = "\u2013"  # an en dash


def significant_digits(value: float, low: float | None = None, high: float | None = None) -> int:
    """3 without a band; fewer as the band widens: ±5 % keeps 3, ±50 % 2, ±100 % or more 1."""
    if low is None or high is None or value == 0 or not math.isfinite(value):
        return MAX_DIGITS
    half_width = abs(high - low) / 2 / abs(value)
    if half_width <= 0:
        return MAX_DIGITS
    return max(1, min(MAX_DIGITS, 1 - math.floor(math.log10(half_width))))


def decimal(value: float, decimals: int, locale: str | None = None) -> str:
    """`value` with `decimals` decimals and the separators of `locale` (by default the
    reader's: the page's, or the command's from its environment)."""
    if locale is None:
        locale = i18n.current.get()
    if locale == "en":
        return f"{value:,.{max(decimals, 0)}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return str(format_decimal(round(value, max(decimals, 0)), format=pattern, locale=locale))


def rounded(value: float, digits: int, locale: str | None = None) -> str:
    """`value` to `digits` significant figures, never in exponent notation."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    return decimal(round(value, decimals), decimals, locale)


def number(value: float | None, digits: int = MAX_DIGITS, locale: str | None = None) -> str:
    """A figure without a unit: 3 significant figures, an integer as it is."""
    if value is None:
        return NO_VALUE
    if float(value).is_integer() and abs(value) < 1e15:
        return decimal(value, 0, locale)
    return rounded(value, digits, locale)


def fraction(value: float | None, locale: str | None = None) -> str:
    """An accuracy, an F1 or an IoU: three decimals, as the challenge reports them."""
    return NO_VALUE if value is None else decimal(value, 3, locale)


def percent(fraction: float | None, digits: int = 2, locale: str | None = None) -> str:
    """0.87 -> '87 %', 0.5 -> '50 %', 0.0123 -> '1.2 %': a share as people read it."""
    if fraction is None:
        return NO_VALUE
    return f"{number(float(f'{fraction * 100:.{digits}g}'), digits, locale)}\u00a0%"


def change(percent_change: float | None, locale: str | None = None) -> str:
    """A change in per cent with its sign (a true minus) and one decimal: '+1.2 %',
    '0.0 %' (never a negative zero)."""
    if percent_change is None:
        return NO_VALUE
    tenths = round(percent_change, 1)
    sign = "+" if tenths > 0 else "\u2212" if tenths < 0 else ""
    return f"{sign}{decimal(abs(tenths), 1, locale)}\u00a0%"


def quantity(
    value: float | None,
    unit: str,
    low: float | None = None,
    high: float | None = None,
    digits: int | None = None,
    locale: str | None = None,
) -> str:
    """'2.43 mWh', '56 gCO2e', '1.2 kL'; NO_VALUE for no value. `digits` (from the band of
    another figure, as a gCO2e that follows its Wh) overrides the band's."""
    if value is None:
        return NO_VALUE
    digits = digits or significant_digits(value, low, high)
    if value == 0:
        return f"0 {unit}"
    value = float(f"{value:.{digits}g}")  # first round, so that 999.6 Wh is 1.00 kWh
    if unit in NO_PREFIX or (unit in DOWN_ONLY and abs(value) >= 1):
        return f"{rounded(value, digits, locale)} {unit}"
    for factor, prefix in PREFIXES:
        if abs(value) >= factor:
            return f"{rounded(value / factor, digits, locale)} {prefix}{unit}"
    return f"{rounded(value / 1e-12, digits, locale)} p{unit}"


def per_1000(entry: dict[str, Any], locale: str | None = None) -> tuple[str, str]:
    """A bench entry's energy and GHG per 1,000 samples, both at the digits the energy's
    band allows: the same figures on a board, a run's page and `bench show`."""
    wh = entry["energy_wh_per_1000"]
    low, high = entry.get("energy_low_wh_per_1000"), entry.get("energy_high_wh_per_1000")
    digits = significant_digits(wh, low, high) if wh is not None else None
    return (
        quantity(wh, "Wh", digits=digits, locale=locale),
        quantity(entry.get("ghg_g_per_1000"), "gCO2e", digits=digits, locale=locale),
    )


def finite(value: Any) -> Any:
    """`value` with every infinite or NaN float as None: JSON has no such number, and one
    stored figure that overflows must not turn a route into a 500 for everyone."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value

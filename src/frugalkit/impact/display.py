"""One way to write a figure, for the terminal and the web alike: a metric prefix on the
unit, and as many significant figures as the figure's own band allows.

>>> quantity(0.000434, "Wh")
'434 µWh'
>>> quantity(0.000434, "Wh", low=0.000217, high=0.000651)   # ±50 %: two figures
'430 µWh'
"""

from __future__ import annotations

import math
from typing import Any

PREFIXES = ((1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"))
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


def rounded(value: float, digits: int) -> str:
    """`value` to `digits` significant figures, never in exponent notation."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    return f"{round(value, decimals):,.{max(decimals, 0)}f}"


def quantity(
    value: float | None, unit: str, low: float | None = None, high: float | None = None
) -> str:
    """'2.43 mWh', '56 gCO2e', '1.2 kL'; NO_VALUE for no value."""
    if value is None:
        return NO_VALUE
    digits = significant_digits(value, low, high)
    if value == 0:
        return f"0 {unit}"
    value = float(f"{value:.{digits}g}")  # first round, so that 999.6 Wh is 1.00 kWh
    for factor, prefix in PREFIXES:
        if abs(value) >= factor:
            return f"{rounded(value / factor, digits)} {prefix}{unit}"
    return f"{rounded(value / 1e-12, digits)} p{unit}"


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

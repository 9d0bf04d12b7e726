"""Plain-language equivalents, so that a figure means something to everyone.

Each indicator has a ladder of everyday quantities from the same sourced factor (a car's
km, metres and millimetres; a 10 W LED bulb's hours, minutes, seconds and milliseconds;
glasses, teaspoons and drops of water); the one chosen is the most familiar whose count
lands between 0.1 and 1,000.
"""

from __future__ import annotations

from frugalkit import i18n
from frugalkit.impact.data import field
from frugalkit.impact.display import decimal, rounded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LOWEST, HIGHEST = 0.1, 1000.0


def plural(one: str, many: str) -> tuple[str, str]:
    """Marks a singular and plural for the catalogue (tools/i18n.py extracts them)."""
    return one, many


def _ladders() -> dict[str, list[tuple[float, str, str, str]]]:
    """Per indicator: (count per unit of the indicator, one, many, source), most familiar
    first. Indicators in gCO2e, Wh and L."""
    car = field("equivalents", "car_km")
    phone = field("equivalents", "phone_charges")
    bulb = field("equivalents", "led_bulb_hours")
    glass = field("equivalents", "water_glasses")
    spoon = field("equivalents", "teaspoons")
    drop = field("equivalents", "drops")
    per_km = 1 / float(car["ghg_g_per_km"])
    per_charge = 1 / (float(phone["energy_kwh_per_charge"]) * 1000)
    bulb_h = 1 / float(bulb["power_w"])
    return {
        "ghg": [
            (per_km, *plural("km by car", "km by car"), car["source"]),
            (per_km * 1e3, *plural("metre by car", "metres by car"), car["source"]),
            (per_km * 1e6, *plural("millimetre by car", "millimetres by car"), car["source"]),
        ],
        "energy": [
            (per_charge, *plural("phone charge", "phone charges"), phone["source"]),
            (
                bulb_h,
                *plural("hour of a 10 W LED bulb", "hours of a 10 W LED bulb"),
                bulb["source"],
            ),
            (
                bulb_h * 60,
                *plural("minute of a 10 W LED bulb", "minutes of a 10 W LED bulb"),
                bulb["source"],
            ),
            (
                bulb_h * 3600,
                *plural("second of a 10 W LED bulb", "seconds of a 10 W LED bulb"),
                bulb["source"],
            ),
            (
                bulb_h * 3.6e6,
                *plural("millisecond of a 10 W LED bulb", "milliseconds of a 10 W LED bulb"),
                bulb["source"],
            ),
        ],
        "water": [
            (
                1 / float(glass["water_l_per_glass"]),
                *plural("glass of water", "glasses of water"),
                glass["source"],
            ),
            (
                1 / float(spoon["water_l_per_teaspoon"]),
                *plural("teaspoon of water", "teaspoons of water"),
                spoon["source"],
            ),
            (
                1 / float(drop["water_l_per_drop"]),
                *plural("drop of water", "drops of water"),
                drop["source"],
            ),
        ],
    }


def everyday(indicator: str, amount: float, locale: str | None = None) -> dict[str, Any]:
    """The equivalent of `amount` (gCO2e, Wh or L) on its indicator's ladder, in the
    reader's language.

    >>> everyday("energy", 0.0005)["text"]
    '0.18 seconds of a 10 W LED bulb'
    >>> everyday("water", 1e-7)["text"]
    'under 0.1 drops of water'
    >>> everyday("ghg", 2440.0, "fr")["text"]
    '10 km en voiture'
    """
    locale = locale or i18n.current.get()
    words = i18n.translations(locale)
    ladder = _ladders()[indicator]
    chosen = next(
        (step for step in ladder if LOWEST <= amount * step[0] <= HIGHEST),
        ladder[0] if amount * ladder[0][0] > HIGHEST else ladder[-1],
    )
    count = amount * chosen[0]
    if 0 < count < LOWEST:  # below the finest step: a bound, not "0.0022 drops of water"
        text = words.gettext("under %(bound)s %(things)s") % {
            "bound": decimal(LOWEST, 1, locale),
            "things": words.ngettext(chosen[1], chosen[2], 2),
        }
        return {"key": indicator, "value": count, "text": text, "source": str(chosen[3])}
    shown = rounded(count, 2, locale) if count else "0"
    separator = decimal(0.5, 1, locale)[1]
    if separator in shown:  # 2 significant figures, without trailing zeros: '2', '0.09', '1.5'
        shown = shown.rstrip("0").rstrip(separator)
    return {
        "key": indicator,
        "value": count,
        "text": f"{shown} {words.ngettext(chosen[1], chosen[2], 1 if shown == '1' else 2)}",
        "source": str(chosen[3]),
    }


def equivalents(*, ghg_g: float, energy_kwh: float, water_l: float) -> list[dict[str, Any]]:
    """The everyday equivalent of each indicator, with its source: GHG, energy, water.

    >>> [e["text"] for e in equivalents(ghg_g=244.0, energy_kwh=0.019, water_l=0.5)]
    ['1 km by car', '1 phone charge', '2 glasses of water']
    """
    return [
        everyday("ghg", ghg_g),
        everyday("energy", energy_kwh * 1000),
        everyday("water", water_l),
    ]

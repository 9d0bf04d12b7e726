"""Plain-language equivalents, so that a figure means something to everyone."""

from __future__ import annotations

from frugalkit.impact.data import field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def equivalents(*, ghg_g: float, energy_kwh: float, water_l: float) -> list[dict[str, Any]]:
    """Each equivalent with its value, a sentence fragment and its source.

    >>> [e["text"] for e in equivalents(ghg_g=244.0, energy_kwh=0.019, water_l=0.5)][:3]
    ['1 km by car', '1 phone charge', '2 glasses of water']
    """
    car = field("equivalents", "car_km")
    phone = field("equivalents", "phone_charges")
    glass = field("equivalents", "water_glasses")
    bulb = field("equivalents", "led_bulb_hours")
    rows = [
        ("car_km", ghg_g / float(car["ghg_g_per_km"]), "km by car", "km by car", car),
        (
            "phone_charges",
            energy_kwh / float(phone["energy_kwh_per_charge"]),
            "phone charge",
            "phone charges",
            phone,
        ),
        (
            "water_glasses",
            water_l / float(glass["water_l_per_glass"]),
            "glass of water",
            "glasses of water",
            glass,
        ),
        (
            "led_bulb_hours",
            energy_kwh * 1000.0 / float(bulb["power_w"]),
            "hour of a 10 W LED bulb",
            "hours of a 10 W LED bulb",
            bulb,
        ),
    ]
    return [
        {
            "key": key,
            "value": value,
            "text": f"{_fmt(value)} {one if _fmt(value) == '1' else many}",
            "source": str(source["source"]),
        }
        for key, value, one, many, source in rows
    ]


def _fmt(value: float) -> str:
    """Short, readable numbers: 0.00042, 3.1, 1,234."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.3g}"
    return f"{value:.2g}" if value > 0 else "0"

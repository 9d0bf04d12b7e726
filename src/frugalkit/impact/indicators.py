"""Impact arithmetic: pure functions over plain values, one indicator each.

Energy in kWh, greenhouse gases in gCO2e, water in L, durations in s. Methods:
- facility energy = IT energy x PUE (ISO/IEC 30134-2), applied once;
- GHG, location-based = facility energy x grid intensity of the zone (GHG Protocol Scope 2);
- water (Li et al., "Making AI less thirsty", arXiv:2304.03271):
  on-site = IT energy x WUE; off-site = IT energy x PUE x EWIF of the zone's electricity;
- embodied = impact x (duration / lifetime) x share of the hardware reserved
  (GSF SCI, ISO/IEC 21031:2024).
"""

from __future__ import annotations

import math

from frugalkit.errors import InputError

SECONDS_PER_YEAR = 365.0 * 24 * 3600
J_PER_KWH = 3.6e6
WH_PER_KWH = 1000


def check_parameters(*, pue: float, wue_l_per_kwh: float, units: float) -> None:
    """Refuse values no data centre or run can have, naming the field."""
    for field, value in (("pue", pue), ("wue", wue_l_per_kwh), ("units", units)):
        check_finite(field, value)
    if not pue >= 1.0:
        raise InputError(
            f"pue must be >= 1.0: facility energy cannot be below IT energy (got {pue})"
        )
    if not wue_l_per_kwh >= 0.0:
        raise InputError(f"wue must be >= 0 L/kWh (got {wue_l_per_kwh})")
    if not units > 0:
        raise InputError(f"units must be > 0: the count of functional units (got {units})")


def check_finite(field: str, value: float) -> None:
    """InputError unless `value` is a finite number (inf and NaN would poison every total)."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{field} must be a finite number (got {value})")


def facility_energy_kwh(it_energy_kwh: float, pue: float) -> float:
    """IT energy x PUE.

    >>> facility_energy_kwh(2.0, 1.5)
    3.0
    """
    return it_energy_kwh * pue


def location_based_ghg_g(facility_energy_kwh: float, intensity_g_per_kwh: float) -> float:
    """Facility energy x the grid's intensity.

    >>> location_based_ghg_g(3.0, 56.0)
    168.0
    """
    return facility_energy_kwh * intensity_g_per_kwh


def onsite_water_l(it_energy_kwh: float, wue_l_per_kwh: float) -> float:
    """Water evaporated by the data centre's cooling. >>> onsite_water_l(2.0, 1.8)
    3.6"""
    return it_energy_kwh * wue_l_per_kwh


def offsite_water_l(it_energy_kwh: float, pue: float, water_l_per_kwh: float) -> float:
    """Water consumed to generate the electricity. >>> round(offsite_water_l(2.0, 1.5, 3.67), 2)
    11.01"""
    return it_energy_kwh * pue * water_l_per_kwh


def time_share(duration_s: float, lifetime_years: float) -> float:
    """Fraction of a lifetime that a run used. >>> round(time_share(3600, 4), 9)
    2.8539e-05"""
    return duration_s / (lifetime_years * SECONDS_PER_YEAR)


def per_unit(value: float, units: float) -> float:
    return value / units

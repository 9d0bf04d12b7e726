"""Data-centre key performance indicators of ISO/IEC 30134 (EN 50600-4-x in Europe), as
pure functions over yearly or monthly totals. Energies in kWh, water in L, GHG in kg CO2e.

>>> pue(total_facility_kwh=1320.0, it_kwh=1000.0)
1.32
"""

from __future__ import annotations

from frugalkit.errors import InputError

# ISO/IEC 30134-2: the PUE category is the point where IT energy is metered.
PUE_CATEGORIES = {"ups_output": 1, "pdu_output": 2, "it_input": 3}


def _ratio(name: str, numerator: float, denominator: float) -> float:
    if denominator <= 0:
        raise InputError(f"{name}: its denominator is {denominator:g}; it needs a positive total")
    if numerator < 0:
        raise InputError(f"{name}: its numerator is negative ({numerator:g})")
    return numerator / denominator


def pue(total_facility_kwh: float, it_kwh: float) -> float:
    """ISO/IEC 30134-2 power usage effectiveness: total facility energy / IT energy (≥ 1)."""
    return _ratio("PUE", total_facility_kwh, it_kwh)


def ref(renewable_kwh: float, total_facility_kwh: float) -> float:
    """ISO/IEC 30134-3 renewable energy factor: renewable energy / total energy (0 to 1)."""
    return _ratio("REF", renewable_kwh, total_facility_kwh)


def erf(reused_kwh: float, total_facility_kwh: float) -> float:
    """ISO/IEC 30134-6 energy reuse factor: energy reused outside the site / total energy."""
    return _ratio("ERF", reused_kwh, total_facility_kwh)


def cer(heat_removed_kwh: float, cooling_kwh: float) -> float:
    """ISO/IEC 30134-7 cooling efficiency ratio: heat removed / cooling energy (higher is
    better)."""
    return _ratio("CER", heat_removed_kwh, cooling_kwh)


def cue(ghg_kg: float, it_kwh: float) -> float:
    """ISO/IEC 30134-8 carbon usage effectiveness: kg CO2e of the site's energy / IT kWh."""
    return _ratio("CUE", ghg_kg, it_kwh)


def wue(water_l: float, it_kwh: float) -> float:
    """ISO/IEC 30134-9 water usage effectiveness: litres of water used on site / IT kWh."""
    return _ratio("WUE", water_l, it_kwh)


def itee_sv(performance: list[float], max_power_w: list[float]) -> float:
    """ISO/IEC 30134-4 IT equipment energy efficiency for servers: the servers' summed peak
    performance (as declared, e.g. SERT scores, one per server) / their summed maximum
    power, W (higher is better)."""
    if len(performance) != len(max_power_w):
        raise InputError("ITEEsv: one performance figure and one maximum power per server")
    return _ratio("ITEEsv", sum(performance), sum(max_power_w))


def iteu_sv(utilisation: list[float]) -> float:
    """ISO/IEC 30134-5 IT equipment utilisation for servers: the mean of the servers' CPU
    utilisation over the period, each a fraction from 0 to 1."""
    if not utilisation or any(not 0 <= u <= 1 for u in utilisation):
        raise InputError("ITEUsv: give each server's utilisation as a fraction from 0 to 1")
    return _ratio("ITEUsv", sum(utilisation), len(utilisation))

"""What choosing a site means for one AI workload: its IT energy (from an ImpactReport or a
bench run's report) recomputed at each site's PUE, WUE, grid zone and renewable share."""

from __future__ import annotations

from typing import Any

from frugalkit.impact.data import field
from frugalkit.impact.indicators import facility_energy_kwh, location_based_ghg_g, onsite_water_l


def at_site(
    report: dict[str, Any], site: str, country: str, kpis: dict[str, Any]
) -> dict[str, Any]:
    """The report's IT energy at a site: energy (kWh), location-based and market-based GHG
    (g; market-based counts the site's renewable share as zero-carbon) and on-site water (L)."""
    it_kwh = float(report["energy"]["it_kwh"])
    pue = kpis.get("pue") or 1.0
    intensity = float(field("grid_intensity", "countries", country, "intensity_g_per_kwh"))
    energy = facility_energy_kwh(it_kwh, pue)
    location = location_based_ghg_g(energy, intensity)
    renewable = kpis.get("ref") or 0.0
    return {
        "site": site,
        "country": country,
        "pue": pue,
        "energy_kwh": energy,
        "ghg_location_g": location,
        "ghg_market_g": location * (1 - renewable),
        "water_l": onsite_water_l(it_kwh, kpis["wue"]) if kpis.get("wue") is not None else None,
    }

"""Turn measured energy into a full impact report (a JSON-ready dict, schema version 1).

Pure: no clock, no I/O beyond the packaged factor files. `frugalkit.impact.report`
holds the pydantic model that validates what this builds.
"""

from __future__ import annotations

from frugalkit._version import __version__
from frugalkit.impact import indicators as ind
from frugalkit.impact.embodied import hardware_items

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from frugalkit.impact.zones import Zone

SCHEMA_VERSION = 1
COMPONENTS = ("cpu", "gpu", "ram")
WATER_METHOD = (
    "on-site = IT energy x WUE; off-site = IT energy x PUE x EWIF (Li et al., arXiv:2304.03271)"
)


def energy_section(components: list[dict[str, Any]], pue: float) -> dict[str, float]:
    """kWh per component, IT total, facility total and the uncertainty band."""
    by_component = {c: 0.0 for c in COMPONENTS}
    low_kwh = high_kwh = 0.0
    for component in components:
        by_component[component["component"]] += component["energy_kwh"]
        low_kwh += component["low_kwh"]
        high_kwh += component["high_kwh"]
    it_kwh = sum(by_component.values())
    return {
        **{f"{c}_kwh": by_component[c] for c in COMPONENTS},
        "it_kwh": it_kwh,
        "facility_kwh": ind.facility_energy_kwh(it_kwh, pue),
        "low_kwh": ind.facility_energy_kwh(low_kwh, pue),
        "high_kwh": ind.facility_energy_kwh(high_kwh, pue),
        "pue": pue,
    }


def build_report(
    *,
    report_id: str,
    name: str,
    phase: str,
    functional_unit: str,
    units: float,
    started_at: datetime,
    ended_at: datetime,
    duration_s: float,
    status: str,
    exit_code: int | None,
    error: str | None,
    scope: str,
    command: list[str] | None,
    host: dict[str, Any],
    components: list[dict[str, Any]],
    windows: list[dict[str, Any]],
    zone: Zone,
    pue: float,
    wue_l_per_kwh: float,
    host_profile: str | None = None,
    prediction: dict[str, Any] | None = None,
    grid: tuple[str, str] = ("yearly", ""),
) -> dict[str, Any]:
    """The report of one run. `components`: one dict per metered component with
    component, energy_kwh, low_kwh, high_kwh, kind, meter, sampling, share, note."""
    ind.check_parameters(pue=pue, wue_l_per_kwh=wue_l_per_kwh, units=units)
    energy = energy_section(components, pue)
    it_kwh, facility_kwh = energy["it_kwh"], energy["facility_kwh"]
    onsite_l = ind.onsite_water_l(it_kwh, wue_l_per_kwh)
    offsite_l = ind.offsite_water_l(it_kwh, pue, zone.water_l_per_kwh)
    items = hardware_items(duration_s, int(host["logical_cpus"]), len(host["gpus"]), host_profile)
    embodied = {
        "gwp_g": sum(i["gwp_g"] for i in items),
        "adpe_kgsbeq": sum(i["adpe_kgsbeq"] for i in items),
        "pe_mj": sum(i["pe_mj"] for i in items),
        "method": "impact x duration / lifetime x share reserved (GSF SCI, ISO/IEC 21031:2024)",
        "items": items,
    }
    ghg_g = ind.location_based_ghg_g(facility_kwh, zone.intensity_g_per_kwh)
    return {
        "schema_version": SCHEMA_VERSION,
        "id": report_id,
        "name": name,
        "phase": phase,
        "functional_unit": functional_unit,
        "units": units,
        "started_at": started_at.isoformat(),
        "ended_at": ended_at.isoformat(),
        "duration_s": duration_s,
        "status": status,
        "exit_code": exit_code,
        "error": error,
        "scope": scope,
        "command": command,
        "host": {**host, "zone": zone.code},
        "methods": [
            {
                **{k: c[k] for k in ("component", "kind", "meter", "sampling", "share", "note")},
                "idle_kwh": c.get("idle_kwh"),
            }
            for c in components
        ],
        "energy": energy,
        "ghg": {
            "location_based_g": ghg_g,
            "low_g": ind.location_based_ghg_g(energy["low_kwh"], zone.intensity_g_per_kwh),
            "high_g": ind.location_based_ghg_g(energy["high_kwh"], zone.intensity_g_per_kwh),
            "intensity_g_per_kwh": zone.intensity_g_per_kwh,
            "zone": zone.code,
            "zone_name": zone.name,
            "source": zone.intensity_source,
            "year": zone.intensity_year,
            "resolution": grid[0],
            "note": grid[1],
        },
        "water": {
            "onsite_l": onsite_l,
            "offsite_l": offsite_l,
            "total_l": onsite_l + offsite_l,
            "wue_l_per_kwh": wue_l_per_kwh,
            "offsite_l_per_kwh": zone.water_l_per_kwh,
            "method": WATER_METHOD,
            "source": zone.mix_source,
        },
        "resources": {
            "usage_adpe_kgsbeq": facility_kwh * zone.adpe_kgsbeq_per_kwh,
            "usage_pe_mj": facility_kwh * zone.pe_mj_per_kwh,
            "source": zone.mix_source,
            "world_fallback": zone.mix_fallback,
        },
        "embodied": embodied,
        "per_unit": {
            "functional_unit": functional_unit,
            "energy_kwh": ind.per_unit(facility_kwh, units),
            "ghg_g": ind.per_unit(ghg_g, units),
            "water_l": ind.per_unit(onsite_l + offsite_l, units),
            "embodied_gwp_g": ind.per_unit(embodied["gwp_g"], units),
        },
        "windows": windows,
        "frugalkit_version": __version__,
        **({"prediction": prediction} if prediction else {}),
    }

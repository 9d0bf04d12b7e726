"""Grid zones: a country's carbon intensity and its electricity's water and resource use."""

from __future__ import annotations

from typing import Any

from frugalkit.errors import InputError
from frugalkit.impact.data import field
from frugalkit.impact.indicators import check_finite

WORLD = "WOR"


class Zone:
    """Where the electricity comes from. Intensities are per kWh drawn from the grid:
    code (ISO 3166 alpha-3, WOR for the world), intensity_g_per_kwh (gCO2e/kWh),
    water_l_per_kwh (off-site water to generate it), adpe_kgsbeq_per_kwh, pe_mj_per_kwh."""

    __slots__ = (
        "adpe_kgsbeq_per_kwh",
        "code",
        "intensity_g_per_kwh",
        "intensity_source",
        "intensity_year",
        "mix_fallback",
        "mix_source",
        "name",
        "pe_mj_per_kwh",
        "water_l_per_kwh",
    )

    def __init__(
        self,
        *,
        code: str,
        name: str,
        intensity_g_per_kwh: float,
        intensity_source: str,
        intensity_year: int,
        water_l_per_kwh: float,
        adpe_kgsbeq_per_kwh: float,
        pe_mj_per_kwh: float,
        mix_source: str,
        mix_fallback: list[str] | None = None,
    ) -> None:
        self.code, self.name = code, name
        self.intensity_g_per_kwh = intensity_g_per_kwh
        self.intensity_source, self.intensity_year = intensity_source, intensity_year
        self.water_l_per_kwh = water_l_per_kwh
        self.adpe_kgsbeq_per_kwh, self.pe_mj_per_kwh = adpe_kgsbeq_per_kwh, pe_mj_per_kwh
        self.mix_source = mix_source
        # the factors EcoLogits gives this zone at the world's value (no figure of its own)
        self.mix_fallback = list(mix_fallback or [])


FALLBACK_NAMES = {"wue": "off-site water", "adpe": "ADPe", "pe": "PE"}


def _mix(code: str) -> dict[str, Any]:
    """The zone's water, ADPe and PE factors; the world's (all said to be fallbacks) for a
    zone EcoLogits does not list."""
    zones = field("electricity_mix", "zones")
    if code in zones:
        return dict(zones[code])
    return {**zones[WORLD], "world_fallback": [] if code == WORLD else list(FALLBACK_NAMES)}


def resolve_zone(code: str | None, intensity_g_per_kwh: float | None = None) -> Zone:
    """The zone for an ISO 3166 alpha-2 or alpha-3 code (None: world average).

    `intensity_g_per_kwh` overrides the grid intensity (for a supplier's own figure).

    >>> resolve_zone("FR").intensity_g_per_kwh
    56.039
    """
    countries: dict[str, dict[str, object]] = field("grid_intensity", "countries")
    source = str(field("grid_intensity", "source"))
    mix_source = str(field("electricity_mix", "source"))
    if code is None or code.strip().upper() in ("", WORLD, "WORLD"):
        world = field("grid_intensity", "world_default")
        alpha3, name = WORLD, "World"
        intensity = float(world["intensity_g_per_kwh"])
        source, year = str(world["source"]), int(world["year"])
    else:
        alpha3 = _alpha3(code.strip().upper(), countries)
        row = countries[alpha3]
        name, year = str(row["name"]), int(str(row["year"]))
        intensity = float(str(row["intensity_g_per_kwh"]))
    if intensity_g_per_kwh is not None:
        check_finite("intensity_g_per_kwh", intensity_g_per_kwh)
        if intensity_g_per_kwh < 0:
            raise InputError(f"intensity_g_per_kwh must be >= 0 (got {intensity_g_per_kwh})")
        intensity, source = float(intensity_g_per_kwh), "given by the user"
    mix = _mix(alpha3)
    return Zone(
        code=alpha3,
        name=name,
        intensity_g_per_kwh=intensity,
        intensity_source=source,
        intensity_year=year,
        water_l_per_kwh=float(mix["water_l_per_kwh"]),
        adpe_kgsbeq_per_kwh=float(mix["adpe_kgsbeq_per_kwh"]),
        pe_mj_per_kwh=float(mix["pe_mj_per_kwh"]),
        mix_source=mix_source,
        mix_fallback=[FALLBACK_NAMES[f] for f in mix.get("world_fallback", [])],
    )


def _alpha3(code: str, countries: dict[str, dict[str, object]]) -> str:
    if code in countries:
        return code
    for alpha3, row in countries.items():
        if row.get("alpha2") == code:
            return alpha3
    names = {str(row["name"]).upper(): alpha3 for alpha3, row in countries.items()}
    if code in names:
        return names[code]
    import difflib

    candidates = list(countries) + [str(r["alpha2"]) for r in countries.values() if r["alpha2"]]
    close = difflib.get_close_matches(code, candidates + list(names), n=4, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"unknown country code {code!r} (expected ISO 3166 alpha-2 or alpha-3){hint}")

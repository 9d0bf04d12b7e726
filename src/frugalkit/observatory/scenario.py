"""Data-centre electricity scenarios, per region and year, from 2024 to 2035:

    electricity (TWh) = installed IT capacity (GW) x load factor x 8,760 h x PUE / 1,000

2024 is observed, not a lever: each region's 2024 electricity (IEA 2025) is split into IT
and overhead by the observed PUE, and its IT part into conventional and accelerated
servers by their observed share; those facts (`observed` in `data/presets.json`) fix
2024. The levers act on the future only: growth of each server class to 2030 and after,
efficiency gains, the PUE and load factor reached in 2035 (linear from 2024's), the grid
intensity's change to 2030 and after. So a lower 2035 PUE lowers future electricity,
faster growth raises it, and no lever changes 2024. Emissions start from each region's
own 2024 grid intensity (`baseline`). Presets name the published figures they are fitted
on (`anchors`); every other output is the model's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from frugalkit.errors import InputError
from frugalkit.observatory.importer import check_file

DATA_DIR = Path(__file__).parent / "data"
HOURS_PER_YEAR = 8760
GWH_PER_TWH = 1000
FIRST_YEAR, PIVOT_YEAR, LAST_YEAR = 2024, 2030, 2035
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
# The IEA 2025 regional split: five regions of one source that add up to its world total.
REGIONS = ("USA", "CHN", "iea-europe", "iea-asia-pacific-ex-china", "iea-rest-of-world")
BASELINE_SOURCE = "iea-2025"
TOLERANCE = 0.02  # a preset reproduces its anchor within 2 %


@dataclass(frozen=True)
class Lever:
    id: str
    label: str
    unit: str
    minimum: float
    maximum: float
    step: float
    delta: float  # the change the sensitivity view applies, either way
    why: str


@cache
def presets_file() -> dict[str, Any]:
    return dict(json.loads((DATA_DIR / "presets.json").read_text(encoding="utf-8")))


@cache
def levers() -> dict[str, Lever]:
    return {item["id"]: Lever(**item) for item in presets_file()["levers"]}


@cache
def observed() -> dict[str, dict[str, Any]]:
    """2024 facts with their sources: PUE, load factor, accelerated servers' share."""
    return dict(presets_file()["observed"])


@cache
def baseline() -> dict[str, Any]:
    """2024 electricity (TWh) and grid intensity (g/kWh) per region, and the electricity
    totals that shares are taken of, from the packaged figures. The intensity of a region
    without an Ember figure is the generation-weighted mean of its countries' latest
    values in the shipped OWID data (`regions.IEA_MEMBERS`), said so in `intensity_basis`."""
    from frugalkit.observatory.regions import aggregate_intensity, basis_text

    points = check_file(DATA_DIR / "figures.csv").points
    countries = check_file(DATA_DIR / "owid_countries.csv").points
    by = {(p.source, p.metric, p.region, p.year, p.case): p.value for p in points}
    electricity = {
        r: by[(BASELINE_SOURCE, "dc_electricity_twh", r, FIRST_YEAR, "")] for r in REGIONS
    }
    intensity, basis, counts = {}, {}, {}
    for r in REGIONS:
        ember = by.get(("ember-2025", "grid_intensity_g_per_kwh", r, FIRST_YEAR, ""))
        if ember is not None:
            intensity[r], basis[r] = ember, "Ember, Global Electricity Review 2025 (2024)"
        else:
            intensity[r], counts[r] = aggregate_intensity(r, countries)
            basis[r] = basis_text(*counts[r])
    world_share_pct = by[(BASELINE_SOURCE, "dc_electricity_share_pct", "world", FIRST_YEAR, "")]
    totals = {p.region: p.value for p in countries if p.metric == "electricity_generation_twh"}
    grid_twh = {r: totals[r] for r in REGIONS if r in totals}
    grid_twh["world"] = by[(BASELINE_SOURCE, "dc_electricity_twh", "world", FIRST_YEAR, "")] / (
        world_share_pct / 100
    )
    return {
        "electricity_twh": electricity,
        "intensity_g_per_kwh": intensity,
        "intensity_basis": basis,
        "intensity_counts": counts,  # (countries, first year, last year) of an aggregate
        "grid_twh": grid_twh,
    }


def preset(name: str) -> dict[str, Any]:
    presets = presets_file()["presets"]
    if name not in presets:
        raise InputError(f"unknown preset {name!r}; one of: {', '.join(presets)}")
    return dict(presets[name])


def check_levers(values: dict[str, float]) -> dict[str, float]:
    """Every lever known and in range; a clear InputError otherwise."""
    known = levers()
    for name, value in values.items():
        lever = known.get(name)
        if lever is None:
            raise InputError(f"unknown lever {name!r}; levers: {', '.join(known)}")
        if not lever.minimum <= value <= lever.maximum:
            raise InputError(
                f"{name} must be between {lever.minimum:g} and {lever.maximum:g} {lever.unit} "
                f"(got {value:g})"
            )
    return values


def _linear(start: float, end: float, year: int) -> float:
    return start + (end - start) * (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR)


def project_region(region: str, v: dict[str, float], adjust_pp: float) -> list[dict[str, float]]:
    """One region's path, a row per year: IT capacity (GW), electricity (TWh), emissions
    (Mt CO2) and its share of the region's electricity (%, where a total is known)."""
    base, facts = baseline(), observed()
    pue0 = facts["pue_2024"]["value"]
    load0 = facts["load_factor_2024"]["value"]
    it_twh0 = base["electricity_twh"][region] / pue0  # the IT part of observed 2024
    capacity0_gw = it_twh0 * GWH_PER_TWH / (load0 * HOURS_PER_YEAR)
    accelerated_gw = capacity0_gw * facts["accelerated_share_pct"]["value"] / 100
    conventional_gw = capacity0_gw - accelerated_gw
    intensity = base["intensity_g_per_kwh"][region]
    grid_twh = base["grid_twh"].get(region)
    rows = []
    for year in YEARS:
        t = year - FIRST_YEAR
        if year > FIRST_YEAR:
            kept = 1.0 if year <= PIVOT_YEAR else v["growth_after_2030_pct"] / 100
            conventional_gw *= 1 + kept * (v["capacity_growth_pct"] + adjust_pp) / 100
            accelerated_gw *= 1 + kept * (v["accelerated_growth_pct"] + adjust_pp) / 100
            change = v["intensity_change_pct" if year <= PIVOT_YEAR else "intensity_after_2030_pct"]
            intensity *= 1 + change / 100
            if grid_twh is not None:
                grid_twh *= 1 + v["electricity_growth_pct"] / 100
        it_gw = (conventional_gw + accelerated_gw) * (1 - v["efficiency_gain_pct"] / 100) ** t
        load = _linear(load0, v["load_factor_2035"], year)
        pue = _linear(pue0, v["pue_2035"], year)
        twh = it_gw * load * HOURS_PER_YEAR * pue / GWH_PER_TWH
        rows.append(
            {
                "year": year,
                "it_capacity_gw": it_gw,
                "electricity_twh": twh,
                "emissions_mt": twh * intensity / 1e3,  # TWh x g/kWh = kt; / 1e3 = Mt
                "share_pct": None if grid_twh is None else 100 * twh / grid_twh,
                "accelerated_pct": 100 * accelerated_gw / (accelerated_gw + conventional_gw),
            }
        )
    return rows


def run(levers_in: dict[str, float] | None = None, preset_name: str = "iea-base") -> dict[str, Any]:
    """The scenario of `preset_name` with `levers_in` changed: per region and world, per
    year; the preset's anchors and how far this scenario is from each."""
    chosen = preset(preset_name)
    values = {**chosen["levers"], **check_levers(dict(levers_in or {}))}
    adjust = chosen.get("region_adjust_pp", {})
    regions = {r: project_region(r, values, adjust.get(r, 0.0)) for r in REGIONS}
    world = []
    for i, year in enumerate(YEARS):
        twh = sum(regions[r][i]["electricity_twh"] for r in REGIONS)
        world_grid = baseline()["grid_twh"]["world"] * (
            1 + values["electricity_growth_pct"] / 100
        ) ** (year - FIRST_YEAR)
        world.append(
            {
                "year": year,
                "it_capacity_gw": sum(regions[r][i]["it_capacity_gw"] for r in REGIONS),
                "electricity_twh": twh,
                "emissions_mt": sum(regions[r][i]["emissions_mt"] for r in REGIONS),
                "share_pct": 100 * twh / world_grid,
            }
        )
    result = {
        "preset": preset_name,
        "levers": values,
        "observed": observed(),
        "intensity_basis": baseline()["intensity_basis"],
        "regions": regions,
        "world": world,
    }
    result["anchors"] = [_against(anchor, result) for anchor in chosen["anchors"]]
    result["checks"] = [_against(check, result) for check in chosen.get("checks", [])]
    return result


def value_at(result: dict[str, Any], region: str, year: int, output: str) -> float:
    rows = result["world"] if region == "world" else result["regions"][region]
    return float(rows[year - FIRST_YEAR][output])


def _against(anchor: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    output = {"dc_electricity_twh": "electricity_twh", "dc_emissions_mt": "emissions_mt"}
    model = value_at(result, anchor["region"], anchor["year"], output[anchor["metric"]])
    return {**anchor, "model": model, "deviation": model / anchor["value"] - 1}


def sensitivity(
    levers_in: dict[str, float] | None = None,
    preset_name: str = "iea-base",
    year: int = PIVOT_YEAR,
) -> list[dict[str, Any]]:
    """How much world electricity in `year` moves when each lever moves by its `delta`
    either way (within its range), largest effect first."""
    values = {**preset(preset_name)["levers"], **check_levers(dict(levers_in or {}))}
    centre = value_at(run(values, preset_name), "world", year, "electricity_twh")
    rows = []
    for lever in levers().values():
        low = max(lever.minimum, values[lever.id] - lever.delta)
        high = min(lever.maximum, values[lever.id] + lever.delta)
        at = {
            side: value_at(
                run({**values, lever.id: x}, preset_name), "world", year, "electricity_twh"
            )
            for side, x in (("low", low), ("high", high))
        }
        rows.append(
            {
                "lever": lever.id,
                "label": lever.label,
                "unit": lever.unit,
                "from": low,
                "to": high,
                "twh_low": at["low"],
                "twh_high": at["high"],
                "centre_twh": centre,
                "effect_twh": at["high"] - at["low"],  # its sign: raising the lever does this
                "span_twh": abs(at["high"] - at["low"]),
            }
        )
    return sorted(rows, key=lambda r: -r["span_twh"])

"""A data centre as its facility file (YAML) describes it: where it is, how its IT energy
is metered, each meter's role and unit, renewable contracts, and what the EU's yearly
report (Reg. (EU) 2024/1364) asks that no meter measures.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frugalkit import safeyaml
from frugalkit.errors import InputError
from frugalkit.impact.gate import first_problem
from frugalkit.impact.kpis import PUE_CATEGORIES

ROLES = {
    "grid": "electricity drawn from the grid",
    "onsite_generation": "electricity generated on site (its `source` says from what)",
    "backup_generation": "electricity from backup generators (EU report EDC-BG)",
    "fuel": "fuel burnt on site (its `fuel` says which), kWh of its net calorific value",
    "it": "IT equipment, at the facility's IT metering point (or the meter's own `point`)",
    "heat_upgrade": "electricity of plant that only upgrades waste heat (heat pumps), "
    "left out of PUE by EnEfG section 11(2) and Blue Angel",
    "cooling": "energy of the cooling system",
    "reuse_export": "energy (heat) delivered for reuse outside the site",
    "heat_removed": "heat removed from the IT room by cooling",
    "water_potable": "potable water taken in",
    "water_other": "other water taken in (rain, grey, sea)",
}
TO_KWH = {"Wh": 1e-3, "kWh": 1.0, "MWh": 1e3, "GWh": 1e6, "MJ": 1 / 3.6, "GJ": 1e3 / 3.6}
TO_L = {"L": 1.0, "m3": 1e3, "m³": 1e3}
Renewable = Literal["pv", "wind", "hydro", "geothermal", "biomass"]
Source = Renewable | Literal["gas_chp", "diesel", "other_fossil"]
RENEWABLE_SOURCES = ("pv", "wind", "hydro", "geothermal", "biomass")
FOSSIL_SOURCES = ("gas_chp", "diesel", "other_fossil")
GENERATING = ("onsite_generation", "backup_generation")
METERING_POINTS = ("ups_output", "pdu_output", "it_input")
Commissioning = date | int  # a date; a bare year where the date is unknown


def window(when: Commissioning) -> tuple[date, date]:
    """The earliest and latest day a commissioning (a date, or only its year) can be."""
    if isinstance(when, date):
        return when, when
    return date(when, 1, 1), date(when, 12, 31)


class Meter(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(min_length=1, max_length=100)
    role: str
    unit: str
    source: Source | None = Field(
        default=None, description="what an on-site or backup generator runs on"
    )
    subsidised: bool | None = Field(
        default=None, description="paid a feed-in tariff or premium (EEG): EnEfG counts none"
    )
    point: Literal["ups_output", "pdu_output", "it_input"] | None = Field(
        default=None, description="an IT meter's point, when not the facility's it_metering"
    )
    fuel: Literal["natural_gas", "diesel"] | None = None

    def model_post_init(self, _context: Any) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role {self.role!r} unknown; one of {', '.join(ROLES)}")
        if self.role in GENERATING and self.source is None:
            known = ", ".join(RENEWABLE_SOURCES + FOSSIL_SOURCES)
            raise ValueError(f"meter {self.id!r} generates: say its source ({known})")
        if self.role == "onsite_generation" and self.subsidised is None:
            raise ValueError(f"meter {self.id!r}: say whether its generation is subsidised")
        if (self.role == "fuel") != (self.fuel is not None):
            raise ValueError(f"meter {self.id!r}: a fuel meter, and only one, names its fuel")
        water = self.role.startswith("water")
        if self.unit not in (TO_L if water else TO_KWH):
            known = ", ".join(TO_L if water else TO_KWH)
            raise ValueError(
                f"unit {self.unit!r} does not measure {'water' if water else 'energy'}; use {known}"
            )


class Contracts(BaseModel):
    """Renewable electricity bought, kWh a year: guarantees of origin, PPAs."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    guarantees_of_origin_kwh: float = Field(default=0, ge=0)
    ppa_kwh: float = Field(default=0, ge=0)


TEXT = r"^[^\x00-\x1f]*$"  # one line: no control characters


class EuInfo(BaseModel):
    """What Annex I and II of Reg. (EU) 2024/1364 ask that no meter measures; every field
    optional, so that the report's completeness check can name the missing ones."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    owner: str | None = Field(default=None, max_length=300, pattern=TEXT)
    operator: str | None = Field(default=None, max_length=300, pattern=TEXT)
    contact: str | None = Field(default=None, max_length=300, pattern=TEXT)
    lau_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}_[A-Za-z0-9]{1,20}$")
    type: Literal["enterprise", "colocation", "co-hosting"] | None = None
    structure: Literal["structure", "group of structures"] | None = None
    entry_into_operation: str | None = Field(default=None, pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
    electrical_redundancy: str | None = Field(default=None, max_length=100, pattern=TEXT)
    cooling_redundancy: str | None = Field(default=None, max_length=100, pattern=TEXT)
    total_floor_area_m2: float | None = Field(default=None, gt=0)
    computer_room_floor_area_m2: float | None = Field(default=None, gt=0)

    def model_post_init(self, _context: Any) -> None:
        total, room = self.total_floor_area_m2, self.computer_room_floor_area_m2
        if total is not None and room is not None and room > total:
            raise ValueError("computer_room_floor_area_m2 is larger than total_floor_area_m2")


class EuYear(BaseModel):
    """One calendar year's figures that no meter gives (Annex II)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    intake_air_setpoint_c: float | None = Field(default=None, ge=5, le=60)
    waste_heat_temperature_c: float | None = Field(default=None, ge=0, le=200)
    servers: int | None = Field(default=None, ge=0)
    storage_capacity_pb: float | None = Field(default=None, ge=0)
    incoming_traffic_pb: float | None = Field(default=None, ge=0)
    outgoing_traffic_pb: float | None = Field(default=None, ge=0)
    guarantees_of_origin_kwh: float | None = Field(default=None, ge=0, description="this year's")
    ppa_kwh: float | None = Field(default=None, ge=0, description="this year's")
    server_performance: float | None = Field(
        default=None, ge=0, description="CSERV: installed server performance capacity, declared"
    )


class CoolingSystem(BaseModel):
    """One cooling system: when it was installed, its capacity and refrigerant (Blue Angel
    dates CER and the refrigerant rule by the cooling system, not by the site)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    installed: date | int
    capacity_kw: float = Field(gt=0)
    refrigerant: str | None = Field(default=None, max_length=40, pattern=TEXT)


class ServerModel(BaseModel):
    """A model of server in the fleet, for ISO/IEC 30134-4 ITEEsv."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    model: str = Field(min_length=1, max_length=200, pattern=TEXT)
    count: int = Field(gt=0)
    performance: float = Field(gt=0, description="peak performance as declared (SERT score)")
    max_power_w: float = Field(gt=0)


class Facility(BaseModel):
    """A data centre: where it is, how its IT energy is metered, its meters."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=200, pattern=r"^[\w .()-]+$")
    country: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3 grid zone")
    commissioned: date | int = Field(
        description="the day the site began operating (a year alone where the day is unknown)"
    )
    it_metering: str = Field(description="ups_output, pdu_output or it_input (PUE category)")
    installed_it_kw: float = Field(gt=0)
    wue_source: str = ""
    wue_category: str | None = Field(
        default=None,
        max_length=100,
        pattern=TEXT,
        description="the ISO/IEC 30134-9 category the site's water is measured at, as declared",
    )
    refrigerants: list[str] = Field(default_factory=list, description="ASHRAE 34 names: R-744")
    cpu_utilisation: float | None = Field(
        default=None, ge=0, le=1, description="the servers' yearly mean (ISO/IEC 30134-5 ITEUsv)"
    )
    server_fleet: list[ServerModel] = Field(default_factory=list)
    rated_connection_kw: float | None = Field(
        default=None, gt=0, description="non-redundant rated connection (EnEfG section 3 no. 24)"
    )
    planned_erf: float | None = Field(
        default=None, ge=0, le=1, description="the planned share of reused energy (EnEfG 11(2))"
    )
    exemptions: list[Literal["enefg-11-3-1", "enefg-11-3-2", "enefg-11-3-3"]] = Field(
        default_factory=list, description="the exemptions from reuse duties the operator proves"
    )
    cooling_systems: list[CoolingSystem] = Field(default_factory=list)
    renewable_contracts: Contracts = Field(default_factory=Contracts)
    meters: list[Meter] = Field(min_length=1)
    eu: EuInfo = Field(default_factory=EuInfo)
    reported: dict[int, EuYear] = Field(default_factory=dict, description="by calendar year")
    demonstration: bool = False

    def model_post_init(self, _context: Any) -> None:
        first, _ = window(self.commissioned)
        if not date(1960, 1, 1) <= first <= date(2100, 12, 31):
            raise ValueError("commissioned must be between 1960 and 2100")
        if self.it_metering not in PUE_CATEGORIES:
            raise ValueError(f"it_metering must be one of {', '.join(PUE_CATEGORIES)}")
        roles = {m.role for m in self.meters}
        missing = {"grid", "it"} - roles
        if missing:
            raise ValueError(f"no meter for {', '.join(sorted(missing))}: PUE needs both")


def reported_year(facility: dict[str, Any], year: int) -> dict[str, Any]:
    """The facility file's `reported` figures for `year` ({} if none), from a Facility as a
    dict or a stored one (whose years, through JSON, are text)."""
    by_year = facility.get("reported") or {}
    return dict(by_year.get(year) or by_year.get(str(year)) or {})


def contracts_kwh(facility: dict[str, Any], year: int) -> dict[str, float]:
    """Renewable electricity bought in `year`, kWh: that year's own figures where the
    facility file reports them, else its standing contracts."""
    this_year = reported_year(facility, year)
    standing = facility["renewable_contracts"]
    return {
        k: float(standing[k] if this_year.get(k) is None else this_year[k])
        for k in ("guarantees_of_origin_kwh", "ppa_kwh")
    }


def load_facility(path: Path) -> Facility:
    document = safeyaml.load(path)
    try:
        return Facility.model_validate(document)
    except ValidationError as exc:
        raise InputError(f"{path.name}: {first_problem(exc)}") from None

"""The observatory's records: a data point (one figure of one source, with its scope, kind
and case) and the source it came from. One home that validates both.

Every point names what it measures (`metric`, which fixes the unit), where (`region`, its
scope), when (`year`), what kind of figure it is (measurement, estimate or projection; a
projection names its `case`) and who published it. Its key is (source, metric, region,
year, case): a figure revised in a new edition is a row of the new source, never an
overwrite of the old one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from frugalkit.messages import N_
from frugalkit.observatory.regions import check_region

Kind = Literal["measurement", "estimate", "projection"]
KINDS: tuple[str, ...] = ("measurement", "estimate", "projection")
# ISO 8601 dates, as precise as the publisher is: '2025', '2025-04' or '2025-04-10'.
PARTIAL_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Metric:
    """What a series measures, in one unit; `minimum` is the lowest sensible value."""

    id: str
    label: str
    unit: str
    minimum: float | None = 0.0


METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric("dc_electricity_twh", N_("Data-centre electricity consumption"), "TWh"),
        Metric(
            "dc_generation_twh",
            N_("Electricity generated to supply data centres (not consumption)"),
            "TWh",
        ),
        Metric("dc_electricity_share_pct", N_("Data centres' share of electricity use"), "%"),
        Metric("dc_emissions_mt", N_("Data-centre emissions"), "MtCO2"),
        Metric("dc_capacity_gw", N_("Installed data-centre capacity"), "GW"),
        Metric("dc_pue", N_("Average power usage effectiveness (PUE)"), "ratio", 1.0),
        Metric(
            "accelerated_server_share_pct",
            N_("Accelerated servers' share of data centres' electricity demand"),
            "%",
            None,
        ),
        Metric(
            "conventional_server_growth_pct_per_year",
            N_("Growth of conventional servers' electricity use"),
            "%/yr",
            None,
        ),
        Metric(
            "accelerated_server_growth_pct_per_year",
            N_("Growth of accelerated servers' electricity use"),
            "%/yr",
            None,
        ),
        Metric("dc_sites_reported", N_("Data-centre sites that reported"), "sites"),
        Metric(
            "dc_sites_reported_pct", N_("Share of data-centre sites in scope that reported"), "%"
        ),
        Metric("grid_intensity_g_per_kwh", N_("Carbon intensity of electricity"), "gCO2/kWh"),
        Metric("electricity_generation_twh", N_("Electricity generation"), "TWh"),
    )
}
# What a mistaken unit is worth in the metric's unit, so that the error can say how to fix it.
CONVERSIONS = {
    "TWh": {"PWh": 1e3, "GWh": 1e-3, "MWh": 1e-6, "kWh": 1e-9, "Wh": 1e-12},
    "MtCO2": {"GtCO2": 1e3, "ktCO2": 1e-3, "tCO2": 1e-6},
    "GW": {"TW": 1e3, "MW": 1e-3, "kW": 1e-6},
    "gCO2/kWh": {"kgCO2/kWh": 1e3, "kgCO2/MWh": 1.0, "tCO2/MWh": 1e3},
    "%": {"fraction": 100.0},
}


def metric(metric_id: str) -> Metric:
    try:
        return METRICS[metric_id]
    except KeyError:
        raise ValueError(
            f"unknown metric {metric_id!r}; one of: {', '.join(sorted(METRICS))}"
        ) from None


def unit_problem(metric_id: str, unit: str) -> str | None:
    """Why `unit` is wrong for the metric, or None when it is its unit."""
    expected = metric(metric_id).unit
    if unit == expected:
        return None
    factor = CONVERSIONS.get(expected, {}).get(unit)
    hint = f" (1 {unit} = {factor:g} {expected}): convert the value" if factor else ""
    return f"unit {unit!r} given, but {metric_id} is in {expected}{hint}"


class Source(BaseModel):
    """Who published figures, when, under which licence."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=2, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, max_length=300)
    publisher: str = Field(min_length=1, max_length=200)
    published: str = Field(pattern=PARTIAL_DATE, description="ISO date, as precise as known")
    licence: str = Field(min_length=2, max_length=200)
    url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    secondary: bool = Field(
        default=False, description="figures as reported by others, not read in the original"
    )
    note: str = Field(default="", max_length=1000)


def source_id(title: str, published: str) -> str:
    """'iea-energy-and-ai-2025-04' from a title and a publication date."""
    return f"{SLUG.sub('-', title.lower()).strip('-')[:100]}-{published}".strip("-")


class DataPoint(BaseModel):
    """One figure: `value` in `unit` (the metric's), for `region` and `year`."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)

    metric: str
    region: str
    year: int = Field(ge=1990, le=2100)
    value: float
    unit: str
    kind: Kind
    case: str = Field(default="", max_length=60, description="a projection's scenario case")
    source: str = Field(min_length=2, max_length=120)
    verified: bool = Field(
        default=True, description="false while a figure (e.g. read off a chart) is unchecked"
    )
    note: str = Field(default="", max_length=500)

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        metric(value)
        return value

    @field_validator("value", mode="before")
    @classmethod
    def _a_number(cls, value: object) -> object:
        """JSON `true` is not a figure: pydantic would read it as 1.0 (CSV text is parsed)."""
        if isinstance(value, bool):
            raise ValueError(f"value must be a number (got {value!r})")
        return value

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        return check_region(value)

    @model_validator(mode="after")
    def _consistent(self) -> DataPoint:
        problem = unit_problem(self.metric, self.unit)
        if problem:
            raise ValueError(problem)
        lowest = metric(self.metric).minimum
        if lowest is not None and self.value < lowest:
            raise ValueError(f"value {self.value:g} is below {lowest:g} {self.unit}, impossible")
        if self.kind == "projection" and not self.case:
            raise ValueError("a projection must name its case (e.g. Base, High Efficiency)")
        if self.kind != "projection" and self.case:
            raise ValueError(f"only a projection has a case; this row is a {self.kind}")
        return self

    @property
    def key(self) -> str:
        """What no two current rows share: source, metric, region, year and case."""
        return "|".join((self.source, self.metric, self.region, str(self.year), self.case))

    @property
    def series(self) -> str:
        """The series the point belongs to: one source's metric for one region and case."""
        return series_id(self.source, self.metric, self.region, self.case)


def series_id(source: str, metric_id: str, region: str, case: str) -> str:
    return f"{source}:{metric_id}:{region}:{SLUG.sub('-', case.lower()).strip('-') or 'observed'}"


def series_title(entry: dict[str, Any], locale: str = "en") -> str:
    """A series as a person names it: its metric in words, then its source and case
    ('Data-centre electricity consumption (iea-2025, Base)'), not its id."""
    from frugalkit import i18n

    words = i18n.translations(locale).gettext
    metric = METRICS.get(entry["metric"])
    label = words(metric.label) if metric else entry["metric"]
    case = entry.get("case") or words("observed")
    return f"{label} ({entry['source']}, {case})"

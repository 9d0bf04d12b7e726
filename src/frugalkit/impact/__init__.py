"""Impact model: indicators, factors and their sources. Pure functions and data only."""

from frugalkit.impact.assess import SCHEMA_VERSION, build_report
from frugalkit.impact.equivalents import equivalents
from frugalkit.impact.indicators import check_parameters
from frugalkit.impact.zones import Zone, resolve_zone

__all__ = [
    "SCHEMA_VERSION",
    "Zone",
    "build_report",
    "check_parameters",
    "equivalents",
    "resolve_zone",
]

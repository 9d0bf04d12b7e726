"""Regions a figure can be about: countries (ISO 3166 alpha-3, as the grid data uses) and
the aggregates that publishers define. Aggregates of different publishers are different
scopes: IEA's "Europe" is not the EU-27, so each is its own region and never summed with
another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Region:
    """`where` is a point to draw the region's marker on a map (degrees), not data."""

    code: str
    name: str
    scope: str
    where: tuple[float, float] | None = None


AGGREGATES = (
    Region("world", "World", "the whole world", (5.0, -160.0)),
    Region("eu27", "European Union (EU-27)", "the 27 member states of the EU", (50.0, 10.0)),
    Region(
        "iea-europe",
        "Europe (IEA)",
        "IEA's Europe: the EU and other European countries; not the EU-27",
        (56.0, 25.0),
    ),
    Region(
        "iea-asia-pacific-ex-china",
        "Asia Pacific excluding China (IEA)",
        "IEA's Asia Pacific region without the People's Republic of China",
        (-5.0, 120.0),
    ),
    Region(
        "iea-rest-of-world",
        "Rest of the world (IEA)",
        "every country outside IEA's United States, China, Europe and Asia Pacific",
        (0.0, 20.0),
    ),
)
# Where to draw the two countries that IEA charts on their own.
COUNTRY_MARKERS = {"USA": (39.0, -98.0), "CHN": (35.0, 104.0)}


@cache
def regions() -> dict[str, Region]:
    """Every known region by code: the aggregates, then the countries of the grid data."""
    from frugalkit.impact.data import field

    known = {r.code: r for r in AGGREGATES}
    for code, country in sorted(field("grid_intensity", "countries").items()):
        known[code] = Region(code, str(country["name"]), "country", COUNTRY_MARKERS.get(code))
    return known


def check_region(code: str) -> str:
    """The canonical code of `code` ('usa' -> 'USA', 'World' -> 'world'), or ValueError."""
    known = regions()
    for candidate in (code, code.lower(), code.upper()):
        if candidate in known:
            return candidate
    raise ValueError(
        f"unknown region {code!r}; use an ISO 3166 alpha-3 country code (FRA, USA) or one "
        f"of {', '.join(r.code for r in AGGREGATES)}"
    )


def region_name(code: str) -> str:
    region = regions().get(code)
    return region.name if region else code

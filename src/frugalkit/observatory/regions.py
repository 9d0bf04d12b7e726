"""Regions a figure can be about: countries (ISO 3166 alpha-3, as the grid data uses) and
the aggregates that publishers define. Aggregates of different publishers are different
scopes: IEA's "Europe" is not the EU-27, so each is its own region and never summed with
another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from frugalkit.messages import N_


@dataclass(frozen=True)
class Region:
    """`where` is a point to draw the region's marker on a map (degrees), not data."""

    code: str
    name: str
    scope: str
    where: tuple[float, float] | None = None


AGGREGATES = (
    Region("world", N_("World"), N_("the whole world"), (5.0, -160.0)),
    Region(
        "eu27", N_("European Union (EU-27)"), N_("the 27 member states of the EU"), (50.0, 10.0)
    ),
    Region(
        "iea-europe",
        N_("Europe (IEA)"),
        N_("IEA's Europe: the EU and other European countries; not the EU-27"),
        (56.0, 25.0),
    ),
    Region(
        "iea-asia-pacific-ex-china",
        N_("Asia Pacific excluding China (IEA)"),
        N_("IEA's Asia Pacific region without the People's Republic of China"),
        (-5.0, 120.0),
    ),
    Region(
        "iea-rest-of-world",
        N_("Rest of the world (IEA)"),
        N_("every country outside IEA's United States, China, Europe and Asia Pacific"),
        (0.0, 20.0),
    ),
)
# IEA's regional definitions (World Energy Outlook, Annex C), as ISO 3166 alpha-3 codes of
# the countries the shipped OWID data holds: Europe is the EU with the rest of geographic
# Europe, Israel and Türkiye; Asia Pacific is Southeast, South and East Asia and Oceania
# (China, Hong Kong and Macao apart here, as IEA charts China on its own). The rest of the
# world is every other country but the United States.
EU27 = (
    *("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC"),
    *("HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK"),
    *("SVN", "ESP", "SWE"),
)
IEA_MEMBERS = {
    "iea-europe": (
        *EU27,
        *("ALB", "BLR", "BIH", "MKD", "GIB", "ISL", "ISR", "MNE", "NOR", "SRB", "CHE"),
        *("MDA", "TUR", "UKR", "GBR", "FRO"),
    ),
    "iea-asia-pacific-ex-china": (
        *("BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM", "TLS"),
        *("IND", "BGD", "PAK", "LKA", "NPL", "BTN", "MDV", "AFG", "JPN", "KOR", "PRK"),
        *("MNG", "TWN", "AUS", "NZL", "PNG", "FJI", "SLB", "VUT", "WSM", "TON", "KIR"),
        *("NRU", "COK", "NCL", "PYF", "GUM", "ASM"),
    ),
}


def aggregate_intensity(region: str, points: list[Any]) -> tuple[float, tuple[int, int, int]]:
    """A region's grid intensity (g/kWh): its countries' latest OWID values weighted by
    their generation; for the IEA rest of the world, every country outside the others."""
    latest: dict[str, dict[str, tuple[int, float]]] = {}
    for p in points:
        held = latest.setdefault(p.metric, {}).get(p.region)
        if held is None or p.year > held[0]:
            latest[p.metric][p.region] = (p.year, p.value)
    generation = latest["electricity_generation_twh"]
    intensity = latest["grid_intensity_g_per_kwh"]
    if region == "iea-rest-of-world":
        taken = {"USA", "CHN", "HKG", "MAC", *(c for m in IEA_MEMBERS.values() for c in m)}
        members = [c for c in generation if c not in taken]
    else:
        members = list(IEA_MEMBERS[region])
    found = [c for c in members if c in generation and c in intensity]
    twh = sum(generation[c][1] for c in found)
    value = sum(generation[c][1] * intensity[c][1] for c in found) / twh
    years = sorted({generation[c][0] for c in found})
    return value, (len(found), years[0], years[-1])


def basis_text(countries: int, first: int, last: int, locale: str = "en") -> str:
    """How an aggregate's intensity was had, in `locale`."""
    from frugalkit import i18n

    return str(
        i18n.translations(locale).gettext(
            "frugalkit's mean of %(countries)s countries' OWID values (%(years)s), weighted by "
            "generation: no published 2024 figure for this IEA region"
        )
    ) % {"countries": countries, "years": f"{first}-{last}"}


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


def region_name(code: str, locale: str = "en") -> str:
    """The region's name in `locale`: a country's from CLDR (through Babel, from its ISO
    alpha-3 code), an aggregate's from the catalogue.

    >>> region_name("DEU", "fr"), region_name("USA"), region_name("eu27", "fr")
    ('Allemagne', 'United States', 'Union européenne (UE-27)')
    """
    region = regions().get(code)
    if region is None:
        return code
    if locale == "en":
        return region.name
    if region.scope != "country":
        from frugalkit import i18n

        return str(i18n.translations(locale).gettext(region.name))
    from babel.core import Locale, get_global

    alpha2 = (get_global("territory_aliases").get(code) or [None])[0]
    return str(Locale.parse(locale).territories.get(alpha2, region.name))

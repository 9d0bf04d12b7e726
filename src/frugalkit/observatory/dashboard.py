"""What the observatory's pages and JSON show, computed once per release and question.

Every figure goes out with its source, kind and case; nothing here adds figures of
different sources or scopes: bars come from one source, the time series draws each
source's series apart.
"""

from __future__ import annotations

import threading
from typing import Any

from frugalkit.errors import InputError
from frugalkit.observatory.records import METRICS, series_id
from frugalkit.observatory.regions import AGGREGATES, region_name, regions
from frugalkit.observatory.releases import ensure_packaged
from frugalkit.store import Store
from frugalkit.store import observatory as stored

DEFAULT_METRIC = "dc_electricity_twh"
MAP_METRIC = "grid_intensity_g_per_kwh"
MAX_POINTS = 5000  # the most figures one chart draws
MAX_BAR_REGIONS = 40
KEY_YEARS = (2030, 2035)
_cache: dict[tuple[Any, ...], dict[str, Any]] = {}
_cache_lock = threading.Lock()
CACHE_ENTRIES = 128


def _cached(key: tuple[Any, ...], compute: Any) -> dict[str, Any]:
    """The answer for `key`, computed at most once per release (keys hold the release)."""
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    value: dict[str, Any] = compute()
    with _cache_lock:
        if len(_cache) >= CACHE_ENTRIES:
            _cache.clear()
        _cache[key] = value
    return value


def sources_by_id(store: Store) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in stored.list_sources(store)}


def _described(points: list[dict[str, Any]], sources: dict[str, dict[str, Any]]) -> None:
    for point in points:
        source = sources.get(point["source_id"], {})
        point["source_title"] = source.get("title", point["source_id"])
        point["publisher"] = source.get("publisher", "")
        point["published"] = source.get("published", "")
        point["secondary"] = bool(source.get("secondary", False))
        point["region_name"] = region_name(point["region"])


def check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise InputError(f"unknown metric {metric!r}; one of: {', '.join(sorted(METRICS))}")
    return metric


def dashboard(
    store: Store,
    metric: str = DEFAULT_METRIC,
    region: str = "world",
    source: str | None = None,
) -> dict[str, Any]:
    """Bars by region and year (one source), a map, and the time series of `region`."""
    ensure_packaged(store)
    check_metric(metric)
    if region not in regions():
        known = ", ".join(sorted(r for r in regions() if not r.isupper())[:8])
        raise InputError(
            f"unknown region {region!r}: a country's ISO 3166 alpha-3 code (FRA) or one of {known}"
        )
    stamp = (store.engine.url.render_as_string(hide_password=True), *stored.release_stamp(store))
    key = ("dashboard", *stamp, metric, region, source)
    return _cached(key, lambda: _dashboard(store, stamp, metric, region, source))


def _dashboard(
    store: Store, stamp: tuple[Any, ...], metric: str, region: str, source: str | None
) -> dict[str, Any]:
    """The page's data. What does not depend on the question (sources, the map, the
    scale comparison) is computed once per release and shared between questions."""
    sources = _cached(("sources", *stamp), lambda: {"by_id": sources_by_id(store)})["by_id"]
    counts = _cached(("counts", *stamp, metric), lambda: stored.region_counts(store, metric))
    if source is not None and source not in sources:
        raise InputError(f"unknown source {source!r}; `frugalkit observatory sources` lists them")
    bar_source = source or (max(counts, key=lambda s: (counts[s], s)) if counts else None)
    every_bar, bar_years = _bars(store, metric, bar_source) if bar_source else ([], [])
    bars = _top_regions(every_bar)
    timeline = stored.list_points(store, metric=metric, region=region, limit=MAX_POINTS)
    shared = _cached(("map", *stamp), lambda: _map(store, sources))
    for group in (bars, timeline):
        _described(group, sources)
    return {
        "release": stamp[1],
        "metric": {"id": metric, **_metric_dict(metric)},
        "metrics": {m: _metric_dict(m) for m in METRICS},
        "region": region,
        "region_name": regions()[region].name,
        "regions": [{"code": r.code, "name": r.name, "scope": r.scope} for r in AGGREGATES],
        "bar_source": sources.get(bar_source or "", None),
        "bar_sources": sorted(counts),
        "bar_years": bar_years,
        "bar_regions_left_out": len({p["region"] for p in every_bar} - {p["region"] for p in bars}),
        "bars": bars,
        "markers": [
            {**p, "lat": where[0], "lon": where[1]}
            for p in bars
            if (where := regions()[p["region"]].where) is not None
        ],
        "map": shared["map"],
        "series": _series(timeline),
        "equivalent": shared["equivalent"],
    }


def _map(store: Store, sources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each country's latest grid intensity, and the scale comparison of the intro."""
    map_source = _map_source(store)
    points = stored.latest_by_region(store, MAP_METRIC, map_source) if map_source else []
    _described(points, sources)
    return {
        "map": {
            "metric": {"id": MAP_METRIC, **_metric_dict(MAP_METRIC)},
            "countries": [
                {
                    "region": p["region"],
                    "name": p["region_name"],
                    "value": p["value"],
                    "year": p["year"],
                    "source_title": p["source_title"],
                }
                for p in points
                if _is_country(p["region"])
            ],
        },
        "equivalent": _equivalent(store, sources, map_source),
    }


def _is_country(code: str) -> bool:
    return len(code) == 3 and code.isupper()


def _bars(store: Store, metric: str, source: str) -> tuple[list[dict[str, Any]], list[int]]:
    """The source's regional figures for its key years: the latest year it did not
    project, then 2030 and 2035 (or its last years) when projected."""
    years = stored.years_of(store, metric, source)
    observed = [y for y, kind in years if kind != "projection"]
    projected = sorted({y for y, kind in years if kind == "projection"})
    chosen = observed[-1:] + ([y for y in projected if y in KEY_YEARS] or projected[-1:])
    points = stored.list_points(store, metric=metric, source_id=source, year=chosen)
    return [p for p in points if p["region"] != "world"], chosen


def _top_regions(bars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most MAX_BAR_REGIONS regions, the largest in the first year shown."""
    if not bars:
        return bars
    first_year = min(p["year"] for p in bars)
    size = {p["region"]: p["value"] for p in bars if p["year"] == first_year}
    kept = set(sorted(size, key=lambda r: -size[r])[:MAX_BAR_REGIONS])
    return [p for p in bars if p["region"] in kept or p["region"] not in size]


def _metric_dict(metric: str) -> dict[str, str]:
    return {"label": METRICS[metric].label, "unit": METRICS[metric].unit}


def _map_source(store: Store) -> str | None:
    """The source with grid intensities for the most regions (countries, mostly)."""
    counts = stored.region_counts(store, MAP_METRIC)
    return max(counts, key=lambda s: (counts[s], s)) if counts else None


def _series(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Points grouped by series; a projection starts from its source's last observed
    figure before it, so that its line joins the history it extends."""
    grouped: dict[str, dict[str, Any]] = {}
    for point in points:
        entry = grouped.setdefault(
            point["series"],
            {
                "series": point["series"],
                "source_id": point["source_id"],
                "source_title": point["source_title"],
                "published": point["published"],
                "secondary": point["secondary"],
                "case": point["case"],
                "points": [],
            },
        )
        entry["points"].append(point)
    for entry in grouped.values():
        if not entry["case"]:
            continue
        observed = grouped.get(
            series_id(
                entry["source_id"], entry["points"][0]["metric"], entry["points"][0]["region"], ""
            )
        )
        first_year = entry["points"][0]["year"]
        before = [p for p in (observed or {}).get("points", []) if p["year"] < first_year]
        entry["from_point"] = before[-1] if before else None
    return sorted(grouped.values(), key=lambda s: (s["published"], s["case"]))


def _equivalent(
    store: Store, sources: dict[str, dict[str, Any]], map_source: str | None
) -> dict[str, Any] | None:
    """The world's latest data-centre estimate beside the country whose yearly electricity
    generation is closest to it (both from stored, sourced figures)."""
    world = [
        p
        for p in stored.list_points(store, metric=DEFAULT_METRIC, region="world", limit=MAX_POINTS)
        if p["kind"] != "projection"
    ]
    if not world or map_source is None:
        return None
    countries = [
        p
        for p in stored.latest_by_region(store, "electricity_generation_twh", map_source)
        if _is_country(p["region"])
    ]
    if not countries:
        return None
    published = {s: sources[s]["published"] for s in sources}
    latest = max(world, key=lambda p: (p["year"], published.get(p["source_id"], "")))
    closest = min(countries, key=lambda p: abs(p["value"] - latest["value"]))
    return {
        "value": latest["value"],
        "year": latest["year"],
        "source_title": sources.get(latest["source_id"], {}).get("title", latest["source_id"]),
        "country": region_name(closest["region"]),
        "country_code": closest["region"],
        "country_twh": closest["value"],
        "country_year": closest["year"],
    }

"""What the observatory's pages and JSON show, computed once per release and question.

Every figure goes out with its source, kind and case; nothing here adds figures of
different sources or scopes: bars come from one source, the time series draws each
source's series apart.
"""

from __future__ import annotations

import threading
from collections import Counter
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
        raise InputError(f"unknown region {region!r}; see /observatory/regions")
    release = stored.current_release(store)
    key = ("dashboard", id(store), release, metric, region, source)
    return _cached(key, lambda: _dashboard(store, release, metric, region, source))


def _dashboard(
    store: Store, release: int, metric: str, region: str, source: str | None
) -> dict[str, Any]:
    sources = sources_by_id(store)
    regional = [s for s in stored.series_summary(store, metric=metric) if s["region"] != "world"]
    by_source = Counter(s["source"] for s in regional for _ in range(s["points"]))
    if source is not None and source not in sources:
        raise InputError(f"unknown source {source!r}; `frugalkit observatory sources` lists them")
    bar_source = source or (by_source.most_common(1)[0][0] if by_source else None)
    bars = (
        stored.list_points(store, metric=metric, source_id=bar_source, limit=MAX_POINTS)
        if bar_source
        else []
    )
    bars = [p for p in bars if p["region"] != "world"]
    timeline = stored.list_points(store, metric=metric, region=region, limit=MAX_POINTS)
    map_points = stored.list_points(
        store, metric=MAP_METRIC, source_id=_map_source(store), limit=MAX_POINTS
    )
    for group in (bars, timeline, map_points):
        _described(group, sources)
    return {
        "release": release,
        "metric": {"id": metric, **_metric_dict(metric)},
        "metrics": {m: _metric_dict(m) for m in METRICS},
        "region": region,
        "region_name": regions()[region].name,
        "regions": [{"code": r.code, "name": r.name, "scope": r.scope} for r in AGGREGATES],
        "bar_source": sources.get(bar_source or "", None),
        "bar_sources": sorted(by_source),
        "bars": bars,
        "markers": [
            {**p, "lat": regions()[p["region"]].where[0], "lon": regions()[p["region"]].where[1]}
            for p in bars
            if regions()[p["region"]].where is not None
        ],
        "map": {
            "metric": {"id": MAP_METRIC, **_metric_dict(MAP_METRIC)},
            "countries": [
                {"region": p["region"], "name": p["region_name"], "value": p["value"],
                 "year": p["year"], "source_title": p["source_title"]}
                for p in map_points if len(p["region"]) == 3 and p["region"].isupper()
            ],  # fmt: skip
        },
        "series": _series(timeline),
        "equivalent": _equivalent(store, sources),
    }


def _equivalent(store: Store, sources: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The world's latest data-centre estimate beside the country whose yearly electricity
    generation is closest to it (both from stored, sourced figures)."""
    world = [
        p for p in stored.list_points(store, metric=DEFAULT_METRIC, region="world", limit=MAX_POINTS)
        if p["kind"] != "projection"
    ]
    countries = stored.list_points(
        store, metric="electricity_generation_twh", source_id=_map_source(store), limit=MAX_POINTS
    )
    if not world or not countries:
        return None
    latest = max(world, key=lambda p: (p["year"], sources.get(p["source_id"], {}).get("published", "")))
    closest = min(countries, key=lambda p: abs(p["value"] - latest["value"]))
    return {
        "value": latest["value"],
        "year": latest["year"],
        "source_title": sources.get(latest["source_id"], {}).get("title", latest["source_id"]),
        "country": region_name(closest["region"]),
        "country_twh": closest["value"],
        "country_year": closest["year"],
    }


def _metric_dict(metric: str) -> dict[str, str]:
    return {"label": METRICS[metric].label, "unit": METRICS[metric].unit}


def _map_source(store: Store) -> str | None:
    """The source with grid intensities for the most countries."""
    counts = Counter(
        s["source"]
        for s in stored.series_summary(store, metric=MAP_METRIC)
        if len(s["region"]) == 3 and s["region"].isupper()
    )
    return counts.most_common(1)[0][0] if counts else None


def _series(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Points grouped by series; a projection starts from its source's last observed
    figure before it, so that its line joins the history it extends."""
    grouped: dict[str, dict[str, Any]] = {}
    for point in points:
        entry = grouped.setdefault(
            point["series"],
            {"series": point["series"], "source_id": point["source_id"],
             "source_title": point["source_title"], "published": point["published"],
             "secondary": point["secondary"], "case": point["case"], "points": []},
        )  # fmt: skip
        entry["points"].append(point)
    for entry in grouped.values():
        if not entry["case"]:
            continue
        observed = grouped.get(
            series_id(entry["source_id"], entry["points"][0]["metric"], entry["points"][0]["region"], "")
        )
        first_year = entry["points"][0]["year"]
        before = [p for p in (observed or {}).get("points", []) if p["year"] < first_year]
        entry["from_point"] = before[-1] if before else None
    return sorted(grouped.values(), key=lambda s: (s["published"], s["case"]))

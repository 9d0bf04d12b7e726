"""The observatory's pages and their JSON twins: demand by region and year, series and
their sources, the scenario builder, measured AI energy and the catalogues; CSV downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from frugalkit import i18n
from frugalkit.errors import InputError, NotFoundError
from frugalkit.impact.exports import csv_text
from frugalkit.messages import N_
from frugalkit.observatory import catalogue, dashboard, measured, scenario
from frugalkit.observatory.records import METRICS
from frugalkit.observatory.regions import basis_text, region_name
from frugalkit.observatory.releases import ensure_packaged
from frugalkit.store import observatory as stored
from frugalkit.web.auth import readable
from frugalkit.web.twins import twin

NAVIGATION = ("/observatory", "Observatory")
MAX_RELEASE = 2**31 - 1  # the largest INTEGER a release id can be, on either back-end
SECTIONS = (
    ("/observatory", N_("Demand")),
    ("/observatory/scenario", N_("Scenarios")),
    ("/observatory/series", N_("Series and sources")),
    ("/observatory/measured", N_("Measured AI")),
    ("/observatory/catalogue/case-studies", N_("Case studies")),
    ("/observatory/catalogue/innovations", N_("Innovations")),
    ("/observatory/catalogue/coalition", N_("Coalition")),
)
CSV_COLUMNS = (
    "series",
    "metric",
    "region",
    "year",
    "value",
    "unit",
    "kind",
    "case",
    "source_id",
    "verified",
    "note",
    "release_added",
)


def _store(request: Request) -> Any:
    store = request.app.state.store
    ensure_packaged(store)
    return store


def lever_value(value: float) -> str:
    """A lever as its input shows it: 3 significant figures ('27.2', not the fitted
    '27.174'), in the form an <input type=number> reads."""
    return f"{float(f'{value:.3g}'):g}"


def _levers(request: Request) -> dict[str, float]:
    """The levers a scenario address changes: every query parameter but `preset`; one
    sent as its preset value is shown (a form sent without scripts) changes nothing."""
    values = {}
    preset = scenario.preset(request.query_params.get("preset", "iea-base"))["levers"]
    for name, text in request.query_params.items():
        if name == "preset" or (name in preset and text == lever_value(preset[name])):
            continue
        if name not in scenario.levers():
            raise InputError(f"unknown lever {name!r}; levers: {', '.join(scenario.levers())}")
        try:
            values[name] = float(text)
        except ValueError:
            raise InputError(f"{name} must be a number (got {text!r})") from None
    return scenario.check_levers(values)


def build_router() -> APIRouter:
    router = APIRouter()

    @twin(
        router,
        "/observatory",
        "observatory.html",
        active="/observatory",
        summary="Demand by region and year, a map, and a region's time series",
    )
    def demand(
        request: Request,
        metric: str = dashboard.DEFAULT_METRIC,
        region: str = "world",
        source: str | None = None,
    ) -> dict[str, Any]:
        data = dashboard.dashboard(_store(request), metric, region, source or None)
        return {**data, "sections": SECTIONS}

    @twin(
        router,
        "/observatory/series",
        "observatory_series.html",
        active="/observatory",
        summary="Series and sources, with the releases that brought them",
    )
    def series_list(
        request: Request,
        metric: str | None = None,
        region: str | None = None,
        source: str | None = None,
    ) -> dict[str, Any]:
        store = _store(request)
        if metric:
            dashboard.check_metric(metric)
        return {
            "sections": SECTIONS,
            "filters": {"metric": metric, "region": region, "source": source},
            "metrics": {m: {"label": v.label, "unit": v.unit} for m, v in METRICS.items()},
            "series": stored.series_summary(
                store, metric=metric or None, region=region or None, source_id=source or None
            ),
            "sources": stored.list_sources(store),
            "releases": stored.list_releases(store),
        }

    @twin(
        router,
        "/observatory/series/{series_id}",
        "observatory_show.html",
        active="/observatory",
        summary="Every figure of one series",
    )
    def series_show(
        request: Request,
        series_id: str,
        release: Annotated[int | None, Query(ge=1, le=MAX_RELEASE)] = None,
    ) -> dict[str, Any]:
        store = _store(request)
        points = stored.list_points(store, series=series_id, release=release)
        if not points:
            raise NotFoundError(f"no series {series_id!r} (see /observatory/series)")
        sources = dashboard.sources_by_id(store)
        return {
            "sections": SECTIONS,
            "series": series_id,
            "release": release,
            "source": sources.get(points[0]["source_id"]),
            "points": points,
            "metric": {"id": points[0]["metric"], "label": METRICS[points[0]["metric"]].label},
        }

    @twin(
        router,
        "/observatory/releases/{release_id}",
        "observatory_release.html",
        active="/observatory",
        summary="One release and what it added or changed",
    )
    def release_show(
        request: Request, release_id: Annotated[int, Path(ge=1, le=MAX_RELEASE)]
    ) -> dict[str, Any]:
        return {"sections": SECTIONS, "release": stored.get_release(_store(request), release_id)}

    @twin(
        router,
        "/observatory/scenario",
        "observatory_scenario.html",
        active="/observatory",
        summary="Data-centre electricity to 2035 under a preset and changed levers",
    )
    def scenario_view(request: Request, preset: str = "iea-base") -> dict[str, Any]:
        changed = _levers(request)
        result = scenario.run(changed, preset)
        return {
            **result,
            "sections": SECTIONS,
            "changed": changed,
            "preset_label": scenario.preset(preset)["label"],
            "calibrated": scenario.preset(preset).get("calibrated", []),
            "presets": {k: v["label"] for k, v in scenario.presets_file()["presets"].items()},
            "lever_specs": [vars(lever) for lever in scenario.levers().values()],
            "region_names": {r: region_name(r, i18n.current.get()) for r in scenario.REGIONS},
            "intensity_words": {
                r: basis_text(n, first, last, i18n.current.get())
                for r, (n, first, last) in scenario.baseline()["intensity_counts"].items()
            },
            "sensitivity": scenario.sensitivity(changed, preset),
            "inputs": {k: lever_value(v) for k, v in result["levers"].items()},
            "preset_inputs": {
                k: lever_value(v) for k, v in scenario.preset(preset)["levers"].items()
            },
        }

    @twin(
        router,
        "/observatory/measured",
        "observatory_measured.html",
        active="/observatory",
        summary="Energy of the AI runs and bench runs shared with the observatory",
    )
    def measured_view(request: Request) -> dict[str, Any]:
        return {"sections": SECTIONS, **measured.series(_store(request))}

    @twin(
        router,
        "/observatory/catalogue/{name}",
        "observatory_catalogue.html",
        active="/observatory",
        summary="Case studies, innovations or the coalition",
    )
    def catalogue_view(
        request: Request,
        name: str,
        q: Annotated[str, Query(max_length=200)] = "",
        tag: str | None = None,
        category: str | None = None,
    ) -> dict[str, Any]:
        if name not in catalogue.CATALOGUES:
            raise NotFoundError(f"no catalogue {name!r}; one of {', '.join(catalogue.CATALOGUES)}")
        store = request.app.state.store
        everything = catalogue.search(store, name)
        found = catalogue.search(store, name, q, tag or None, category or None)
        return {
            "sections": SECTIONS,
            "name": name,
            "title": catalogue.CATALOGUES[name],
            "filters": {"q": q, "tag": tag, "category": category},
            "facets": catalogue.facets(everything),
            "total": len(everything),
            "entries": [e.model_dump() for e in found],
        }

    @router.get(
        "/observatory/points.csv",
        dependencies=[Depends(readable)],
        tags=["api"],
        summary="Figures as CSV (filter by metric, region, source or series)",
    )
    def points_csv(
        request: Request,
        metric: str | None = None,
        region: str | None = None,
        source: str | None = None,
        series: str | None = None,
    ) -> Response:
        points = stored.list_points(
            _store(request),
            metric=metric or None,
            region=region or None,
            source_id=source or None,
            series=series or None,
        )
        return _csv(points, CSV_COLUMNS, "observatory-figures.csv")

    @router.get(
        "/observatory/scenario.csv",
        dependencies=[Depends(readable)],
        tags=["api"],
        summary="A scenario's yearly figures as CSV",
    )
    def scenario_csv(request: Request, preset: str = "iea-base") -> Response:
        result = scenario.run(_levers(request), preset)
        rows = [{"region": "world", **row} for row in result["world"]]
        for region, path in result["regions"].items():
            rows += [{"region": region, **row} for row in path]
        columns = (
            "region",
            "year",
            "it_capacity_gw",
            "electricity_twh",
            "emissions_mt",
            "share_pct",
        )
        return _csv(rows, columns, f"scenario-{preset}.csv")

    return router


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...], filename: str) -> Response:
    return Response(
        csv_text(rows, columns),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )

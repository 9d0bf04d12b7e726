"""The data-centre pages and their JSON twins: tenders scored against a criteria set, each
registered facility's KPIs month by month, and its EU yearly report (HTML, JSON, CSV)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from frugalkit.datacenter.criteria import DATA_DIR, shipped, summary
from frugalkit.datacenter.eu_report import to_csv
from frugalkit.datacenter.pdf import comparison_pdf
from frugalkit.datacenter.service import compare, demo_pairs, eu_report, eu_report_of
from frugalkit.errors import InputError
from frugalkit.store import get_report
from frugalkit.store.facilities import get_facility, list_facilities
from frugalkit.web.auth import readable
from frugalkit.web.twins import twin

NAVIGATION = ("/datacenters", "Data centres")


def _criteria_sets(chosen: str) -> list[dict[str, str]]:
    """The packaged criteria sets (id and title); InputError unless `chosen` is one (a URL
    names a set, never a file path)."""
    sets = sorted(p.stem for p in DATA_DIR.glob("*.yaml"))
    if chosen not in sets:
        raise InputError(f"criteria must be one of {', '.join(sets)} (got {chosen!r})")
    return [{"id": s["id"], "title": s["title"]} for s in map(summary, shipped())]


def build_router() -> APIRouter:
    router = APIRouter()

    @twin(
        router,
        "/datacenters",
        "datacenters.html",
        active="/datacenters",
        summary="Tenders scored against green-procurement criteria; registered facilities",
    )
    def datacenters(
        request: Request, criteria: str = "blue-angel", workload: str | None = None
    ) -> dict[str, Any]:
        report = get_report(request.app.state.fresh_store(), workload) if workload else None
        return {
            "criteria_sets": _criteria_sets(criteria),
            "workload": report
            and {"id": report["id"], "name": report["name"], "it_kwh": report["energy"]["it_kwh"]},
            "comparison": compare(demo_pairs(), criteria, workload=report),
            "facilities": [
                {"name": f["name"], "country": f["country"], "latest": f["latest"]}
                for f in list_facilities(request.app.state.store)
            ],
        }

    @router.get(
        "/datacenters/comparison.pdf",
        dependencies=[Depends(readable)],
        tags=["api"],
        summary="The tender comparison as a printable PDF",
    )
    def comparison_pdf_(
        request: Request, criteria: str = "blue-angel", workload: str | None = None
    ) -> Response:
        _criteria_sets(criteria)
        report = get_report(request.app.state.fresh_store(), workload) if workload else None
        document = comparison_pdf(compare(demo_pairs(), criteria, workload=report))
        return Response(
            document,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="tenders-{criteria}.pdf"'},
        )

    @twin(
        router,
        "/datacenters/facilities/{name}",
        "datacenter_facility.html",
        active="/datacenters",
        summary="A registered facility's KPIs by month and year",
    )
    def facility(request: Request, name: str) -> dict[str, Any]:
        return {"facility": get_facility(request.app.state.store, name)}

    @twin(
        router,
        "/datacenters/facilities/{name}/eu-report",
        "datacenter_eu_report.html",
        active="/datacenters",
        summary="A registered facility's EU yearly report (Reg. (EU) 2024/1364), with its gaps",
    )
    def eu_report_page(
        request: Request, name: str, year: int | None = None, against: int | None = None
    ) -> dict[str, Any]:
        facility = get_facility(request.app.state.store, name)
        result = eu_report(facility, facility["years"], year, against)
        return {**result, "years": [int(r["period"]) for r in facility["years"]]}

    @router.get(
        "/datacenters/facilities/{name}/eu-report.csv",
        dependencies=[Depends(readable)],
        tags=["api"],
        summary="A registered facility's EU yearly report as CSV, one row per field",
    )
    def eu_report_csv(request: Request, name: str, year: int | None = None) -> Response:
        report = eu_report_of(request.app.state.store, name, year)["report"]
        # the file name from the year only: a facility name never reaches a header
        filename = f"eu-report-{report['year']}.csv"
        return Response(
            to_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return router

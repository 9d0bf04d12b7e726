"""The data-centre pages and their JSON twins: tenders scored against a criteria set, and
each registered facility's KPIs month by month."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frugalkit.datacenter.criteria import DATA_DIR
from frugalkit.datacenter.service import compare, demo_pairs
from frugalkit.store import get_report
from frugalkit.store.facilities import get_facility, list_facilities
from frugalkit.web.twins import twin

NAVIGATION = ("/datacenters", "Data centres")


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
        sets = sorted(p.stem for p in DATA_DIR.glob("*.yaml"))
        if criteria not in sets:  # only packaged sets by name: no file path from a URL
            from frugalkit.errors import InputError

            raise InputError(f"criteria must be one of {', '.join(sets)} (got {criteria!r})")
        report = get_report(request.app.state.fresh_store(), workload) if workload else None
        return {
            "criteria_sets": sets,
            "workload": report
            and {"id": report["id"], "name": report["name"], "it_kwh": report["energy"]["it_kwh"]},
            "comparison": compare(demo_pairs(), criteria, workload=report),
            "facilities": [
                {"name": f["name"], "country": f["country"], "latest": f["latest"]}
                for f in list_facilities(request.app.state.store)
            ],
        }

    @twin(
        router,
        "/datacenters/facilities/{name}",
        "datacenter_facility.html",
        active="/datacenters",
        summary="A registered facility's KPIs by month and year",
    )
    def facility(request: Request, name: str) -> dict[str, Any]:
        return {"facility": get_facility(request.app.state.store, name)}

    return router

"""The HTML pages; each renders the data of its JSON twin in `views`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from frugalkit.bench import TASKS
from frugalkit.web import views
from frugalkit.web.auth import readable

NOT_BUILT = {
    "observatory": (
        "Observatory",
        "Electricity data of data centres and AI by region, demand scenarios and case studies.",
    ),
    "library": (
        "Library",
        "Questions answered from long environmental reports (IPCC, IPBES, UNEP), with "
        "citations to page, table and figure.",
    ),
    "datacenters": (
        "Data centres",
        "ISO/IEC 30134 indicators (PUE, WUE, CER, ITEE), the EU data-centre report and "
        "tender comparison for green procurement.",
    ),
}


def build_router() -> APIRouter:
    # The reader is checked before any handler looks anything up (private mode).
    router = APIRouter(include_in_schema=False, dependencies=[Depends(readable)])

    def page(request: Request, template: str, active: str, **context: Any) -> HTMLResponse:
        response: HTMLResponse = request.app.state.templates.TemplateResponse(
            request, template, {"active": active, **context}
        )
        return response

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        return page(request, "home.html", "/", data=views.home(request.app.state.fresh_store()))

    @router.get("/bench", response_class=HTMLResponse)
    def bench(request: Request) -> HTMLResponse:
        return page(request, "bench.html", "/bench", tasks=list(TASKS.values()))

    @router.get("/bench/{task}/leaderboard", response_class=HTMLResponse)
    async def leaderboard(
        request: Request,
        task: str,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
        points_per_decade: Annotated[float, Query(ge=0, le=10)] = 0.05,
        kind: str | None = None,
        method: str | None = None,
        hardware: str | None = None,
        test_set: str | None = None,
        include_reported: bool = False,
    ) -> Response:
        state = request.app.state
        query: dict[str, Any] = {
            "limit": limit,
            "offset": offset,
            "points_per_decade": points_per_decade,
            "kind": kind,
            "method": method,
            "hardware": hardware,
            "test_set": test_set,
            "include_reported": include_reported,
        }

        def render() -> bytes:
            data = views.leaderboard_page(state.store, state.leaderboards, task, **query)
            html = page(request, "leaderboard.html", "/bench", data=data)
            return bytes(html.body)

        key = ("page-leaderboard", task, *query.values())
        return HTMLResponse(state.leaderboards.response(state.store, task, key, render))

    @router.get("/bench/runs/{run_id}", response_class=HTMLResponse)
    def run(request: Request, run_id: str) -> HTMLResponse:
        data = views.run_page(request.app.state.store, run_id)
        return page(request, "run.html", "/bench", run=data)

    @router.get("/reports", response_class=HTMLResponse)
    def reports(request: Request) -> HTMLResponse:
        return page(
            request,
            "reports.html",
            "/reports",
            data=views.reports_page(request.app.state.fresh_store()),
        )

    @router.get("/reports/{report_id}", response_class=HTMLResponse)
    def report(request: Request, report_id: str) -> HTMLResponse:
        data = views.report_page(request.app.state.fresh_store(), report_id)
        return page(request, "report.html", "/reports", data=data)

    @router.get("/compare", response_class=HTMLResponse)
    def compare(request: Request, ids: str) -> HTMLResponse:
        data = views.compare_page(request.app.state.fresh_store(), [i for i in ids.split(",") if i])
        return page(request, "compare.html", "", data=data)

    for slug, (title, purpose) in NOT_BUILT.items():
        router.add_api_route(
            f"/{slug}", _not_built(page, title, purpose, f"/{slug}"), response_class=HTMLResponse
        )
    return router


def _not_built(page: Any, title: str, purpose: str, active: str) -> Any:
    def view(request: Request) -> HTMLResponse:
        return page(request, "not_built.html", active, title=title, purpose=purpose)  # type: ignore[no-any-return]

    return view

"""Home: what frugalkit measures, totals, the latest runs and reports; and the pages of
modules not built yet (reachable by URL, not listed in the navigation)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from frugalkit.web import views
from frugalkit.web.auth import readable
from frugalkit.web.twins import twin

NAVIGATION = ("/", "Home")
NOT_BUILT = {
    "datacenters": (
        "Data centres",
        "ISO/IEC 30134 indicators (PUE, WUE, CER, ITEE), the EU data-centre report and "
        "tender comparison for green procurement.",
    ),
}


def build_router() -> APIRouter:
    router = APIRouter()

    @twin(router, "/", "home.html", active="/", api_path="/api/home", summary="Totals and latest")
    def home(request: Request) -> dict[str, Any]:
        return views.home(request.app.state.fresh_store())

    for slug, (title, purpose) in NOT_BUILT.items():
        router.add_api_route(
            f"/{slug}",
            _not_built(title, purpose),
            response_class=HTMLResponse,
            include_in_schema=False,
            dependencies=[Depends(readable)],
        )
    return router


def _not_built(title: str, purpose: str) -> Any:
    def view(request: Request) -> HTMLResponse:
        response: HTMLResponse = request.app.state.templates.TemplateResponse(
            request, "not_built.html", {"active": "", "title": title, "purpose": purpose}
        )
        return response

    return view

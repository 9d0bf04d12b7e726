"""`create_app(settings)`: the FastAPI application."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from frugalkit._version import __version__
from frugalkit.measure.ingest import ingest
from frugalkit.settings import Settings
from frugalkit.store import Store, list_reports, open_store, report_totals

HERE = Path(__file__).parent
NAVIGATION = [
    ("/", "Home"),
    ("/bench", "Bench"),
    ("/reports", "Reports"),
    ("/observatory", "Observatory"),
    ("/library", "Library"),
    ("/datacenters", "Data centres"),
]
NOT_BUILT = {
    "bench": (
        "Bench",
        "Leaderboards in the browser: models judged on accuracy and on energy. The engine "
        "itself works today from the command line: frugalkit bench leaderboard --task text.",
    ),
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


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app on an open store (opened from `settings` when not given)."""
    store = store or open_store(settings)
    app = FastAPI(title="frugalkit", version=__version__, summary="The footprint of AI, measured.")
    app.state.store = store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(navigation=NAVIGATION, version=__version__)

    def page(request: Request, template: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, template, context)

    def fresh_store() -> Store:
        """The store with reports spooled by trackers since the last request."""
        ingest(store, settings)
        return store

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        """Liveness and store check."""
        report_totals(store)
        return {"status": "ok", "version": __version__, "store": store.backend}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        return page(
            request,
            "home.html",
            totals=report_totals(fresh_store()),
            latest=list_reports(store, limit=10),
            active="/",
        )

    @app.get("/reports", response_class=HTMLResponse, include_in_schema=False)
    def reports_page(request: Request) -> HTMLResponse:
        return page(
            request,
            "reports.html",
            reports=list_reports(fresh_store(), limit=200),
            active="/reports",
        )

    for slug, (title, purpose) in NOT_BUILT.items():
        app.add_api_route(
            f"/{slug}",
            _not_built_view(page, title, purpose, f"/{slug}"),
            response_class=HTMLResponse,
            include_in_schema=False,
        )
    return app


PageRenderer = Callable[..., HTMLResponse]


def _not_built_view(
    page: PageRenderer, title: str, purpose: str, active: str
) -> Callable[[Request], HTMLResponse]:
    def view(request: Request) -> HTMLResponse:
        return page(request, "not_built.html", title=title, purpose=purpose, active=active)

    return view

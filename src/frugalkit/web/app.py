"""`create_app(settings)`: the FastAPI application (pages, JSON API, static assets)."""

from __future__ import annotations

import contextlib
import functools
import gzip
import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from frugalkit import i18n
from frugalkit._version import __version__
from frugalkit.errors import (
    AccessError,
    ConflictError,
    FrugalkitError,
    InputError,
    NotFoundError,
    QuotaError,
)
from frugalkit.measure.ingest import ingest
from frugalkit.settings import Settings
from frugalkit.store import Store, open_store, report_totals
from frugalkit.web import (
    auth,
    bench,
    challenge,
    datacenter,
    home,
    jobs,
    library,
    metrics,
    observatory,
    reports,
    views,
)
from frugalkit.web.docs import DOCS_POLICY, add_docs
from frugalkit.web.head import HeadAsGet
from frugalkit.web.language import Language
from frugalkit.web.limits import BodyLimit
from frugalkit.web.templating import make_templates
from frugalkit.web.twins import FiniteJSONResponse

HERE = Path(__file__).parent
# Built modules only: a page that says "not built yet" is no place to send a reader.
MODULES = (home, bench, challenge, reports, observatory, library, datacenter, jobs)
NAVIGATION = [module.NAVIGATION for module in MODULES]


def plotly_js() -> Path:
    """Plotly's JavaScript, from the installed plotly package (pages work offline)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


# Scripts only from this server, never inline; Plotly writes <style> elements (inline styles).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The API explorers inline their start-up script: they get DOCS_POLICY instead.
DOCS_PAGES = ("/docs", "/redoc")


def _job_workers(store: Store, settings: Settings, count: int) -> Any:
    """Threads that run queued jobs while the app serves: jobs queued before a restart
    are picked up again, and a job whose worker died is re-queued (see frugalkit.jobs)."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from frugalkit.jobs import work, worker_name

        stop = threading.Event()
        threads = [
            threading.Thread(
                target=work,
                args=(store,),
                kwargs={
                    "stale_s": settings.job_stale_s,
                    "stop": stop,
                    "worker": worker_name(f":web{i}"),
                },
                name=f"frugalkit-jobs-{i}",
                daemon=True,
            )
            for i in range(count)
        ]
        for thread in threads:
            thread.start()
        yield
        stop.set()
        for thread in threads:
            thread.join(timeout=5)

    return lifespan


def _in_words(error: Any) -> str:
    """'limit: must be greater than or equal to 1' from one of FastAPI's validation errors."""
    where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "the address"
    message = str(error.get("msg", "is not valid"))
    if error.get("type") == "missing":
        return f"the parameter {where} is missing"
    return f"{where}: {message[0].lower()}{message[1:]}"


log = logging.getLogger("frugalkit.web")


async def _security_headers(request: Request, call_next: Any) -> Response:
    response: Response = await call_next(request)
    policy = DOCS_POLICY if request.url.path in DOCS_PAGES else CONTENT_SECURITY_POLICY
    response.headers.setdefault("content-security-policy", policy)
    response.headers.setdefault("x-content-type-options", "nosniff")
    response.headers.setdefault("referrer-policy", "same-origin")
    return response


@functools.cache
def plotly_gzip() -> bytes:
    """Plotly's 4.8 MB, compressed once at the highest level (1.4 MB on the wire)."""
    return gzip.compress(plotly_js().read_bytes(), compresslevel=9)


def _status_of(exc: FrugalkitError) -> int:
    for kind, status in (
        (NotFoundError, 404),
        (InputError, 422),
        (AccessError, 403),
        (QuotaError, 429),
        (ConflictError, 409),
    ):
        if isinstance(exc, kind):
            return status
    return 500


def create_app(
    settings: Settings,
    store: Store | None = None,
    submission: str | None = None,
    workers: int = 0,
) -> FastAPI:
    """Build the app on an open store (opened from `settings` when not given); with
    `submission`, also answer the challenge's POST /text, /image and /audio for it; with
    `workers`, run that many job workers (queued evaluations) while the app runs."""
    store = store or open_store(settings)
    app = FastAPI(
        default_response_class=FiniteJSONResponse,
        lifespan=_job_workers(store, settings, workers),
        docs_url=None,
        redoc_url=None,
        title="frugalkit",
        version=__version__,
        summary="The footprint of AI, measured: impact reports and the Frugal AI Challenge bench.",
    )
    app.state.store = store
    app.state.private = settings.web_private
    app.state.leaderboards = views.LeaderboardCache()
    app.state.settings = settings

    def fresh_store() -> Store:
        """The store with reports spooled by trackers since the last request."""
        ingest(store, settings)
        return store

    app.state.fresh_store = fresh_store
    templates = make_templates(HERE / "templates", NAVIGATION)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    add_docs(app)

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly(request: Request) -> Response:
        headers = {"cache-control": "max-age=86400", "vary": "accept-encoding"}
        if "gzip" not in request.headers.get("accept-encoding", ""):
            return FileResponse(plotly_js(), media_type="application/javascript", headers=headers)
        return Response(
            plotly_gzip(),
            media_type="application/javascript",
            headers={**headers, "content-encoding": "gzip"},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.get("/healthz", tags=["meta"], summary="Liveness and store check")
    def healthz() -> dict[str, str]:
        report_totals(store)
        return {"status": "ok", "version": __version__, "store": store.backend}

    app.include_router(auth.build_router())
    app.include_router(metrics.build_router())  # /metrics, not in the menu
    for module in MODULES:
        app.include_router(module.build_router())
    app.middleware("http")(_security_headers)
    # Pages and JSON compressed; the Plotly route compresses itself (once, at level 9).
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(Language)
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit)  # outermost: no route reads a body over its bound
    if submission:
        from frugalkit.bench.serve import add_submission_routes

        add_submission_routes(app, submission)

    @app.exception_handler(Exception)
    def internal_error(request: Request, exc: Exception) -> Response:
        """An unexpected error: one line, no traceback, and the same security headers as
        every other answer (this one is sent outside the app's middleware)."""
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        headers = {
            "content-security-policy": CONTENT_SECURITY_POLICY,
            "x-content-type-options": "nosniff",
            "referrer-policy": "same-origin",
        }
        message = f"internal error ({type(exc).__name__}); it is logged on the server"
        return JSONResponse({"detail": message}, 500, headers=headers)

    @app.exception_handler(FrugalkitError)
    def frugalkit_error(request: Request, exc: FrugalkitError) -> Response:
        status = _status_of(exc)
        headers = {}
        if isinstance(exc, QuotaError) and exc.retry_after_s is not None:
            headers["retry-after"] = str(exc.retry_after_s)
        if request.url.path.startswith("/api/") or request.method != "GET":
            return JSONResponse({"detail": str(exc)}, status, headers=headers)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": str(exc), "detail_lang": "en"},
            status_code=status,
        )

    @app.exception_handler(RequestValidationError)
    def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        """JSON routes keep FastAPI's detail; a page says in words what to change."""
        if request.url.path.startswith("/api/") or request.method != "GET":
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, 422)
        problems = "; ".join(_in_words(e) for e in exc.errors()) or "a value is not valid"
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": 422, "message": problems, "detail_lang": "en", "invalid": True},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.method != "GET":
            return JSONResponse(
                {"detail": exc.detail}, exc.status_code, headers=getattr(exc, "headers", None)
            )
        missing = exc.status_code == 404
        message = i18n.gettext("no such page") if missing else str(exc.detail)
        return templates.TemplateResponse(
            request,
            "error.html",
            {
                "status": exc.status_code,
                "message": message,
                "path": request.url.path,
                "detail_lang": None if missing else "en",
            },
            status_code=exc.status_code,
        )

    return app

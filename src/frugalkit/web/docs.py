"""The API explorers, offline: Swagger UI at /docs and ReDoc at /redoc, their JavaScript
and CSS served from the installed `fastapi-offline` package (FastAPI's own pages load them
from a CDN, and are blank without the network)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from frugalkit import i18n

ASSETS = "/vendor/docs"
# The explorers start from an inline script and ReDoc runs a worker from a blob: still
# nothing from another host.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def assets_dir() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def _translated(schema: dict[str, Any], locale: str) -> dict[str, Any]:
    """The schema with its words in `locale`: the app's summary, each operation's
    summary and each parameter's description (tools/i18n.py extracts them)."""
    words = i18n.translations(locale).gettext
    schema = copy.deepcopy(schema)
    info = schema.get("info", {})
    for key in ("summary", "description"):
        if info.get(key):
            info[key] = words(info[key])
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for key in ("summary", "description"):
                if operation.get(key):
                    operation[key] = words(operation[key])
            for parameter in operation.get("parameters", []):
                if parameter.get("description"):
                    parameter["description"] = words(parameter["description"])
    return schema


def localise_openapi(app: FastAPI) -> None:
    """/openapi.json (and so /docs and /redoc) in the reader's language."""
    english = app.openapi
    cache: dict[str, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        schema = english()
        locale = i18n.current.get()
        if locale == i18n.DEFAULT:
            return schema
        if locale not in cache:
            cache[locale] = _translated(schema, locale)
        return cache[locale]

    app.openapi = openapi  # type: ignore[method-assign]


def add_docs(app: FastAPI) -> None:
    localise_openapi(app)
    app.mount(ASSETS, StaticFiles(directory=assets_dir()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="frugalkit API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url="/favicon.ico",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="frugalkit API",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url="/favicon.ico",
            with_google_fonts=False,
        )

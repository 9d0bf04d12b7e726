"""The serving meter's own routes, on a port of their own (out of the relayed traffic's way:
vLLM has its own /metrics): the last requests and their distributions as JSON, the
Prometheus metrics, and a health check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from frugalkit.serving.meter import ServingMeter


def build_app(meter: ServingMeter) -> Starlette:
    async def requests_json(request: Request) -> Response:
        return JSONResponse(meter.summary())

    async def metrics(request: Request) -> Response:
        text, content_type = meter.metrics_text()
        if not text:
            message = "the Prometheus export needs: pip install 'frugalkit[prometheus]'"
            return JSONResponse({"error": {"message": message}}, status_code=501)
        return Response(text, media_type=content_type)

    async def health(request: Request) -> Response:
        return JSONResponse(
            {"upstream": meter.shown_upstream, "in_flight": meter.ledger.in_flight()}
        )

    return Starlette(
        routes=[
            Route("/requests.json", requests_json),
            Route("/metrics", metrics),
            Route("/health", health),
        ]
    )

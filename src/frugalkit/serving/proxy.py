"""The serving meter's HTTP side: every request forwarded to an OpenAI-compatible server
(vLLM, llama.cpp, Ollama, TGI), streams passed through chunk by chunk as they arrive.

A POST is metered: its tokens are read from the answer on the way (serving/usage.py) and
it is handed to the ledger when it ends, whatever its end: answered, an upstream error, a
timeout, a stream broken by the server (passed on broken to the client) or a client gone.
Other methods (GET /v1/models...) are forwarded unmetered. The upstream is asked for an
uncompressed answer, so that its usage can be read. The meter's own routes live under
/_frugalkit/, out of any server's way (vLLM has its own /metrics).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from frugalkit.serving import usage
from frugalkit.serving.ledger import Exchange

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from frugalkit.serving.meter import ServingMeter

MAX_BODY_BYTES = 32 << 20  # a request body above this is refused (413), not held
MAX_PARSED_BYTES = 8 << 20  # a whole answer is read for its usage up to this size
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding",
}  # fmt: skip
log = logging.getLogger("frugalkit.serving")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]


class StreamBroken(Exception):
    """The upstream's answer broke off after it began: the client's is left broken too."""


class _PassBreaks:
    """Outside Starlette: a broken answer is logged in one line and left unfinished, so that
    uvicorn closes the client's connection (the client sees the break) without a traceback."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except StreamBroken as exc:
            log.warning("%s", exc)


class _Unfinished(logging.Filter):
    """uvicorn's own line for an answer left unfinished: said above already."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


def _error(status: int, message: str) -> JSONResponse:
    """An error in OpenAI's shape, so that clients show the message."""
    body = {"error": {"message": message, "type": "frugalkit_serve_meter", "code": status}}
    return JSONResponse(body, status_code=status)


def _forwarded(headers: Any) -> dict[str, str]:
    kept = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
    return {**kept, "accept-encoding": "identity"}


def build_app(meter: ServingMeter) -> Any:
    """The meter's ASGI app: the proxy and /_frugalkit/ routes."""
    uvicorn_errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _Unfinished) for f in uvicorn_errors.filters):
        uvicorn_errors.addFilter(_Unfinished())
    client = httpx.AsyncClient(
        base_url=meter.upstream,
        timeout=httpx.Timeout(meter.timeout_s, connect=min(meter.timeout_s, 10.0)),
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=256),
    )

    async def proxy(request: Request) -> Response:
        try:
            body = await _read_body(request)
        except ValueError:
            return _error(413, f"request body over {MAX_BODY_BYTES >> 20} MiB")
        except ClientDisconnect:
            return Response(status_code=499)
        path = request.url.path
        query = request.url.query
        target = path + (f"?{query}" if query else "")
        metered = request.method == "POST"
        asked = usage.asked(path, body)
        exchange = Exchange(
            id=os.urandom(8).hex(),
            kind=asked.kind,
            model=asked.model,
            stream=asked.stream,
            start_s=time.monotonic(),
            started_at_s=time.time(),
        )
        if metered:
            meter.ledger.open(exchange)
        upstream_request = client.build_request(
            request.method, target, headers=_forwarded(request.headers), content=body
        )
        try:
            answer = await client.send(upstream_request, stream=True)
        except httpx.TimeoutException:
            _end(meter, exchange, metered, 504, "timeout", usage.Counts(asked))
            return _error(504, f"the upstream server gave no answer within {meter.timeout_s:g} s")
        except httpx.HTTPError as exc:
            _end(meter, exchange, metered, 502, "unreachable", usage.Counts(asked))
            return _error(502, f"the upstream server could not be reached: {type(exc).__name__}")
        exchange.status = answer.status_code
        kind = answer.headers.get("content-type", "")
        streamed = asked.stream or "event-stream" in kind or "ndjson" in kind
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return StreamingResponse(
            _relay(meter, exchange, metered, answer, usage.Counts(asked), streamed),
            status_code=answer.status_code,
            headers=headers,
        )

    async def requests_json(request: Request) -> Response:
        return JSONResponse(meter.summary())

    async def metrics(request: Request) -> Response:
        text, content_type = meter.metrics_text()
        if not text:
            return _error(501, "the Prometheus export needs: pip install 'frugalkit[prometheus]'")
        return Response(text, media_type=content_type)

    async def health(request: Request) -> Response:
        return JSONResponse(
            {"upstream": meter.shown_upstream, "in_flight": meter.ledger.in_flight()}
        )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    return _PassBreaks(
        Starlette(
            routes=[
                Route("/_frugalkit/requests.json", requests_json),
                Route("/_frugalkit/metrics", metrics),
                Route("/_frugalkit/health", health),
                Route("/{path:path}", proxy, methods=METHODS),
            ],
            lifespan=lifespan,
        )
    )


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ValueError("too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ValueError("too large")
        chunks.append(chunk)
    return b"".join(chunks)


async def _relay(
    meter: ServingMeter,
    exchange: Exchange,
    metered: bool,
    answer: httpx.Response,
    counts: usage.Counts,
    streamed: bool,
) -> AsyncIterator[bytes]:
    outcome = "ok" if answer.status_code < 400 else "upstream_error"
    whole = bytearray()
    try:
        async for chunk in answer.aiter_raw():
            if exchange.first_byte_s is None:
                exchange.first_byte_s = time.monotonic()
            if streamed:
                counts.stream(chunk)
            elif len(whole) < MAX_PARSED_BYTES:
                whole += chunk
            yield chunk
    except httpx.HTTPError as exc:  # the client's answer is cut as the server's was: never
        # a silent truncation
        outcome = "timeout" if isinstance(exc, httpx.TimeoutException) else "broken_stream"
        raise StreamBroken(
            f"{exchange.kind} request {exchange.id}: the upstream's answer broke off "
            f"({outcome}: {type(exc).__name__}); passed on broken to the client"
        ) from None
    except BaseException:  # the client went away: the generator is closed or cancelled
        outcome = "client_gone"
        raise
    finally:
        await answer.aclose()
        if not streamed:
            counts.body(bytes(whole))
        _end(meter, exchange, metered, answer.status_code, outcome, counts)


def _end(
    meter: ServingMeter,
    exchange: Exchange,
    metered: bool,
    status: int,
    outcome: str,
    counts: usage.Counts,
) -> None:
    exchange.status, exchange.outcome = status, outcome
    if outcome != "unreachable":  # a request the server never saw is given no tokens
        exchange.prompt_tokens, exchange.completion_tokens, exchange.tokens_source = counts.final()
    if metered:
        meter.ledger.close(exchange, time.monotonic())

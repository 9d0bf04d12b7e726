"""A bound on every request body, enforced before the app reads a byte of it.

FastAPI reads a route's whole body before its dependencies run (a token among them), so
an anonymous 300 MiB POST grew the server by 600 MB before its 422 (issue 21). This ASGI
middleware answers 413 from the Content-Length alone, and counts a body sent without one
(chunked), cutting it off at the bound. Routes keep their own, smaller bounds.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_BYTES = 2 * 1024 * 1024  # a batch of 100 impact reports fits (web.reports)
# Uploads of challenge submissions are bounded again by their challenge's own limit.
UPLOADS = re.compile(r"^(/api)?/challenges/[^/]+/(submissions|mine)$")
UPLOAD_BYTES = (2048 << 20) + 64 * 1024  # the largest upload_mb a challenge may set


def limit_for(path: str) -> int:
    return UPLOAD_BYTES if UPLOADS.match(path) else DEFAULT_BYTES


class TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, limit)
            return
        seen, over, answered = 0, False, False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal answered
            if over:  # the app's own answer to a cut body (FastAPI says 400): ours instead
                if not answered:
                    answered = True
                    await _refuse(send, limit)
                return
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(TooLarge):  # the body was cut at the bound
            await self.app(scope, counted, tracked)
        if over and not answered:
            await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps(
        {"detail": f"a request body over {limit >> 10:,} KiB is refused here"}
    ).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", b"default-src 'none'"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})

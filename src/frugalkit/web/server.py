"""uvicorn, with what it lacks against slow clients: a deadline for a request's headers
and a cap on open connections.

uvicorn 0.54 times out idle kept-alive connections only: a client that opens a connection
and never finishes its headers holds a descriptor for ever, and 1,100 of them under the
common limit of 1,024 descriptors made every other request fail (issue 21). Here a
connection whose headers are not complete within `header_timeout_s` of its start (or of
the start of its next request) is closed, and connections past `max_connections` are
closed as they open. Behind a reverse proxy (nginx, Caddy), let the proxy hold slow
clients too (nginx: client_header_timeout, limit_conn).
"""

from __future__ import annotations

import asyncio
import resource
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 1000
KEEP_ALIVE_S = 5


class GuardedHttp(HttpToolsProtocol):
    header_timeout_s = HEADER_TIMEOUT_S
    max_connections = MAX_CONNECTIONS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_deadline: asyncio.TimerHandle | None = None
        if len(self.connections) > self.max_connections:
            transport.close()  # refused at once: its descriptor is free again
            return
        self._arm()

    def _arm(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()  # the next request on a kept-alive connection has its own deadline

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def _raise_descriptor_limit() -> None:
    """Use the descriptors the system allows this process, not the soft default (often
    1,024), so that the connection cap, not the descriptor limit, is what refuses."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(soft, 65536) if hard == resource.RLIM_INFINITY else hard
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def run(
    app: Any,
    host: str,
    port: int,
    *,
    header_timeout_s: float = HEADER_TIMEOUT_S,
    max_connections: int = MAX_CONNECTIONS,
) -> None:
    """Serve `app` with the guards above (and uvicorn's own 5 s keep-alive timeout)."""
    _raise_descriptor_limit()
    protocol = type(
        "Guarded",
        (GuardedHttp,),
        {"header_timeout_s": header_timeout_s, "max_connections": max_connections},
    )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=protocol,
        timeout_keep_alive=KEEP_ALIVE_S,
    )
    uvicorn.Server(config).run()

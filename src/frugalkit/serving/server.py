"""The serving meter's two ports: the relayed traffic (relay.py) and its own routes
(admin.py, through uvicorn), on one event loop."""

from __future__ import annotations

import socket
from typing import Any

from frugalkit.errors import InputError
from frugalkit.serving import admin, relay
from frugalkit.serving.meter import ServingMeter


class MeterServer:
    def __init__(self, meter: ServingMeter) -> None:
        self.meter = meter
        self._sockets: list[socket.socket] = []
        self._admin: Any = None

    def listen(
        self, host: str, port: int, admin_port: int, admin_host: str = "127.0.0.1"
    ) -> MeterServer:
        """Bind both ports now, so that a port in use is one clear error before anything
        starts. The admin routes stay on loopback unless `admin_host` says otherwise: a
        relay opened to a network does not open the requests' records with it."""
        number, where = port, host
        try:
            for where, number in ((host, port), (admin_host, admin_port)):
                bound = socket.socket(socket.AF_INET6 if ":" in where else socket.AF_INET)
                self._sockets.append(bound)
                bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                bound.bind((where, number))
                bound.listen(1024)
        except OSError as exc:
            for bound in self._sockets:
                bound.close()
            raise InputError(
                f"cannot listen on {host} port {number}: {exc.strerror or exc}"
            ) from None
        return self

    async def serve(self) -> None:
        """Relay clients on the first port and answer the meter's own routes on the second,
        until SIGINT, SIGTERM or request_exit()."""
        import uvicorn

        relay_socket, admin_socket = self._sockets
        relayed = await relay.serve(self.meter, relay_socket)
        config = uvicorn.Config(admin.build_app(self.meter), log_level="warning", lifespan="off")
        self._admin = uvicorn.Server(config)
        try:
            await self._admin.serve(sockets=[admin_socket])
        finally:
            relayed.close()
            await relayed.wait_closed()

    def request_exit(self) -> None:
        """Stop serve() (from any thread)."""
        if self._admin is not None:
            self._admin.should_exit = True

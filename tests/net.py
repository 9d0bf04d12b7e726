"""Loopback helpers for tests that start servers."""

from __future__ import annotations

import socket
import time

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, deadline_s: float = 30.0) -> None:
    """Until `url` answers at all (any status), `deadline_s` at most."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer within {deadline_s} s")

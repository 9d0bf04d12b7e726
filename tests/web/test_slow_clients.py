"""Slow clients against the real server (issue 21: 1,100 connections that never finish
their headers made every other request fail). All traffic stays on 127.0.0.1, bounded in
count and time."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import served

SLOW = 400
CAP = 300
HEADER_TIMEOUT_S = 2


@pytest.fixture
def guarded_server(home: Path) -> Iterator[str]:
    options = ["--workers", "0", "--header-timeout", str(HEADER_TIMEOUT_S)]
    with served(home, *options, "--max-connections", str(CAP)) as base:
        yield base


def test_connections_that_never_finish_their_headers_are_closed(guarded_server: str) -> None:
    port = int(guarded_server.rsplit(":", 1)[1])
    slow = []
    for _ in range(SLOW):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        slow.append(sock)
    try:
        time.sleep(HEADER_TIMEOUT_S + 1.5)
        answer = httpx.get(f"{guarded_server}/healthz", timeout=5)
        assert answer.status_code == 200  # the server serves others again
        closed = 0
        for sock in slow:
            sock.settimeout(0.05)
            try:
                closed += sock.recv(1) == b""
            except ConnectionResetError:  # closed with its unread headers: the kernel resets
                closed += 1
            except TimeoutError:
                pass
        assert closed == SLOW  # every slow one was closed: the cap's at once, the rest in time
    finally:
        for sock in slow:
            sock.close()


def test_a_request_that_finishes_its_headers_in_time_is_served(guarded_server: str) -> None:
    port = int(guarded_server.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        time.sleep(HEADER_TIMEOUT_S / 2)
        sock.sendall(b"Host: x\r\nConnection: close\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 200")

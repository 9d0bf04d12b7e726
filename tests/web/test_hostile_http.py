"""Issue 21's attacks on the HTTP surface: bodies refused before they are read, forms
posted from another site, and an internal error that still carries the security headers."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from frugalkit.settings import Settings
from frugalkit.web.app import create_app


def _raw(base: str, request: bytes, timeout_s: float = 5.0) -> bytes:
    """Send `request` over a fresh connection; the first bytes of the answer."""
    url = urlparse(base)
    with socket.create_connection((url.hostname, url.port), timeout=timeout_s) as sock:
        sock.sendall(request)
        return sock.recv(4096)


@pytest.mark.parametrize("path", ["/api/bench/runs", "/login", "/api/reports"])
def test_a_huge_anonymous_body_is_refused_from_its_length_alone(
    live_server: str, path: str
) -> None:
    """300 MiB announced, not one byte sent: the answer comes at once (issue 21: the
    server grew 107 -> 734 MB reading it before its 422)."""
    started = time.monotonic()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {300 << 20}\r\n\r\n"
    )
    answer = _raw(live_server, head.encode())
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"nosniff" in answer
    assert time.monotonic() - started < 3


def test_a_chunked_body_is_cut_at_the_bound(live_server: str) -> None:
    """Anonymous: refused for its missing token before its body is read (401); either way
    never read past the bound (413)."""
    chunk = b"x" * (1 << 20)
    head = (
        b"POST /api/bench/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
    try:
        answer = _raw(live_server, head + body)
    except (BrokenPipeError, ConnectionResetError):
        return  # the server closed the connection at the bound: refused too
    assert answer.startswith((b"HTTP/1.1 401", b"HTTP/1.1 413")), answer[:200]


def test_a_sign_in_form_over_4_kib_is_refused(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.post("/login", data={"token": "x" * 5000}).status_code == 413


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "http://other.testserver"},
    ],
)
@pytest.mark.parametrize("path", ["/logout", "/login"])
def test_a_form_from_another_site_is_refused(
    settings: Settings, headers: dict[str, str], path: str
) -> None:
    """A page elsewhere could sign a visitor out, or into the attacker's account."""
    with TestClient(create_app(settings)) as client:
        answer = client.post(path, data={"token": "fk_x"}, headers=headers, follow_redirects=False)
        assert answer.status_code == 403
        same = client.post(
            "/logout", headers={"origin": "http://testserver"}, follow_redirects=False
        )
        assert same.status_code == 303


def test_an_internal_error_is_one_line_with_the_security_headers(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frugalkit.web import challenge

    def broken(store: object) -> list[object]:
        raise RuntimeError("secret detail of the server")

    monkeypatch.setattr(challenge, "list_challenges", broken)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        answer = client.get("/api/challenges")
    assert answer.status_code == 500
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in answer.headers
    assert "secret detail" not in answer.text and "RuntimeError" in answer.text


@pytest.mark.parametrize("word", ["on", "enabled", "y", "2"])
def test_an_unknown_word_for_private_mode_is_a_start_up_error(word: str) -> None:
    """FRUGALKIT_WEB_PRIVATE=on served everything publicly under a private start-up line."""
    from frugalkit.errors import ConfigError

    with pytest.raises(ConfigError, match="FRUGALKIT_WEB_PRIVATE must be one of"):
        Settings.from_env({"FRUGALKIT_WEB_PRIVATE": word, "FRUGALKIT_HOME": "/tmp"})
    assert Settings.from_env({"FRUGALKIT_WEB_PRIVATE": "yes", "FRUGALKIT_HOME": "/tmp"}).web_private


def test_model_calls_are_rationed_per_client_and_never_queued() -> None:
    from fastapi import HTTPException

    from frugalkit.web.throttle import Throttle

    throttle = Throttle(per_minute=3, at_once=1)
    with throttle.slot("a"), pytest.raises(HTTPException) as busy, throttle.slot("b"):
        pass
    assert busy.value.status_code == 503  # refused at once: no thread waits for a model
    for _ in range(2):
        with throttle.slot("a"):
            pass
    with pytest.raises(HTTPException) as over, throttle.slot("a"):
        pass
    assert over.value.status_code == 429 and int(over.value.headers["retry-after"]) > 0
    with throttle.slot("c"):  # another client is not held back by the first one's calls
        pass

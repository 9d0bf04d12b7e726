"""Requests to URLs someone else named (issue 21): a redirect is checked like the URL, the
address checked is the one connected to (DNS rebinding), the whole download has one
deadline, and a file name cannot escape. Servers on 127.0.0.1 and 127.0.0.2 only."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from frugalkit import outbound
from frugalkit.errors import InputError

SEEN_HOSTS: list[str] = []


class Server(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the http.server API names it so
        SEEN_HOSTS.append(self.headers.get("host", ""))
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("location", self.path.split("to=", 1)[1])
            self.end_headers()
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("content-length", "100")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.25)
        else:
            body = b"%PDF-1.4 tiny"
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Quiet(ThreadingHTTPServer):
    """A client that hangs up on a slow answer (the deadline test) is expected: no
    traceback printed for it."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = Quiet(("127.0.0.1", 0), Server)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    SEEN_HOSTS.clear()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _get(url: str, allow: str, deadline_s: float = 10) -> bytes:
    with outbound.stream("GET", url, allow=allow, deadline_s=deadline_s) as answer:
        return answer.read(1 << 20)


def test_an_allowed_host_is_reached(server: str) -> None:
    assert _get(f"{server}/report.pdf", "127.0.0.1").startswith(b"%PDF")


def test_a_redirect_to_a_refused_address_is_refused(server: str) -> None:
    elsewhere = "http://127.0.0.2:1/admin"  # loopback too, but not what was allowed
    with pytest.raises(InputError, match=r"127\.0\.0\.2, a non-public address"):
        _get(f"{server}/redirect?to={elsewhere}", "127.0.0.1")


def test_the_address_checked_is_the_one_connected_to(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name answers an allowed address when checked, another after;
    the request goes to the first, with the name kept in the Host header."""
    port = int(server.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    calls: list[str] = []

    def rebinding(host: str, *args: object, **kwargs: object) -> object:
        if host == "rebind.test":
            calls.append(host)
            address = "127.0.0.1" if len(calls) == 1 else "127.0.0.2"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert _get(f"http://rebind.test:{port}/report.pdf", "127.0.0.1").startswith(b"%PDF")
    assert calls == ["rebind.test"] and [f"rebind.test:{port}"] == SEEN_HOSTS


def test_a_trickle_is_cut_at_the_total_deadline(server: str) -> None:
    """One byte now and then held a download for ever: the 30 s timeout was per read."""
    started = time.monotonic()
    with pytest.raises(InputError, match=r"took longer than 1\.5 s in all"):
        _get(f"{server}/slow", "127.0.0.1", deadline_s=1.5)
    assert time.monotonic() - started < 4


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://x.org/a/..", "report.pdf"),
        ("http://x.org/", "report.pdf"),
        ("http://x.org/../../etc/passwd", "passwd"),
        ("http://x.org/" + "n" * 300 + ".pdf", "n" * 96 + ".pdf"),
        ("http://x.org/r%C3%A9sum%C3%A9 final.pdf", "r_C3_A9sum_C3_A9_final.pdf"),
    ],
)
def test_a_downloaded_file_name_stays_in_its_folder(url: str, name: str) -> None:
    assert outbound.file_name(url) == name


def test_a_queued_remote_evaluation_is_checked_again_by_its_worker(server: str) -> None:
    """Checked when queued only, a host renamed to 127.0.0.1 before the worker ran was
    reached on loopback (issue 21). The worker checks it again (the server's rule)."""
    from frugalkit.bench import evaluate, get_task

    run = evaluate(get_task("text"), server, repeats=1, remote_allow="")
    assert run["status"] == "failed" and "non-public address" in run["reason"]
    own = evaluate(get_task("text"), server, repeats=1)  # a user's own command: not guarded
    assert "non-public" not in (own["reason"] or "")

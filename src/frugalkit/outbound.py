"""Requests frugalkit sends to a URL someone else named (a report to download, a remote
submission to evaluate), so that the server is never a scanner of its own network.

The host is resolved once; every address must be public, unless FRUGALKIT_REMOTE_ALLOW
names the host or a network holding the address (`127.0.0.1, 10.0.0.0/8, my-host`). The
request then goes to that very address (the Host header and TLS name stay the host's), so
a name that resolves elsewhere a moment later (DNS rebinding) changes nothing. Redirects
are followed by hand, each checked the same way; the whole exchange has one deadline.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from frugalkit.errors import InputError

MAX_REDIRECTS = 5
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _allowed(host: str, address: Address, allow: str) -> bool:
    for entry in (e.strip() for e in allow.split(",")):
        if not entry:
            continue
        if entry.lower() == host.lower():
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def checked_address(url: str, allow: str = "", what: str = "the URL") -> Address:
    """The address to connect to for `url`; InputError unless every address of its host
    may be reached."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{what} must be an http(s) URL with a host (got {url[:80]!r})")
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot resolve the host {host!r} of {what}: {exc}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        if not (address.is_global or _allowed(host, address, allow)):
            raise InputError(
                f"the host {host} of {what} is at {address}, a non-public address; it is "
                "reached only when FRUGALKIT_REMOTE_ALLOW names it"
            )
    return addresses[0]


def _pinned(url: str, address: Address) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL aimed at `address`, with the host's name kept for HTTP and TLS."""
    parts = urlsplit(url)
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal + (f":{parts.port}" if parts.port else "")
    headers = {"host": parts.netloc.rsplit("@", 1)[-1]}
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), headers, extensions


@contextmanager
def stream(
    method: str,
    url: str,
    *,
    allow: str,
    deadline_s: float,
    what: str = "the URL",
    **options: Any,
) -> Iterator[Any]:
    """An httpx streamed response from `url` (redirects followed, each checked)."""
    import httpx

    ends = time.monotonic() + deadline_s
    with httpx.Client(timeout=min(deadline_s, 30.0), follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target, headers, extensions = _pinned(url, checked_address(url, allow, what))
            request = client.build_request(
                method, target, headers={**options.pop("headers", {}), **headers},
                extensions=extensions, **options,
            )  # fmt: skip
            response = client.send(request, stream=True)
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    method, options = "GET", {}
                    continue
                yield Deadline(response, ends, deadline_s, what)
                return
            finally:
                response.close()
        raise InputError(f"{what} redirects more than {MAX_REDIRECTS} times")


class Deadline:
    """A response whose body must arrive before the exchange's deadline, in all."""

    def __init__(self, response: Any, ends: float, deadline_s: float, what: str) -> None:
        self.response, self.ends, self.deadline_s, self.what = response, ends, deadline_s, what

    def __getattr__(self, name: str) -> Any:
        return getattr(self.response, name)

    def iter_bytes(self) -> Iterator[bytes]:
        for chunk in self.response.iter_bytes():
            if time.monotonic() > self.ends:
                raise InputError(f"{self.what} took longer than {self.deadline_s:g} s in all")
            yield chunk

    def read(self, max_bytes: int) -> bytes:
        chunks, size = [], 0
        for chunk in self.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise InputError(f"{self.what} answered more than {max_bytes:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def file_name(url: str, default: str = "report.pdf") -> str:
    """A name for a downloaded file that stays in its folder and fits any file system."""
    name = SAFE_NAME.sub("_", urlsplit(url).path.rsplit("/", 1)[-1]).strip("._")[-100:]
    return name or default

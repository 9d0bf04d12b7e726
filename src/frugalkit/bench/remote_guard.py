"""Which hosts a remote evaluation queued over the web API may reach.

A token holder names a URL and the server connects to it: without a rule, the server is
a port scanner of its own network. Public addresses are allowed; loopback, private,
link-local, reserved and multicast ones only when FRUGALKIT_REMOTE_ALLOW names the host
or a network holding the address (comma-separated: `127.0.0.1, 10.0.0.0/8, my-host`).
The name is resolved here, and every address it resolves to must pass.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from frugalkit.errors import InputError


def _allowed(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow: str) -> bool:
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


def check_remote_url(url: str, allow: str = "") -> None:
    """InputError unless every address of the URL's host may be reached."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"the submission must be an http(s) URL with a host (got {url[:80]!r})")
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot resolve the submission's host {host!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_global or _allowed(host, address, allow):
            continue
        raise InputError(
            f"the submission's host {host} is at {address}, a non-public address; the server "
            "reaches such hosts only when FRUGALKIT_REMOTE_ALLOW names them"
        )

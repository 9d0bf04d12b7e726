"""Which process serves the upstream: the one listening on its port, where it is local."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import psutil

from frugalkit.errors import InputError

LOOPBACK_NAMES = ("localhost",)


def _is_local(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if address.is_loopback or address.is_unspecified:
        return True
    return host in {a.address for nics in psutil.net_if_addrs().values() for a in nics}


def listener(upstream: str) -> tuple[int | None, str]:
    """(pid, why): the local process listening on the upstream's port, or None and the
    reason the whole machine is measured instead."""
    parts = urlsplit(upstream)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not _is_local(host):
        return None, f"{host} is not this machine: its server cannot be metered from here"
    try:
        connections = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, OSError) as exc:
        return None, f"the listening process could not be looked up ({exc})"
    for connection in connections:
        local = connection.laddr
        if connection.status == psutil.CONN_LISTEN and getattr(local, "port", None) == port:
            if connection.pid:
                return connection.pid, ""
            return None, f"the process listening on port {port} belongs to another user"
    return None, f"nothing listens on port {port} yet"


def check_pid(pid: int) -> int:
    if not psutil.pid_exists(pid):
        raise InputError(f"--pid {pid}: no such process")
    return pid


__all__ = ["check_pid", "listener"]

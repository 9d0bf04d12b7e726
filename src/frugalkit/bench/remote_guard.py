"""Which hosts a remote evaluation queued over the web API may reach: see
`frugalkit.outbound`, which checks the URL when it is queued and again, pinned to the
address it checked, when the worker connects."""

from __future__ import annotations

from frugalkit.outbound import checked_address


def check_remote_url(url: str, allow: str = "") -> None:
    """InputError unless every address of the URL's host may be reached."""
    checked_address(url, allow, "the submission")

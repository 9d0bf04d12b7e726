"""The grid's intensity from ENTSO-E's Transparency Platform (FRUGALKIT_GRID_PROVIDER=entsoe,
a security token in FRUGALKIT_GRID_TOKEN): its actual generation per production type
(document A75, process A16, 15- to 60-minute steps, European areas), turned into an
intensity per step as the generation-weighted mean of each type's life-cycle factor
(impact/data/fuel_intensity.json, with their sources).

ENTSO-E publishes generation, not intensity, and no forecast per type: `--start-below` with
this provider says so and starts (a forecast needs gb or electricitymaps). Imports and
exports are not followed: the intensity is the area's own generation's.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from frugalkit.impact.data import field

ENTSOE_URL = "https://web-api.tp.entsoe.eu/api"
SOURCE = "ENTSO-E Transparency Platform, actual generation per production type (A75)"
# More generation than this of types without a factor, and no figure is given: a threshold
# of this project's, not a published one (no source gives one). Below it, that generation is
# left out of the hour's mean.
MAX_UNCOUNTED = 0.2
STEP = {"PT15M": timedelta(minutes=15), "PT30M": timedelta(minutes=30),
        "PT60M": timedelta(hours=1)}  # fmt: skip


class EntsoeError(Exception):
    """No figure from ENTSO-E; the message says why (grid_live turns it into a EntsoeError)."""


def area(alpha2: str) -> str:
    areas = field("fuel_intensity", "areas")
    if alpha2 not in areas:
        raise EntsoeError(f"ENTSO-E has no area for {alpha2} in frugalkit's list")
    return str(areas[alpha2])


def query(token: str, eic: str, start: datetime, end: datetime) -> dict[str, str]:
    return {
        "securityToken": token, "documentType": "A75", "processType": "A16",
        "in_Domain": eic, "periodStart": f"{start:%Y%m%d%H}00", "periodEnd": f"{end:%Y%m%d%H}00",
    }  # fmt: skip


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in node if _local(c.tag) == name), None)


def _text(node: ET.Element | None, *path: str) -> str:
    for name in path:
        node = None if node is None else _child(node, name)
    return "" if node is None or node.text is None else node.text.strip()


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def generation(document: bytes) -> dict[datetime, dict[str, float]]:
    """MW by PSR type per step start, from an A75 document; an acknowledgement (no data, a
    bad token) or anything else raises EntsoeError with ENTSO-E's reason."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        raise EntsoeError("ENTSO-E answered something that is not XML") from None
    if _local(root.tag) == "Acknowledgement_MarketDocument":
        reason = " ".join(_text(r, "text") for r in root if _local(r.tag) == "Reason")
        raise EntsoeError(f"ENTSO-E: {reason[:200] or 'no data'}")
    found: dict[datetime, dict[str, float]] = {}
    try:
        for series in (n for n in root if _local(n.tag) == "TimeSeries"):
            if _child(series, "inBiddingZone_Domain.mRID") is None:
                continue  # consumption (pumping, storage charging), not generation
            psr = _text(series, "MktPSRType", "psrType")
            for period in (n for n in series if _local(n.tag) == "Period"):
                start = _when(_text(period, "timeInterval", "start"))
                end = _when(_text(period, "timeInterval", "end"))
                step = STEP[_text(period, "resolution")]
                points = {int(_text(p, "position")): float(_text(p, "quantity"))
                          for p in period if _local(p.tag) == "Point"}  # fmt: skip
                quantity, moment, position = 0.0, start, 1
                while moment < end:  # curve A03: a missing position repeats the last one
                    quantity = points.get(position, quantity)
                    slot = found.setdefault(moment, {})
                    slot[psr] = slot.get(psr, 0.0) + quantity
                    moment, position = moment + step, position + 1
    except (KeyError, ValueError, TypeError):
        raise EntsoeError("ENTSO-E answered an unexpected format") from None
    return found


def intensities(document: bytes) -> list[tuple[datetime, datetime, float, float]]:
    """(start, end, gCO2e/kWh, share of generation without a factor) per step."""
    factors = {k: float(v["value"]) for k, v in field("fuel_intensity", "factors").items()}
    types = field("fuel_intensity", "psr_types")
    steps = sorted(generation(document).items())
    found = []
    for index, (start, mw) in enumerate(steps):
        end = steps[index + 1][0] if index + 1 < len(steps) else start + timedelta(hours=1)
        counted = {psr: q for psr, q in mw.items() if psr in types and q > 0}
        total = sum(q for q in mw.values() if q > 0)
        if total <= 0:
            continue
        uncounted = 1 - sum(counted.values()) / total
        if uncounted > MAX_UNCOUNTED:
            raise EntsoeError(f"ENTSO-E: {uncounted:.0%} of the generation has no factor")
        mean = sum(q * factors[types[psr][1]] for psr, q in counted.items()) / sum(counted.values())
        found.append((start, min(end, start + timedelta(hours=1)), mean, uncounted))
    return found


def fetch_document(
    settings: Any, alpha2: str, start: datetime, end: datetime, timeout_s: float
) -> bytes:
    import httpx

    if not settings.grid_token:
        raise EntsoeError("ENTSO-E needs a security token: set FRUGALKIT_GRID_TOKEN")
    hour = start.replace(minute=0, second=0, microsecond=0)
    params = query(settings.grid_token, area(alpha2), hour, end + timedelta(hours=1))
    try:
        answer = httpx.get(settings.grid_url or ENTSOE_URL, params=params, timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise EntsoeError(f"entsoe unreachable ({type(exc).__name__})") from None
    if answer.status_code >= 400 and b"Acknowledgement" not in answer.content:
        raise EntsoeError(f"entsoe answered {answer.status_code}")
    return answer.content

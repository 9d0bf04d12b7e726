"""The grid's carbon intensity at the hours a run ran, from a live provider (issue 25, item 3:
"the yearly national average is a systematic error in the headline figure", CodeCarbon
#1354), and a start held until the grid is greener (#1356).

Providers, chosen by FRUGALKIT_GRID_PROVIDER (FRUGALKIT_GRID_URL replaces the address, for a
mirror or a test server; FRUGALKIT_GRID_TOKEN is the token where one is needed):
- "gb": the GB carbon intensity API of National Grid ESO (no token; half-hourly, gCO2/kWh;
  each period's actual value, its forecast where the actual is not yet published; Great
  Britain only): GET /intensity/{from}/{to} and /intensity/{from}/fw24h;
- "electricitymaps": Electricity Maps API v3 (token in the auth-token header; hourly,
  life-cycle gCO2eq/kWh, the last 24 hours): GET /carbon-intensity/history?zone= and
  /carbon-intensity/forecast?zone=.
- "entsoe": ENTSO-E's Transparency Platform (security token; 15 to 60 minutes, European
  areas): its actual generation per production type weighted by each type's life-cycle
  factor (impact/grid_entsoe.py); no forecast.

A run's intensity is the mean of the periods it overlaps, each weighted by the time the run
spent in it (its energy is taken as even over its duration: the report says so). Periods
read are kept under FRUGALKIT_HOME/grid-cache, so a run that ended is looked up once. On
any failure (no network, a bad token, a zone the provider does not cover, a run older than
its history) the report keeps the yearly figure and says why.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from frugalkit.impact.zones import Zone

TIMEOUT_S = 10.0
CACHE_DIR = "grid-cache"
KEEP_DAYS = 31  # periods older than this leave the cache
GB_SOURCE = "GB carbon intensity API (National Grid ESO), CC BY 4.0"
PROVIDERS = {  # address, source, time resolution
    "gb": ("https://api.carbonintensity.org.uk", GB_SOURCE, "half-hourly"),
    "electricitymaps": ("https://api.electricitymap.org/v3", "Electricity Maps API v3", "hourly"),
    "entsoe": (
        "https://web-api.tp.entsoe.eu/api",
        "ENTSO-E Transparency Platform, actual "
        "generation per type x life-cycle factors per fuel (codecarbon 3.3.2's table)",
        "hourly",
    ),
}


class GridError(Exception):
    """The provider could not give the hours asked; the message says why, in one line."""


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    g_per_kwh: float


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _get(settings: Any, path: str) -> Any:
    import httpx

    base = settings.grid_url or PROVIDERS[settings.grid_provider][0]
    headers = {"auth-token": settings.grid_token} if settings.grid_token else {}
    if settings.grid_provider == "electricitymaps" and not settings.grid_token:
        raise GridError("Electricity Maps needs a token: set FRUGALKIT_GRID_TOKEN")
    try:
        answer = httpx.get(f"{base}{path}", headers=headers, timeout=TIMEOUT_S)
        answer.raise_for_status()
        return answer.json()
    except httpx.HTTPStatusError as exc:
        raise GridError(f"{settings.grid_provider} answered {exc.response.status_code}") from None
    except (httpx.HTTPError, ValueError) as exc:
        raise GridError(f"{settings.grid_provider} unreachable ({type(exc).__name__})") from None


def _alpha2(zone: Zone) -> str:
    from frugalkit.impact.data import field

    row = field("grid_intensity", "countries").get(zone.code)
    if not row or not row.get("alpha2"):
        raise GridError(f"no live intensity for zone {zone.code}")
    return str(row["alpha2"])


def _great_britain(zone: Zone) -> None:
    if zone.code != "GBR":
        raise GridError(f"the GB carbon intensity API covers Great Britain only, not {zone.code}")


def _entsoe(settings: Any, zone: Zone, start: datetime, end: datetime) -> list[Period]:
    from frugalkit.impact import grid_entsoe

    try:
        document = grid_entsoe.fetch_document(settings, _alpha2(zone), start, end, TIMEOUT_S)
        steps = grid_entsoe.intensities(document)
    except grid_entsoe.EntsoeError as exc:
        raise GridError(str(exc)) from None
    return _checked([Period(a, b, g) for a, b, g, _ in steps])


def fetch(settings: Any, zone: Zone, start: datetime, end: datetime) -> list[Period]:
    """The provider's periods from `start` to `end` (UTC)."""
    if settings.grid_provider == "entsoe":
        return _entsoe(settings, zone, start, end)
    if settings.grid_provider == "gb":
        _great_britain(zone)
        # asked on the half hours around the run: a run within one minute (from == to) was
        # answered with no period at all
        first = start.replace(minute=start.minute - start.minute % 30, second=0, microsecond=0)
        last = max(end, first + timedelta(minutes=30))
        span = f"/intensity/{first:%Y-%m-%dT%H:%MZ}/{last:%Y-%m-%dT%H:%MZ}"
        return _checked(_gb(_get(settings, span)))
    data = _get(settings, f"/carbon-intensity/history?zone={_alpha2(zone)}")
    return _checked(_hourly(data.get("history") if isinstance(data, dict) else None))


def forecast(settings: Any, zone: Zone, now: datetime) -> list[Period]:
    """The provider's coming periods (the next 24 hours)."""
    if settings.grid_provider == "entsoe":
        raise GridError("ENTSO-E publishes no intensity forecast: use gb or electricitymaps")
    if settings.grid_provider == "gb":
        _great_britain(zone)
        return _checked(_gb(_get(settings, f"/intensity/{now:%Y-%m-%dT%H:%MZ}/fw24h")))
    data = _get(settings, f"/carbon-intensity/forecast?zone={_alpha2(zone)}")
    return _checked(_hourly(data.get("forecast") if isinstance(data, dict) else None))


def _gb(data: Any) -> list[Period]:
    try:
        return [
            Period(_when(p["from"]), _when(p["to"]),
                   float(p["intensity"]["actual"] if p["intensity"]["actual"] is not None
                         else p["intensity"]["forecast"]))
            for p in data["data"]
        ]  # fmt: skip
    except (KeyError, TypeError, ValueError):
        raise GridError("the GB carbon intensity API answered an unexpected format") from None


def _hourly(rows: Any) -> list[Period]:
    try:
        return [
            Period(_when(r["datetime"]), _when(r["datetime"]) + timedelta(hours=1),
                   float(r["carbonIntensity"]))
            for r in rows if r.get("carbonIntensity") is not None
        ]  # fmt: skip
    except (KeyError, TypeError, ValueError, AttributeError):
        raise GridError("Electricity Maps answered an unexpected format") from None


# Our bound, above the highest yearly country value in grid_intensity.json (Turkmenistan,
# 1,306 gCO2e/kWh in 2022, Our World in Data) with room for a dirty hour.
MAX_G_PER_KWH = 2000.0


def _checked(periods: list[Period]) -> list[Period]:
    """A provider's values as figures a report can hold, or a GridError: a negative, NaN or
    absurd intensity would make the report invalid and the run's measurement lost."""
    for period in periods:
        if not 0 <= period.g_per_kwh <= MAX_G_PER_KWH or period.end <= period.start:
            raise GridError(f"the provider gave an unusable period ({period.g_per_kwh} g/kWh)")
    return periods


def weighted(periods: list[Period], start: datetime, end: datetime) -> tuple[float, float]:
    """(mean intensity over the overlap, share of [start, end] the periods cover)."""
    if end <= start:  # an instant: the period that holds it
        holding = [p for p in periods if p.start <= start < p.end]
        return (holding[0].g_per_kwh, 1.0) if holding else (0.0, 0.0)
    total_s = (end - start).total_seconds()
    weights = [(p, (min(p.end, end) - max(p.start, start)).total_seconds()) for p in periods]
    weights = [(p, w) for p, w in weights if w > 0]
    covered_s = sum(w for _, w in weights)
    if covered_s <= 0:
        return 0.0, 0.0
    return sum(p.g_per_kwh * w for p, w in weights) / covered_s, min(covered_s / total_s, 1.0)


def _cache_file(settings: Any, zone: Zone) -> Path:
    return Path(settings.home) / CACHE_DIR / f"{settings.grid_provider}-{zone.code}.json"


def _cached(path: Path) -> list[Period]:
    try:
        return [Period(_when(a), _when(b), float(g)) for a, b, g in json.loads(path.read_text())]
    except (OSError, ValueError, TypeError):
        return []  # none yet, or damaged: read again from the provider


def _keep(path: Path, periods: list[Period]) -> None:
    oldest = datetime.now(UTC) - timedelta(days=KEEP_DAYS)
    unique = {p.start: p for p in periods if p.end > oldest}
    rows = [[p.start.isoformat(), p.end.isoformat(), p.g_per_kwh] for p in unique.values()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(".tmp")
        scratch.write_text(json.dumps(sorted(rows)))
        scratch.replace(path)
    except OSError:
        pass  # a cache that cannot be written costs a request next time, nothing else


def live_zone(settings: Any, zone: Zone, start: datetime, end: datetime) -> tuple[Zone, str]:
    """`zone` with the intensity of the hours from `start` to `end`, and how it was found;
    the zone as it was and the reason, when no live figure can be had."""
    name, (_, source, resolution) = settings.grid_provider, PROVIDERS[settings.grid_provider]
    path = _cache_file(settings, zone)
    periods = _cached(path)
    if weighted(periods, start, end)[1] < 1.0:
        try:
            periods += fetch(settings, zone, start, end)
        except GridError as exc:
            return zone, f"yearly value kept: {exc}"
        _keep(path, periods)
    mean, covered = weighted(periods, start, end)
    if covered <= 0:
        return zone, f"yearly value kept: {name} has no period covering the run"
    live = Zone(
        code=zone.code, name=zone.name, intensity_g_per_kwh=mean,
        intensity_source=f"{source}, {resolution}, the run's periods weighted by its time in "
        f"each ({covered:.0%} of the run covered; its energy taken as even over its duration)",
        intensity_year=start.year, water_l_per_kwh=zone.water_l_per_kwh,
        adpe_kgsbeq_per_kwh=zone.adpe_kgsbeq_per_kwh, pe_mj_per_kwh=zone.pe_mj_per_kwh,
        mix_source=zone.mix_source, mix_fallback=zone.mix_fallback,
    )  # fmt: skip
    return live, resolution


def wait_for_greener(
    settings: Any,
    zone: Zone,
    below_g_per_kwh: float,
    max_wait_s: float,
    sleep: Callable[[float], None] = time.sleep,
    poll_s: float = 900.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Hold the start until the grid's intensity is below `below_g_per_kwh`, `max_wait_s` at
    most: to the first forecast period below it, else polled every `poll_s`. Says why it
    started: below the threshold, the wait ran out, or no figure could be had."""
    started = clock()
    while True:
        now = clock()
        waited_s = (now - started).total_seconds()
        try:
            coming = forecast(settings, zone, now)
        except GridError as exc:
            return {"started": "no live figure", "reason": str(exc), "waited_s": waited_s}
        current = [p for p in coming if p.start <= now < p.end]
        if current and current[0].g_per_kwh < below_g_per_kwh:
            return {"started": "below", "intensity_g_per_kwh": current[0].g_per_kwh,
                    "waited_s": waited_s}  # fmt: skip
        left_s = max_wait_s - waited_s
        if left_s <= 0:
            return {"started": "max wait", "waited_s": waited_s,
                    "intensity_g_per_kwh": current[0].g_per_kwh if current else None}  # fmt: skip
        greener = [p for p in coming if p.start > now and p.g_per_kwh < below_g_per_kwh]
        until_s = (greener[0].start - now).total_seconds() if greener else poll_s
        sleep(max(min(until_s, left_s, poll_s), 1.0))


DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def seconds(text: str) -> float:
    """'6h', '30m', '90s', '2d' or plain seconds, as seconds.

    >>> seconds("6h"), seconds("90")
    (21600.0, 90.0)
    """
    from frugalkit.errors import InputError

    found = DURATION.match(text)
    if not found:
        raise InputError(f"a duration is a number with s, m, h or d (got {text!r})")
    return float(found[1]) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[found[2]]

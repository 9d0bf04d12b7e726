"""Final requests to per-request records and to one ImpactReport per window and request kind.

Each report's energy is what its requests were given by the ledger (facility energy: the
PUE applied), its functional unit the request; the server's idle energy in the window has a
report of its own (kind 'idle', per hour), so no request carries it. EcoLogits' estimate for
the same requests is summed beside the measurement.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from frugalkit.impact import build_report
from frugalkit.impact.indicators import J_PER_KWH, WH_PER_KWH, location_based_ghg_g
from frugalkit.impact.llm_estimate import SELF_HOSTED, estimate
from frugalkit.impact.zones import Zone
from frugalkit.measure import host, registry
from frugalkit.serving.ledger import COMPONENTS, METHOD, Exchange

S_PER_H = 3600
GENERATING = ("chat", "completion")  # the kinds EcoLogits models


@dataclass
class Config:
    """What every record of one serving meter shares."""

    upstream: str  # without credentials
    label: str
    zone: Zone
    pue: float
    wue_l_per_kwh: float
    scope: str
    params_b: float | None = None


def record(exchange: Exchange, config: Config) -> dict[str, Any]:
    """One request as the meter's JSON and log show it."""
    it_j = exchange.energy_j
    wh = it_j / J_PER_KWH * config.pue * WH_PER_KWH
    tokens = exchange.prompt_tokens + exchange.completion_tokens
    first = exchange.first_byte_s
    row: dict[str, Any] = {
        "id": exchange.id,
        "kind": exchange.kind,
        "model": exchange.model,
        "stream": exchange.stream,
        "status": exchange.status,
        "outcome": exchange.outcome,
        "started_at": datetime.fromtimestamp(exchange.started_at_s, UTC).isoformat(),
        "prompt_tokens": exchange.prompt_tokens,
        "completion_tokens": exchange.completion_tokens,
        "tokens_source": exchange.tokens_source,
        "latency_s": exchange.latency_s,
        "ttft_s": None if first is None else first - exchange.start_s,
        "energy_wh": wh,
        "low_wh": sum(exchange.low_j.values()) / J_PER_KWH * config.pue * WH_PER_KWH,
        "high_wh": sum(exchange.high_j.values()) / J_PER_KWH * config.pue * WH_PER_KWH,
        "wh_per_1k_tokens": wh / tokens * 1000 if tokens else None,
        "ghg_g": location_based_ghg_g(wh / WH_PER_KWH, config.zone.intensity_g_per_kwh),
    }
    if exchange.kind in GENERATING and exchange.outcome == "ok":
        row["estimate"] = estimate(
            exchange.model,
            exchange.completion_tokens,
            exchange.latency_s,
            provider=SELF_HOSTED,
            params_b=config.params_b,
            zone_alpha3=config.zone.code,
            pue=config.pue,
        )
    return row


def quantiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    array = np.asarray(values, dtype=float)
    p5, p50, p95 = np.percentile(array, [5, 50, 95])
    return {"p5": p5, "p50": p50, "p95": p95, "mean": array.mean(), "max": array.max()}


def _summed_estimate(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    found = [row["estimate"] for row in rows if "estimate" in row]
    if not found:
        return None
    missing = [e for e in found if not e["available"]]
    if missing:
        return {"available": False, "why": missing[0]["why"][:300]}
    keys = ("energy_wh_low", "energy_wh_high", "ghg_g_low", "ghg_g_high")
    summed = {key: sum(e[key] for e in found) for key in keys}
    basis = found[0]["basis"]
    return {"available": True, "method": f"{basis}, summed over {len(found)} answers", **summed}


Parts = tuple[dict[str, float], dict[str, float], dict[str, float]]  # joules, low_j, high_j


def _summed(exchanges: list[Exchange]) -> Parts:
    totals: Parts = ({}, {}, {})
    for exchange in exchanges:
        for total, mine in zip(
            totals, (exchange.joules, exchange.low_j, exchange.high_j), strict=True
        ):
            for component, joules in mine.items():
                total[component] = total.get(component, 0.0) + joules
    return totals


def _components(parts: Parts, methods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kinds = {m["component"]: m for m in methods}
    joules, low_j, high_j = parts
    found = []
    for component in COMPONENTS:
        if component not in kinds:
            continue
        found.append(
            {
                **{k: kinds[component][k] for k in ("kind", "meter", "note")},
                "component": component,
                "share": None,
                "energy_kwh": joules.get(component, 0.0) / J_PER_KWH,
                "low_kwh": low_j.get(component, 0.0) / J_PER_KWH,
                "high_kwh": high_j.get(component, 0.0) / J_PER_KWH,
                "sampling": f"{kinds[component]['sampling']}; split over requests",
            }
        )
    return found


def _serving(
    config: Config, kind: str, rows: list[dict[str, Any]], idle_kwh: float
) -> dict[str, Any]:
    prompt = sum(r["prompt_tokens"] for r in rows)
    completion = sum(r["completion_tokens"] for r in rows)
    energy_wh = sum(r["energy_wh"] for r in rows)
    models = Counter(r["model"] for r in rows)
    series = {
        "wh": [r["energy_wh"] for r in rows],
        "wh_per_1k_tokens": [
            r["wh_per_1k_tokens"] for r in rows if r["wh_per_1k_tokens"] is not None
        ],
        "latency_s": [r["latency_s"] for r in rows],
        "ttft_s": [r["ttft_s"] for r in rows if r["ttft_s"] is not None],
        "prompt_tokens": [r["prompt_tokens"] for r in rows],
        "completion_tokens": [r["completion_tokens"] for r in rows],
    }
    distributions = {name: q for name, values in series.items() if (q := quantiles(values))}
    return {
        "upstream": config.upstream[:200],
        "kind": kind,
        "model": models.most_common(1)[0][0] if len(models) == 1 else ("several" if rows else "-"),
        "requests": len(rows),
        "failed": sum(1 for r in rows if r["outcome"] != "ok"),
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "tokens_source": dict(Counter(r["tokens_source"] for r in rows)),
        "wh_per_1k_tokens": energy_wh / (prompt + completion) * 1000
        if prompt + completion
        else None,
        "j_per_completion_token": energy_wh / WH_PER_KWH * J_PER_KWH / completion
        if completion
        else None,
        "idle_kwh": idle_kwh,
        "distributions": distributions,
        "estimate": _summed_estimate(rows),
        "method": METHOD,
    }


def window_reports(
    done: list[tuple[Exchange, dict[str, Any]]],
    idle: Parts,
    methods: list[dict[str, Any]],
    config: Config,
    window: tuple[float, float, float],
) -> list[dict[str, Any]]:
    """One report per request kind seen, and one for the idle energy if any. `done`: the
    window's final requests with their records; `window`: (started_at, ended_at) wall-clock
    seconds and its length in seconds."""
    started_s, ended_s, duration_s = window
    by_kind: dict[str, list[tuple[Exchange, dict[str, Any]]]] = {}
    for exchange, row in done:
        by_kind.setdefault(exchange.kind, []).append((exchange, row))
    idle_kwh = sum(idle[0].values()) / J_PER_KWH
    common: dict[str, Any] = {
        "phase": "inference",
        "started_at": datetime.fromtimestamp(started_s, UTC),
        "ended_at": datetime.fromtimestamp(ended_s, UTC),
        "duration_s": duration_s,
        "status": "completed",
        "exit_code": None,
        "error": None,
        "scope": config.scope,
        "command": None,
        "host": host.describe(registry.gpus()),
        "windows": [],
        "zone": config.zone,
        "pue": config.pue,
        "wue_l_per_kwh": config.wue_l_per_kwh,
    }
    reports = []
    for kind, pairs in sorted(by_kind.items()):
        mine, rows = [e for e, _ in pairs], [row for _, row in pairs]
        report = build_report(
            report_id=os.urandom(16).hex(),
            name=f"{config.label} · {kind}",
            functional_unit="request",
            units=len(mine),
            components=_components(_summed(mine), methods),
            **common,
        )
        report["serving"] = _serving(config, kind, rows, idle_kwh)
        reports.append(report)
    if idle_kwh > 0 and duration_s > 0:
        report = build_report(
            report_id=os.urandom(16).hex(),
            name=f"{config.label} · idle",
            functional_unit="hour",
            units=duration_s / S_PER_H,
            components=_components(idle, methods),
            **{**common, "phase": "service"},
        )
        report["serving"] = _serving(config, "idle", [], idle_kwh)
        reports.append(report)
    return reports

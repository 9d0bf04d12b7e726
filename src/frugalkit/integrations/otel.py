"""A report's figures as OpenTelemetry metrics (`frugalkit[otel]`, opentelemetry-api): for a
team whose collector already gathers its services' metrics. The program sets up its own
MeterProvider and exporter (OTLP, Prometheus...); this records into the global one.

    from frugalkit.integrations.otel import record_report
    record_report(run.report)

Counters, each with its unit (UCUM): `frugalkit.energy` (kWh), `frugalkit.ghg` (g CO2e),
`frugalkit.water` (L), `frugalkit.runs` (1); attributes: phase, status, grid zone, method.
"""

from __future__ import annotations

from typing import Any

from frugalkit.integrations.figures import method_tags

_INSTRUMENTS: dict[int, dict[str, Any]] = {}  # per meter: its counters, created once


def _counters(meter: Any) -> dict[str, Any]:
    key = id(meter)
    if key not in _INSTRUMENTS:
        _INSTRUMENTS[key] = {
            "energy": meter.create_counter("frugalkit.energy", unit="kW.h",
                                           description="Facility energy of finished runs"),
            "ghg": meter.create_counter("frugalkit.ghg", unit="g",
                                        description="Location-based greenhouse gases, CO2e"),
            "water": meter.create_counter("frugalkit.water", unit="L",
                                          description="Water consumed, on-site and off-site"),
            "runs": meter.create_counter("frugalkit.runs", unit="1", description="Runs reported"),
        }  # fmt: skip
    return _INSTRUMENTS[key]


def record_report(report: dict[str, Any], meter: Any = None) -> None:
    """Add `report` to the counters of `meter` (default: frugalkit's meter of the global
    MeterProvider)."""
    from opentelemetry import metrics

    meter = meter or metrics.get_meter("frugalkit")
    tags = method_tags(report)
    attributes = {"phase": report["phase"], "status": report["status"],
                  "zone": report["ghg"]["zone"], "method": tags["method"]}  # fmt: skip
    counters = _counters(meter)
    counters["energy"].add(report["energy"]["facility_kwh"], attributes)
    counters["ghg"].add(report["ghg"]["location_based_g"], attributes)
    counters["water"].add(report["water"]["total_l"], attributes)
    counters["runs"].add(1, attributes)

"""`/metrics`: what the store holds, in Prometheus's text format (prometheus-client,
`frugalkit[prometheus]`), read from the store at each scrape, so that a Grafana board or an
alert follows the footprint of every run reported here (issue 25, item 4).

Exported per phase and status: the number of reports, their facility energy (kWh) and
their location-based greenhouse gases (g CO2e). They are gauges, not counters: a report
removed from the store leaves the totals. Report names are not labels (one series per run
would grow without bound, and a name is free text).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from frugalkit.store.reports import report_totals_by_kind
from frugalkit.web.auth import Reader


class _StoreCollector:
    def __init__(self, store: Any) -> None:
        self._store = store

    def collect(self) -> Any:
        from prometheus_client.core import GaugeMetricFamily

        labels = ["phase", "status"]
        families = {
            "reports": GaugeMetricFamily(
                "frugalkit_reports", "Impact reports in the store", labels=labels
            ),
            "energy_kwh": GaugeMetricFamily(
                "frugalkit_energy_kwh", "Facility energy of the stored reports, kWh", labels=labels
            ),
            "ghg_g": GaugeMetricFamily(
                "frugalkit_ghg_grams",
                "Location-based greenhouse gases of the stored reports, g CO2e",
                labels=labels,
            ),
        }
        for row in report_totals_by_kind(self._store):
            for key, family in families.items():
                family.add_metric([row["phase"], row["status"]], row[key])
        yield from families.values()


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", tags=["meta"], summary="Prometheus metrics of the stored reports")
    def metrics(request: Request, _: Reader) -> Response:
        try:
            from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
        except ImportError:
            raise HTTPException(
                501, "the Prometheus export needs: pip install 'frugalkit[prometheus]'"
            ) from None
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_StoreCollector(request.app.state.fresh_store()))
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router

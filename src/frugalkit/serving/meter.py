"""The serving meter: a proxy, a sampler and a reporter around one ledger.

Every `settle_s` the reporter takes the requests the ledger has made final: each becomes a
record (kept in memory for the admin port's /requests.json, appended to the JSON-lines log if
one is given, counted in the Prometheus metrics). Every `window_s`, the window's records
become ImpactReports (serving/windows.py), spooled like every run's report so that
`frugalkit reports`, the web app and its /metrics find them.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from frugalkit.errors import InputError
from frugalkit.measure import spool
from frugalkit.serving.ledger import Exchange, Ledger
from frugalkit.serving.sampler import Sampler
from frugalkit.serving.windows import Config, quantiles, record, window_reports

log = logging.getLogger("frugalkit.serving")
KEPT_RECORDS = 1000  # the last requests /requests.json shows


def shown(url: str) -> str:
    """The upstream as reports show it: no user, password, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def check_upstream(url: str) -> str:
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        raise InputError(f"--upstream has a bad port: {url[:100]!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--upstream must be an http(s) URL with a host (got {url[:100]!r})")
    return url.strip().rstrip("/")


class ServingMeter:
    def __init__(
        self,
        upstream: str,
        config: Config,
        *,
        root_pid: int | None,
        timeout_s: float = 300.0,
        sample_s: float = 0.5,
        window_s: float = 300.0,
        settle_s: float = 1.0,
        log_path: str | None = None,
    ) -> None:
        self.upstream = check_upstream(upstream)
        self.shown_upstream = config.upstream
        self.config = config
        self.timeout_s = timeout_s
        self.window_s = window_s
        self.settle_s = settle_s
        self.ledger = Ledger()
        self.sampler = Sampler(self.ledger, root_pid, sample_s)
        self.records: deque[dict[str, Any]] = deque(maxlen=KEPT_RECORDS)
        self.reports: list[str] = []  # ids of the reports spooled
        self._log_path = log_path
        self._done: list[tuple[Exchange, dict[str, Any]]] = []
        self._window_start = (time.time(), time.monotonic())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="frugalkit-reporter", daemon=True)
        self._lock = threading.Lock()
        self._metrics = _Metrics()

    def start(self) -> ServingMeter:
        self.sampler.start()
        self._thread.start()
        return self

    def stop(self) -> list[dict[str, Any]]:
        """Meter to the end, settle what can be, and report the last window (returned)."""
        self._stop.set()
        self._thread.join()
        self.sampler.stop()
        self._settle()
        return self.close_window()

    def _loop(self) -> None:
        while not self._stop.wait(self.settle_s):
            self._settle()
            if time.monotonic() - self._window_start[1] >= self.window_s:
                self.close_window()

    def _settle(self) -> None:
        for exchange in self.ledger.settle():
            row = record(exchange, self.config)
            with self._lock:
                self.records.append(row)
                self._done.append((exchange, row))
            self._metrics.add(row)
            if self._log_path:
                with open(self._log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(row) + "\n")

    def close_window(self) -> list[dict[str, Any]]:
        """The reports of the window now ending, spooled; a new window begins."""
        now = (time.time(), time.monotonic())
        with self._lock:
            done, self._done = self._done, []
            (started, started_mono), self._window_start = self._window_start, now
        idle = self.ledger.take_idle()
        window = (started, now[0], now[1] - started_mono)
        reports = window_reports(done, idle, self.sampler.methods, self.config, window)
        for report in reports:
            spool.append(report)
            self.reports.append(report["id"])
            log.info("%s: %s", report["name"], report["energy"]["facility_kwh"])
        return reports

    def summary(self) -> dict[str, Any]:
        """What /requests.json shows: the last requests and their distributions."""
        with self._lock:
            rows = list(self.records)
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_kind.setdefault(row["kind"], []).append(row)
        names = ("energy_wh", "wh_per_1k_tokens", "latency_s", "ttft_s", "completion_tokens")
        return {
            "upstream": self.shown_upstream,
            "scope": self.config.scope,
            "in_flight": self.ledger.in_flight(),
            "reports": self.reports[-100:],
            "distributions": {
                kind: {n: quantiles([r[n] for r in mine if r[n] is not None]) for n in names}
                for kind, mine in by_kind.items()
            },
            "requests": rows[-200:],
        }

    def metrics_text(self) -> tuple[bytes, str]:
        return self._metrics.text()


class _Metrics:
    """Prometheus counters of the final requests (prometheus-client, optional)."""

    def __init__(self) -> None:
        try:
            import prometheus_client as prom
        except ImportError:
            self.registry = None
            return
        self.registry = prom.CollectorRegistry(auto_describe=False)
        kinds = ["kind", "outcome"]
        self.requests = prom.Counter(
            "frugalkit_serving_requests", "Requests metered", kinds, registry=self.registry
        )
        self.tokens = prom.Counter(
            "frugalkit_serving_tokens", "Tokens", ["kind", "type"], registry=self.registry
        )
        self.energy = prom.Counter(
            "frugalkit_serving_energy_wh", "Facility energy given to requests, Wh", ["kind"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = prom.Histogram(
            "frugalkit_serving_latency_seconds", "Request latency", ["kind"], registry=self.registry
        )

    def add(self, row: dict[str, Any]) -> None:
        if self.registry is None:
            return
        self.requests.labels(row["kind"], row["outcome"]).inc()
        self.tokens.labels(row["kind"], "prompt").inc(row["prompt_tokens"])
        self.tokens.labels(row["kind"], "completion").inc(row["completion_tokens"])
        self.energy.labels(row["kind"]).inc(row["energy_wh"])
        self.latency.labels(row["kind"]).observe(row["latency_s"])

    def text(self) -> tuple[bytes, str]:
        if self.registry is None:
            return b"", "text/plain"
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST

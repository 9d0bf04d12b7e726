"""The observatory at scale: 1,000,000 stored figures, then the dashboard's JSON and the
scenario tool, on SQLite (and PostgreSQL when FRUGALKIT_TEST_DATABASE_URL is set).

Goals: the dashboard JSON at p95 < 100 ms with 1,000,000 points; a scenario recomputed in
< 50 ms. The peer, in the same run: the same dashboard question answered by reading every
stored figure and filtering in Python (what a store without indexes would do).

Run: `.venv/bin/python benchmarks/observatory.py [--points 1000000] [--requests 200]`
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

YEARS = range(1990, 2101)


def write_figures(path: Path, count: int) -> int:
    """`count` valid figures (every metric, every region, years 1990-2100, several
    sources), in the import format; the number written."""
    from frugalkit.observatory.importer import COLUMNS
    from frugalkit.observatory.records import METRICS
    from frugalkit.observatory.regions import regions

    codes = sorted(regions())
    written = 0
    rng = random.Random(1)
    with path.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(COLUMNS[:12])  # metric ... licence
        source = 0
        while written < count:
            source += 1
            for metric in METRICS.values():
                for region in codes:
                    for year in YEARS:
                        if written >= count:
                            return written
                        projected = year > 2025
                        value = (metric.minimum or 0) + rng.uniform(0, 500)
                        writer.writerow(
                            [
                                metric.id,
                                region,
                                year,
                                round(value, 3),
                                metric.unit,
                                "projection" if projected else "estimate",
                                "Base" if projected else "",
                                f"synthetic-{source}",
                                f"Synthetic source {source}",
                                "frugalkit benchmark",
                                "2026",
                                "CC0",
                            ]
                        )
                        written += 1
    return written


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed_ms(call, repeats: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return times


def line(label: str, times: list[float]) -> None:
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"  {label:<50} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")


def run_on(database_url: str, home: Path, figures: Path, requests: int) -> None:
    from fastapi.testclient import TestClient

    from frugalkit.observatory import dashboard, scenario
    from frugalkit.observatory.releases import ensure_packaged, import_file
    from frugalkit.settings import Settings
    from frugalkit.store import observatory as stored
    from frugalkit.store import open_store
    from frugalkit.web import create_app

    os.environ["FRUGALKIT_HOME"] = str(home)
    os.environ["FRUGALKIT_DATABASE_URL"] = database_url
    settings = Settings.from_env()
    store = open_store(settings)
    ensure_packaged(store)
    start = time.perf_counter()
    release = import_file(store, figures)
    seconds = time.perf_counter() - start
    print(
        f"  import: {release['added']:,} figures in {seconds:.1f} s "
        f"({release['added'] / seconds:,.0f} rows/s, every row validated)"
    )
    client = TestClient(create_app(settings, store=store))
    metrics = ["dc_electricity_twh", "grid_intensity_g_per_kwh", "dc_emissions_mt"]
    places = ["world", "USA", "eu27", "FRA"]

    def ask(clear: bool) -> None:
        if clear:
            dashboard._cache.clear()
        else:  # a new question on a release already visited: its shared parts are cached
            for key in [k for k in dashboard._cache if k[0] == "dashboard"]:
                dashboard._cache.pop(key, None)
        query = f"metric={random.choice(metrics)}&region={random.choice(places)}"
        assert client.get(f"/api/observatory?{query}").status_code == 200

    line(
        "dashboard JSON, first question after an import", timed_ms(lambda: ask(True), requests // 4)
    )
    line("dashboard JSON, a new question", timed_ms(lambda: ask(False), requests))
    line(
        "dashboard JSON, warm (same release)",
        timed_ms(lambda: client.get("/api/observatory").raise_for_status(), requests),
    )

    def peer() -> None:
        everything = stored.list_points(store)
        [p for p in everything if p["metric"] == "dc_electricity_twh" and p["region"] == "world"]

    line("peer: read all figures, filter in Python", timed_ms(peer, 3))
    rng = random.Random(2)

    def one_scenario() -> None:
        scenario.run({"pue_2035": rng.uniform(1.1, 1.6), "capacity_growth_pct": rng.uniform(0, 20)})

    line("scenario.run (5 regions x 12 years)", timed_ms(one_scenario, requests))
    line(
        "scenario + sensitivity (23 more runs)",
        timed_ms(lambda: scenario.sensitivity({"pue_2035": rng.uniform(1.1, 1.6)}), requests // 4),
    )
    line(
        "GET /api/observatory/scenario (with sensitivity)",
        timed_ms(
            lambda: client.get(
                f"/api/observatory/scenario?pue_2035={rng.uniform(1.1, 1.6):.3f}"
            ).raise_for_status(),
            requests // 4,
        ),
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        figures = root / "figures.csv"
        written = write_figures(figures, args.points)
        print(f"{written:,} synthetic figures ({figures.stat().st_size / 1e6:.0f} MB of CSV)")
        backends = [("SQLite", f"sqlite:///{root / 'bench.db'}")]
        pg = os.environ.get("FRUGALKIT_TEST_DATABASE_URL")
        if pg:
            backends.append(("PostgreSQL", _fresh_pg(pg)))
        for name, url in backends:
            print(name)
            run_on(url, root / name, figures, args.requests)


def _fresh_pg(url: str) -> str:
    """A new, empty database beside the configured one."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"frugalkit_obs_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


if __name__ == "__main__":
    main()

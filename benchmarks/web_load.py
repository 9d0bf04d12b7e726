"""The web app under load, on loopback: leaderboard latency with 10,000 stored runs, and
report ingestion through the write API, on SQLite and (when configured) PostgreSQL.

Goals: leaderboard p95 under 50 ms with 20 concurrent clients; ingestion of at least
1,000 reports/s on SQLite.

Run: `.venv/bin/python benchmarks/web_load.py [--requests 400] [--reports 5000]`; set
FRUGALKIT_TEST_DATABASE_URL (a role that may create databases) for PostgreSQL too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

CLIENTS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def populate_runs(count: int) -> None:
    """`count` completed text runs, each a different submission, inserted in one go."""
    from frugalkit.settings import Settings
    from frugalkit.store import open_store
    from frugalkit.store.models import BenchRunRow

    start = datetime(2026, 1, 1, tzinfo=UTC)
    with open_store(Settings.from_env()) as store, store.session() as session, session.begin():
        session.add_all(
            BenchRunRow(
                id=f"{i:016x}",
                task="text",
                submission=f"team{i}/model.py:predict",
                kind="python",
                description="load test",
                status="completed",
                reason=None,
                created_at=start + timedelta(seconds=i),
                private=False,
                samples=1219,
                accuracy=(i * 7919 % 1000) / 1000,
                energy_wh_per_1000=10 ** (-4 + (i * 104729 % 5000) / 1000),
                ghg_g_per_1000=0.1,
                energy_method="estimate",
                hardware="2 x AMD EPYC",
                payload={"metrics": {"accuracy": 0.5}},
            )
            for i in range(count)
        )


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "frugalkit", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


async def hammer(base: str, path: str, total: int) -> tuple[list[float], float]:
    """`total` GETs from CLIENTS concurrent clients; latencies (s) and wall time."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                response = await http.get(path)
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text[:200]

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return latencies, time.perf_counter() - started


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.3f %.3f %.1f %d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.requests / (summary.duration / 1e6),
    summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"""


def wrk_load(base: str, path: str, seconds: int) -> tuple[float, float, float] | None:
    """p50 and p95 (ms) and requests/s from wrk (Debian package wrk), if installed: a C
    load generator leaves the two cores to the server, where a Python client would not."""
    import shutil

    if shutil.which("wrk") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(CLIENTS), "-d", f"{seconds}s", "-s", script.name, base + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    p50, p95, rate, errors = out.split("RESULT")[1].split()
    assert int(errors) == 0, out
    return float(p50), float(p95), float(rate)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sample_report() -> dict[str, Any]:
    from frugalkit.measure import track

    with track("load-test", phase="inference", units=100, persist=False) as run:
        pass
    assert run.report is not None
    return run.report


def ingest(base: str, token: str, count: int, batch: int = 100) -> float:
    """Reports per second through POST /api/reports, in batches."""
    template = sample_report()
    headers = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        started = time.perf_counter()
        for offset in range(0, count, batch):
            reports = [
                {**template, "id": uuid.uuid4().hex} for _ in range(min(batch, count - offset))
            ]
            response = http.post("/api/reports", content=json.dumps(reports), headers=headers)
            assert response.status_code == 201, response.text[:200]
        return count / (time.perf_counter() - started)


def backend_run(label: str, env: dict[str, str], args: argparse.Namespace) -> None:
    os.environ.update(env)
    from frugalkit.settings import Settings
    from frugalkit.store import open_store
    from frugalkit.store.tokens import create_token

    populate_runs(args.runs)
    with open_store(Settings.from_env()) as store:
        token = create_token(store, f"load-{uuid.uuid4().hex[:6]}")
    proc, base = start_server(env)
    try:
        for path in ("/bench/text/leaderboard", "/api/bench/text/leaderboard"):
            asyncio.run(hammer(base, path, 40))  # warm
            measured = wrk_load(base, path, args.seconds)
            tool = "wrk"
            if measured is None:
                latencies, wall = asyncio.run(hammer(base, path, args.requests))
                p50, p95 = percentile(latencies, 50) * 1000, percentile(latencies, 95) * 1000
                measured, tool = (p50, p95, len(latencies) / wall), "httpx"
            p50, p95, rate = measured
            print(
                f"{label:10} GET {path:30} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                f"{rate:7.1f} req/s ({tool})"
            )
        rate = ingest(base, token, args.reports)
        print(f"{label:10} POST /api/reports (batches of 100)  {rate:8.0f} reports/s")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--reports", type=int, default=5_000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    args = parser.parse_args()
    python = sys.version.split()[0]
    print(f"machine: {os.cpu_count()} CPUs, Python {python}, {time.strftime('%Y-%m-%d')}")
    print(
        f"{args.runs:,} stored runs, {CLIENTS} concurrent clients, "
        f"{args.requests} requests per page\n"
    )
    home = Path(tempfile.mkdtemp(prefix="frugalkit-web-load-"))
    sqlite_env = {**os.environ, "FRUGALKIT_HOME": str(home / "sqlite")}
    sqlite_env.pop("FRUGALKIT_DATABASE_URL", None)
    backend_run("sqlite", sqlite_env, args)
    admin = os.environ.get("FRUGALKIT_TEST_DATABASE_URL")
    if not admin:
        print("postgresql: skipped (set FRUGALKIT_TEST_DATABASE_URL)")
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"fk_load_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        pg_env = {**os.environ, "FRUGALKIT_HOME": str(home / "pg"), "FRUGALKIT_DATABASE_URL": url}
        backend_run("postgresql", pg_env, args)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()

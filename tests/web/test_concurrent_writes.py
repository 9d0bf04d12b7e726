"""No acknowledged write is lost while the server, the CLI and API clients work at once.

The bug this guards against: a CLI command's migration lock opened and closed the SQLite
file itself, which on Linux drops every POSIX lock its process held, so another process
deleted the WAL that the server was still writing into (73 of 424 reports lost).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from frugalkit.settings import Settings
from frugalkit.store import list_reports, open_store
from frugalkit.store.tokens import create_token
from tests.factories import report_dict

DURATION_S = 8.0


def _measure_loop(acknowledged: list[str], errors: list[str], stop_at: float) -> None:
    # at least two runs each, however loaded the machine (a `measure` took over 4 s once
    # beside the other worker's model tests), so that the writes do overlap; 60 s more at most
    while time.monotonic() < stop_at or (len(acknowledged) < 2 and time.monotonic() < stop_at + 60):
        done = subprocess.run(
            [sys.executable, "-m", "frugalkit", "--json", "measure", "--", "true"],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=60,
        )
        if done.returncode == 0:
            acknowledged.append(json.loads(done.stdout)["id"])
        else:
            errors.append(done.stderr)


def _api_loop(base: str, secret: str, acknowledged: list[str], stop_at: float) -> None:
    headers = {"authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        i = 0
        while time.monotonic() < stop_at:
            report_id = f"api-report-{i:06d}"
            response = client.post("/api/reports", json=report_dict(report_id, name="api"))
            if response.status_code == 201:
                acknowledged.append(report_id)
            i += 1


def test_serve_two_measure_loops_and_an_api_client_lose_nothing(
    database_url: str, home: Path
) -> None:
    with open_store(Settings.from_env()) as store:
        secret = create_token(store, "writer")
    from tests.net import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "frugalkit", "serve", "--port", str(port)],
        env=dict(os.environ),
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        stop_at = time.monotonic() + DURATION_S
        measured: list[list[str]] = [[], []]
        posted: list[str] = []
        errors: list[str] = []
        threads = [
            threading.Thread(target=_measure_loop, args=(ids, errors, stop_at)) for ids in measured
        ]
        threads.append(threading.Thread(target=_api_loop, args=(base, secret, posted, stop_at)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not errors, errors[0]
    acknowledged = set(posted) | set(measured[0]) | set(measured[1])
    assert len(posted) >= 10 and all(len(m) >= 2 for m in measured)
    with open_store(Settings.from_env()) as store:
        stored = {r["id"]: r for r in list_reports(store, limit=100_000)}
    lost = acknowledged - set(stored)
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged reports lost"
    assert all(stored[i]["status"] == "completed" for i in acknowledged)

"""Web fixtures: the app in-process, and the real server in a subprocess for the browser."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.baselines import train_baseline
from frugalkit.bench.service import record
from frugalkit.measure import track
from frugalkit.settings import Settings
from frugalkit.store import open_store
from frugalkit.web import create_app
from tests.net import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
    app.state.store.close()


@contextlib.contextmanager
def served(home: Path, *options: str) -> Iterator[str]:
    """`frugalkit serve OPTIONS` on a free loopback port until /healthz answers; its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "frugalkit", "serve", "--port", str(port), *options],
        env={**os.environ, "FRUGALKIT_HOME": str(home)},
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not answer /healthz within 30 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def live_server(home: Path) -> Iterator[str]:
    """`frugalkit serve` on a free loopback port; yields its base URL."""
    with served(home) as base:
        yield base


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    """A Playwright page in Debian's headless Chromium (skipped locally when absent)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing: .ci/run must install chromium")
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        yield page
        browser.close()


@pytest.fixture
def artefacts(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """Where screenshots and downloads are kept: FRUGALKIT_TEST_ARTEFACTS (CI sets it),
    else the test's temporary directory."""
    root = os.environ.get("FRUGALKIT_TEST_ARTEFACTS")
    folder = Path(root) / request.node.name if root else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def stored(home: Path) -> dict[str, Any]:
    task = get_task("text")
    model = train_baseline(home, task, "tfidf-linear")["path"]
    with open_store(Settings.from_env()) as store:
        run = record(store, evaluate(task, model, repeats=1))
    with track("a-rather-long-run-name-with-no-spaces-at-all-to-see-it-wrap", units=100) as r:
        sum(range(100_000))
    from frugalkit.library import service

    settings = Settings.from_env()
    index = service.open_index(settings)
    service.add_demo(settings, index)
    index.close()
    from frugalkit.datacenter.service import DEMO_DIR, register

    with open_store(settings) as store:
        register(store, DEMO_DIR / "nordic-hall.yaml", DEMO_DIR / "nordic-hall.csv")
    return {"run": run["id"], "report": r.report["id"] if r.report else ""}


def pages_of(stored: dict[str, Any]) -> list[str]:
    """Every kind of page, with data in it (and one error page)."""
    run, report = stored["run"], stored["report"]
    return [
        "/",
        "/bench",
        "/bench/text/leaderboard",
        f"/bench/runs/{run}",
        "/reports",
        f"/reports/{report}",
        f"/compare?ids={run},{report}",
        "/jobs",
        "/observatory",
        "/observatory/scenario",
        "/observatory/series",
        "/observatory/series/iea-2025:dc_electricity_twh:world:base",
        "/observatory/releases/1",
        "/observatory/measured",
        "/observatory/catalogue/case-studies",
        "/library?q=How+much+water+did+evaporative+cooling+consume%3F&audience=expert",
        "/library?q=Population+de+Mars",
        "/library?q=Projected+electricity+use+of+data+centres+in+2030",  # a figure cut out
        "/datacenters",
        "/datacenters?criteria=enefg",
        "/datacenters/facilities/Nordic%20Hall%20(demonstration)",
        "/datacenters/facilities/Nordic%20Hall%20(demonstration)/eu-report",
        "/login",
        "/reports?limit=0",
    ]

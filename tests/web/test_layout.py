"""Every page, on a desktop and on a phone: readable without scrolling the page sideways
(wide tables scroll inside their own box)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.baselines import train_baseline
from frugalkit.bench.service import record
from frugalkit.measure import track
from frugalkit.settings import Settings
from frugalkit.store import open_store

pytestmark = pytest.mark.browser
WIDTHS = [(1366, 900), (390, 844)]


@pytest.fixture
def stored(home: Path) -> dict[str, Any]:
    task = get_task("text")
    model = train_baseline(home, task, "tfidf-linear")["path"]
    with open_store(Settings.from_env()) as store:
        run = record(store, evaluate(task, model, repeats=1))
    with track("a-rather-long-run-name-with-no-spaces-at-all-to-see-it-wrap", units=100) as r:
        sum(range(100_000))
    return {"run": run["id"], "report": r.report["id"] if r.report else ""}


def test_no_page_scrolls_sideways(  # type: ignore[no-untyped-def]
    stored, live_server: str, browser_page, artefacts: Path
) -> None:
    page = browser_page
    paths = [
        "/",
        "/bench",
        "/bench/text/leaderboard",
        f"/bench/runs/{stored['run']}",
        "/reports",
        f"/reports/{stored['report']}",
        f"/compare?ids={stored['run']},{stored['report']}",
        "/jobs",
        "/login",
        "/reports?limit=0",
    ]
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.goto(live_server + path)
            page.wait_for_load_state("load")
            if "leaderboard" in path or path.startswith("/reports/"):
                page.wait_for_selector(".main-svg")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                page.screenshot(path=str(artefacts / f"overflow-{width}.png"), full_page=True)
            assert overflow <= 0, f"{path} scrolls {overflow} px sideways at {width} px"
        page.goto(live_server + "/bench/text/leaderboard")
        page.screenshot(path=str(artefacts / f"leaderboard-{width}.png"), full_page=True)

"""Every page, on a desktop and on a phone: readable without scrolling the page sideways
(wide tables scroll inside their own box)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import pages_of

pytestmark = pytest.mark.browser
WIDTHS = [(1366, 900), (390, 844)]


def test_no_page_scrolls_sideways(  # type: ignore[no-untyped-def]
    stored, live_server: str, browser_page, artefacts: Path
) -> None:
    page = browser_page
    paths = pages_of(stored)
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

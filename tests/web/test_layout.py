"""Every page, on a desktop and on a phone: readable without scrolling the page sideways,
and the first figure of every table on screen (on a phone, tables read as cards)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import pages_of

pytestmark = pytest.mark.browser
# French words run longer than English ones: the phone is tried in both (issue 23).
WIDTHS = [(1366, 900, "en"), (390, 844, "en"), (390, 844, "fr")]
# Per data table, its first figure cell (else its first cell): the captions of those whose
# cell lies outside the viewport, sideways.
FIRST_VALUES_OFF_SCREEN = """() => Array.from(document.querySelectorAll("table"))
.filter((table) => {
  const cell = table.querySelector("tbody td.n") || table.querySelector("tbody td");
  if (!cell || !cell.getClientRects().length) return false;
  const box = cell.getBoundingClientRect();
  return box.left < 0 || box.right > document.documentElement.clientWidth + 0.5;
}).map((table) => (table.querySelector("caption") || table).textContent.trim().slice(0, 60))"""


def test_no_page_scrolls_sideways(  # type: ignore[no-untyped-def]
    stored, live_server: str, browser_page, artefacts: Path
) -> None:
    page = browser_page
    paths = pages_of(stored)
    for width, height, language in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server}/?lang={language}")  # the switch: kept in a cookie
        for path in paths:
            page.goto(live_server + path)
            page.wait_for_load_state("load")
            if "leaderboard" in path or path.startswith("/reports/"):
                page.wait_for_selector(".main-svg")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                page.screenshot(
                    path=str(artefacts / f"overflow-{width}-{language}.png"), full_page=True
                )
            assert overflow <= 0, (
                f"{path} ({language}) scrolls {overflow} px sideways at {width} px"
            )
            # Issue 23: each table scrolled in its own box, and a person saw no number.
            hidden = page.evaluate(FIRST_VALUES_OFF_SCREEN)
            if hidden:
                shot = artefacts / f"off-screen-{width}-{language}.png"
                page.screenshot(path=str(shot), full_page=True)
            assert not hidden, f"{path} ({language}) at {width} px: figures off screen: {hidden}"
        page.goto(live_server + "/bench/text/leaderboard")
        shot = artefacts / f"leaderboard-{width}-{language}.png"
        page.screenshot(path=str(shot), full_page=True)

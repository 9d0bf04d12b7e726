"""The real server, opened in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_home_page_in_chromium(live_server: str, browser_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(live_server + "/")
    assert page.title() == "Home · frugalkit"
    links = page.locator("nav a").all_inner_texts()
    assert links == ["Home", "Bench", "Reports", "Observatory", "Library", "Data centres"]
    page.get_by_role("link", name="Observatory").click()
    page.wait_for_url(live_server + "/observatory")
    assert "Not built yet" in page.locator("main").inner_text()
    page.goto(live_server + "/")
    shot = tmp_path / "home.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000

"""axe-core (from the npm registry; .ci/run installs it) on every page: no critical or
serious violation. Locally the test is skipped without it: `npm install --prefix .cache/axe
axe-core@4`, or FRUGALKIT_TEST_AXE naming axe.min.js."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, pages_of

pytestmark = pytest.mark.browser
AXE_PLACES = [
    os.environ.get("FRUGALKIT_TEST_AXE", ""),
    ".cache/axe/node_modules/axe-core/axe.min.js",
]


def _axe_js() -> Path:
    for place in AXE_PLACES:
        if place and Path(place).is_file():
            return Path(place)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but axe-core is missing: .ci/run must npm-install it")
    pytest.skip("accessibility tests need axe-core: npm install --prefix .cache/axe axe-core@4")


@pytest.fixture
def axe_page() -> Iterator[Any]:
    """A page whose context ignores the site's Content Security Policy, so that axe's own
    script can be injected (the site forbids inline script)."""
    axe = _axe_js()
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        page.axe_source = axe.read_text()
        yield page
        browser.close()


def test_no_serious_accessibility_violation(stored, live_server: str, axe_page) -> None:  # type: ignore[no-untyped-def]
    page = axe_page
    paths = pages_of(stored)
    found = []
    for path in paths:
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        if "leaderboard" in path or path.startswith("/reports/"):
            page.wait_for_selector(".main-svg")
        page.add_script_tag(content=page.axe_source)
        assert page.evaluate("typeof axe.run") == "function"
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['critical', 'serious'].includes(v.impact))"
            ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 2)"
            ".map(n => n.target.join(' ')).join(', '))"
        )
        found += [f"{path}: {v}" for v in violations]
    assert not found, "\n".join(found)


def test_the_keyboard_reaches_the_table_without_passing_through_the_chart(  # type: ignore[no-untyped-def]
    stored, live_server: str, axe_page
) -> None:
    page = axe_page
    page.goto(live_server + "/bench/text/leaderboard")
    page.wait_for_selector(".main-svg")
    for _ in range(40):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return [e.closest('#scatter') !== null, e.closest('#leaderboard') !== null]; })()"
        )
        assert not where[0], "the tab order passes through the chart"
        if where[1]:
            return
    pytest.fail("40 presses of Tab did not reach the leaderboard table")

"""A whole challenge in Debian's Chromium, as its teams see it: sign in with a team token,
upload from the browser, see the evaluation on "my submissions", reach the quota, see
nothing of another team, and the private board of a challenge whose phase has ended; at
1366 and 390 px, in English and in French."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from frugalkit.challenge import add_team, create
from frugalkit.settings import Settings
from frugalkit.store import open_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap"),
]
HOSTILE = "<img src=x onerror=alert(1)>"


def _challenge(folder: Path, end: datetime, challenge_id: str = "browser") -> tuple[str, str]:
    raw = {
        "id": challenge_id,
        "title": {"en": f"{challenge_id.title()} {HOSTILE}", "fr": "Défi navigateur"},
        "description": {
            "en": "Judged on accuracy and energy.",
            "fr": "Jugé sur la justesse et l'énergie.",
        },
        "tasks": [{"task": "text"}],
        "phases": [
            {"name": "open", "start": (end - timedelta(days=1)).isoformat(), "end": end.isoformat()}
        ],
        "quotas": {"per_team_per_day": 2, "per_team_total": 5},
        "limits": {"time_s": 120, "memory_mb": 1024, "repeats": 1},
        "reference_hardware": "the CI machine",
    }
    path = folder / f"{challenge_id}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    with open_store(Settings.from_env()) as store:
        create(store, path)
        ours = add_team(store, challenge_id, f"Team {HOSTILE}")
        return ours, add_team(store, challenge_id, "Rivals")


def _ended(folder: Path, model: bytes) -> None:
    """A challenge whose phase ended an hour ago, with an entry uploaded while it was open
    and evaluated: its board shows the private part (no test waits for a phase to end)."""
    from frugalkit.challenge import upload
    from frugalkit.challenge.service import team_of
    from frugalkit.jobs import work

    end = datetime.now(UTC) - timedelta(hours=1)
    ours, _ = _challenge(folder, end, "ended")
    with open_store(Settings.from_env()) as store:
        team = team_of(store, "ended", ours)
        upload(store, "ended", team, "text", "model.py", model, now=end - timedelta(hours=1))
        work(store, stale_s=60, exit_when_idle=True)


def _wait_for_result(page, timeout_s: float = 180) -> str:  # type: ignore[no-untyped-def]
    """Reload "my submissions" until the evaluation (by the server's own job worker) ends."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.reload()
        shown = str(page.locator("tbody").inner_text())
        if "queued" not in shown and "running" not in shown:
            return shown
        time.sleep(1)
    pytest.fail("the submission was not evaluated in time")


def _in_view(page) -> bool:  # type: ignore[no-untyped-def]
    """Every cell of the table's first row lies inside the viewport: no figure is hidden
    off to the right of a phone's screen."""
    width = page.viewport_size["width"]
    cells = page.locator("table.data tbody tr").first.locator("td")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    return bool(boxes) and all(
        b is not None and b["x"] >= 0 and b["x"] + b["width"] <= width for b in boxes
    )


def test_a_challenge_from_the_browser(  # type: ignore[no-untyped-def]
    home: Path, tmp_path: Path, live_server: str, browser_page, artefacts: Path
) -> None:
    ours, rivals = _challenge(tmp_path, datetime.now(UTC) + timedelta(days=1))
    model = tmp_path / "model.py"
    model.write_text("def predict(quotes):\n    return ['0_not_relevant'] * len(quotes)\n")
    _ended(tmp_path, model.read_bytes())
    page = browser_page
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    page.goto(f"{live_server}/challenges")
    page.get_by_role("link", name=f"Browser {HOSTILE}").click()
    page.get_by_role("link", name="Your team's submissions and uploads").click()
    page.get_by_label("Team token").fill(ours)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name=f"Team Team {HOSTILE}").is_visible()
    page.get_by_label("Submission").set_input_files(str(model))
    page.get_by_role("button", name="Upload").click()
    # the new upload is listed at once, queued, or already running when a worker was quicker
    # than the page (a fresh-clone run saw "running")
    assert any(state in page.locator("tbody").inner_text() for state in ("queued", "running"))
    assert "completed" in _wait_for_result(page)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(artefacts / f"challenge-mine-{width}.png"), full_page=True)
        assert _in_view(page), f"the scores are off-screen at {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("Submission").set_input_files(str(model))
    page.get_by_role("button", name="Upload").click()
    page.get_by_label("Submission").set_input_files(str(model))
    page.get_by_role("button", name="Upload").click()
    refusal = page.get_by_role("alert")  # on the team's page, above the form
    assert "next one is allowed from" in refusal.inner_text()  # the quota of 2 a day
    page.screenshot(path=str(artefacts / "challenge-quota.png"), full_page=True)

    # The rival team, in a browser of its own, in French: nothing of ours.
    rival = page.context.browser.new_context(locale="fr-FR").new_page()
    rival.goto(f"{live_server}/challenges/browser/mine")
    rival.get_by_label("Jeton de l'équipe").fill(rivals)  # the whole site in French (issue 23)
    rival.get_by_role("button", name="Se connecter").click()
    assert "Aucune soumission pour l'instant" in rival.locator("tbody").inner_text()
    rival.goto(f"{live_server}/challenges/browser")
    assert rival.get_by_role("heading", name="Défi navigateur").is_visible()
    assert rival.locator("h1").get_attribute("lang") == "fr"
    rival.set_viewport_size({"width": 390, "height": 844})
    rival.screenshot(path=str(artefacts / "challenge-board-fr-390.png"), full_page=True)

    # During the phase: public scores only; after it, the private part.
    board = page.goto(f"{live_server}/challenges/browser")
    assert board is not None and board.ok
    assert "public" in page.locator("tbody").inner_text()
    page.goto(f"{live_server}/challenges/ended")
    assert "private" in page.locator("tbody").inner_text()
    assert page.locator(".phase-state").inner_text().startswith("Ended.")
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(artefacts / f"challenge-board-{width}.png"), full_page=True)
        assert _in_view(page), f"the board's scores are off-screen at {width} px"

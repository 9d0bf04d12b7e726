"""Stored script injection, tried as an attacker would: hostile names, submission paths,
descriptions, commands and failure reasons in the store, every page opened in Chromium,
and no script of theirs may run."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from frugalkit.bench import evaluate, get_task
from frugalkit.jobs import submit
from frugalkit.jobs.probe import KIND as PROBE
from frugalkit.settings import Settings
from frugalkit.store import jobs as stored_jobs
from frugalkit.store import open_store, save_reports, save_run
from tests.factories import make_report

pytestmark = pytest.mark.browser

PAYLOADS = [
    '</script><svg onload="window.__xss=1">',
    '"><img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    '{{ 7*7 }}<a href="javascript:window.__xss=1">x</a>',
]
HOSTILE = "".join(PAYLOADS)

SUBMISSION = '''
LABELS = {labels!r}
def predict(quotes):
    """{hostile}"""
    return [LABELS[7] if "coal" in q else LABELS[0] for q in quotes]
'''


@pytest.fixture
def hostile(home: Path, tmp_path: Path) -> dict[str, Any]:
    task = get_task("text")
    folder = tmp_path / "x<svg onload=window.__xss=1><img src=x onerror=window.__xss=1>"
    folder.mkdir()
    path = folder / "sub.py"
    path.write_text(SUBMISSION.format(labels=task.labels, hostile=HOSTILE.replace('"', "'")))
    with open_store(Settings.from_env()) as store:
        run = evaluate(task, f"{path}:predict", repeats=1)
        reports = run.pop("reports")
        save_run(store, run, [make_report(r["id"]).model_validate(r) for r in reports])
        failed = {
            **run,
            "id": "f" * 16,
            "submission": f"{path}:{HOSTILE[:60]}",
            "status": "failed",
            "reason": HOSTILE,
            "hardware": HOSTILE,
        }
        save_run(store, failed)
        save_reports(
            store,
            [
                make_report(
                    "hostile-report-1",
                    name=HOSTILE[:200],
                    error=HOSTILE,
                    command=["python", HOSTILE],
                )
            ],
        )
        _hostile_observatory(store, tmp_path)
        # A job whose worker and failure reason are hostile too.
        [job] = submit(store, PROBE, [{"seconds": 0, "note": HOSTILE}])
        stored_jobs.claim(store, "w<script>", job.id)
        stored_jobs.finish(store, job.id, "w<script>", "failed", None, HOSTILE)
    return {"run": run["id"], "failed": failed["id"]}


def _hostile_observatory(store: Any, tmp_path: Path) -> None:
    """Figures, a source and a catalogue entry whose every text field is hostile; the
    hostile report shared with the observatory."""
    import csv
    import json

    from frugalkit.observatory import catalogue
    from frugalkit.observatory.measured import share
    from frugalkit.observatory.releases import ensure_packaged, import_file

    ensure_packaged(store)
    figures = tmp_path / "hostile.csv"
    with figures.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                "metric",
                "region",
                "year",
                "value",
                "unit",
                "kind",
                "case",
                "source",
                "publisher",
                "published",
                "licence",
                "note",
            ]
        )
        for year, kind, case in ((2024, "estimate", ""), (2030, "projection", PAYLOADS[2])):
            writer.writerow(
                [
                    "dc_electricity_twh",
                    "world",
                    year,
                    500,
                    "TWh",
                    kind,
                    case,
                    HOSTILE[:300],
                    HOSTILE[:200],
                    "2026",
                    HOSTILE[:200],
                    HOSTILE[:500],
                ]
            )
    import_file(store, figures, label=HOSTILE[:200])
    entry = {
        "id": "hostile-entry",
        "title": HOSTILE[:200],
        "summary": HOSTILE,
        "category": PAYLOADS[2],
        "tags": [PAYLOADS[0][:40]],
        "date": "2026",
        "sources": [{"title": HOSTILE[:300], "publisher": HOSTILE[:200], "published": "2026"}],
    }
    yaml_path = tmp_path / "hostile.yaml"
    yaml_path.write_text(json.dumps({"catalogue": "case-studies", "entries": [entry]}))
    catalogue.add_file(store, yaml_path)
    share(store, "hostile-report-1")


def test_no_stored_string_runs_script_on_any_page(  # type: ignore[no-untyped-def]
    hostile, live_server: str, browser_page, artefacts: Path
) -> None:
    page = browser_page
    dialogs: list[str] = []
    violations: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    paths = [
        "/",
        "/reports",
        "/reports/hostile-report-1",
        "/bench/text/leaderboard",
        f"/bench/runs/{hostile['run']}",
        f"/bench/runs/{hostile['failed']}",
        f"/compare?ids={hostile['run']},hostile-report-1",
        "/jobs",
        "/observatory",
        "/observatory/series",
        "/observatory/releases/2",
        "/observatory/catalogue/case-studies",
        "/observatory/catalogue/case-studies?q=" + quote(HOSTILE[:120]),
        "/observatory/measured",
        "/reports?q=" + quote(HOSTILE[:120]),  # reflected into the search box
        "/login?next=" + quote('"><script>window.__xss=1</script>'),
    ]
    for path in paths:
        response = page.goto(live_server + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, f"a stored script ran on {path}"
        injected = page.evaluate(
            "document.querySelectorAll('svg[onload], img[onerror], a[href^=\"javascript:\"]')"
            ".length"
        )
        assert injected == 0, f"hostile markup became elements on {path}"
    page.goto(live_server + "/reports/hostile-report-1")
    assert HOSTILE[:40] in page.locator("main").inner_text()  # shown as text, not dropped
    page.goto(live_server + "/bench/text/leaderboard")
    page.wait_for_selector("#scatter .main-svg")  # our own chart still draws under the policy
    page.goto(live_server + "/observatory")
    page.wait_for_selector("#obs-timeline .main-svg")
    point = page.locator("#obs-timeline .scatterlayer .point").first
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] - 20, box["y"] - 20)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.wait_for_selector("#obs-timeline .hoverlayer .hovertext", state="attached")
    assert page.evaluate("window.__xss") is None
    assert (
        page.evaluate(
            "document.querySelectorAll('#obs-timeline svg[onload], #obs-timeline img').length"
        )
        == 0
    )
    page.screenshot(path=str(artefacts / "hostile-leaderboard.png"), full_page=True)
    assert not dialogs
    assert not violations, violations[0]  # nothing of ours needs what the policy forbids

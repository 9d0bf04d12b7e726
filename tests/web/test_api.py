"""The JSON API: twins of the pages, and the token-protected write endpoints."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.service import record
from frugalkit.measure import track
from frugalkit.settings import Settings
from frugalkit.store.tokens import create_token, revoke_token

SUBMISSION = '''
LABELS = {labels!r}
def keyword(quotes):
    """keyword rules"""
    return [LABELS[7] if "coal" in q else LABELS[0] for q in quotes]
def by_length(quotes):
    return [LABELS[len(q) % 8] for q in quotes]
'''


@pytest.fixture
def stored(client: TestClient, tmp_path: Path) -> dict[str, Any]:
    """Two runs on the text task and one tracked report, in the app's store."""
    path = tmp_path / "sub.py"
    path.write_text(SUBMISSION.format(labels=get_task("text").labels))
    store = client.app.state.store  # type: ignore[attr-defined]
    runs = [
        record(store, evaluate(get_task("text"), f"{path}:{name}", repeats=1))
        for name in ("keyword", "by_length")
    ]
    with track("api-report", phase="inference", units=10) as run:
        sum(range(1000))
    return {"runs": runs, "report": run.report, "path": path}


@pytest.fixture
def token(client: TestClient) -> str:
    return create_token(client.app.state.store, "ci")  # type: ignore[attr-defined]


def test_every_page_has_its_json_twin(client: TestClient, stored: dict[str, Any]) -> None:
    run_id, report_id = stored["runs"][0]["id"], stored["report"]["id"]
    for page, twin in [
        ("/", "/api/home"),
        ("/bench/text/leaderboard", "/api/bench/text/leaderboard"),
        (f"/bench/runs/{run_id}", f"/api/bench/runs/{run_id}"),
        ("/reports", "/api/reports"),
        (f"/reports/{report_id}", f"/api/reports/{report_id}"),
        (f"/compare?ids={run_id},{report_id}", f"/api/compare?ids={run_id},{report_id}"),
    ]:
        assert client.get(page).status_code == 200, page
        response = client.get(twin)
        assert response.status_code == 200, twin
        assert response.headers["content-type"] == "application/json"
    board = client.get("/api/bench/text/leaderboard").json()
    # both rules guess at chance among 8 labels (issue 23): listed, not ranked
    assert [e["rank"] for e in board["entries"]] == [None, None] and board["rule"]
    page = client.get("/bench/text/leaderboard").text
    for entry in board["entries"]:
        assert f"/bench/runs/{entry['id']}" in page  # the page shows what the twin says
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/bench/{task}/leaderboard" in paths and "/api/reports" in paths


def test_leaderboard_filters_and_pages(client: TestClient, stored: dict[str, Any]) -> None:
    board = client.get("/api/bench/text/leaderboard", params={"kind": "python", "limit": 1}).json()
    assert board["total"] == 2 and len(board["entries"]) == 1
    assert (
        client.get("/api/bench/text/leaderboard", params={"kind": "onnx"}).json()["entries"] == []
    )


def test_report_exports(client: TestClient, stored: dict[str, Any]) -> None:
    report_id = stored["report"]["id"]
    csv_text = client.get(f"/api/reports/{report_id}/export", params={"format": "codecarbon"}).text
    assert csv_text.startswith("timestamp,project_name,run_id")
    card = client.get(f"/api/reports/{report_id}/export", params={"format": "model-card"})
    assert (
        card.text.startswith("co2_eq_emissions:")
        and "attachment" in card.headers["content-disposition"]
    )
    assert (
        client.get(f"/api/reports/{report_id}/export", params={"format": "xml"}).status_code == 422
    )


def test_ingest_is_token_protected_validated_and_idempotent(
    client: TestClient, stored: dict[str, Any], token: str
) -> None:
    report = {**stored["report"], "id": "ingested-report-0001"}
    auth = {"authorization": f"Bearer {token}"}
    assert client.post("/api/reports", json=report).status_code == 401
    assert (
        client.post(
            "/api/reports", json=report, headers={"authorization": "Bearer nope"}
        ).status_code
        == 401
    )
    first = client.post("/api/reports", json=report, headers=auth)
    assert first.status_code == 201 and first.json()["stored"] == 1
    again = client.post("/api/reports", json=[report], headers=auth)
    assert again.status_code == 200 and again.json()["already_stored"] == 1
    revoke_token(client.app.state.store, "ci")  # type: ignore[attr-defined]
    assert client.post("/api/reports", json=report, headers=auth).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b"{not json", 400, "not JSON"),
        (json.dumps({"id": "x"}).encode(), 422, "report rejected: field"),
        (b"[]", 422, "send 1 to 500"),
        (b" " * (3 * 1024 * 1024), 413, "over"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "nested deeper than"),
        (b'{"units": NaN}', 400, "NaN is not a number JSON allows"),
        (b'{"units": 1e999}', 400, "inf is not a finite number at units"),
        (b"\xff\xfe{}", 400, "not UTF-8"),
    ],
)
def test_bad_bodies_are_4xx_with_nothing_stored(
    client: TestClient, stored: dict[str, Any], token: str, body: bytes, status: int, detail: str
) -> None:
    before = client.get("/api/reports").json()["reports"]
    response = client.post(
        "/api/reports",
        content=body,
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert client.get("/api/reports").json()["reports"] == before


def test_a_batch_with_one_bad_report_stores_none(
    client: TestClient, stored: dict[str, Any], token: str
) -> None:
    good = {**stored["report"], "id": "batch-good-000001"}
    bad = {**stored["report"], "id": "batch-bad-0000001", "units": -5}
    response = client.post(
        "/api/reports", json=[good, bad], headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422 and "units" in response.json()["detail"]
    assert client.get("/api/reports/batch-good-000001").status_code == 404


def test_unknown_things_are_404_json_or_page(client: TestClient) -> None:
    assert client.get("/api/bench/video/leaderboard").json()["detail"].startswith("no task 'video'")
    assert client.get("/api/bench/runs/nope").status_code == 404
    page = client.get("/bench/runs/nope")
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text


def test_queue_an_http_evaluation(settings, token: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from frugalkit.web import create_app

    monkeypatch.setenv("FRUGALKIT_REMOTE_ALLOW", "127.0.0.1")
    from frugalkit.settings import Settings

    app = create_app(Settings.from_env(), workers=1)
    auth = {"authorization": f"Bearer {create_token(app.state.store, 'queue')}"}
    with TestClient(app) as client:
        refused = client.post(
            "/api/bench/runs", json={"task": "text", "submission": "model.py:f"}, headers=auth
        )
        assert refused.status_code == 422
        anonymous = {"task": "text", "submission": "http://x"}
        assert client.post("/api/bench/runs", json=anonymous).status_code == 401
        queued = client.post(
            "/api/bench/runs",
            json={"task": "text", "submission": "http://127.0.0.1:1"},
            headers=auth,
        )
        assert queued.status_code == 202
        url = queued.json()["url"]
        deadline = time.monotonic() + 30
        while client.get(url).json()["status"] in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        state = client.get(url).json()
        assert state["status"] == "failed" and "cannot reach" in state["reason"]
    app.state.store.close()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"submission": "http://127.0.0.1:22"}, "is at 127.0.0.1, a non-public address"),
        ({"submission": "http://10.1.2.3:80"}, "is at 10.1.2.3, a non-public address"),
        ({"submission": "http://169.254.169.254/"}, "a non-public address"),
        ({"submission": "http://[::1]:8000"}, "a non-public address"),
        (
            {"submission": "http://8.8.8.8", "data": "/etc/passwd"},
            "data must be QuotaClimat/frugalaichallenge-text-train or frugalkit/text-demo",
        ),
    ],
)
def test_a_token_holder_cannot_make_the_server_reach_inside(
    client: TestClient, token: str, body: dict[str, str], detail: str
) -> None:
    response = client.post(
        "/api/bench/runs",
        json={"task": "text", **body},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422 and detail in response.json()["detail"]
    assert client.get("/api/bench/text/leaderboard").json()["entries"] == []


def test_the_remote_queue_is_bounded(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from frugalkit.web import bench, create_app

    monkeypatch.setattr(bench, "MAX_WAITING", 2)  # and no job worker drains the queue
    monkeypatch.setattr("frugalkit.bench.remote_guard.check_remote_url", lambda *a: None)
    app = create_app(settings)
    auth = {"authorization": f"Bearer {create_token(app.state.store, 'flood')}"}
    with TestClient(app) as client:
        codes = [
            client.post(
                "/api/bench/runs",
                json={"task": "text", "submission": "http://example.org"},
                headers=auth,
            ).status_code
            for _ in range(4)
        ]
    assert codes == [202, 202, 503, 503]
    app.state.store.close()


def test_private_mode_hides_reads(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from frugalkit.web import create_app

    monkeypatch.setenv("FRUGALKIT_WEB_PRIVATE", "1")
    app = create_app(Settings.from_env())  # read after the variable is set
    with TestClient(app) as client:
        assert client.get("/api/reports").status_code == 401
        assert client.get("/reports").status_code == 401
        secret = create_token(app.state.store, "reader")
        assert (
            client.get("/api/reports", headers={"authorization": f"Bearer {secret}"}).status_code
            == 200
        )
    app.state.store.close()


def test_hosted_submission_answers_the_challenge_routes(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from frugalkit.web import create_app

    path = tmp_path / "sub.py"
    path.write_text(SUBMISSION.format(labels=get_task("text").labels))
    app = create_app(settings, submission=f"{path}:keyword")
    with TestClient(app) as client:
        body = {"test_size": 0.2, "test_seed": 42, "dataset_name": "frugalkit/text-demo"}
        answer = client.post("/text", json=body).json()
        assert {"accuracy", "energy_consumed_wh", "emissions_data", "api_route"} <= set(answer)
    app.state.store.close()


def test_the_leaderboard_as_csv_takes_the_page_filters(
    client: TestClient, stored: dict[str, Any]
) -> None:
    import csv
    import io

    response = client.get("/api/bench/text/leaderboard.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["rank"] for r in rows] == ["", ""] and "energy_wh_per_1000" in rows[0]  # at chance
    one = client.get("/api/bench/text/leaderboard.csv?kind=joblib").text
    assert len(one.strip().splitlines()) == 1  # the header only: both runs are python


def test_public_pages_name_files_without_the_servers_folders(
    client: TestClient, stored: dict[str, Any]
) -> None:
    folder = str(stored["path"].parent)
    run_id = stored["runs"][0]["id"]
    for url in (
        f"/api/bench/runs/{run_id}",
        "/api/bench/text/leaderboard",
        f"/bench/runs/{run_id}",
    ):
        assert folder not in client.get(url).text, url
    assert client.get(f"/api/bench/runs/{run_id}").json()["submission"] == "sub.py:keyword"

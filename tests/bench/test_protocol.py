"""The original challenge protocol, both ways: serving a submission, evaluating a server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.serve import DROPPED, create_submission_app
from frugalkit.impact.exports import CODECARBON_COLUMNS
from tests.net import free_port

TEXT = get_task("text")
ORIGINAL_FIELDS = {
    "username",
    "space_url",
    "submission_timestamp",
    "model_description",
    "accuracy",
    "energy_consumed_wh",
    "emissions_gco2eq",
    "emissions_data",
    "api_route",
    "dataset_config",
}
BODY = {"test_size": 0.2, "test_seed": 42, "dataset_name": "frugalkit/text-demo"}


def test_served_submission_answers_the_original_fields(submissions: Path) -> None:
    client = TestClient(create_submission_app(f"{submissions}/good.py:keyword"))
    answer = client.post("/text", json=BODY).json()
    assert set(answer) == ORIGINAL_FIELDS
    assert answer["api_route"] == "/text"
    assert answer["dataset_config"] == {
        "dataset_name": "frugalkit/text-demo",
        "test_size": 0.2,
        "test_seed": 42,
    }
    record = answer["emissions_data"]
    assert set(record) == set(CODECARBON_COLUMNS) - set(DROPPED)
    assert answer["energy_consumed_wh"] == pytest.approx(record["energy_consumed"] * 1000)
    assert answer["emissions_gco2eq"] == pytest.approx(record["emissions"] * 1000)
    local = evaluate(TEXT, f"{submissions}/good.py:keyword", repeats=1)
    assert answer["accuracy"] == pytest.approx(local["accuracy"])


def test_served_submission_refuses_bad_requests_clearly(submissions: Path) -> None:
    client = TestClient(create_submission_app(f"{submissions}/good.py:keyword"))
    assert client.post("/text", json={"test_size": 2}).status_code == 422
    unknown = client.post("/text", json={**BODY, "dataset_name": "no-such/dataset"})
    assert unknown.status_code == 422
    assert "QuotaClimat/frugalaichallenge-text-train or frugalkit/text-demo" in unknown.text


def test_the_challenge_routes_open_no_file_they_are_named(
    submissions: Path, tmp_path: Path
) -> None:
    """`dataset_name` used to open any path on the server and echo values from it."""
    secret = tmp_path / "secrets.csv"
    secret.write_text("quote,label\nAWS_SECRET_ACCESS_KEY=abc,0_not_relevant\n")
    client = TestClient(create_submission_app(f"{submissions}/good.py:keyword"))
    for name in (str(secret), "/etc/passwd", "../../secrets.csv"):
        response = client.post("/text", json={**BODY, "dataset_name": name})
        assert response.status_code == 422
        assert "AWS" not in response.text and "root:" not in response.text
    builtin = client.post("/text", json={**BODY, "dataset_name": "frugalkit/text-demo"})
    assert builtin.status_code == 200 and builtin.json()["accuracy"] > 0


class Misbehaving(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        if self.path.startswith("/slow"):
            time.sleep(5)
        status, body = {
            "/garbage/text": (200, b"<html>surprise</html>"),
            "/error/text": (500, b"{}"),
            "/wrongtype/text": (
                200,
                json.dumps(
                    {"accuracy": "high", "energy_consumed_wh": 1, "emissions_gco2eq": 1}
                ).encode(),
            ),
        }.get(self.path, (200, b"{}"))
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def misbehaving_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/garbage", "answered something that is not the challenge's JSON: the answer is not JSON"),
        ("/error", "answered HTTP 500"),
        ("/wrongtype", "field accuracy is 'high'"),
        ("/slow", "did not answer within 1 s"),
    ],
)
def test_a_misbehaving_server_is_a_failed_run(
    misbehaving_server: str, path: str, reason: str
) -> None:
    run = evaluate(TEXT, misbehaving_server + path, time_limit_s=1)
    assert run["status"] == "failed"
    assert reason in run["reason"]


def test_nothing_listening_is_a_failed_run() -> None:
    run = evaluate(TEXT, f"http://127.0.0.1:{free_port()}", time_limit_s=2)
    assert run["status"] == "failed" and "cannot reach" in run["reason"]


@pytest.fixture
def live_submission(submissions: Path) -> Iterator[str]:
    port = free_port()
    app = create_submission_app(f"{submissions}/good.py:keyword")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_frugalkit_evaluates_a_server_speaking_the_protocol(
    live_submission: str, submissions: Path
) -> None:
    """The original client's view: frugalkit serving one end, evaluating from the other."""
    run = evaluate(TEXT, live_submission, data="frugalkit/text-demo", time_limit_s=60)
    assert run["status"] == "completed", run.get("reason")
    assert run["energy_method"] == "reported"
    local = evaluate(TEXT, f"{submissions}/good.py:keyword", repeats=1)
    assert run["accuracy"] == pytest.approx(local["accuracy"])
    assert run["description"] == "keyword rules: coal means fossil fuels"
    assert run["samples"] == 80  # counted on the local copy of the same data
    reported_wh = run["payload"]["energy"]["inference_wh_median"]
    assert run["energy_wh_per_1000"] == pytest.approx(reported_wh * 1000 / 80)


def test_reported_energy_needs_a_sample_count() -> None:
    from frugalkit.bench.remote import _test_samples

    text = _test_samples(get_task("text"), "QuotaClimat/frugalaichallenge-text-train", 0.2, 42)
    assert text[0] == 1219
    count, note, test_set = _test_samples(get_task("audio"), "rfcx/frugalai", 0.2, 42)
    assert count == 0 and "no local copy of rfcx/frugalai" in note
    assert test_set.endswith("#unverified")

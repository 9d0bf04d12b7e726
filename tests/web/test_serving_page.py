"""A serving meter's window on the report page and its JSON twin, in English and French,
with hostile names escaped (web/templates/report_serving.html)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frugalkit.impact import resolve_zone
from frugalkit.measure import spool
from frugalkit.serving.ledger import Exchange
from frugalkit.serving.windows import Config, record, window_reports

HOSTILE = '<img src=x onerror="alert(1)">'
METHODS = [
    {
        "component": "cpu",
        "kind": "estimate",
        "meter": "estimate",
        "sampling": "CPU time x TDP",
        "share": 0.5,
        "note": "",
    }
]


def served_reports() -> list[dict[str, object]]:
    config = Config(
        upstream="http://127.0.0.1:8080",
        label=f"llama {HOSTILE}",
        zone=resolve_zone("FR", None),
        pue=1.2,
        wue_l_per_kwh=0.0,
        scope="process",
        params_b=0.135,
    )
    done = []
    for n in range(4):
        e = Exchange(
            id=f"r{n}",
            kind="chat",
            model=HOSTILE,
            stream=n % 2 == 0,
            start_s=n,
            started_at_s=1.8e9 + n,
            end_s=n + 0.5 + n / 10,
            first_byte_s=n + 0.1,
        )
        e.prompt_tokens, e.completion_tokens, e.outcome, e.status = 30, 20 + n, "ok", 200
        e.joules["cpu"] = e.low_j["cpu"] = e.high_j["cpu"] = 36.0 * (n + 1)
        done.append((e, record(e, config)))
    idle = ({"cpu": 18.0}, {"cpu": 18.0}, {"cpu": 18.0})
    return window_reports(done, idle, METHODS, config, (1.8e9, 1.8e9 + 300, 300.0))


def test_a_served_window_shows_its_requests_distributions_and_estimate(client: TestClient) -> None:
    reports = served_reports()
    for report in reports:
        spool.append(report)
    chat, idle = reports
    page = client.get(f"/reports/{chat['id']}")
    assert page.status_code == 200
    text = page.text
    assert HOSTILE not in text and "&lt;img src=x" in text
    assert "4 chat requests to" in text and "0 failed" in text and "120 prompt tokens" in text
    assert "Distribution over the window" in text and "Time to first token" in text
    assert "EcoLogits" in text and "not in these figures" in text
    twin = client.get(f"/api/reports/{chat['id']}").json()["report"]
    assert twin["serving"]["requests"] == 4
    assert (
        twin["serving"]["distributions"]["wh"]["max"] > twin["serving"]["distributions"]["wh"]["p5"]
    )
    french = client.get(f"/reports/{chat['id']}?lang=fr").text
    assert "4 requêtes" in french and "Répartition" in french
    idle_page = client.get(f"/reports/{idle['id']}?lang=en").text
    assert "charged to no request" in idle_page

"""The data-centre pages: tenders scored, a workload at each site, registered facilities."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frugalkit.datacenter.service import DEMO_DIR, register
from frugalkit.settings import Settings
from frugalkit.store import open_store, save_reports
from tests.factories import make_report


def test_tenders_are_ranked_and_a_workload_is_shown_at_each_site(client: TestClient) -> None:
    with open_store(Settings.from_env()) as store:
        save_reports(store, [make_report("workload-0001", name="fine-tune")])
        register(store, DEMO_DIR / "metro-colo.yaml", DEMO_DIR / "metro-colo.csv")
    data = client.get("/api/datacenters", params={"criteria": "enefg", "workload": "workload-0001"})
    assert data.status_code == 200
    body = data.json()
    assert body["comparison"]["criteria"]["id"] == "enefg"
    assert len(body["comparison"]["workload"]) == 3 and body["workload"]["name"] == "fine-tune"
    assert [f["name"] for f in body["facilities"]] == ["Metro Colo (demonstration)"]
    page = client.get("/datacenters", params={"workload": "workload-0001"})
    assert "fine-tune at each site" in page.text and "Demonstration tenders" in page.text
    facility = client.get("/datacenters/facilities/Metro Colo (demonstration)")
    assert facility.status_code == 200 and "2025-12" in facility.text


def test_a_criteria_set_is_named_never_a_path(client: TestClient) -> None:
    for bad in ("../../../etc/passwd", "/etc/hosts", "gossip"):
        response = client.get("/api/datacenters", params={"criteria": bad})
        assert (
            response.status_code == 422 and "criteria must be one of" in response.json()["detail"]
        )
    assert client.get("/api/datacenters", params={"workload": "nope"}).status_code == 404
    assert client.get("/api/datacenters/facilities/nowhere").status_code == 404

"""The data-centre pages: tenders scored, a workload at each site, registered facilities,
their EU yearly report."""

from __future__ import annotations

from pathlib import Path

import yaml
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


def test_the_eu_report_page_csv_and_json_of_a_registered_facility(client: TestClient) -> None:
    with open_store(Settings.from_env()) as store:
        register(store, DEMO_DIR / "nordic-hall.yaml", DEMO_DIR / "nordic-hall.csv")
    name = "Nordic Hall (demonstration)"
    facility = client.get(f"/datacenters/facilities/{name}")
    assert "The EU yearly report" in facility.text and 'data-chart="kpis"' in facility.text
    page = client.get(f"/datacenters/facilities/{name}/eu-report")
    assert page.status_code == 200
    assert "due by <strong>May 15, 2026</strong>" in page.text and "Complete:" in page.text
    assert "Change since 2024" in page.text and "Demonstration facility" in page.text
    body = client.get(f"/api/datacenters/facilities/{name}/eu-report", params={"year": 2024}).json()
    assert body["report"]["year"] == 2024 and body["diff"] is None and body["years"] == [2024, 2025]
    fields = {f["key"]: f["value"] for f in body["report"]["fields"]}
    assert fields["PUE"] == fields["EDC"] / fields["EIT"]
    csv = client.get(f"/datacenters/facilities/{name}/eu-report.csv", params={"year": 2025})
    assert csv.headers["content-type"].startswith("text/csv")
    assert 'filename="eu-report-2025.csv"' in csv.headers["content-disposition"]
    assert csv.text.splitlines()[0] == "annex,point,key,symbol,label,unit,value,from,source,note"
    missing_year = client.get(
        f"/api/datacenters/facilities/{name}/eu-report", params={"year": 1999}
    )
    assert missing_year.status_code == 422 and "metered years: 2024, 2025" in missing_year.text


def test_hostile_text_in_a_facility_file_is_shown_as_text_and_escaped_in_csv(
    client: TestClient, tmp_path: Path
) -> None:
    facility = yaml.safe_load((DEMO_DIR / "nordic-hall.yaml").read_text())
    facility["eu"]["owner"] = "<script>alert(1)</script>"
    facility["eu"]["operator"] = '=HYPERLINK("http://evil","x")'
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(facility))
    with open_store(Settings.from_env()) as store:
        register(store, path, DEMO_DIR / "nordic-hall.csv")
    name = facility["name"]
    page = client.get(f"/datacenters/facilities/{name}/eu-report").text
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )
    csv = client.get(f"/datacenters/facilities/{name}/eu-report.csv").text
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv


def test_the_tender_comparison_as_a_pdf(client: TestClient) -> None:
    import pypdfium2

    response = client.get("/datacenters/comparison.pdf", params={"criteria": "enefg"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "Energy Efficiency Act" in text or "EnEfG" in text
    assert "1. " in text and "Demonstration tenders" in text and "Threshold" in text
    assert "Nordic Hall" in text and "Metro Colo" in text and "Sunbelt Park" in text
    refused = client.get("/datacenters/comparison.pdf", params={"criteria": "../../etc/passwd"})
    assert refused.status_code == 422

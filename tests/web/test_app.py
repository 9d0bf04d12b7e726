"""The web shell, in-process."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

PAGES = ["/", "/bench", "/reports", "/observatory", "/library", "/datacenters"]


def test_healthz_reports_the_store(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["store"] == "sqlite"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_navigation(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    for href in PAGES:
        assert f'href="{href}"' in response.text
    assert 'aria-current="page"' in response.text


@pytest.mark.parametrize("path", ["/observatory", "/library", "/datacenters"])
def test_pages_not_built_yet_say_so(client: TestClient, path: str) -> None:
    assert "Not built yet" in client.get(path).text


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/healthz" in client.get("/openapi.json").json()["paths"]


def test_static_assets_come_from_the_package(client: TestClient) -> None:
    home = client.get("/").text
    assert 'href="/static/style.css"' in home
    assert "cdn" not in home.lower()
    assert client.get("/static/style.css").status_code == 200


def test_unknown_page_is_a_404(client: TestClient) -> None:
    assert client.get("/no-such-page").status_code == 404


def test_a_tracked_run_appears_on_the_pages(client: TestClient) -> None:
    from frugalkit.measure import track

    with track("web-visible-run", phase="inference"):
        sum(range(10_000))
    reports = client.get("/reports").text
    assert "web-visible-run" in reports and "inference" in reports
    assert 'id="total-reports">1<' in client.get("/").text

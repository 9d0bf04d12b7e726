"""The web shell, in-process."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

NAVIGATION = ["/", "/bench", "/reports", "/observatory", "/library", "/datacenters", "/jobs"]


def test_healthz_reports_the_store(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["store"] == "sqlite"


@pytest.mark.parametrize("path", NAVIGATION)
def test_every_page_has_the_navigation_of_built_modules_only(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    nav = response.text.split("<nav", 1)[1].split("</nav>", 1)[0]
    for href in NAVIGATION:
        assert f'href="{href}"' in nav
    if path in NAVIGATION:
        assert 'aria-current="page"' in nav


# Pages that are not data: sign-in and the API explorers.
NO_TWIN = {"/login", "/docs", "/redoc"}


def test_every_html_route_has_a_json_twin_with_the_same_parameters(client: TestClient) -> None:
    from fastapi.routing import APIRoute

    def query_names(dependant: Any) -> set[str]:  # its own and its dependencies'
        names = {q.name for q in dependant.query_params}
        for sub in dependant.dependencies:
            names |= query_names(sub)
        return names

    def flat(routes: list[object]) -> list[object]:  # included routers hold their own
        found: list[object] = []
        for route in routes:
            inner = getattr(route, "original_router", None)
            found.extend(flat(inner.routes) if inner is not None else [route])
        return found

    routes = {
        (route.path, method): route
        for route in flat(client.app.routes)  # type: ignore[attr-defined]
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    pages = [
        route
        for (path, method), route in routes.items()
        if method == "GET"
        and not path.startswith("/api/")
        and not route.include_in_schema
        and path not in NO_TWIN
        and path not in ("/vendor/plotly.min.js", "/healthz", "/favicon.ico")
    ]
    assert {p.path for p in pages} >= {"/", "/bench", "/reports", "/jobs", "/compare"}
    for page in pages:
        twin_path = "/api/home" if page.path == "/" else f"/api{page.path}"
        twin = routes.get((twin_path, "GET"))
        assert twin is not None, f"{page.path} has no JSON twin at {twin_path}"
        names = [query_names(r.dependant) for r in (page, twin)]
        assert names[0] == names[1], f"{page.path} and {twin_path} take different parameters"


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
    assert 'id="total-reports"><a href="/reports">1</a>' in client.get("/").text


def test_the_openapi_document_shows_the_records(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert {"ImpactReport", "BenchRun", "Leaderboard", "LeaderboardEntry"} <= set(
        document["components"]["schemas"]
    )
    run = document["paths"]["/api/bench/runs/{run_id}"]["get"]["responses"]["200"]
    assert run["content"]["application/json"]["schema"]["$ref"].endswith("/BenchRun")


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/compare", "the parameter ids is missing"),
        ("/reports?limit=0", "limit: input should be greater than or equal to 1"),
        ("/jobs?state=lost", "state must be one of"),
    ],
)
def test_bad_parameters_on_a_page_are_a_page_in_words(
    client: TestClient, path: str, words: str
) -> None:
    page = client.get(path)
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert words in page.text and 'href="/"' in page.text
    twin = client.get("/api" + path)
    assert twin.status_code == 422 and twin.headers["content-type"] == "application/json"


def test_favicon_and_compressed_responses(client: TestClient) -> None:
    assert client.get("/favicon.ico").headers["content-type"] == "image/svg+xml"
    plotly = client.get("/vendor/plotly.min.js", headers={"accept-encoding": "gzip"})
    assert plotly.headers["content-encoding"] == "gzip"
    assert int(plotly.headers["content-length"]) < 1_500_000  # 4.8 MB before compression
    page = client.get("/bench", headers={"accept-encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip" or len(page.content) < 1024

"""The reports list a person can use: bench internals hidden unless asked, search, filters,
sort, real paging with the total, and failed runs marked with their exit code."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frugalkit.settings import Settings
from frugalkit.store import save_reports
from frugalkit.web import create_app
from tests.factories import make_report


def _reports() -> list:  # type: ignore[type-arg]
    made = [make_report(f"train-run-{i:04d}", name=f"train model {i}", minutes=i) for i in range(7)]
    made += [
        make_report("bench-load-0001", name="text:load", minutes=10),
        make_report("bench-infer-001", name="text:inference", minutes=11),
        make_report(
            "failed-run-0001", name="crashed job", minutes=12, status="failed", exit_code=3
        ),
    ]
    return made


def test_search_filter_sort_and_page(database_url: str) -> None:
    app = create_app(Settings.from_env())
    save_reports(app.state.store, _reports())
    with TestClient(app) as client:
        shown = client.get("/api/reports").json()
        assert shown["total"] == 8  # the bench's two reports are hidden by default
        assert "text:load" not in {r["name"] for r in shown["reports"]}
        assert client.get("/api/reports?bench=true").json()["total"] == 10
        assert client.get("/api/reports?q=model 3").json()["total"] == 1
        failed = client.get("/api/reports?status=failed").json()["reports"]
        assert [(r["name"], r["exit_code"]) for r in failed] == [("crashed job", 3)]
        assert client.get("/api/reports?zone=fra").json()["total"] == 8
        assert client.get("/api/reports?zone=USA").json()["total"] == 0
        names = [r["name"] for r in client.get("/api/reports?sort=name&q=train").json()["reports"]]
        assert names == sorted(names)
        page = client.get("/api/reports?limit=3&offset=6").json()
        assert (page["total"], len(page["reports"])) == (8, 2)
        html = client.get("/reports?limit=3").text
        assert "Reports 1 to 3 of 8." in html and ">Next</a>" in html and "Previous" not in html
        assert "crashed job" in html and "failed (exit 3)" in html and 'class="bad"' in html
    app.state.store.close()

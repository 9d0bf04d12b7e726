"""The web app against hostile users: conflicting writes, private mode, script injection."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from frugalkit.settings import Settings
from frugalkit.store import save_reports
from frugalkit.store.tokens import create_token, revoke_token
from frugalkit.web import create_app
from frugalkit.web.auth import COOKIE
from tests.factories import make_report, report_dict

HOSTILE = '</script><svg onload="window.__xss=1"><img src=x onerror="window.__xss=1">'


def test_a_conflicting_report_is_409_naming_the_difference(client: TestClient) -> None:
    auth = {"authorization": f"Bearer {create_token(client.app.state.store, 'w')}"}  # type: ignore[attr-defined]
    assert (
        client.post("/api/reports", json=report_dict("conflict-1"), headers=auth).status_code == 201
    )
    changed = report_dict("conflict-1", energy_kwh=3.0)
    response = client.post("/api/reports", json=changed, headers=auth)
    assert response.status_code == 409
    assert "energy.cpu_kwh: 0.001 stored, 3.0 given" in response.json()["detail"]
    assert client.get("/api/reports/conflict-1").json()["report"]["energy"]["cpu_kwh"] == 0.001


def test_a_nul_character_is_a_422_on_every_backend(database_url: str) -> None:
    app = create_app(Settings.from_env())
    with TestClient(app) as client:
        auth = {"authorization": f"Bearer {create_token(app.state.store, 'w')}"}
        response = client.post(
            "/api/reports", json=report_dict("nul-report-1", name="a\u0000b"), headers=auth
        )
        assert response.status_code == 400 and "NUL character at name" in response.json()["detail"]
    app.state.store.close()


def test_pages_embed_data_escaped_and_send_a_content_security_policy(
    client: TestClient,
) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    save_reports(store, [make_report("hostile-report-1", name=HOSTILE[:200], error=HOSTILE)])
    page = client.get("/reports/hostile-report-1")
    assert page.status_code == 200
    assert "<svg onload" not in page.text and "</script><svg" not in page.text
    assert "\\u003c/script\\u003e" in page.text  # the JSON inside <script> is escaped
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "<script>" not in page.text  # no inline script for the policy to forbid


@pytest.fixture
def private_app(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FRUGALKIT_WEB_PRIVATE", "1")
    app = create_app(Settings.from_env())  # read after the variable is set
    save_reports(app.state.store, [make_report("secret-report-1")])
    yield app
    app.state.store.close()


@pytest.mark.parametrize(
    ("existing", "unknown"),
    [
        ("/reports/secret-report-1", "/reports/no-such-report"),
        ("/reports/secret", "/reports/s"),
        ("/compare?ids=secret-report-1,x", "/compare?ids=a"),
        ("/api/reports/secret-report-1", "/api/reports/no-such-report"),
        ("/api/reports/secret", "/api/bench/runs/nope"),
        ("/api/compare?ids=secret-report-1,x", "/api/compare?ids=a"),
    ],
)
def test_private_mode_answers_unknown_and_existing_ids_alike(  # type: ignore[no-untyped-def]
    private_app, existing: str, unknown: str
) -> None:
    """The reader is checked before any lookup: no 404, 422 or ambiguity tells ids apart."""
    with TestClient(private_app) as client:
        answers = [client.get(path) for path in (existing, unknown)]
    assert [a.status_code for a in answers] == [401, 401]
    # the language links repeat the reader's own address (issue 23): not the store's data
    texts = [
        re.sub(r'href="\?[^"]*lang=', 'href="?lang=', a.text.replace(path.split("?")[0], "PATH"))
        for a, path in zip(answers, (existing, unknown), strict=True)
    ]
    assert texts[0] == texts[1]


def test_private_mode_signs_a_browser_in_with_a_session_cookie(private_app) -> None:  # type: ignore[no-untyped-def]
    secret = create_token(private_app.state.store, "reader")
    with TestClient(private_app, follow_redirects=False) as client:
        page = client.get("/reports/secret-report-1")
        assert page.status_code == 401 and "/login?next=/reports/secret-report-1" in page.text
        wrong = client.post("/login", data={"token": "fk_wrong", "next": "/reports"})
        assert wrong.status_code == 401 and COOKIE not in wrong.cookies
        signed = client.post("/login", data={"token": secret, "next": "https://evil.example/"})
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert secret not in cookie  # the token itself never goes to the browser
        assert client.get("/reports/secret-report-1").status_code == 200
        assert client.get("/api/reports/secret-report-1").status_code == 200
        forged = client.cookies[COOKIE].rsplit(".", 1)[0] + "." + "0" * 64
        client.cookies.clear()  # replaced, as a browser would (httpx2's jar keeps both)
        client.cookies.set(COOKIE, forged)
        assert client.get("/reports/secret-report-1").status_code == 401
        client.post("/login", data={"token": secret})
        revoke_token(private_app.state.store, "reader")  # revoking ends its sessions
        assert client.get("/reports/secret-report-1").status_code == 401


def test_no_template_marks_data_safe() -> None:
    """Data inside a translated sentence goes through html() or code(), which escape it
    (web/templating.py); a `|safe` in a template could one day carry a stored value."""
    from pathlib import Path

    templates = Path(__file__).parents[2] / "src" / "frugalkit" / "web" / "templates"
    marked = [p.name for p in templates.glob("*.html") if "|safe" in p.read_text()]
    assert not marked, marked

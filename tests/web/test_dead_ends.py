"""Dead ends a newcomer met (issue 23): HEAD answered 405, messages pointed at a page and a
command that do not exist, the sign-in page of a public server said it was private."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frugalkit.settings import Settings
from frugalkit.web.app import create_app


def test_head_is_answered_as_get_without_a_body(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        for path in ("/", "/reports", "/api/home", "/datacenters", "/observatory/scenario"):
            got, head = client.get(path), client.head(path)
            assert head.status_code == got.status_code == 200, path
            assert (
                head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
            )
        assert client.head("/no-such-page").status_code == 404
    app.state.store.close()


def test_messages_name_things_that_exist(settings: Settings, cli) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    with TestClient(app) as client:
        answer = client.get("/api/observatory", params={"region": "atlantis"})
        assert answer.status_code == 422 and "/observatory/regions" not in answer.text
        assert "alpha-3" in answer.text
        page = client.get("/login")
        assert "public to read" in page.text and "is private" not in page.text
    app.state.store.close()
    shown = cli("observatory", "share", "nope")
    assert "bench runs`" not in shown.stderr and "bench leaderboard" in shown.stderr


def test_no_curator_note_reaches_a_public_page(settings: Settings) -> None:
    """Notes written for the project's reviewers ("check against its annex before marking
    it verified", "frugalkit issue 15", "REFERENCE.md") reached readers (issue 23)."""
    app = create_app(settings)
    paths = ("/observatory", "/observatory/series", "/observatory/scenario", "/datacenters")
    with TestClient(app) as client:
        for path in paths:
            text = client.get(path).text
            for note in ("before marking it verified", "frugalkit issue", "REFERENCE.md"):
                assert note not in text, (path, note)
    app.state.store.close()

"""French and English (issue 23): the language a reader asks for, by link, cookie or
Accept-Language; the catalogue complete and compiled; figures and dates by locale."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from frugalkit.i18n import day, negotiate
from frugalkit.impact.display import number, quantity

ROOT = Path(__file__).parents[2]
PO = ROOT / "src/frugalkit/locale/fr/LC_MESSAGES/frugalkit.po"
# The pages whose every word goes through the catalogue so far (see the note).
TRANSLATED = ["/"]


def _text(page: str) -> str:
    """What a reader sees: tags, scripts and code samples out."""
    page = re.sub(r"<(script|style|code)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_catalogue_is_complete_and_compiled() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools/i18n.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_the_language_follows_the_link_the_cookie_and_the_browser(client: TestClient) -> None:
    french = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in french.text and "L'empreinte de l'IA, mesurée" in french.text
    assert (
        french.headers["content-language"] == "fr" and "Accept-Language" in french.headers["vary"]
    )
    assert '<html lang="en">' in client.get("/", headers={"accept-language": "de"}).text
    chosen = client.get("/?lang=fr")  # the switch: kept for the next pages
    assert "lang=fr" in chosen.headers["set-cookie"]
    assert '<html lang="fr">' in client.get("/reports").text
    assert '<html lang="en">' in client.get("/?lang=en").text
    client.cookies.set("lang", "en")
    assert '<html lang="en">' in client.get("/?lang=xx").text  # an unknown one changes nothing


def test_no_english_word_of_the_catalogue_is_left_on_a_french_page(client: TestClient) -> None:
    with PO.open("rb") as file:
        catalogue = [m for m in read_po(file, locale="fr") if m.id and m.string != m.id]
    english = {str(m.id) for m in catalogue if len(str(m.id)) > 3 and "%(" not in str(m.id)}
    for path in TRANSLATED:
        seen = _text(client.get(path, headers={"accept-language": "fr"}).text)
        left = sorted(m for m in english if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", seen))
        assert not left, f"{path} in French still says {left}"


def test_figures_and_dates_are_written_the_french_way() -> None:
    assert number(1234.5, locale="fr") == "1\u202f230"  # 3 significant figures, CLDR grouping
    assert quantity(0.00243, "Wh", locale="fr") == "2,43 mWh"
    assert day("2026-12-01", "fr") == "1 déc. 2026" and day("2026-12-01", "en") == "Dec 1, 2026"
    assert negotiate(None, "en;q=0.1, fr;q=0.9") == "fr" and negotiate("de", "") == "en"

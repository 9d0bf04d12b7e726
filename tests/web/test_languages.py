"""French and English (issue 23): the language a reader asks for, by link, cookie or
Accept-Language; the catalogue complete and compiled; figures and dates by locale."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from frugalkit.i18n import day, negotiate
from frugalkit.impact.display import number, quantity
from tests.web.conftest import pages_of

ROOT = Path(__file__).parents[2]
PO = ROOT / "src/frugalkit/locale/fr/LC_MESSAGES/frugalkit.po"
# Words of English that French never uses: a French page that shows one outside an element
# marked as another language (lang="en": a stored English passage, a source's own title) or
# as not to translate (translate="no": a name, an id, a command) left a string untranslated.
ENGLISH = frozenset(
    """
    the of and with per from this that these those is are was were be been by for to into
    not no all each every which when where how what you your its has have than more less
    only yet none show open back next previous run runs energy report reports submission
    submissions task tasks accuracy stars kind measured estimated year years value region
    world data water answer ask search sign token team state jobs job home library
    observatory criteria criterion threshold result export hardware greenhouse
    gases electricity release series added changed unchanged figures shown about here there
    can cannot must may will would should also between over under out up down
    """.split()  # noqa: SIM905
)
# <title> repeats the page's heading, and a library page's holds the reader's own question.
SKIPPED = {"script", "style", "code", "pre", "svg", "title"}
# English titles that a French text cites as they are (a report, a survey, a product).
TITLES = (
    "AI Energy Score", "Energy and AI", "Our World in Data", "Global Data Center Survey",
    "United States Data Center Energy Usage Report", "Greenhouse Gas Equivalencies Calculator",
    "International Energy Agency",
)  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class Reader(HTMLParser):
    """The words a French reader meets: text and read-out attributes, outside code and
    outside elements that say they are in another language or not to be translated."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language, self.stack, self.words = language, [], []  # type: ignore[var-annotated]

    def _foreign(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        foreign = (
            tag in SKIPPED
            or (named.get("lang") or self.language).split("-")[0] != self.language
            or named.get("translate") == "no"
        )
        if not foreign and not self._foreign():
            for name in READ_ATTRIBUTES:
                self.words.append(named.get(name) or "")
        if tag not in VOID:
            self.stack.append(foreign)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._foreign():
            self.words.append(data)


def english_left(page: str, language: str = "fr") -> list[str]:
    reader = Reader(language)
    reader.feed(page)
    text = " ".join(reader.words)
    for title in TITLES:
        text = text.replace(title, " ")
    # whole words only: a hyphenated or dotted name (a file, a run's name) is not a sentence
    words = re.findall(r"(?<![\w.\-/])[A-Za-z]+(?![\w.\-/])", text)
    return sorted({w for w in words if w.lower() in ENGLISH})


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


def test_every_page_reads_in_french_without_an_english_word(
    client: TestClient, stored: dict[str, Any], challenge: str
) -> None:
    paths = [*pages_of(stored), "/challenges", f"/challenges/{challenge}",
             f"/challenges/{challenge}/mine", "/no/such/page", "/reports/nonexistent"]  # fmt: skip
    untranslated = {}
    for path in paths:
        page = client.get(path, headers={"accept-language": "fr"})
        assert '<html lang="fr">' in page.text, path
        left = english_left(page.text)
        if left:
            untranslated[path] = left
    assert not untranslated, f"English left on French pages: {untranslated}"


def test_the_check_finds_an_english_sentence() -> None:
    """The check itself: it catches English, and spares what is marked as English."""
    assert english_left("<p>Energy per 1,000 samples</p>") == ["Energy", "per"]
    assert english_left('<p>Énergie <span lang="en">per sample</span></p>') == []
    assert english_left('<p title="Show the run">Voir</p>') == ["Show", "run", "the"]
    assert english_left("<p>Lancez <code>frugalkit bench run</code> a-run-with-no-name</p>") == []


def test_figures_and_dates_are_written_the_french_way() -> None:
    assert number(1234.5, locale="fr") == "1\u202f230"  # 3 significant figures, CLDR grouping
    assert quantity(0.00243, "Wh", locale="fr") == "2,43 mWh"
    assert day("2026-12-01", "fr") == "1 déc. 2026" and day("2026-12-01", "en") == "Dec 1, 2026"
    assert negotiate(None, "en;q=0.1, fr;q=0.9") == "fr" and negotiate("de", "") == "en"


@pytest.fixture
def challenge(home: Path, tmp_path: Path) -> str:
    """An open challenge of the text task, with one team; its id."""
    from frugalkit.challenge import add_team, create
    from frugalkit.settings import Settings
    from frugalkit.store import open_store

    now = datetime.now(UTC)
    raw = {
        "id": "bilingual",
        "title": {"en": "Bilingual challenge", "fr": "Défi bilingue"},
        "description": {"en": "Judged on accuracy and energy.", "fr": "Jugé sur l'énergie."},
        "tasks": [{"task": "text"}],
        "phases": [{"name": "open", "start": (now - timedelta(days=1)).isoformat(),
                    "end": (now + timedelta(days=1)).isoformat()}],
        "reference_hardware": "the CI machine",
    }  # fmt: skip
    path = tmp_path / "bilingual.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    with open_store(Settings.from_env()) as store:
        create(store, path)
        add_team(store, "bilingual", "Équipe A")
    return "bilingual"


def test_the_api_description_follows_the_reader(client: TestClient) -> None:
    french = client.get("/openapi.json", headers={"accept-language": "fr"}).json()
    english = client.get("/openapi.json", headers={"accept-language": "en"}).json()
    assert french["info"]["summary"].startswith("L'empreinte de l'IA, mesurée")
    assert english["info"]["summary"].startswith("The footprint of AI, measured")
    summaries = {op.get("summary") for path in french["paths"].values() for op in path.values()}
    assert "Les rapports, les plus récents d'abord" in summaries

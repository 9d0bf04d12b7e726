"""The library in PostgreSQL (issue 24 item 5): with a PostgreSQL store every web server sees
one library, which answers as the SQLite one does, all or nothing per document."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from frugalkit.library import service
from frugalkit.library.index import Index
from frugalkit.library.passages import cut
from frugalkit.library.pg_index import PgIndex
from frugalkit.library.records import Filters
from frugalkit.settings import Settings
from tests.conftest import fresh_database
from tests.library.conftest import ADDER, demo_copy

pytestmark = pytest.mark.postgres
DEMO = service.DEMO_DIR / "demo-report-fr.pdf"
QUESTIONS = [
    "How much water did evaporative cooling consume in 2024?",
    "What was the average PUE of large sites in 2024?",
    "Combien d'électricité les serveurs d'intelligence artificielle ont-ils consommé ?",
    "Combien de logements la chaleur fatale pourrait-elle chauffer ?",
    "What did the Venice lagoon's tide gauges record?",  # not in the sources
]


def _server(url: str, home: Path) -> tuple[Settings, PgIndex]:
    """One web server's view: its own FRUGALKIT_HOME, the shared database."""
    settings = Settings.from_env({"FRUGALKIT_HOME": str(home), "FRUGALKIT_DATABASE_URL": url})
    index = service.open_index(settings)
    assert isinstance(index, PgIndex)
    return settings, index


@pytest.fixture(scope="session")  # kept while other modules run between its tests
def shared_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database with the demonstration reports for the tests that change nothing
    (indexing them again for each test cost a minute of the suite)."""
    with fresh_database() as url:
        settings, index = _server(url, tmp_path_factory.mktemp("pg-library"))
        service.add_demo(settings, index)
        index.close()
        yield url


@pytest.fixture
def pg_library(shared_url: str, tmp_path: Path) -> Iterator[tuple[Settings, PgIndex]]:
    settings, index = _server(shared_url, tmp_path / "server-one")
    yield settings, index
    index.close()


@pytest.fixture
def own_library(postgres_url: str, tmp_path: Path) -> tuple[Settings, PgIndex]:
    """A library of this test's own, which it may change."""
    settings, index = _server(postgres_url, tmp_path / "server-one")
    service.add_demo(settings, index)
    return settings, index


def _cited(answer: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(s["paragraph_id"], s["language"]) for s in answer["sources"]]


def test_it_answers_as_the_sqlite_library_does(
    pg_library: tuple[Settings, PgIndex], library: Index
) -> None:
    settings, index = pg_library
    for question in QUESTIONS[::2]:  # English, French, and a question not in the sources
        on_pg = service.ask(settings, index, question, "citizen", Filters())
        on_sqlite = service.ask(Settings.from_env(), library, question, "citizen", Filters())
        assert on_pg["status"] == on_sqlite["status"], question
        assert _cited(on_pg) == _cited(on_sqlite), question
        assert [s["text"] for s in on_pg["sentences"]] == [
            s["text"] for s in on_sqlite["sentences"]
        ]


def test_a_second_server_sees_the_library_and_serves_the_stored_file(
    pg_library: tuple[Settings, PgIndex], shared_url: str, tmp_path: Path
) -> None:
    _, first = pg_library
    settings, second = _server(shared_url, tmp_path / "server-two")
    assert [d["id"] for d in second.documents()] == [d["id"] for d in first.documents()]
    document = second.document(first.documents()[0]["id"][:10])
    original = service.DEMO_DIR / next(
        name for name in service.DEMO_FILES if name.endswith(f"-{document['language']}.pdf")
    )
    path = second.file_path(document)
    assert path.read_bytes() == original.read_bytes()
    path.write_bytes(b"tampered")  # a damaged local copy is fetched from the database again
    assert second.file_path(document).read_bytes() == original.read_bytes()
    answer = service.ask(settings, second, QUESTIONS[0])
    assert answer["status"] == "answered" and answer["sources"][0]["paragraph_id"] == "C.1"
    assert answer["id"] in [a["id"] for a in first.answers()]


def test_a_document_that_fails_half_way_leaves_the_library_as_it_was(
    pg_library: tuple[Settings, PgIndex], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, index = pg_library
    before = (index.documents(), index.stamp())

    def broken(document):  # type: ignore[no-untyped-def]
        passages = cut(document)
        passages[5].printed_page = None  # type: ignore[assignment]  # fails on insert, mid-document
        return passages

    monkeypatch.setattr(service, "cut", broken)
    other = tmp_path / "other.pdf"
    other.write_bytes(DEMO.read_bytes() + b"\n%% another copy\n")
    with pytest.raises(Exception, match="null value"):
        service.add_file(settings, index, other)
    assert (index.documents(), index.stamp()) == before
    files = index.db.execute("SELECT count(*) AS n FROM library_files").fetchone()
    assert files is not None and files["n"] == len(before[0])


def test_remove_takes_the_passages_and_the_stored_file(
    own_library: tuple[Settings, PgIndex],
) -> None:
    _, index = own_library
    document = index.documents()[0]
    index.remove(document["id"])
    for table in ("library_passages", "library_files"):
        row = index.db.execute(
            f"SELECT count(*) AS n FROM {table} WHERE document_id = %s", (document["id"],)
        ).fetchone()
        assert row is not None and row["n"] == 0, table
    assert not index.file_path(document).exists()
    from frugalkit.library import vectors

    with pytest.MonkeyPatch.context() as patch:  # the graph follows the removal
        patch.setattr(vectors, "EXACT_UP_TO", 0)
        vectors.forget()
        held = vectors._load(index)
        assert held.graph is not None and len(held.graph) == len(index.embeddings())
        vectors.forget()


@pytest.mark.parametrize(
    "question",
    ["émissions & | ! ( ) : * '' \\ <-> « » ?", "'; DROP TABLE library_passages; --", "PUE:*"],
)
def test_full_text_operators_in_a_question_are_words(
    pg_library: tuple[Settings, PgIndex], question: str
) -> None:
    settings, index = pg_library
    answer = service.ask(settings, index, question)
    assert answer["status"] in ("answered", "not in the sources")
    assert len(index.documents()) == 2


def test_two_servers_adding_at_once_both_land(postgres_url: str, tmp_path: Path) -> None:
    files = [demo_copy(tmp_path, name) for name in ("one", "two")]
    env = {"FRUGALKIT_DATABASE_URL": postgres_url, "FRUGALKIT_LANG": "en", "PATH": "/usr/bin"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, str(f)],
            env={**env, "FRUGALKIT_HOME": str(tmp_path / f"home-{i}")},
        )
        for i, f in enumerate(files)
    ]
    assert [p.wait(timeout=180) for p in procs] == [0, 0]
    _, index = _server(postgres_url, tmp_path / "reader")
    assert len(index.documents()) == 2
    row = index.db.execute("SELECT count(*) AS n FROM library_passages").fetchone()
    assert row is not None and row["n"] == 2 * 17
    shutil.rmtree(tmp_path / "reader")


def test_the_vector_graph_over_postgresql_answers_as_the_exact_scan(
    pg_library: tuple[Settings, PgIndex], monkeypatch: pytest.MonkeyPatch
) -> None:
    from frugalkit.library import vectors

    settings, index = pg_library
    exact = [service.ask(settings, index, q, keep=False)["text"] for q in QUESTIONS]
    monkeypatch.setattr(vectors, "EXACT_UP_TO", 0)
    vectors.forget()
    try:
        assert [service.ask(settings, index, q, keep=False)["text"] for q in QUESTIONS] == exact
        held = vectors._load(index)
        assert held.graph is not None and len(held.graph) == len(index.embeddings())
    finally:
        vectors.forget()

"""The vector index (issue 24 item 5): above EXACT_UP_TO passages a usearch HNSW graph picks
the candidates; answers and similarities stay those of the exact scan, the graph follows
additions and removals, and a graph left damaged on disk is built again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from frugalkit.library import service, vectors
from frugalkit.library.index import Index
from frugalkit.library.records import Filters
from frugalkit.library.retrieve import dense_model
from frugalkit.settings import Settings
from tests.library.conftest import demo_copy, references_at_the_end

QUESTIONS = [
    "How much water did evaporative cooling consume in 2024?",
    "What was the average PUE of large sites in 2024?",
    "Combien de logements la chaleur fatale pourrait-elle chauffer ?",
]


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Use the graph however small the library (the demonstration has 34 passages)."""
    monkeypatch.setattr(vectors, "EXACT_UP_TO", 0)
    vectors.forget()
    yield
    vectors.forget()


def _nearest(library: Index, question: str, filters: Filters | None = None) -> list:  # type: ignore[type-arg]
    model = dense_model()
    return vectors.nearest(library, model.query(question), 10, filters or Filters())


def test_the_graph_finds_what_the_exact_scan_finds(library: Index, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    exact = {q: _nearest(library, q) for q in QUESTIONS}
    monkeypatch.setattr(vectors, "EXACT_UP_TO", 0)
    vectors.forget()
    for question in QUESTIONS:
        found = _nearest(library, question)
        assert [pid for pid, _ in found[:5]] == [pid for pid, _ in exact[question][:5]]
        # the similarity is the exact one, not the graph's half-precision distance
        assert found[0][1] == pytest.approx(exact[question][0][1], abs=1e-6)
    assert list(library.cache_dir.glob("vectors-*.usearch"))
    vectors.forget()


def test_answers_through_the_graph_are_the_exact_answers(library: Index, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.from_env()
    exact = [service.ask(settings, library, q)["text"] for q in QUESTIONS[1:]]
    monkeypatch.setattr(vectors, "EXACT_UP_TO", 0)
    vectors.forget()
    assert [service.ask(settings, library, q)["text"] for q in QUESTIONS[1:]] == exact
    vectors.forget()


@pytest.mark.usefixtures("graph")
def test_a_filter_keeps_only_its_documents(library: Index) -> None:
    french = next(d for d in library.documents() if d["language"] == "fr")
    found = _nearest(library, QUESTIONS[0], Filters(document=french["id"]))
    passages = library.passages([pid for pid, _ in found])
    assert found and {p["document_id"] for p in passages.values()} == {french["id"]}


@pytest.mark.usefixtures("graph")
def test_the_graph_follows_additions_and_removals(
    settings: Settings, library: Index, tmp_path: Path
) -> None:
    _nearest(library, QUESTIONS[0])
    meta = json.loads(next(library.cache_dir.glob("vectors-*.json")).read_text())
    document, _ = service.add_file(settings, library, demo_copy(tmp_path, "other", "en"))
    found = library.passages([pid for pid, _ in _nearest(library, QUESTIONS[0])])
    assert document["id"] in {p["document_id"] for p in found.values()}
    grown = json.loads(next(library.cache_dir.glob("vectors-*.json")).read_text())
    assert grown["count"] == meta["count"] + document["passages"]
    library.remove(document["id"])
    found = library.passages([pid for pid, _ in _nearest(library, QUESTIONS[0])])
    assert document["id"] not in {p["document_id"] for p in found.values()}
    assert len(list(library.cache_dir.glob("vectors-*.usearch"))) == 1  # the old one went


@pytest.mark.usefixtures("graph")
def test_another_process_uses_the_saved_graph(library: Index) -> None:
    before = _nearest(library, QUESTIONS[1])
    saved = json.loads(next(library.cache_dir.glob("vectors-*.json")).read_text())["file"]
    vectors.forget()  # a new process: nothing in memory
    assert _nearest(library, QUESTIONS[1]) == before
    assert json.loads(next(library.cache_dir.glob("vectors-*.json")).read_text())["file"] == saved


@pytest.mark.usefixtures("graph")
def test_a_damaged_graph_on_disk_is_built_again(library: Index) -> None:
    before = _nearest(library, QUESTIONS[1])
    vectors.forget()  # another process: nothing in memory, the saved graph on disk
    for saved in library.cache_dir.glob("vectors-*.usearch"):
        saved.write_bytes(b"\x00" * 100)  # what a kill -9 mid-write, or a full disk, leaves
    assert _nearest(library, QUESTIONS[1]) == before
    vectors.forget()
    next(library.cache_dir.glob("vectors-*.json")).write_text("{not json")
    assert _nearest(library, QUESTIONS[1]) == before
    vectors.forget()
    meta_path = next(library.cache_dir.glob("vectors-*.json"))
    meta = json.loads(meta_path.read_text())
    meta["stamp"] = f"{library.path}:34:34"  # an earlier version's stamp, one field short
    meta_path.write_text(json.dumps(meta))
    assert _nearest(library, QUESTIONS[1]) == before


@pytest.mark.usefixtures("graph")
def test_ids_given_again_after_a_removal_are_not_taken_for_the_old_passages(
    settings: Settings, library: Index, tmp_path: Path
) -> None:
    """SQLite gives a removed document's passage ids to the next one: the same count and top
    id, other passages. The graph must hold the new passages' vectors, not the old ones."""
    import numpy as np

    first, _ = service.add_file(settings, library, demo_copy(tmp_path, "first", "en"))
    _nearest(library, QUESTIONS[0])
    library.remove(first["id"])
    service.add_file(settings, library, demo_copy(tmp_path, "second", "fr"))
    _nearest(library, QUESTIONS[0])
    held = vectors._held[library.identity]
    assert held.graph is not None
    stored = dict(library.embeddings())
    assert sorted(int(k) for k in held.graph.keys) == sorted(stored)
    for pid, blob in stored.items():
        expected = np.frombuffer(blob, dtype=np.float32)
        assert np.allclose(held.graph.get(pid), expected, atol=2e-3)  # half precision


@pytest.mark.usefixtures("graph")
def test_the_saved_graph_is_trusted_beside_passages_never_embedded(
    settings: Settings, library: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reference list is not embedded: the graph holds fewer vectors than the index has
    passages, and another process must still use the saved graph, not build it again."""
    references_at_the_end(monkeypatch)
    service.add_file(settings, library, demo_copy(tmp_path, "refs", "en"))
    before = _nearest(library, QUESTIONS[0])
    meta = json.loads(next(library.cache_dir.glob("vectors-*.json")).read_text())
    assert meta["vectors"] == meta["count"] - 3
    vectors.forget()
    assert _nearest(library, QUESTIONS[0]) == before
    again = json.loads(next(library.cache_dir.glob("vectors-*.json")).read_text())
    assert again["file"] == meta["file"]  # loaded, not built again

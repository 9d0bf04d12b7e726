"""BM25 from the term-count matrix (`lexical.py`, issue 24 item 5: FTS5 scored 25,000 rows
per question at 60k passages): the same ranking as FTS5's bm25(), ties in id order, on the
real SPM pages and every benchmark question; 'co2' finds 'CO₂' in both; the matrix follows
additions and removals, and a damaged one on disk is built again."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.library_speed import QUESTION_FILES
from frugalkit.library import lexical
from frugalkit.library.index import INDEX_FILE, Index
from frugalkit.library.passages import Passage
from frugalkit.library.records import Filters, now
from frugalkit.library.retrieve import content_words


@pytest.fixture
def matrix(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Use the matrix however small the library."""
    monkeypatch.setattr(lexical, "LEXICAL_FROM", 0)
    lexical.forget()
    yield
    lexical.forget()


def _fts5(index: Index, terms: list[str], limit: int = 50) -> list[int]:
    match = " OR ".join(f'"{t}"' for t in terms)
    rows = index.db.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? "
        "ORDER BY bm25(passages_fts) LIMIT ?",
        (match, limit),
    )
    return [r[0] for r in rows]


def _add(index: Index, name: str, texts: list[str]) -> str:
    """A document of the given passages, added straight to the index."""
    document = {
        "id": name, "title": name, "body": "test", "year": None, "report_type": "report",
        "language": "en", "url": "", "licence": "none", "file": f"{name}.pdf", "pages": 1,
        "pages_without_text": [], "passages": len(texts), "demonstration": True,
        "report_id": None, "added_at": now(),
    }  # fmt: skip
    source = index.files / "source.pdf"
    source.write_bytes(b"%PDF-1.4 test")
    passages = [Passage(i, "Section", 1, "1", t) for i, t in enumerate(texts)]
    index.add(document, passages, [None] * len(texts), source)
    return name


@pytest.mark.usefixtures("matrix")
def test_the_matrix_ranks_every_benchmark_question_as_fts5_does(libraries: dict[str, Any]) -> None:
    index = libraries["index"]
    asked = 0
    for path in QUESTION_FILES:
        data = yaml.safe_load(path.read_text())
        for question in data["questions"] + data["near"]:
            for language in ("en", "fr"):
                terms = content_words(question[language])
                assert lexical.ranked(index, terms, 50) == _fts5(index, terms), question[language]
                asked += 1
    assert asked >= 60  # 34 questions of three sets, in both languages


@pytest.mark.usefixtures("matrix")
def test_co2_finds_co_subscript_2_in_both_paths(tmp_path: Path) -> None:
    with Index(tmp_path) as index:
        _add(index, "gases", ["Emissions of CO₂ rose in 2019.", "Methane fell.", "CO2 fell."])
        found = lexical.ranked(index, ["co2"], 10)
        assert found is not None and len(found) == 2
        assert sorted(found) == sorted(_fts5(index, ["co2"]))
        assert index.lexical(["co2"], Filters(body="test"), 10)  # the filtered path, FTS5


def test_an_index_written_before_folding_is_folded_once_on_opening(tmp_path: Path) -> None:
    with Index(tmp_path) as index:
        _add(index, "gases", ["Emissions of CO₂ rose in 2019 at Émile's site.", "Methane."])
    db = sqlite3.connect(tmp_path / INDEX_FILE)
    db.execute("DELETE FROM passages_fts")  # as an earlier version wrote it: not folded
    db.execute("INSERT INTO passages_fts (rowid, text, section, caption) "
               "SELECT id, text, section, caption FROM passages")  # fmt: skip
    db.execute("PRAGMA user_version = 0")
    db.commit()
    db.close()
    with Index(tmp_path) as index:
        assert len(_fts5(index, ["co2"])) == 1 and len(_fts5(index, ["emile"])) == 1
        assert index.db.execute("SELECT count(*) FROM passages_fts").fetchone()[0] == 2
        assert "CO₂" in index.passages(_fts5(index, ["co2"]))[_fts5(index, ["co2"])[0]]["text"]


@pytest.mark.usefixtures("matrix")
def test_the_matrix_follows_additions_and_removals(tmp_path: Path) -> None:
    with Index(tmp_path) as index:
        first = _add(index, "first", ["Sea level rose.", "Glaciers retreated."])
        assert len(lexical.ranked(index, ["glaciers"], 10) or []) == 1
        _add(index, "second", ["Glaciers retreated again.", "Heatwaves rose."])
        assert lexical.ranked(index, ["glaciers"], 10) == _fts5(index, ["glaciers"])
        assert len(_fts5(index, ["glaciers"])) == 2
        index.remove(first)
        # SQLite gives the removed ids again: the matrix must hold the new texts, not the old
        _add(index, "third", ["Permafrost thawed.", "Snow cover fell."])
        for word in ("glaciers", "permafrost", "sea", "snow"):
            assert lexical.ranked(index, [word], 10) == _fts5(index, [word]), word


@pytest.mark.usefixtures("matrix")
def test_another_process_reads_the_saved_matrix_and_a_damaged_one_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Index(tmp_path) as index:
        _add(index, "first", ["Sea level rose.", "Glaciers retreated.", "Sea ice fell."])
        before = lexical.ranked(index, ["sea", "ice"], 10)
        lexical.forget()  # a new process: nothing in memory, the matrix on disk
        with monkeypatch.context() as patched:
            patched.setattr(Index, "lexical_rows", lambda *_: pytest.fail("built again"))
            assert lexical.ranked(index, ["sea", "ice"], 10) == before
        pointer = next(index.cache_dir.glob("lexical-*.json"))
        for damage in ("npz", "json"):
            lexical.forget()
            if damage == "npz":
                saved = index.cache_dir / json.loads(pointer.read_text())["file"]
                saved.write_bytes(b"\x00" * 50)  # what a full disk leaves
            else:
                pointer.write_text("{not json")
            assert lexical.ranked(index, ["sea", "ice"], 10) == before
            if damage == "npz":
                assert len(list(index.cache_dir.glob("lexical-*.npz"))) == 1  # the bad one went


def test_a_small_library_is_left_to_fts5(tmp_path: Path) -> None:
    with Index(tmp_path) as index:
        _add(index, "first", ["Sea level rose."])
        assert lexical.ranked(index, ["sea"], 10) is None
        assert index.lexical(["sea"], Filters(), 10) == _fts5(index, ["sea"])
        assert not list(index.cache_dir.glob("lexical-*"))

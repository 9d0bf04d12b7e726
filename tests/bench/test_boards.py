"""Leaderboards rank like with like: one entry per submission content, one board per
test set, and figures a submission reported about itself apart."""

from __future__ import annotations

import shutil
from pathlib import Path

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.service import board, record
from frugalkit.settings import Settings
from frugalkit.store import open_store

TEXT = get_task("text")
RULE = "LABELS = {labels!r}\ndef predict(quotes):\n    return [LABELS[{i}] for q in quotes]\n"


def _submission(folder: Path, i: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.py"
    path.write_text(RULE.format(labels=TEXT.labels, i=i))
    return path


def test_entries_are_keyed_by_content_and_boards_by_test_set(tmp_path: Path) -> None:
    first = _submission(tmp_path / "alice", 0)
    other = _submission(tmp_path / "bob", 7)  # the same file name, another model
    renamed = tmp_path / "alice-renamed.py"
    shutil.copy(first, renamed)  # the same model under another name
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text(
        "quote,label\n" + "".join(f"q{i},{TEXT.labels[i % 8]}\n" for i in range(40))
    )
    with open_store(Settings.from_env()) as store:
        for spec in (first, other, renamed):
            record(store, evaluate(TEXT, f"{spec}:predict", repeats=1))
        elsewhere = record(store, evaluate(TEXT, f"{first}:predict", repeats=1, data=str(csv_path)))
        demo = board(store, TEXT)
        assert demo["test_set"].startswith("frugalkit/text-demo (seed 42, test 0.2) #")
        assert len(demo["entries"]) == 2  # alice (newest: the renamed copy) and bob
        assert {e["submission"] for e in demo["entries"]} == {
            f"{renamed}:predict",
            f"{other}:predict",
        }
        assert [s["runs"] for s in demo["test_sets"]] == [3, 1]
        mine = board(store, TEXT, elsewhere["test_set"])
        assert [e["id"] for e in mine["entries"]] == [elsewhere["id"]]


def test_self_reported_figures_are_ranked_apart(tmp_path: Path) -> None:
    path = _submission(tmp_path / "local", 0)
    with open_store(Settings.from_env()) as store:
        measured = record(store, evaluate(TEXT, f"{path}:predict", repeats=1))
        reported = {
            **measured,
            "id": "reported-run-01",
            "submission": "http://example.org",
            "submission_key": "http://example.org",
            "kind": "http",
            "energy_method": "reported",
            "accuracy": 1.0,
            "energy_wh_per_1000": 1e-12,
        }
        record(store, reported)
        ranked = board(store, TEXT)
        assert [e["id"] for e in ranked["entries"]] == [measured["id"]]
        assert [e["id"] for e in ranked["reported"]] == ["reported-run-01"]
        asked = board(store, TEXT, include_reported=True)
        assert asked["entries"][0]["id"] == "reported-run-01" and asked["reported"] == []

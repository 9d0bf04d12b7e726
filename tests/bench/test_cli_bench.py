"""`frugalkit bench` as a challenge organiser uses it."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path


def test_tasks_lists_the_text_task_and_its_labels(cli) -> None:
    tasks = {t["id"]: t for t in json.loads(cli("--json", "bench", "tasks").stdout)}
    task = tasks["text"]
    assert len(task["labels"]) == 8
    assert tasks["audio"]["labels"] == ["chainsaw", "environment"]
    assert task["hub_dataset"] == "QuotaClimat/frugalaichallenge-text-train"


def test_train_run_rank_show(cli, home: Path, submissions: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cards = json.loads(cli("--json", "bench", "train-baseline", "text").stdout)
    assert [c["name"] for c in cards] == ["random", "majority", "tfidf-linear"]
    assert all(Path(c["path"]).exists() and c["training_wh"] > 0 for c in cards)
    reports = json.loads(cli("--json", "reports", "list").stdout)
    assert {r["phase"] for r in reports} == {"training"}  # each training was measured

    for card in cards:
        result = cli("bench", "run", "--submission", card["path"], "--repeats", "2")
        assert result.exit_code == 0, result.stderr
    before = json.loads(cli("--json", "bench", "leaderboard").stdout)["entries"]
    assert Path(before[0]["submission"]).stem == "tfidf-linear"

    failed = cli("bench", "run", "--submission", f"{submissions}/bad.py:too_few")
    assert failed.exit_code == 1
    assert "predict() returned 79 predictions for 80 samples" in failed.stdout
    after = json.loads(cli("--json", "bench", "leaderboard").stdout)["entries"]
    assert after == before  # a failed run changes nothing that was stored

    rows = list(csv.DictReader(io.StringIO(cli("bench", "leaderboard", "--csv").stdout)))
    # random and majority are not above chance on 8 labels (issue 23): listed, not ranked
    assert [row["rank"] for row in rows] == ["1", "", ""]
    assert {"accuracy", "energy_wh_per_1000", "stars", "pareto"} <= set(rows[0])

    best = before[0]
    shown = cli("bench", "show", best["id"][:8])
    assert shown.exit_code == 0
    assert "macro-F1" in shown.stdout and "repeats" in shown.stdout
    shown_json = json.loads(cli("--json", "bench", "show", best["id"]).stdout)
    assert shown_json["payload"]["timing"]["runner_overhead_s"] >= 0
    # an 80-column terminal (issue 23): no line wider, no figure cut or in exponent notation
    monkeypatch.setenv("COLUMNS", "80")
    for command in (("bench", "leaderboard"), ("reports", "list"), ("bench", "show", best["id"])):
        text = cli(*command).stdout
        assert max(map(len, text.splitlines())) <= 80, command
        assert "…" not in text and not re.search(r"\de[-+]\d", text), (command, text)


def test_bad_submission_spec_and_unknown_task(cli) -> None:
    spec = cli("bench", "run", "--submission", "weights.bin")
    assert spec.exit_code == 2 and "expected path.py:NAME" in spec.stderr
    task = cli("bench", "leaderboard", "--task", "video")
    assert task.exit_code == 2 and "unknown task 'video'" in task.stderr
    missing = cli("bench", "show", "nope")
    assert missing.exit_code == 4

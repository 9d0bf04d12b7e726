"""Ranking on accuracy and energy."""

from __future__ import annotations

import math

import pytest

from frugalkit.bench.scoring import leaderboard, pareto_front, stars


def entry(name: str, accuracy: float, wh: float) -> dict[str, object]:
    return {"id": name, "accuracy": accuracy, "energy_wh_per_1000": wh}


ENTRIES = [
    entry("big", 0.76, 2.79),  # ModernBERT-like: accurate, costly
    entry("frugal", 0.70, 0.0127),  # the EUROCOM-like winner
    entry("random", 0.12, 0.002),
    entry("dominated", 0.65, 0.5),  # less accurate AND costlier than frugal
]


def test_pareto_front_drops_dominated_entries() -> None:
    assert pareto_front(ENTRIES) == {"big", "frugal", "random"}  # type: ignore[arg-type]


def test_composite_rank_needs_both_axes() -> None:
    board = leaderboard(ENTRIES)  # type: ignore[arg-type]
    assert [e["id"] for e in board] == ["frugal", "big", "dominated", "random"]
    assert board[0]["rank"] == 1 and board[0]["pareto"]
    assert board[0]["composite_score"] == pytest.approx(0.70 - 0.05 * math.log10(0.0127))


def test_organisers_can_rerank_with_another_trade_off() -> None:
    accuracy_only = leaderboard(ENTRIES, points_per_decade=0.0)  # type: ignore[arg-type]
    assert [e["id"] for e in accuracy_only] == ["big", "frugal", "dominated", "random"]
    energy_heavy = leaderboard(ENTRIES, points_per_decade=1.0)  # type: ignore[arg-type]
    assert energy_heavy[0]["id"] == "random"


def test_a_frugal_random_guesser_never_wins_by_default() -> None:
    tiny = [entry("random", 0.125, 1e-7), entry("model", 0.60, 0.5)]
    assert leaderboard(tiny)[0]["id"] == "model"  # type: ignore[arg-type]


def test_five_equal_energy_bands() -> None:
    assert stars(0.002, 0.002, 2.79) == 5
    assert stars(2.79, 0.002, 2.79) == 1
    assert stars(1.4, 0.002, 2.79) == 3
    board = {e["id"]: e["stars"] for e in leaderboard(ENTRIES)}  # type: ignore[arg-type]
    assert board == {"big": 1, "frugal": 5, "random": 5, "dominated": 5}

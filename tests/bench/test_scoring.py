"""Ranking on accuracy and energy, no finer than the figures allow (issue 23)."""

from __future__ import annotations

import pytest

from frugalkit.bench.scoring import chance_floor, leaderboard, pareto_front, score_points, stars


def entry(name: str, accuracy: float, wh: float, band: float = 0.0, samples: int | None = None):  # type: ignore[no-untyped-def]
    """An entry whose energy band is ±`band` (0.5: the estimate's ±50 %)."""
    return {
        "id": name, "accuracy": accuracy, "energy_wh_per_1000": wh, "samples": samples,
        "energy_low_wh_per_1000": wh * (1 - band), "energy_high_wh_per_1000": wh * (1 + band),
    }  # fmt: skip


# The 2025 challenge's text figures: ModernBERT-large 0.758 at 2.79 Wh, EURECOM 0.705 at 0.0127.
ENTRIES = [
    entry("big", 0.76, 2.79),
    entry("frugal", 0.70, 0.0127),
    entry("random", 0.12, 0.002),
    entry("dominated", 0.65, 0.5),
]


def test_the_score_is_in_points_and_trades_5_points_per_decade() -> None:
    board = leaderboard(ENTRIES, labels=8)
    assert [e["id"] for e in board][:3] == ["frugal", "big", "dominated"]
    assert board[0]["score_points"] == pytest.approx(score_points(0.70, 0.0127))
    assert board[0]["score_points"] == pytest.approx(79.48, abs=0.01)  # 70 + 5 x 1.896
    assert score_points(0.975, 0.00027) > 100  # the demo's tf-idf: 115 points, not an accuracy
    assert score_points(0.70, 1.0) == pytest.approx(70.0)  # at 1 Wh per 1,000, 100 x accuracy


def test_below_chance_is_listed_but_not_ranked_starred_or_on_the_front() -> None:
    """Issue 23: a `predict` returning one label (0.113 on 8 labels) ranked #2 on energy."""
    board = {e["id"]: e for e in leaderboard(ENTRIES, labels=8)}
    assert board["random"]["rank"] is None and board["random"]["stars"] is None
    assert not board["random"]["pareto"]
    assert chance_floor(8, None) == 0.125
    one_label = leaderboard([entry("one", 0.113, 1e-6, samples=400), *ENTRIES[:2]], labels=8)
    assert one_label[-1]["id"] == "one" and one_label[-1]["rank"] is None


def test_guessing_by_luck_on_a_small_test_set_is_still_chance() -> None:
    # 0.163 on 80 samples of 8 labels: within 1.96 standard errors of 1/8
    assert chance_floor(8, 80) == pytest.approx(0.125 + 1.96 * (0.125 * 0.875 / 80) ** 0.5)
    board = leaderboard([entry("lucky", 0.163, 1e-4, samples=80)], labels=8)
    assert board[0]["rank"] is None


def test_entries_whose_bands_overlap_share_a_rank_and_their_stars() -> None:
    """Issue 23: two trivial audio baselines differed 2x by estimation noise (★★ vs ★★★★★)."""
    a = entry("a", 0.90, 0.0010, band=0.5, samples=200)
    b = entry("b", 0.90, 0.0020, band=0.5, samples=200)  # within each other's ±50 %
    c = entry("c", 0.90, 0.0200, band=0.5, samples=200)  # ten times more: clearly apart
    board = {e["id"]: e for e in leaderboard([a, b, c], labels=2)}
    assert board["a"]["rank"] == board["b"]["rank"] == 1 and board["a"]["tied"]
    assert board["a"]["stars"] == board["b"]["stars"] == 5
    assert board["c"]["stars"] == 1 and not board["c"]["pareto"]
    assert pareto_front([a, b, c]) == {"a", "b"}  # a is cheaper, but not beyond b's band


def test_a_clear_difference_still_ranks_and_dominates() -> None:
    good = entry("good", 0.95, 0.001, band=0.05, samples=2000)
    worse = entry("worse", 0.80, 0.010, band=0.05, samples=2000)
    board = leaderboard([worse, good], labels=2)
    assert [(e["id"], e["rank"], e["tied"]) for e in board] == [
        ("good", 1, False),
        ("worse", 2, False),
    ]
    assert pareto_front([good, worse]) == {"good"}


def test_organisers_can_rerank_with_another_trade_off() -> None:
    accuracy_only = leaderboard(ENTRIES, points_per_decade=0.0, labels=8)
    assert [e["id"] for e in accuracy_only][:3] == ["big", "frugal", "dominated"]


def test_five_equal_energy_bands() -> None:
    assert stars(0.002, 0.002, 2.79) == 5
    assert stars(2.79, 0.002, 2.79) == 1
    assert stars(1.4, 0.002, 2.79) == 3
    board = {e["id"]: e["stars"] for e in leaderboard(ENTRIES, labels=8)}
    assert board == {"big": 1, "frugal": 5, "random": None, "dominated": 5}

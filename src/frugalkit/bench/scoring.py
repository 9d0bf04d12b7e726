"""Ranking on two axes: accuracy (higher is better) and energy (lower is better).

- Pareto front: an entry is on it when no other entry is at least as accurate and at
  least as frugal, and strictly better on one of the two.
- Composite rank (a Borda count): the mean of the entry's rank by accuracy and its rank
  by energy per 1,000 samples; ties broken by accuracy, then energy. A model must be both
  accurate and frugal to come first: the most frugal random guesser ranks mid-table.
- Energy stars, as the AI Energy Score rates models: the task's range of energy on the
  leaderboard split into five equal bands; five stars for the most frugal band.
"""

from __future__ import annotations

from typing import Any

STAR_BANDS = 5


def pareto_front(entries: list[dict[str, Any]]) -> set[str]:
    """Ids of the entries that no other entry dominates."""
    front = set()
    for entry in entries:
        dominated = any(
            other["accuracy"] >= entry["accuracy"]
            and other["energy_wh_per_1000"] <= entry["energy_wh_per_1000"]
            and (
                other["accuracy"] > entry["accuracy"]
                or other["energy_wh_per_1000"] < entry["energy_wh_per_1000"]
            )
            for other in entries
        )
        if not dominated:
            front.add(entry["id"])
    return front


def _ranks(values: list[float]) -> list[float]:
    """1 for the smallest value, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def stars(energy: float, low: float, high: float) -> int:
    """5 for the most frugal fifth of [low, high], 1 for the most energy-hungry.

    >>> stars(0.1, 0.1, 1.1), stars(1.1, 0.1, 1.1), stars(0.5, 0.1, 1.1)
    (5, 1, 4)
    """
    if high <= low:
        return STAR_BANDS
    band = int((energy - low) / (high - low) * STAR_BANDS)
    return STAR_BANDS - min(band, STAR_BANDS - 1)


def leaderboard(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries (completed runs, with accuracy and energy_wh_per_1000) ranked, each with
    rank, composite_score, pareto and stars added."""
    if not entries:
        return []
    accuracy_rank = _ranks([-e["accuracy"] for e in entries])
    energy_rank = _ranks([e["energy_wh_per_1000"] for e in entries])
    front = pareto_front(entries)
    low = min(e["energy_wh_per_1000"] for e in entries)
    high = max(e["energy_wh_per_1000"] for e in entries)
    scored = [
        {
            **entry,
            "composite_score": (accuracy_rank[i] + energy_rank[i]) / 2,
            "pareto": entry["id"] in front,
            "stars": stars(entry["energy_wh_per_1000"], low, high),
        }
        for i, entry in enumerate(entries)
    ]
    scored.sort(key=lambda e: (e["composite_score"], -e["accuracy"], e["energy_wh_per_1000"]))
    for rank, entry in enumerate(scored, start=1):
        entry["rank"] = rank
    return scored

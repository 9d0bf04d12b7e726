"""Ranking on two axes: accuracy (higher is better) and energy (lower is better).

- Pareto front: an entry is on it when no other entry is at least as accurate and at
  least as frugal, and strictly better on one of the two.
- Composite rank: by energy-adjusted accuracy, `accuracy - k x log10(Wh per 1,000)`,
  with k = 0.05 by default: each tenfold increase in energy must buy 5 points of
  accuracy. With the challenge's own figures, the EURECOM text model (0.705 at 0.0127 Wh)
  ranks above ModernBERT-large (0.758 at 2.79 Wh: 2.3 decades more energy for 5.3
  points), and a random guesser, however frugal, ranks below both. Ties go to the more
  accurate entry. Organisers may re-rank with another k (`--points-per-decade`).
- Energy stars, as the AI Energy Score rates models: the task's range of energy on the
  leaderboard split into five equal bands; five stars for the most frugal band.
"""

from __future__ import annotations

import math
from typing import Any

STAR_BANDS = 5
POINTS_PER_DECADE = 0.05
ENERGY_FLOOR_WH = 1e-9  # an estimate of 0 Wh (no measurable CPU time) ranks as this


def pareto_front(entries: list[dict[str, Any]]) -> set[str]:
    """Ids of the entries that no other entry dominates. O(n log n): sweep by energy,
    keeping the best accuracy seen so far."""
    ordered = sorted(entries, key=lambda e: (e["energy_wh_per_1000"], -e["accuracy"]))
    front: set[str] = set()
    best = -math.inf
    previous: dict[str, Any] | None = None
    for entry in ordered:
        tie = (
            previous is not None
            and previous["id"] in front
            and (previous["accuracy"], previous["energy_wh_per_1000"])
            == (entry["accuracy"], entry["energy_wh_per_1000"])
        )
        if entry["accuracy"] > best or tie:  # an exact tie with a front entry is on it too
            front.add(entry["id"])
            best = max(best, entry["accuracy"])
        previous = entry
    return front


def energy_adjusted_accuracy(
    accuracy: float, wh_per_1000: float, points_per_decade: float = POINTS_PER_DECADE
) -> float:
    """>>> round(energy_adjusted_accuracy(0.705, 0.0127) - energy_adjusted_accuracy(0.758, 2.79), 3)
    0.064"""
    return accuracy - points_per_decade * math.log10(max(wh_per_1000, ENERGY_FLOOR_WH))


def stars(energy: float, low: float, high: float) -> int:
    """5 for the most frugal fifth of [low, high], 1 for the most energy-hungry.

    >>> stars(0.1, 0.1, 1.1), stars(1.1, 0.1, 1.1), stars(0.5, 0.1, 1.1)
    (5, 1, 4)
    """
    if high <= low:
        return STAR_BANDS
    band = int((energy - low) / (high - low) * STAR_BANDS)
    return STAR_BANDS - min(band, STAR_BANDS - 1)


def leaderboard(
    entries: list[dict[str, Any]], points_per_decade: float = POINTS_PER_DECADE
) -> list[dict[str, Any]]:
    """Entries (completed runs, with accuracy and energy_wh_per_1000) ranked, each with
    rank, composite_score, pareto and stars added."""
    if not entries:
        return []
    front = pareto_front(entries)
    low = min(e["energy_wh_per_1000"] for e in entries)
    high = max(e["energy_wh_per_1000"] for e in entries)
    scored = [
        {
            **entry,
            "composite_score": energy_adjusted_accuracy(
                entry["accuracy"], entry["energy_wh_per_1000"], points_per_decade
            ),
            "pareto": entry["id"] in front,
            "stars": stars(entry["energy_wh_per_1000"], low, high),
        }
        for entry in entries
    ]
    scored.sort(key=lambda e: (-e["composite_score"], -e["accuracy"]))
    for rank, entry in enumerate(scored, start=1):
        entry["rank"] = rank
    return scored

"""Ranking on two axes, accuracy (higher is better) and energy (lower is better), and no
finer than the figures allow (issue 23: ★ against ★★★★★ for error bars that overlap).

- Chance floor: an entry is ranked only when its accuracy is above guessing: 1/k for k
  labels, plus 1.96 standard errors of a binomial proportion at that rate on the n test
  samples (one-sided, 97.5 %). Below it an entry is listed, unranked, without stars and off
  the Pareto front: a `predict` that answers one label cannot rank on energy alone.
- Score, in points: 100 x accuracy - 100 x k x log10(Wh per 1,000 samples), k = 0.05 by
  default: 5 points per tenfold energy. It is not an accuracy: it is 100 x the accuracy a
  model at 1 Wh per 1,000 samples would need to score the same, so it may pass 100. With
  the 2025 challenge's own figures, the EURECOM text model (0.705 at 0.0127 Wh) scores
  above ModernBERT-large (0.758 at 2.79 Wh: 2.3 decades more energy for 5.3 points).
  Organisers may re-rank with another k (`--points-per-decade`).
- Ranks that share: each score has a range, from accuracy +/- 1.96 standard errors and the
  energy band; an entry's rank is 1 + the number of entries whose range lies wholly above
  its own. Entries that cannot be told apart share a rank (`tied`).
- Pareto front: an entry is off it when another is at least as accurate and at least as
  frugal, and clearly better on one axis: accuracy by more than 1.96 standard errors of
  the difference, or an energy band wholly below.
- Energy stars, as the AI Energy Score rates models: the ranked entries' energy range in
  five equal bands, five stars for the most frugal; entries whose energy bands overlap
  (directly or through a chain of others) cannot be told apart and share the best star.
"""

from __future__ import annotations

import math
from typing import Any

STAR_BANDS = 5
POINTS_PER_DECADE = 0.05
ENERGY_FLOOR_WH = 1e-9  # an estimate of 0 Wh (no measurable CPU time) ranks as this
Z = 1.96  # two-sided 95 % (one-sided 97.5 %) normal quantile


def _se(accuracy: float, samples: int | None) -> float:
    """Standard error of an accuracy measured on `samples` items (0 when unknown)."""
    if not samples:
        return 0.0
    p = min(max(accuracy, 0.0), 1.0)
    return math.sqrt(p * (1 - p) / samples)


def chance_floor(labels: int | None, samples: int | None) -> float:
    """The accuracy an entry must pass to be ranked: guessing, and its noise.

    >>> round(chance_floor(8, 400), 3)   # 1/8 plus 1.96 x 0.0165
    0.157
    """
    if not labels or labels < 2:
        return 0.0
    rate = 1 / labels
    return rate + Z * _se(rate, samples)


def _band(entry: dict[str, Any]) -> tuple[float, float]:
    wh = entry["energy_wh_per_1000"]
    low = entry.get("energy_low_wh_per_1000")
    high = entry.get("energy_high_wh_per_1000")
    return (wh if low is None else min(low, wh)), (wh if high is None else max(high, wh))


def _log_wh(wh: float) -> float:
    return math.log10(max(wh, ENERGY_FLOOR_WH))


def score_points(
    accuracy: float, wh_per_1000: float, points_per_decade: float = POINTS_PER_DECADE
) -> float:
    """Points: 100 x accuracy, less 100 x k per decade of energy.

    >>> round(score_points(0.705, 0.0127) - score_points(0.758, 2.79), 1)
    6.4
    """
    return 100 * (accuracy - points_per_decade * _log_wh(wh_per_1000))


def _score_range(entry: dict[str, Any], k: float) -> tuple[float, float]:
    se = _se(entry["accuracy"], entry.get("samples"))
    low_wh, high_wh = _band(entry)
    return (
        score_points(entry["accuracy"] - Z * se, high_wh, k),
        score_points(entry["accuracy"] + Z * se, low_wh, k),
    )


def _dominates(b: dict[str, Any], a: dict[str, Any]) -> bool:
    if b["accuracy"] < a["accuracy"] or b["energy_wh_per_1000"] > a["energy_wh_per_1000"]:
        return False
    se = math.hypot(_se(a["accuracy"], a.get("samples")), _se(b["accuracy"], b.get("samples")))
    clearly_more_accurate = b["accuracy"] - a["accuracy"] > Z * se
    return clearly_more_accurate or _band(b)[1] < _band(a)[0]


def pareto_front(entries: list[dict[str, Any]]) -> set[str]:
    """Ids of the entries no other entry clearly dominates (O(n²): boards are small)."""
    return {a["id"] for a in entries if not any(_dominates(b, a) for b in entries if b is not a)}


def stars(energy: float, low: float, high: float) -> int:
    """5 for the most frugal fifth of [low, high], 1 for the most energy-hungry.

    >>> stars(0.1, 0.1, 1.1), stars(1.1, 0.1, 1.1), stars(0.5, 0.1, 1.1)
    (5, 1, 3)
    """
    if high <= low:
        return STAR_BANDS
    band = int((energy - low) / (high - low) * STAR_BANDS)
    return STAR_BANDS - min(band, STAR_BANDS - 1)


def _stars_by_band(entries: list[dict[str, Any]]) -> dict[str, int]:
    """Five equal bands, then one star for each group of overlapping energy bands."""
    if not entries:
        return {}
    low = min(e["energy_wh_per_1000"] for e in entries)
    high = max(e["energy_wh_per_1000"] for e in entries)
    given = {e["id"]: stars(e["energy_wh_per_1000"], low, high) for e in entries}
    ordered = sorted(entries, key=lambda e: _band(e)[0])
    groups: list[list[dict[str, Any]]] = []
    reach = -math.inf
    for entry in ordered:
        if not groups or _band(entry)[0] > reach:
            groups.append([])
            reach = -math.inf
        groups[-1].append(entry)
        reach = max(reach, _band(entry)[1])
    return {e["id"]: max(given[m["id"]] for m in g) for g in groups for e in g}


def leaderboard(
    entries: list[dict[str, Any]],
    points_per_decade: float = POINTS_PER_DECADE,
    labels: int | None = None,
) -> list[dict[str, Any]]:
    """Entries (completed runs: accuracy, energy_wh_per_1000, its band and samples where
    known) with rank (None below the chance floor), tied, score_points, its range,
    pareto, stars (None when unranked) and chance_floor added; ranked ones first."""
    if not entries:
        return []
    floors = {e["id"]: chance_floor(labels, e.get("samples")) for e in entries}
    ranked = [e for e in entries if e["accuracy"] > floors[e["id"]]]
    front = pareto_front(ranked)
    star = _stars_by_band(ranked)
    ranges = {e["id"]: _score_range(e, points_per_decade) for e in entries}
    scored = []
    for entry in entries:
        is_ranked = entry["id"] in star
        better = sum(ranges[o["id"]][0] > ranges[entry["id"]][1] for o in ranked)
        scored.append({
            **entry,
            "score_points": score_points(
                entry["accuracy"], entry["energy_wh_per_1000"], points_per_decade
            ),
            "score_low_points": ranges[entry["id"]][0],
            "score_high_points": ranges[entry["id"]][1],
            "chance_floor": floors[entry["id"]],
            "rank": 1 + better if is_ranked else None,
            "pareto": entry["id"] in front,
            "stars": star.get(entry["id"]),
        })  # fmt: skip
    scored.sort(key=lambda e: (e["rank"] is None, e["rank"] or 0, -e["score_points"]))
    shared = [e["rank"] for e in scored if e["rank"] is not None]
    for entry in scored:
        entry["tied"] = entry["rank"] is not None and shared.count(entry["rank"]) > 1
    return scored


def ranking_rule(points_per_decade: float = POINTS_PER_DECADE) -> str:
    """The rule in words, in the reader's language, for every page and command that shows
    a board."""
    from frugalkit.i18n import gettext

    return gettext(
        "Score = 100 x accuracy - %(points)s x log10(Wh per 1,000 samples), in points (not an "
        "accuracy). Ranked only above chance (1/labels plus 1.96 standard errors); entries whose "
        "score ranges overlap share a rank; stars and the Pareto front only part entries whose "
        "energy bands do not overlap."
    ) % {"points": f"{points_per_decade * 100:g}"}

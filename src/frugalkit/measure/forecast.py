"""A training's whole cost said early (issue 25, item 6): after N of M epochs or steps, the
energy, emissions and time the whole run will take, with a band, as Carbontracker predicts
from its first epochs (Anthony, Kanding and Selvan, "Carbontracker", arXiv:2007.03051).

Each `Run.progress(done, total)` records the energy measured so far. The prediction is the
energy so far plus the mean energy per step of the intervals seen, times the steps left:
- the first interval is left out once there are three or more (it holds the warm-up: data
  loading, compilation, caches), and said so;
- the band is the lowest and the highest interval's rate, each widened by the meters' own
  band; with a single interval, only the meters' band (nothing measured of the spread), and
  the method says so.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Mark = tuple[float, float, float, float, float]  # done, elapsed s, IT kWh, low, high so far
MIN_INTERVALS_TO_DROP_WARMUP = 3  # our choice: the first of three or more is left out


def _ceiling_kwh() -> float:
    from frugalkit.impact.report import MAX_ENERGY_KWH

    return float(MAX_ENERGY_KWH)


def check(done: float, total: float, marks: list[Any]) -> None:
    """A progress mark that can be predicted from, or an InputError that says why."""
    from frugalkit.errors import InputError

    previous = marks[-1][0] if marks else 0.0
    if not (0 < done <= total) or total != total or total == float("inf"):
        raise InputError(f"progress needs 0 < done <= total, finite (got {done} of {total})")
    if done <= previous:
        raise InputError(f"progress must move forward: {done} after {previous}")


def mark(done: float, elapsed_s: float, parts: list[dict[str, Any]]) -> Mark:
    """A progress mark from the components measured since the run's start."""
    energy, low, high = (sum(c[k] for c in parts) for k in ("energy_kwh", "low_kwh", "high_kwh"))
    return (done, elapsed_s, energy, low, high)


def predict(
    marks: list[Mark],
    total: float,
    intensity_g_per_kwh: float,
    pue: float,
    unit: str,
) -> dict[str, Any]:
    """From the progress marks (done, elapsed s, IT kWh so far, low and high kWh so far),
    the whole run's predicted cost at `total` steps."""
    done, elapsed_s, so_far_kwh, so_far_low, so_far_high = marks[-1]
    intervals = [
        (b[0] - a[0], b[1] - a[1], b[2] - a[2], b[3] - a[3], b[4] - a[4])
        for a, b in zip([(0.0, 0.0, 0.0, 0.0, 0.0), *marks], marks, strict=False)
        if b[0] > a[0]
    ]
    warmup_left_out = len(intervals) >= MIN_INTERVALS_TO_DROP_WARMUP
    used = intervals[1:] if warmup_left_out else intervals
    steps = sum(i[0] for i in used)
    rate_kwh = sum(i[2] for i in used) / steps
    rate_s = sum(i[1] for i in used) / steps
    low_rate = min(i[3] / i[0] for i in used)
    high_rate = max(i[4] / i[0] for i in used)
    left = max(total - done, 0.0)
    it_kwh = so_far_kwh + rate_kwh * left
    low_kwh = so_far_low + low_rate * left
    high_kwh = so_far_high + high_rate * left
    if high_kwh * pue > _ceiling_kwh():
        from frugalkit.errors import InputError

        raise InputError(f"{total:g} {unit}s would take more energy than the world's "
                         "electricity of a year: check the total")  # fmt: skip
    how = (
        f"the energy so far plus the mean of {len(used)} interval(s) per {unit} times the "
        f"{unit}s left; band: the lowest and highest interval, each with the meters' band"
    )
    if warmup_left_out:
        how += "; the first interval (warm-up) left out"
    if len(used) == 1:
        how += "; a single interval: its spread is not measured, only the meters' band"
    return {
        "done": done,
        "total": total,
        "unit": unit,
        "it_kwh": it_kwh,
        "facility_kwh": it_kwh * pue,
        "low_kwh": low_kwh * pue,
        "high_kwh": high_kwh * pue,
        "ghg_g": it_kwh * pue * intensity_g_per_kwh,
        "duration_s": elapsed_s + rate_s * left,
        "made_after_s": elapsed_s,
        "method": how,
    }

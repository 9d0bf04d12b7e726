"""Whether a criterion holds a facility in a calendar year: the law's cut-off dates against
a commissioning day (or only its year), the years after commissioning a duty falls due,
a site's age for a label's relaxed first years.

A calendar year is held to a requirement in force on its last day (31 December): its
yearly average is what the EnEfG and Blue Angel test. A year in which a requirement came
into force mid-year is marked so, since part of its average predates the rule. Where a
facility gives only its commissioning year and a cut-off falls inside that year, the
answer is "undetermined", never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from frugalkit.datacenter.facility import window

APPLIES, NOT_APPLICABLE, NOT_YET_DUE, UNDETERMINED = (
    "applies",
    "not applicable",
    "not yet due",
    "undetermined",
)


@dataclass(frozen=True)
class Verdict:
    status: str
    note: str = ""


def _years_later(day: date, years: float) -> date:
    whole = int(years)
    try:
        moved = day.replace(year=day.year + whole)
    except ValueError:  # 29 February
        moved = day.replace(year=day.year + whole, day=28)
    return date.fromordinal(moved.toordinal() + round((years - whole) * 365.25))


def _tri(true_if: bool, false_if: bool) -> bool | None:
    return True if true_if else False if false_if else None


def _from(low: Any, high: Any, cut: Any) -> bool | None:
    """Whether a value known only to lie in [low, high] is at least `cut` (None: unknown)."""
    return _tri(low >= cut, high < cut)


def _below(low: Any, high: Any, cut: Any) -> bool | None:
    at_least = _from(low, high, cut)
    return None if at_least is None else not at_least


def holds(rule: Any, commissioned: Any, cooling_installed: Any, year: int) -> Verdict:
    """`rule` carries the optional bounds of a Criterion (dates already as dates)."""
    end = date(year, 12, 31)
    if rule.in_force_from is not None and rule.in_force_from > end:
        return Verdict(NOT_APPLICABLE)
    if rule.in_force_to is not None and rule.in_force_to < date(year, 1, 1):
        return Verdict(NOT_APPLICABLE)
    first, last = window(cooling_installed if rule.dated_by == "cooling_system" else commissioned)
    youngest, oldest = (end - last).days / 365.25, (end - first).days / 365.25
    checks: list[tuple[bool | None, str]] = []
    if rule.commissioned_before is not None:
        cut = rule.commissioned_before
        checks.append((_below(first, last, cut), f"commissioned before {cut}"))
    if rule.commissioned_from is not None:
        cut = rule.commissioned_from
        checks.append((_from(first, last, cut), f"commissioned from {cut}"))
    if rule.age_below_years is not None:
        limit = rule.age_below_years
        checks.append((_below(youngest, oldest, limit), f"under {limit:g} years old"))
    if rule.age_from_years is not None:
        limit = rule.age_from_years
        checks.append((_from(youngest, oldest, limit), f"{limit:g} years old or more"))
    if any(known is False for known, _ in checks):
        return Verdict(NOT_APPLICABLE)
    unknown = [what for known, what in checks if known is None]
    if unknown:
        return Verdict(
            UNDETERMINED,
            f"whether the site was {' and '.join(unknown)} needs its commissioning day",
        )
    if rule.due_after_years is not None:
        due_first = _years_later(first, rule.due_after_years)
        due_last = _years_later(last, rule.due_after_years)
        if due_first > end:
            return Verdict(NOT_YET_DUE, f"due {rule.due_after_years:g} years after commissioning")
        if due_last > end:
            return Verdict(UNDETERMINED, "when it falls due needs the commissioning day")
    if rule.in_force_from is not None and rule.in_force_from > date(year, 1, 1):
        return Verdict(APPLIES, f"in force from {rule.in_force_from}: part of {year} predates it")
    return Verdict(APPLIES)

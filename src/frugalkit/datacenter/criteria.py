"""Green-procurement criteria sets (Blue Angel, EnEfG, or the user's YAML) and the scoring
of facilities against them: pass or fail per criterion with the figure and the threshold,
weighted scores, and a ranked comparison.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frugalkit import safeyaml
from frugalkit.errors import InputError
from frugalkit.impact.gate import first_problem

DATA_DIR = Path(__file__).parent / "data" / "criteria"
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}
# What a criterion may test: the metered KPIs, and two facts a facility file declares.
KPIS = (
    *("pue", "wue", "ref", "erf", "cer", "cue", "itee_sv", "iteu_sv"),
    *("natural_refrigerants", "cpu_utilisation"),
)
# ASHRAE 34 designations of natural refrigerants: ammonia, CO2, hydrocarbons, water, air.
NATURAL_REFRIGERANTS = {"R-717", "R-744", "R-290", "R-600a", "R-1270", "R-718", "R-729"}


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(min_length=1, max_length=60)
    label: str = Field(min_length=1, max_length=300)
    kpi: str
    op: str
    threshold: float
    weight: float = Field(default=1.0, gt=0)
    commissioned_from: int | None = None
    commissioned_to: int | None = None
    assessed_from: int | None = None
    assessed_to: int | None = None

    def model_post_init(self, _context: Any) -> None:
        if self.kpi not in KPIS:
            raise ValueError(f"unknown KPI {self.kpi!r}; one of {', '.join(KPIS)}")
        if self.op not in OPERATORS:
            raise ValueError(f"op must be one of {', '.join(OPERATORS)} (got {self.op!r})")

    def applies(self, commissioned: int, year: int) -> bool:
        def inside(value: int, low: int | None, high: int | None) -> bool:
            return (low is None or value >= low) and (high is None or value <= high)

        return inside(commissioned, self.commissioned_from, self.commissioned_to) and inside(
            year, self.assessed_from, self.assessed_to
        )


class CriteriaSet(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    source: str = Field(min_length=3)
    url: str = ""
    criteria: list[Criterion] = Field(min_length=1)


def load(name_or_path: str) -> CriteriaSet:
    """A packaged set by id (blue-angel, enefg) or a YAML file of the same form."""
    path = DATA_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in DATA_DIR.glob("*.yaml")))
        raise InputError(f"no criteria set {name_or_path!r}: one of {known}, or a YAML file")
    document = safeyaml.load(path)
    try:
        return CriteriaSet.model_validate(document)
    except ValidationError as exc:
        raise InputError(f"{path.name}: {first_problem(exc)}") from None


def facts(facility: Any, year_kpis: dict[str, Any]) -> dict[str, float | None]:
    """The values a criterion can test, for one facility and year."""
    values = dict(year_kpis["kpis"])
    refrigerants = set(facility.refrigerants)
    values["natural_refrigerants"] = (
        float(refrigerants <= NATURAL_REFRIGERANTS) if refrigerants else None
    )
    values["cpu_utilisation"] = getattr(facility, "cpu_utilisation", None)
    return values


def score(
    criteria: CriteriaSet, name: str, commissioned: int, year: int, values: dict[str, float | None]
) -> dict[str, Any]:
    """Each applicable criterion passed, failed or not reported; the weighted score."""
    results: list[dict[str, Any]] = []
    for criterion in criteria.criteria:
        if not criterion.applies(commissioned, year):
            continue
        value = values.get(criterion.kpi)
        passed = None if value is None else OPERATORS[criterion.op](value, criterion.threshold)
        results.append(
            {
                "id": criterion.id,
                "label": criterion.label,
                "kpi": criterion.kpi,
                "value": value,
                "op": criterion.op,
                "threshold": criterion.threshold,
                "weight": criterion.weight,
                "result": "not reported" if passed is None else "pass" if passed else "fail",
            }
        )
    weights = sum(r["weight"] for r in results)
    earned = sum(r["weight"] for r in results if r["result"] == "pass")
    return {
        "facility": name,
        "criteria_set": criteria.id,
        "year": year,
        "results": results,
        "score": earned / weights if weights else None,
        "passed_all": all(r["result"] == "pass" for r in results),
    }


def rank(scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Best score first; ties by fewer failed criteria."""
    return sorted(
        scores,
        key=lambda s: (-(s["score"] or 0), sum(r["result"] != "pass" for r in s["results"])),
    )

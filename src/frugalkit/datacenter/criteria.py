"""Green-procurement criteria sets (Blue Angel, EnEfG, or the buyer's YAML) and the
scoring of facilities against them: each criterion passed, failed, exempt, not reported,
not yet due or undetermined, with the figure, the threshold and the provision; a verdict
per set. Both shipped schemes are pass/fail: a weighted score is computed only for a
buyer's own file that says `weighted: true` and gives every criterion a weight.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frugalkit import safeyaml
from frugalkit.datacenter.applicability import APPLIES, holds
from frugalkit.errors import InputError
from frugalkit.impact.gate import first_problem
from frugalkit.impact.kpis import PUE_CATEGORIES

DATA_DIR = Path(__file__).parent / "data" / "criteria"
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}
# What a criterion may test: the metered KPIs, and facts a facility file declares.
KPIS = (
    *("pue", "wue", "ref", "erf", "cer", "cue", "itee_sv", "iteu_sv"),
    *("pue_without_heat_upgrade", "unsubsidised_renewable_share", "erf_planned"),
    *("pue_category", "natural_refrigerants", "cpu_utilisation", "rated_connection_kw"),
)
# ASHRAE 34 designations of natural (halogen-free) refrigerants: ammonia, CO2,
# hydrocarbons, water, air.
NATURAL_REFRIGERANTS = {"R-717", "R-744", "R-290", "R-600a", "R-1270", "R-718", "R-729"}
# Blue Angel DE-UZ 228: the refrigerant rule covers cooling systems installed from
# 1 January 2013 with a capacity of 10 kW or more (REFERENCE.md, criteria 3.2.x).
REFRIGERANT_RULE_FROM, REFRIGERANT_RULE_MIN_KW = date(2013, 1, 1), 10.0


def _day(value: date | int | None, last: bool = False) -> date | None:
    """A bound as a day; a bare year is its first day (or its last, for an upper bound)."""
    if value is None or isinstance(value, date):
        return value
    return date(value, 12, 31) if last else date(value, 1, 1)


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(min_length=1, max_length=60)
    label: str = Field(min_length=1, max_length=300)
    provision: str = Field(default="", max_length=200)
    kpi: str
    op: str
    threshold: float
    weight: float | None = Field(default=None, gt=0)
    commissioned_before: date | None = None
    commissioned_from: date | int | None = None
    commissioned_to: int | None = Field(default=None, description="a year, the last included")
    in_force_from: date | int | None = None
    in_force_to: date | int | None = None
    assessed_from: int | None = Field(default=None, description="a year: in_force_from")
    assessed_to: int | None = Field(default=None, description="a year: in_force_to")
    due_after_years: float | None = Field(default=None, ge=0, le=10)
    age_below_years: float | None = Field(default=None, gt=0, le=50)
    age_from_years: float | None = Field(default=None, ge=0, le=50)
    dated_by: Literal["site", "cooling_system"] = "site"
    exempt_if: list[str] = Field(default_factory=list)

    def model_post_init(self, _context: Any) -> None:
        if self.kpi not in KPIS:
            raise ValueError(f"unknown KPI {self.kpi!r}; one of {', '.join(KPIS)}")
        if self.op not in OPERATORS:
            raise ValueError(f"op must be one of {', '.join(OPERATORS)} (got {self.op!r})")
        # the year forms of older files, as days
        self.commissioned_from = _day(self.commissioned_from)
        if self.commissioned_to is not None:
            self.commissioned_before = date(self.commissioned_to + 1, 1, 1)
        self.in_force_from = _day(
            self.in_force_from if self.assessed_from is None else self.assessed_from
        )
        self.in_force_to = _day(
            self.in_force_to if self.assessed_to is None else self.assessed_to, True
        )


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    kpi: str
    op: str
    threshold: float
    label: str


class CriteriaSet(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    version: str = Field(default="", max_length=300, description="the legal or published text")
    version_date: date | None = None
    status: Literal["in force", "draft", "label", "buyer"] = "buyer"
    source: str = Field(min_length=3)
    url: str = ""
    note: str = ""
    scope: Scope | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="where it binds")
    weighted: bool = False
    criteria: list[Criterion] = Field(min_length=1)

    def model_post_init(self, _context: Any) -> None:
        if self.weighted and any(c.weight is None for c in self.criteria):
            raise ValueError("weighted: true needs a weight on every criterion")
        if not self.weighted and any(c.weight is not None for c in self.criteria):
            raise ValueError("weights are given: say weighted: true to score with them")


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


def _halogen_free(facility: Any) -> float | None:
    """1 when every cooling system the Blue Angel rule covers runs on a natural
    refrigerant, 0 when one does not; from the plain refrigerant list where no cooling
    system is declared."""
    systems = list(getattr(facility, "cooling_systems", []) or [])
    if systems:
        covered = [
            s
            for s in systems
            if _day(s.installed, True) >= REFRIGERANT_RULE_FROM  # type: ignore[operator]
            and s.capacity_kw >= REFRIGERANT_RULE_MIN_KW
        ]
        if any(s.refrigerant is None for s in covered):
            return None
        return float(all(s.refrigerant in NATURAL_REFRIGERANTS for s in covered))
    refrigerants = set(facility.refrigerants)
    return float(refrigerants <= NATURAL_REFRIGERANTS) if refrigerants else None


def facts(facility: Any, year_kpis: dict[str, Any]) -> dict[str, float | None]:
    """The values a criterion can test, for one facility and year."""
    values = dict(year_kpis["kpis"])
    values["natural_refrigerants"] = _halogen_free(facility)
    values["cpu_utilisation"] = getattr(facility, "cpu_utilisation", None)
    values["pue_category"] = float(PUE_CATEGORIES[facility.it_metering])
    values["erf_planned"] = getattr(facility, "planned_erf", None)
    values["rated_connection_kw"] = getattr(facility, "rated_connection_kw", None)
    return values


def _newest_cooling(facility: Any) -> tuple[date | int, str]:
    """The newest cooling system's installation; the site's commissioning (said so) where
    the facility file declares no cooling system."""
    systems = list(getattr(facility, "cooling_systems", []) or [])
    if not systems:
        return facility.commissioned, "no cooling_systems declared: dated by the site"
    return max((s.installed for s in systems), key=lambda d: _day(d, True)), ""  # type: ignore[arg-type,return-value]


def _compare(criterion: Criterion | Scope, value: float | None) -> str:
    if value is None:
        return "not reported"
    return "pass" if OPERATORS[criterion.op](value, criterion.threshold) else "fail"


def score(
    criteria: CriteriaSet, facility: Any, year: int, values: dict[str, float | None]
) -> dict[str, Any]:
    """Each criterion that holds the facility in `year`, with its result; the set's
    verdict (pass only when every one passes); a score only for a weighted buyer's set."""
    results: list[dict[str, Any]] = []
    exemptions = set(getattr(facility, "exemptions", []) or [])
    cooling, cooling_note = _newest_cooling(facility)
    for criterion in criteria.criteria:
        verdict = holds(criterion, facility.commissioned, cooling, year)
        note = verdict.note
        if criterion.dated_by == "cooling_system" and cooling_note:
            note = "; ".join(n for n in (note, cooling_note) if n)
        if verdict.status == "not applicable":
            continue
        value = values.get(criterion.kpi)
        if verdict.status != APPLIES:
            result = verdict.status
        elif exemptions & set(criterion.exempt_if):
            result = "exempt"
        else:
            result = _compare(criterion, value)
        results.append(
            {
                "id": criterion.id,
                "label": criterion.label,
                "provision": criterion.provision,
                "kpi": criterion.kpi,
                "value": value,
                "op": criterion.op,
                "threshold": criterion.threshold,
                "weight": criterion.weight,
                "result": result,
                "note": note,
            }
        )
    scope = None
    if criteria.scope is not None:
        scope = {
            "label": criteria.scope.label,
            "result": _compare(criteria.scope, values.get(criteria.scope.kpi)),
        }
    held = [r for r in results if r["result"] != "not yet due"]
    failed = [r["id"] for r in held if r["result"] == "fail"]
    open_ = [r["id"] for r in held if r["result"] in ("not reported", "undetermined")]
    verdict_text = "fail" if failed else "incomplete" if open_ or not held else "pass"
    if scope is not None and scope["result"] == "fail":
        verdict_text = "out of scope"
    weighted = None
    if criteria.weighted and held:
        total = sum(r["weight"] for r in held)
        weighted = sum(r["weight"] for r in held if r["result"] in ("pass", "exempt")) / total
    binding = criteria.country is None or criteria.country == facility.country
    return {
        "facility": facility.name,
        "criteria_set": criteria.id,
        "binding": binding,
        "jurisdiction": None if binding else f"{criteria.country} law, applied as a benchmark",
        "year": year,
        "results": results,
        "verdict": verdict_text,
        "failed": failed,
        "open": open_,
        "scope": scope,
        "score": weighted,
        "passed_all": verdict_text == "pass",
    }


VERDICT_ORDER = {"pass": 0, "incomplete": 1, "fail": 2, "out of scope": 3}


def rank(scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Passing sites first, then incomplete, then failing; fewer failed then fewer open
    criteria first; a weighted score (buyer's sets only) breaks what remains."""
    return sorted(
        scores,
        key=lambda s: (
            VERDICT_ORDER[s["verdict"]],
            len(s["failed"]),
            len(s["open"]),
            -(s["score"] or 0),
        ),
    )


def summary(chosen: CriteriaSet) -> dict[str, Any]:
    """What a page, the PDF and `datacenter criteria` say of a set."""
    return {
        "id": chosen.id,
        "title": chosen.title,
        "version": chosen.version,
        "version_date": chosen.version_date.isoformat() if chosen.version_date else None,
        "status": chosen.status,
        "source": chosen.source,
        "url": chosen.url,
        "note": chosen.note,
        "weighted": chosen.weighted,
        "weights": {c.id: c.weight for c in chosen.criteria} if chosen.weighted else {},
    }


@cache
def shipped() -> tuple[CriteriaSet, ...]:
    """The packaged sets, read once a process (every datacenter page lists them)."""
    return tuple(load(p.stem) for p in sorted(DATA_DIR.glob("*.yaml")))

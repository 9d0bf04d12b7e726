"""The procurement rules against their sources (issue 22).

- EnEfG section 11 as in force (gesetze-im-internet.de/enefg/__11.html; REFERENCE.md):
  (1) sites in operation before 1 July 2026: PUE <= 1.5 from 1 July 2027, <= 1.3 from
  1 July 2030; (2) sites from 1 July 2026: PUE <= 1.2 and ERF >= 10 % at the latest two
  years after commissioning, planned ERF 15 % (from 1 July 2027) and 20 % (from 1 July
  2028), heat-upgrading plant left out of PUE; (3) exemptions; (5) unsubsidised renewable
  electricity, 50 % from 2024, 100 % from 2027; scope section 3 no. 24, 300 kW.
- The ministry draft of 9 April 2026 (Taylor Wessing, 29 April 2026): 1.6 / 1.4 / 1.3.
- Blue Angel DE-UZ 228, criteria 3.2.x (be-rechenzentren.de; REFERENCE.md): PUE by
  commissioning 1.25 / 1.30 / 1.50 / 1.60, first year PUE <= 1.50; CER > 9 for cooling
  systems from 2024, > 5 in their first year, > 6.5 in their second; halogen-free
  refrigerants in systems from 1 January 2013, under 10 kW exempt; pass/fail.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from frugalkit.datacenter import criteria
from frugalkit.datacenter.facility import Facility
from frugalkit.errors import InputError

ENEFG, DRAFT, BLUE_ANGEL = (
    criteria.load(n) for n in ("enefg", "enefg-draft-2026-04", "blue-angel")
)
GOOD = {
    "pue": 1.1,
    "pue_without_heat_upgrade": 1.1,
    "erf": 0.12,
    "erf_planned": 0.25,
    "ref": 1.0,
    "unsubsidised_renewable_share": 1.0,
    "cer": 12.0,
    "rated_connection_kw": 2000.0,
}


def _site(**changes: Any) -> Facility:
    raw: dict[str, Any] = {
        "name": "Rule Hall",
        "country": "DEU",
        "commissioned": date(2020, 5, 1),
        "it_metering": "pdu_output",
        "installed_it_kw": 1000,
        "meters": [
            {"id": "g", "role": "grid", "unit": "kWh"},
            {"id": "i", "role": "it", "unit": "kWh"},
        ],
        **changes,
    }
    return Facility.model_validate(raw)


def _results(
    chosen: criteria.CriteriaSet, site: Facility, year: int, **facts: Any
) -> dict[str, Any]:
    scored = criteria.score(chosen, site, year, {**GOOD, **facts})
    return {r["id"]: r for r in scored["results"]} | {"_": scored}


def test_a_site_commissioned_in_march_2026_is_existing_in_law() -> None:
    """§ 11(1): "before 1 July 2026"; the old file made any 2026 site "new" (PUE 1.2)."""
    march = _results(ENEFG, _site(commissioned=date(2026, 3, 15)), 2027, pue=1.45)
    assert "pue-new" not in march
    assert march["pue-existing-2027"]["result"] == "pass"
    assert "in force from 2027-07-01" in march["pue-existing-2027"]["note"]
    july = _results(
        ENEFG, _site(commissioned=date(2026, 7, 1)), 2027, pue_without_heat_upgrade=1.45
    )
    assert "pue-existing-2027" not in july


def test_a_new_sites_pue_and_reuse_fall_due_two_years_after_commissioning() -> None:
    """§ 11(2) sentence 2: "spätestens zwei Jahre nach Inbetriebnahme"."""
    site = _site(commissioned=date(2026, 9, 1))
    first = _results(ENEFG, site, 2027, pue_without_heat_upgrade=1.4, erf=0.0)
    assert first["pue-new"]["result"] == first["erf-new"]["result"] == "not yet due"
    assert first["_"]["verdict"] == "pass"  # what is not yet due is not failed
    due = _results(ENEFG, site, 2028, pue_without_heat_upgrade=1.4, erf=0.0)
    assert due["pue-new"]["result"] == due["erf-new"]["result"] == "fail"


def test_a_commissioning_year_alone_is_undetermined_where_a_cut_off_falls_in_it() -> None:
    result = _results(ENEFG, _site(commissioned=2026), 2031)
    assert result["pue-existing-2030"]["result"] == "undetermined"
    assert "commissioning day" in result["pue-existing-2030"]["note"]
    assert result["_"]["verdict"] == "incomplete"
    assert "pue-existing-2030" not in _results(ENEFG, _site(commissioned=2027), 2031)


def test_the_15_and_20_percent_are_planned_shares_and_exemptions_lift_them() -> None:
    """§ 11(2) no. 2: "geplanten Anteil"; § 11(3): exemptions the operator proves."""
    site = _site(commissioned=date(2028, 8, 1), planned_erf=0.18)
    planned = criteria.facts(site, {"kpis": {"erf": 0.3}})["erf_planned"]
    assert planned == 0.18  # from the facility file's planned_erf, not the meters
    result = _results(ENEFG, site, 2031, erf=0.3, erf_planned=planned)  # measured 30 %
    assert result["erf-planned-2028"]["kpi"] == "erf_planned"
    assert result["erf-planned-2028"]["result"] == "fail"
    exempt = _results(
        ENEFG, _site(commissioned=date(2028, 8, 1), exemptions=["enefg-11-3-2"]), 2031
    )
    assert exempt["erf-planned-2028"]["result"] == exempt["erf-new"]["result"] == "exempt"


def test_the_renewable_duty_counts_unsubsidised_renewables_only() -> None:
    result = _results(ENEFG, _site(), 2027, ref=1.0, unsubsidised_renewable_share=0.6)
    assert result["renewable-2027"]["result"] == "fail"
    assert result["renewable-2027"]["provision"] == "§ 11(5)"


def test_scope_is_300_kw_of_non_redundant_rated_connection() -> None:
    """§ 3 no. 24."""
    small = criteria.score(
        ENEFG, _site(rated_connection_kw=250), 2027, {**GOOD, "rated_connection_kw": 250}
    )
    assert small["verdict"] == "out of scope"
    abroad = criteria.score(ENEFG, _site(country="FRA"), 2027, GOOD)
    assert not abroad["binding"] and "benchmark" in abroad["jurisdiction"]


def test_the_draft_of_april_2026_is_a_version_a_user_chooses() -> None:
    thresholds = {c.id: c.threshold for c in DRAFT.criteria}
    assert thresholds["pue-existing-2027"] == 1.6 and thresholds["pue-existing-2030"] == 1.4
    assert thresholds["pue-new"] == 1.3
    assert DRAFT.status == "draft" and DRAFT.version_date == date(2026, 4, 9)
    assert ENEFG.status == "in force" and "BGBl. 2023 I Nr. 309" in ENEFG.version
    in_force = {c.id: c.threshold for c in ENEFG.criteria}
    assert (in_force["pue-existing-2027"], in_force["pue-existing-2030"], in_force["pue-new"]) == (
        1.5,
        1.3,
        1.2,
    )


def test_blue_angel_relaxes_the_first_years_and_dates_cer_by_the_cooling_system() -> None:
    site = _site(
        commissioned=date(2019, 3, 1),
        cooling_systems=[
            {"installed": date(2024, 9, 1), "capacity_kw": 800, "refrigerant": "R-744"}
        ],
    )
    one = _results(BLUE_ANGEL, site, 2024, cer=6.0)
    assert one["cer-first-year"]["result"] == "pass" and "cer" not in one  # > 5 in its first year
    two = _results(BLUE_ANGEL, site, 2025, cer=6.0)
    assert two["cer-second-year"]["result"] == "fail"  # > 6.5 in its second
    assert _results(BLUE_ANGEL, site, 2026, cer=9.5)["cer"]["result"] == "pass"
    young = _results(
        BLUE_ANGEL, _site(commissioned=date(2025, 6, 1)), 2025, pue_without_heat_upgrade=1.45
    )
    assert young["pue-first-year"]["result"] == "pass" and "pue-2024" not in young
    assert (
        _results(BLUE_ANGEL, _site(commissioned=date(2019, 6, 1)), 2025)["pue-2019"]["threshold"]
        == 1.30
    )


@pytest.mark.parametrize(
    ("installed", "capacity_kw", "expected"),
    [
        (date(2012, 6, 1), 500, "pass"),
        (date(2015, 6, 1), 8, "pass"),
        (date(2015, 6, 1), 50, "fail"),
    ],
)
def test_the_refrigerant_rule_covers_systems_from_2013_of_10_kw_or_more(
    installed: date, capacity_kw: float, expected: str
) -> None:
    system = {"installed": installed, "capacity_kw": capacity_kw, "refrigerant": "R-134a"}
    site = _site(cooling_systems=[system])
    result = _results(
        BLUE_ANGEL,
        site,
        2025,
        **{"natural_refrigerants": criteria.facts(site, {"kpis": {}})["natural_refrigerants"]},
    )
    assert result["refrigerants"]["result"] == expected


def test_the_shipped_schemes_are_pass_fail_and_only_a_buyers_weighted_set_scores(
    tmp_path: Path,
) -> None:
    for chosen in (ENEFG, DRAFT, BLUE_ANGEL):
        assert criteria.score(chosen, _site(), 2025, GOOD)["score"] is None
    raw = {
        "id": "buyer",
        "title": "Our tender",
        "source": "our call for tenders",
        "weighted": True,
        "criteria": [
            {"id": "pue", "label": "PUE", "kpi": "pue", "op": "<=", "threshold": 1.3, "weight": 3},
            {"id": "ref", "label": "REF", "kpi": "ref", "op": ">=", "threshold": 0.9, "weight": 1},
        ],
    }
    path = tmp_path / "buyer.yaml"
    path.write_text(yaml.safe_dump(raw))
    scored = criteria.score(criteria.load(str(path)), _site(), 2025, {**GOOD, "ref": 0.5})
    assert scored["score"] == pytest.approx(0.75) and scored["verdict"] == "fail"
    assert criteria.summary(criteria.load(str(path)))["weights"] == {"pue": 3, "ref": 1}
    raw["weighted"] = False
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(InputError, match="weighted: true"):
        criteria.load(str(path))


def test_the_cli_lists_each_set_with_its_version_and_date(cli: Any) -> None:
    shown = cli("datacenter", "criteria")
    assert shown.exit_code == 0
    for expected in ("enefg-draft-2026-04", "2026-04-09", "BGBl. 2023 I Nr. 309", "DE-UZ 228"):
        assert expected in shown.stdout
